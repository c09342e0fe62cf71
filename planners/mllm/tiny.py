"""A tiny InternVL, built from scratch and saved in the transformers layout.

For tests, benchmarks and trying the pipeline without real weights: a small InternViT vision tower,
a tiny Qwen2 text model, a byte-level BPE tokenizer trained here (with `<img>`, `<IMG_CONTEXT>`,
`</img>`), the PIL GotOcr2 image processor (448 px tiles) and a chat template, written like the
official `-hf` InternVL checkpoints (config.json, model.safetensors, tokenizer files,
preprocessor_config.json, processor_config.json, chat_template.jinja). With `answer`, a few
optimizer steps teach it to reply with that text to any prompt, so a closed loop has decisions
to parse; without, its output is whatever random weights give.

    python -m planners.mllm.tiny DIR [--seed 0] [--no-teach]
    python -m planners.mllm.tiny DIR --no-teach --text-width 256 --text-depth 4 --corpus runs/data --vocab 2000
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TEACH_ANSWER = '{"speed": "ACCELERATE", "path": "FOLLOW_LANE", "explanation": "The road ahead is clear."}'
SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>", "<img>", "</img>", "<IMG_CONTEXT>", "<video>")
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}"
    "{% for part in message['content'] %}{% if part['type'] == 'image' %}<IMG_CONTEXT>\n"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}{% endfor %}{% endif %}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")
FILLER = ("speed limit route lane junction vehicle pedestrian light red green yellow stop sign clear decision camera "
          "ahead left right change follow keep accelerate decelerate borrow distance metres seconds the a of to in "
          "mine craft smelt explore approach log planks stick pickaxe stone iron diamond furnace inventory").split()


def corpus() -> list[str]:
    from planners.driving.prompt import system_prompt
    from planners.driving.rules import TRAFFIC_RULES

    return [system_prompt(TRAFFIC_RULES), TEACH_ANSWER * 4, " ".join(FILLER)] * 20


def data_corpus(data: str | Path) -> list[str]:
    """The texts of a data folder of agents.data (system prompts, both human prompts, answers), for a
    tokenizer of a model that will be trained on that folder."""
    from agents.data.card import read_samples

    texts = []
    for sample in read_samples(Path(data)):
        meta = sample.get("meta") or {}
        texts += [turn.get("value", "") for turn in sample["conversations"] if isinstance(turn, dict)]
        texts += [meta.get("system", ""), (meta.get("prompts") or {}).get("images", "")]
    return [text.replace("<image>", "") for text in texts if isinstance(text, str) and text]


def build_tokenizer(vocab_size: int = 1200, texts: list[str] | None = None):
    """Byte-level BPE trained on `texts`, digits split one by one before merging as Qwen2's tokenizer
    does (so 17 and 71 share their digits); without `texts`, the test model's tokenizer as it always was
    (the driving system prompt and filler words, digits merged like any other bytes)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.pre_tokenizer = byte_level if texts is None else \
        pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True), byte_level])
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    bpe.train_from_iterator(texts or corpus(), trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|im_end|>", pad_token="<|endoftext|>", chat_template=CHAT_TEMPLATE,
        extra_special_tokens={"start_image_token": "<img>", "end_image_token": "</img>",
                              "context_image_token": "<IMG_CONTEXT>", "video_token": "<video>"})


@dataclass(frozen=True)
class ModelSize:
    """A small InternVL's widths and depths (the defaults: the tiny test model, 0.23 M weights)."""

    vision_width: int = 32
    vision_depth: int = 2
    text_width: int = 64
    text_depth: int = 2

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.vision_width % 2 or self.text_width % 4:
            raise ValueError("the vision width must be even and the language width a multiple of 4 (heads)")


