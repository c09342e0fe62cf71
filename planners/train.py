"""Fine-tune an InternVL model (transformers layout) on the data engine's samples.

    python -m planners.train --data runs/data --model runs/tiny --out runs/trained [--lora 8] [--freeze-vision]
        [--epochs 3] [--batch 4] [--lr 1e-4] [--device auto] [--inputs images|images+scene]

The model is InternVLForConditionalGeneration from a local directory, full or LoRA (peft) on the
language model's attention; each sample is the planner's chat (the system prompt, the human turn
with its images, the expert's answer) through the model's own chat template, with the loss on the
answer tokens only; bf16 on a GPU, fp32 on a CPU. A validation split (by sample id) is scored
every epoch. The model is written to --out in the same layout after every epoch (LoRA merged in),
so `--planner mllm --model OUT` loads it; out/last/ holds the weights, optimizer and position of
the latest step saved (every --save-every steps and at each epoch's end), and the same command
resumes from there after a kill.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from envs.cli import ArgumentParser, count, positive_seconds, run_command, seed

END_OF_TURN = "<|im_end|>"
MODEL_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "preprocessor_config.json",
               "processor_config.json", "chat_template.jinja", "chat_template.json", "special_tokens_map.json",
               "generation_config.json")
LORA_TARGETS = r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj)$"


@dataclass(frozen=True)
class TrainSettings:
    data: str
    model: str
    lora: int
    freeze_vision: bool
    epochs: int
    batch: int
    lr: float
    inputs: str
    validation: float
    seed: int
    max_tiles: int


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m planners.train", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="a data folder of agents.data (shards/*.jsonl and images)")
    parser.add_argument("--model", required=True, help="the InternVL directory to start from (transformers layout)")
    parser.add_argument("--out", required=True, help="where the trained model (and out/last/, to resume) go")
    parser.add_argument("--lora", type=count(4096), default=0, metavar="R",
                        help="LoRA rank on the language model's attention (0: full fine-tuning)")
    parser.add_argument("--freeze-vision", action="store_true", help="keep the vision tower's weights as they are")
    parser.add_argument("--epochs", type=count(10_000, 1), default=3, help="passes over the training split")
    parser.add_argument("--batch", type=count(4096, 1), default=4, help="samples per optimizer step")
    parser.add_argument("--lr", type=positive_seconds, default=1e-4,
                        help="AdamW peak learning rate (3 %% warm-up, then linear decay)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N (bf16 on a GPU)")
    parser.add_argument("--inputs", choices=("images", "images+scene"), default="images+scene",
                        help="train on the prompt with the scene description, or on images, speed and route only")
    parser.add_argument("--validation", type=float, default=0.1, help="share of samples held out (by id)")
    parser.add_argument("--max-tiles", type=count(40, 1), default=1, help="tiles per image at most")
    parser.add_argument("--save-every", type=count(10**9, 1), default=50, help="steps between resumable saves")
    parser.add_argument("--seed", type=seed, default=0, help="shuffling and LoRA initialisation seed")
    return parser


def encode(sample, processor, max_tiles: int, device, dtype) -> dict:
    """input_ids, labels (-100 on everything but the answer and its end of turn) and pixel_values.
    The images are processed once: the answer starts after the last assistant header of the chat."""
    images = sample.load_images()
    prompt = processor.apply_chat_template(sample.messages(), add_generation_prompt=True, tokenize=False)
    encoded = processor(images=images or None, text=prompt + sample.answer + END_OF_TURN, return_tensors="pt",
                        max_patches=max_tiles)
    ids = encoded["input_ids"][0]
    prompt_length = _answer_start(ids, _assistant_header(processor, sample.messages(), prompt))
    if prompt_length is None:  # a template without a recognisable header: tokenize the prompt alone
        prompt_length = len(processor(images=images or None, text=prompt, max_patches=max_tiles)["input_ids"][0])
    labels = ids.clone()
    labels[:prompt_length] = -100
    pixels = encoded.get("pixel_values") if images else None
    return {"ids": ids, "labels": labels, "pixels": None if pixels is None else pixels.to(device, dtype)}


def _assistant_header(processor, messages: list[dict], prompt: str) -> list[int]:
    """The token ids the chat template adds to open the assistant's turn ("<|im_start|>assistant\n")."""
    plain = processor.apply_chat_template(messages, add_generation_prompt=False, tokenize=False)
    if not prompt.startswith(plain) or len(prompt) == len(plain):
        return []
    return processor.tokenizer(prompt[len(plain):], add_special_tokens=False)["input_ids"]


