"""planners.train on data-engine samples and a tiny InternVL built here: the loss on the answers
falls, the model comes out in the layout --planner mllm loads, LoRA leaves the rest alone, a
killed run resumes to the same weights, bad input is one line."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from agents.data.drive_samples import SampleWriter
from planners.driving.decision import Decision, PathDecision, SpeedDecision
from tests.conftest import REPO
from tests.planners.helpers import context

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.fixture(scope="module")
def driving_data(tmp_path_factory):
    """24 samples: a red picture means STOP, a green one ACCELERATE (a camera and a BEV each)."""
    out = tmp_path_factory.mktemp("data")
    writer = SampleWriter(out, "route_a")
    for tick in range(24):
        red = tick % 2 == 0
        camera = np.zeros((64, 96, 3), np.uint8)
        camera[..., 0 if red else 1] = 200
        decision = Decision(speed=SpeedDecision.STOP if red else SpeedDecision.ACCELERATE,
                            path=PathDecision.FOLLOW_LANE, explanation="red ahead" if red else "clear road")
        writer.write(context(tick=tick, images={"front": camera}, bev=np.zeros((9, 32, 32), np.uint8)), decision,
                     {"scenario": "none"})
    writer.finish()
    return out


def train(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planners.train", *args], cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=timeout)


def test_training_lowers_the_answer_loss_and_writes_a_loadable_model(driving_data, random_internvl, tmp_path):
    from planners.mllm.chat_model import InternVLChatModel

    out = tmp_path / "trained"
    done = train("--data", str(driving_data), "--model", str(random_internvl), "--out", str(out), "--epochs", "10",
                 "--batch", "4", "--lr", "1e-2", "--validation", "0.25")
    assert done.returncode == 0, done.stderr
    log = json.loads((out / "training_log.json").read_text())
    assert [entry["epoch"] for entry in log] == list(range(1, 11))
    assert log[-1]["validation_loss"] < 0.5 * log[0]["validation_loss"]
    model = InternVLChatModel.load(str(out))  # the layout --planner mllm loads
    assert isinstance(model.complete(*_first_prompt(driving_data)), str)


def _first_prompt(data):
    from planners.sft_data import read_sft_samples

    sample = read_sft_samples(data)[0]
    return sample.system, sample.user, sample.load_images()


def test_lora_with_a_frozen_vision_tower_changes_only_the_language_model(driving_data, random_internvl, tmp_path):
    out = tmp_path / "lora"
    done = train("--data", str(driving_data), "--model", str(random_internvl), "--out", str(out), "--epochs", "1",
                 "--lora", "4", "--freeze-vision", "--lr", "1e-2")
    assert done.returncode == 0, done.stderr
    before, after = load_file(random_internvl / "model.safetensors"), load_file(out / "model.safetensors")
    assert before.keys() == after.keys()  # merged back: the plain layout, no adapter keys
    vision = [k for k in before if "vision_tower" in k]
    attention = [k for k in before if "language_model" in k and k.endswith("q_proj.weight")]
    assert vision and all(torch.equal(before[k], after[k]) for k in vision)
    assert attention and not all(torch.equal(before[k], after[k]) for k in attention)
    mlp = [k for k in before if "language_model" in k and "mlp" in k]
    assert all(torch.equal(before[k], after[k]) for k in mlp)  # LoRA is on the attention only


def test_a_killed_run_resumes_to_the_same_weights(driving_data, random_internvl, tmp_path):
    args = ["--data", str(driving_data), "--model", str(random_internvl), "--epochs", "2", "--batch", "2",
            "--lr", "5e-3", "--save-every", "3"]
    assert train(*args, "--out", str(tmp_path / "reference")).returncode == 0
    out = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "planners.train", *args, "--out", str(out)], cwd=REPO, env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = out / "last" / "state.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if state.is_file() and json.loads(state.read_text() or "{}").get("global_step", 0) >= 3:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the run ended before it was killed"
    resumed = train(*args, "--out", str(out))
    assert resumed.returncode == 0 and "resumed from epoch" in resumed.stderr
    reference, again = load_file(tmp_path / "reference" / "model.safetensors"), load_file(out / "model.safetensors")
    assert all(torch.allclose(reference[k], again[k], atol=1e-6) for k in reference)


@pytest.mark.parametrize("change, message", [
    ({"--data": "{tmp}/nowhere"}, "no such folder"),
    ({"--data": "{tmp}"}, "no shards/*.jsonl"),
    ({"--model": "{tmp}/other"}, "holds a llama model"),
    ({"--lora": "1000"}, "above the language model's width (64)"),
])
def test_bad_input_is_one_line(driving_data, random_internvl, tmp_path, change, message):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "config.json").write_text(json.dumps({"model_type": "llama", "architectures": ["Llama"]}))
    args = {"--data": str(driving_data), "--model": str(random_internvl), "--out": str(tmp_path / "out")}
    args.update({k: v.replace("{tmp}", str(tmp_path)) for k, v in change.items()})
    done = train(*[x for pair in args.items() for x in pair])
    assert done.returncode == 2 and "Traceback" not in done.stderr and message in done.stderr, done.stderr


def _alone(model, encoded) -> float:
    """The model's own loss over each sample alone, token-weighted."""
    total, tokens = 0.0, 0
    for e in encoded:
        answer = int((e["labels"] != -100).sum())
        loss = model(input_ids=e["ids"][None], pixel_values=e["pixels"], labels=e["labels"][None]).loss
        total += float(loss) * answer
        tokens += answer
    return total / tokens