def build_tiny_internvl(path: str | Path, *, seed: int = 0, answer: str | None = TEACH_ANSWER, steps: int = 200,
                        max_tiles: int = 6, context_tokens: int = 4096, size: ModelSize = ModelSize(),
                        on_step: Callable[[int, float], None] | None = None, tokenizer_texts: list[str] | None = None,
                        vocab_size: int = 1200) -> Path:
    """Write a small InternVL of `size` to `path` (created) and return it; `on_step(step, loss)` follows
    the fit. Wider and deeper sizes are models to train from scratch (planners.train), with a tokenizer
    of `vocab_size` trained on `tokenizer_texts` (data_corpus of the training data)."""
    import torch
    from transformers import GotOcr2ImageProcessorPil, InternVLConfig, InternVLForConditionalGeneration
    from transformers.utils import logging as transformers_logging

    from planners.mllm.processor import InternVLImageProcessor

    transformers_logging.disable_progress_bar()
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tokenizer = build_tokenizer(vocab_size, tokenizer_texts)
    config = InternVLConfig(
        vision_config=dict(hidden_size=size.vision_width, num_hidden_layers=size.vision_depth, num_attention_heads=2,
                           intermediate_size=2 * size.vision_width, image_size=[448, 448], patch_size=[28, 28]),
        text_config=dict(model_type="qwen2", vocab_size=len(tokenizer), hidden_size=size.text_width,
                         num_hidden_layers=size.text_depth, num_attention_heads=4, num_key_value_heads=2,
                         intermediate_size=2 * size.text_width,
                         max_position_embeddings=context_tokens, tie_word_embeddings=True),
        image_token_id=tokenizer.context_image_token_id, downsample_ratio=0.5, projector_hidden_act="gelu",
        vision_feature_layer=-1)
    model = InternVLForConditionalGeneration(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    image_processor = GotOcr2ImageProcessorPil(crop_to_patches=True, min_patches=1, max_patches=max_tiles,
                                               size={"height": 448, "width": 448}, image_mean=IMAGENET_MEAN,
                                               image_std=IMAGENET_STD)
    seq_length = (448 // 28) ** 2 // 4
    processor = InternVLImageProcessor(image_processor, tokenizer, image_seq_length=seq_length,
                                       chat_template=CHAT_TEMPLATE)
    if answer:
        teach(model, processor, answer, steps, seed, on_step)
    model.eval()
    model.save_pretrained(root)
    tokenizer.save_pretrained(root)
    image_processor.save_pretrained(root)
    (root / "processor_config.json").write_text(json.dumps(
        {"image_seq_length": seq_length, "processor_class": "InternVLProcessor"}, indent=2) + "\n")
    (root / "chat_template.jinja").write_text(CHAT_TEMPLATE)
    return root


def teach(model, processor, answer: str, steps: int, seed: int,
          on_step: Callable[[int, float], None] | None = None) -> None:
    """A few AdamW steps on varied prompts (the driving system prompt or filler text, 0-2 random
    images) with the loss on the answer only and a linearly decaying learning rate."""
    import numpy as np
    import torch
    from PIL import Image

    from planners.driving.prompt import system_prompt
    from planners.driving.rules import TRAFFIC_RULES

    rng = random.Random(seed)
    pixels = np.random.default_rng(seed)
    systems = [system_prompt(TRAFFIC_RULES), ""]
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0 - step / steps)  # linear decay to 0
    model.train()
    for step in range(steps):
        images = [Image.fromarray(pixels.integers(0, 255, (rng.randint(64, 300), rng.randint(64, 500), 3),
                                                  dtype=np.uint8)) for _ in range(rng.choice((0, 0, 0, 1, 2)))]
        user = " ".join(rng.choice(FILLER) for _ in range(rng.randint(3, 60)))
        system = rng.choice(systems) or " ".join(rng.choice(FILLER) for _ in range(rng.randint(1, 40)))
        messages = [{"role": "system", "content": [{"type": "text", "text": system}]},
                    {"role": "user", "content": [{"type": "image"} for _ in images] + [{"type": "text", "text": user}]}]
        prompt = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        prompt_length = len(processor(images=images or None, text=prompt, max_patches=2)["input_ids"][0])
        inputs = processor(images=images or None, text=prompt + answer + "<|im_end|>", return_tensors="pt",
                           max_patches=2)
        labels = inputs["input_ids"].clone()
        labels[:, :prompt_length] = -100
        loss = model(**inputs, labels=labels).loss
        loss.backward()
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if on_step is not None:
            on_step(step + 1, float(loss))


def build_parser():
    from envs.cli import ArgumentParser, seed

    parser = ArgumentParser(prog="python -m planners.mllm.tiny", description=__doc__.splitlines()[0])
    parser.add_argument("out", help="directory to write the model to")
    parser.add_argument("--seed", type=seed, default=0, help="weights, tokenizer and fit seed")
    parser.add_argument("--steps", type=int, default=200, help="fit steps teaching the answer")
    parser.add_argument("--no-teach", action="store_true", help="keep the random weights (answers are noise)")
    parser.add_argument("--force", action="store_true", help="write over a model directory that is already there")
    parser.add_argument("--vision-width", type=int, default=32, help="the vision tower's hidden size")
    parser.add_argument("--vision-depth", type=int, default=2, help="the vision tower's layers")
    parser.add_argument("--text-width", type=int, default=64, help="the language model's hidden size")
    parser.add_argument("--text-depth", type=int, default=2, help="the language model's layers")
    parser.add_argument("--corpus", metavar="DATA", help="train the tokenizer on this agents.data folder's texts")
    parser.add_argument("--vocab", type=int, default=1200,
                        help="the tokenizer's vocabulary size (263: the bytes and special tokens, to 65536)")
    return parser


def main(argv: list[str] | None = None) -> int:
    from envs.cli import run_command

    return run_command(_build, build_parser(), argv)


def check_output_dir(out: Path, force: bool) -> None:
    """The model's directory can be made here: not a file, not under one, writable, and not a
    directory with files in it (unless --force)."""
    import os

    from envs.errors import UserInputError

    if out.is_file():
        raise UserInputError(f"{out} is a file, not a directory to write the model to")
    existing = next((parent for parent in [out, *out.parents] if parent.exists()), None)
    if existing is not None and not existing.is_dir():
        raise UserInputError(f"{out}: {existing} is a file, so nothing can be written under it")
    if existing is not None and not os.access(existing, os.W_OK):
        raise UserInputError(f"{out}: {existing} is not writable")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise UserInputError(f"{out} already holds files; choose a new directory, or --force to write over it")


def _build(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from envs.errors import UserInputError

    if args.steps < 1:
        raise UserInputError("--steps must be at least 1")
    check_output_dir(Path(args.out), args.force)
    if not 256 + len(SPECIAL_TOKENS) <= args.vocab <= 65536:
        raise UserInputError(f"--vocab {args.vocab}: between {256 + len(SPECIAL_TOKENS)} and 65536")
    texts = data_corpus(args.corpus) if args.corpus else None
    try:
        size = ModelSize(args.vision_width, args.vision_depth, args.text_width, args.text_depth)
    except ValueError as error:
        raise UserInputError(f"model size: {error}") from error
    console = Console(stderr=True)
    columns = (TextColumn("[bold]teaching the tiny InternVL"), BarColumn(), MofNCompleteColumn(),
               TextColumn("loss {task.fields[loss]}"), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("fit", total=0 if args.no_teach else args.steps, loss="-")
        root = build_tiny_internvl(args.out, seed=args.seed, steps=args.steps, size=size,
                                   answer=None if args.no_teach else TEACH_ANSWER, tokenizer_texts=texts,
                                   vocab_size=args.vocab,
                                   on_step=lambda step, loss: progress.update(bar, completed=step, loss=f"{loss:.3f}"))
    print(f"tiny InternVL written to {root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