def _answer_start(ids, header: list[int]) -> int | None:
    """Where the answer begins: just after the header's last occurrence in ids."""
    width = len(header)
    if not width:
        return None
    row = ids.tolist()
    for start in range(len(row) - width, -1, -1):
        if row[start:start + width] == header:
            return start + width
    return None


SHARED_PREFIX_MIN = 32  # a common prefix shorter than this is not worth a forward pass of its own


def shared_prefix(encoded: list[dict], image_token_id: int | None) -> int:
    """How many leading tokens every row of the batch has in common (the system prompt and the start
    of the user turn), stopping before the first image placeholder: placeholders share an id but not
    the features that replace them."""
    import torch

    if len(encoded) < 2:
        return 0
    width = min(len(e["ids"]) for e in encoded)
    rows = torch.stack([e["ids"][:width] for e in encoded])
    same = (rows == rows[:1]).all(dim=0)
    prompt = min(int((e["labels"] == -100).sum()) for e in encoded)
    length = int(same.long().cumprod(0).sum())
    images = (rows[0, :length] == image_token_id).nonzero()
    if len(images):
        length = int(images[0, 0])
    return min(length, prompt - 1)


def batch_loss(model, encoded: list[dict], pad_id: int, device):
    """The mean cross-entropy over the batch's answer tokens.

    The prefix every row shares (the system prompt, about half of a driving sample's tokens) goes
    through the model once and its keys and values are repeated for the rows; the rest of each row
    follows, padded on the left of that rest so every answer ends at the right edge, with explicit
    positions so each token has the position it has alone. Logits are computed for the answer
    positions only. The loss equals the model's own loss over each sample alone."""
    import torch
    from transformers import DynamicCache

    prefix = shared_prefix(encoded, model.config.image_token_id)
    if prefix < SHARED_PREFIX_MIN:
        prefix = 0
    rests = [len(e["ids"]) - prefix for e in encoded]
    width = max(rests)
    answer = max(int((e["labels"] != -100).sum()) for e in encoded)
    ids = torch.full((len(encoded), width), pad_id, dtype=torch.long)
    labels = torch.full((len(encoded), width), -100, dtype=torch.long)
    attention = torch.zeros((len(encoded), prefix + width), dtype=torch.long)
    positions = torch.full((len(encoded), width), prefix, dtype=torch.long)
    attention[:, :prefix] = 1
    for row, (e, rest) in enumerate(zip(encoded, rests)):
        start = width - rest
        ids[row, start:], labels[row, start:] = e["ids"][prefix:], e["labels"][prefix:]
        attention[row, prefix + start:] = 1
        positions[row, start:] = torch.arange(prefix, prefix + rest)
    inputs = {"input_ids": ids.to(device), "attention_mask": attention.to(device), "position_ids": positions.to(device)}
    pixels = [e["pixels"] for e in encoded if e["pixels"] is not None]
    if pixels:
        inputs["pixel_values"] = torch.cat(pixels)
    if prefix:
        cache = DynamicCache()
        model(input_ids=encoded[0]["ids"][None, :prefix].to(device), cache=cache, use_cache=True, logits_to_keep=1)
        cache.batch_repeat_interleave(len(encoded))
        inputs.update(cache=cache, use_cache=True)
    logits = model(**inputs, logits_to_keep=answer + 1).logits  # the last answer + 1 positions
    targets = labels[:, width - answer:].to(device)  # what each kept position but the last predicts
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(),
                                             targets.reshape(-1), ignore_index=-100)