def test_the_batched_answer_loss_is_the_models_own_loss(driving_data, random_internvl):
    """batch_loss runs the shared system prompt once, pads the rest on the left and keeps only the
    answers' logits: the same figure as the model's own loss over each sample alone, with and without
    a shared prefix, for prompts of different lengths."""
    from transformers import InternVLForConditionalGeneration

    from planners.mllm.model_dir import inspect_model_dir
    from planners.mllm.processor import load_processor
    from planners.sft_data import read_sft_samples
    from planners.train import batch_loss, encode, shared_prefix

    processor = load_processor(inspect_model_dir(str(random_internvl)))
    model = InternVLForConditionalGeneration.from_pretrained(random_internvl, local_files_only=True)
    samples = read_sft_samples(driving_data)[:3]
    encoded = [encode(s, processor, 1, "cpu", torch.float32) for s in samples]
    longer = encode(samples[1].__class__(**{**vars(samples[1]), "user": samples[1].user + " Hurry, please."}),
                    processor, 1, "cpu", torch.float32)
    shared = [encoded[0], longer, encoded[2]]
    trimmed = [encoded[0], {**encoded[1], "ids": encoded[1]["ids"][2:], "labels": encoded[1]["labels"][2:]},
               encoded[2]]
    assert len({len(e["ids"]) for e in shared}) > 1
    prefix = shared_prefix(shared, model.config.image_token_id)
    system = processor.tokenizer(processor.apply_chat_template(samples[0].messages()[:1], tokenize=False))
    assert prefix >= len(system["input_ids"])  # the whole system turn is shared, the images are not
    assert shared_prefix(trimmed, model.config.image_token_id) == 0
    pad = processor.tokenizer.pad_token_id
    with torch.inference_mode():
        for batch in (shared, trimmed):
            assert float(batch_loss(model, batch, pad, "cpu")) == pytest.approx(_alone(model, batch), rel=1e-5)


def test_the_learning_rate_warms_up_then_decays_to_zero():
    from planners.train import warmup_then_decay

    factor = warmup_then_decay(200)  # 6 warm-up steps
    assert [factor(step) for step in range(7)] == pytest.approx([1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6, 1.0, 1.0])
    assert factor(103) == pytest.approx(0.5)
    assert factor(200) == 0.0 and factor(1) < factor(5)


def test_a_tokenizer_trained_on_the_data_splits_digits_and_knows_its_phrases(driving_data):
    from planners.mllm.tiny import build_tokenizer, data_corpus

    texts = data_corpus(driving_data)
    assert any("What is your decision?" in text for text in texts) and not any("<image>" in t for t in texts)
    tokenizer = build_tokenizer(600, texts)
    pieces = tokenizer.tokenize("Speed: 12.5 m/s")
    assert [tokenizer.convert_tokens_to_string([p]) for p in pieces if p.strip("Ġ").isdigit()] == ["1", "2", "5"]
    assert len(tokenizer("What is your decision?")["input_ids"]) == 5  # one token a word
    assert tokenizer.decode(tokenizer("+16 ahead, 11.7 m/s")["input_ids"]) == "+16 ahead, 11.7 m/s"
