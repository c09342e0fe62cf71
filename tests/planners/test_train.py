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
