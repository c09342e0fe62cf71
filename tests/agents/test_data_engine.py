"""The data engine end to end on the embedded simulator (real SUMO, real Ray): InternVL fine-tuning
JSONL with image files, a dataset card, resume, balancing, DAgger, and bad input."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from agents.data.drive_samples import SampleWriter
from planners.driving.decision import Decision, PathDecision, SpeedDecision
from tests.conftest import REPO
from tests.planners.helpers import context


def data(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "agents.data", "drive", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})


def check_internvl_lines(out):
    """Every line is what InternVL's fine-tuning scripts read: one <image> per image file, a human and a
    gpt turn, the gpt turn a decision."""
    lines = [json.loads(line) for shard in sorted((out / "shards").glob("*.jsonl"))
             for line in shard.read_text().splitlines()]
    for line in lines:
        human, gpt = line["conversations"]
        assert (human["from"], gpt["from"]) == ("human", "gpt")
        assert human["value"].count("<image>") == len(line["image"]) == 2
        assert all((out / path).is_file() for path in line["image"])
        assert Decision.model_validate_json(gpt["value"]).speed.value == line["meta"]["speed"]
        assert line["meta"]["prompts"]["images"].count("<image>") == 2 and "Around me" not in \
            line["meta"]["prompts"]["images"]
    return lines


@pytest.mark.slow
def test_routes_are_recorded_resumed_and_described(short_routes_file, tmp_path):
    out = tmp_path / "data"
    args = ["--routes", str(short_routes_file), "--out", str(out), "--workers", "2", "--max-time", "5",
            "--vehicles", "5", "--pedestrians", "0", "--json"]
    done = data(*args)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout.strip().splitlines()[-1])
    lines = check_internvl_lines(out)
    assert stats["samples"] == len(lines) == 20, done.stderr  # two routes, a decision every 0.5 s of 5 s
    assert stats["route"] == {"short_0": 10, "short_1": 10}
    assert sum(stats["speed"].values()) == sum(stats["path"].values()) == sum(stats["light"].values()) == 20
    assert json.loads((out / "stats.json").read_text()) == stats
    assert (out / "card.html").read_text().count("data:image/png;base64,") >= 4
    again = data(*args)
    assert again.returncode == 0 and "2 already recorded" in again.stderr
    assert json.loads(again.stdout.strip().splitlines()[-1]) == stats
    other = data(*args[:-1], "--seed", "4")
    assert other.returncode == 2 and "holds data recorded with other settings" in other.stderr


@pytest.mark.slow
def test_dagger_records_what_the_expert_would_have_done(short_routes_file, tmp_path):
    out = tmp_path / "dagger"
    done = data("--routes", str(short_routes_file), "--out", str(out), "--workers", "1", "--max-time", "3",
                "--vehicles", "0", "--pedestrians", "0", "--driver", "examples.cautious_driver:CautiousPlanner")
    assert done.returncode == 0, done.stderr
    lines = check_internvl_lines(out)
    assert {line["meta"]["driver"] for line in lines} == {"cautious"}
    assert all("agrees" in line["meta"] for line in lines)


def test_balancing_thins_out_the_majority_decision_only(tmp_path):
    writer = SampleWriter(tmp_path, "r", keep_majority=0.25, seed=0)
    keep = Decision(speed=SpeedDecision.KEEP, path=PathDecision.FOLLOW_LANE, explanation="cruising")
    stop = Decision(speed=SpeedDecision.STOP, path=PathDecision.FOLLOW_LANE, explanation="red light")
    image = np.zeros((8, 12, 3), np.uint8)
    kept = [writer.write(context(tick=t, images={"front": image}), keep, {}) for t in range(200)]
    stops = [writer.write(context(tick=1000 + t, images={"front": image}), stop, {}) for t in range(20)]
    shard = writer.finish()
    assert all(stops) and 30 <= sum(kept) <= 70  # about a quarter of 200, seeded
    assert len(shard.read_text().splitlines()) == sum(kept) + 20
    again = SampleWriter(tmp_path / "again", "r", keep_majority=0.25, seed=0)
    assert [again.write(context(tick=t, images={"front": image}), keep, {}) for t in range(200)] == kept


@pytest.mark.parametrize("args, message", [
    (["--labeler", "rule"], "--labeler labels what --driver drives"),
    (["--keep-majority", "2"], "expected a fraction in (0, 1]"),
    (["--driver", "gpt9"], "unknown planner 'gpt9'"),
    (["--routes", "procedural:zero"], "expected procedural:N"),
])
def test_bad_input_is_one_line(tmp_path, args, message):
    base = {"--routes": "procedural:1", "--out": str(tmp_path / "d")}
    for flag in args[::2]:
        base.pop(flag, None)
    done = data(*[x for pair in base.items() for x in pair], *args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