def warmup_then_decay(total: int, warmup_share: float = 0.03):
    """The learning rate's factor at each step: up linearly over the first 3 % of the steps, then down
    linearly to 0 at the last (a model trained from scratch needs the warm-up; a fine-tune does no worse)."""
    warmup = max(1, int(total * warmup_share))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))
    return factor


def run(args: argparse.Namespace) -> int:
    from envs.errors import UserInputError
    from envs.paths import check_output_dir
    from planners.mllm.model_dir import inspect_model_dir
    from planners.sft_data import read_sft_samples, split

    if not 0.0 <= args.validation < 1.0:
        raise UserInputError(f"--validation {args.validation}: a share in [0, 1)")
    directory = inspect_model_dir(args.model)  # another architecture, missing files: one line
    samples = read_sft_samples(args.data, args.inputs)
    training, held = split(samples, args.validation)
    if not training:
        raise UserInputError(f"--data {args.data}: no samples left to train on after the validation split")
    out = check_output_dir(args.out, "--out")
    settings = TrainSettings(str(Path(args.data).resolve()), str(directory.path.resolve()), args.lora,
                             args.freeze_vision, args.epochs, args.batch, args.lr, args.inputs, args.validation,
                             args.seed, args.max_tiles)
    hidden = int(directory.config.get("text_config", {}).get("hidden_size", 0) or 0)
    if args.lora and hidden and args.lora > hidden:
        raise UserInputError(f"--lora {args.lora}: above the language model's width ({hidden}); a rank of "
                             f"{max(1, hidden // 8)} or so is usual")
    return train(settings, directory, training, held, out, args.device, args.save_every)


def train(settings: TrainSettings, directory, training: list, held: list, out: Path, device_name: str,
          save_every: int) -> int:
    import torch
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from transformers import InternVLForConditionalGeneration
    from transformers.utils import logging as transformers_logging

    from envs.errors import UserInputError
    from planners.mllm.chat_model import pick_device
    from planners.mllm.processor import load_processor

    transformers_logging.disable_progress_bar()
    console = Console(stderr=True)
    device = pick_device(device_name)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    torch.manual_seed(settings.seed)
    processor = load_processor(directory)
    tokenizer = processor.tokenizer
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    model = InternVLForConditionalGeneration.from_pretrained(directory.path, local_files_only=True, dtype=dtype)
    if settings.freeze_vision:
        for parameter in model.model.vision_tower.parameters():
            parameter.requires_grad_(False)
    if settings.lora:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(r=settings.lora, lora_alpha=2 * settings.lora, lora_dropout=0.0,
                                                 target_modules=LORA_TARGETS))
    model.to(device)
    trainable = [p for p in model.parameters() if p.requires_grad]
    if not trainable:
        raise UserInputError("nothing to train: every weight is frozen")
    optimizer = torch.optim.AdamW(trainable, lr=settings.lr)
    steps_per_epoch = (len(training) + settings.batch - 1) // settings.batch
    total = steps_per_epoch * settings.epochs
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, warmup_then_decay(total))
    state = {"epoch": 0, "step": 0, "global_step": 0, "log": []}
    last = out / "last"
    if (last / "state.json").is_file():
        saved = json.loads((last / "state.json").read_text())
        if saved.get("settings") != asdict(settings):
            raise UserInputError(f"{out} holds a training run with other settings; use another --out or remove it")
        checkpoint = torch.load(last / "weights.pt", map_location=device, weights_only=True)
        model.load_state_dict(checkpoint["model"], strict=False)
        optimizer.load_state_dict(checkpoint["optimizer"])
        schedule.load_state_dict(checkpoint["schedule"])
        state = {k: saved[k] for k in ("epoch", "step", "global_step", "log")}
        console.print(f"resumed from epoch {state['epoch'] + 1}, step {state['step']} of {steps_per_epoch}")
    trainable_count = sum(p.numel() for p in trainable)
    console.print(f"{len(training)} training and {len(held)} validation samples; {trainable_count:,} of "
                  f"{sum(p.numel() for p in model.parameters()):,} weights trained on {device} ({dtype})")
    columns = (TextColumn("[bold]epoch {task.fields[epoch]}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("loss {task.fields[loss]}"), TimeElapsedColumn())
    started = time.perf_counter()

    def save_resumable() -> None:
        last.mkdir(parents=True, exist_ok=True)
        weights = model.state_dict()
        if settings.lora:  # only what is trained changes: the adapter (and nothing else) is kept
            names = {n for n, p in model.named_parameters() if p.requires_grad}
            weights = {k: v for k, v in weights.items() if k in names}
        torch.save({"model": weights, "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict()},
                   last / "weights.pt.part")
        (last / "weights.pt.part").replace(last / "weights.pt")
        (last / "state.json").write_text(json.dumps({**state, "settings": asdict(settings)}, indent=1))

    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("train", total=total, completed=state["global_step"], epoch=state["epoch"] + 1,
                                loss="-")
        while state["epoch"] < settings.epochs:
            order = list(training)
            random.Random(settings.seed + state["epoch"]).shuffle(order)  # the same order when resumed
            model.train()
            for step in range(state["step"], steps_per_epoch):
                chunk = order[step * settings.batch:(step + 1) * settings.batch]
                loss = batch_loss(model, [encode(s, processor, settings.max_tiles, device, dtype) for s in chunk],
                                  pad_id, device)
                loss.backward()
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                state["step"], state["global_step"] = step + 1, state["global_step"] + 1
                progress.update(bar, advance=1, loss=f"{loss.item():.4f}", epoch=state["epoch"] + 1)
                if state["global_step"] % save_every == 0:
                    save_resumable()
            validation = evaluate_loss(model, held, processor, settings, pad_id, device, dtype)
            state["log"].append({"epoch": state["epoch"] + 1, "train_loss": loss.item(),
                                 "validation_loss": validation, "wall_s": round(time.perf_counter() - started, 1)})
            progress.console.print(f"epoch {state['epoch'] + 1}: train loss {loss.item():.4f}, validation loss "
                                   f"{'-' if validation is None else f'{validation:.4f}'}")
            state["epoch"], state["step"] = state["epoch"] + 1, 0
            export(model, directory.path, out, settings)
            save_resumable()
    (out / "training_log.json").write_text(json.dumps(state["log"], indent=1))
    print(f"trained model written to {out}")
    return 0


def evaluate_loss(model, held: list, processor, settings: TrainSettings, pad_id: int, device, dtype) -> float | None:
    import torch

    if not held:
        return None
    model.eval()
    losses = []
    with torch.inference_mode():
        for start in range(0, len(held), settings.batch):
            chunk = held[start:start + settings.batch]
            losses.append(float(batch_loss(model, [encode(s, processor, settings.max_tiles, device, dtype)
                                                   for s in chunk], pad_id, device)) * len(chunk))
    model.train()
    return sum(losses) / len(held)


def export(model, source: Path, out: Path, settings: TrainSettings) -> None:
    """The model in the transformers layout `--planner mllm --model` loads (LoRA merged into a copy)."""
    import copy

    plain = copy.deepcopy(model).merge_and_unload() if settings.lora else model
    plain.save_pretrained(out)
    for name in MODEL_FILES:  # the tokenizer and processor files as they came (save_pretrained writes the rest)
        if (source / name).is_file() and not (out / name).is_file():
            shutil.copy2(source / name, out / name)


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
