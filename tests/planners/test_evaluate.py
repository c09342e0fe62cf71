"""planners.evaluate: decision accuracy per head, confusion matrices, parse failures and explanation
scores, on a tiny InternVL taught one answer (so every figure is known in advance)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from agents.data.drive_samples import SampleWriter
from planners.driving.decision import Decision, PathDecision, SpeedDecision
from planners.evaluate import score
from planners.mllm.tiny import TEACH_ANSWER
from tests.conftest import REPO
from tests.planners.helpers import context


def test_scores_of_known_answers():
    expected = [{"speed": "KEEP", "path": "FOLLOW_LANE", "explanation": "the road is clear"},
                {"speed": "STOP", "path": "FOLLOW_LANE", "explanation": "a red light ahead"},
                {"speed": "STOP", "path": "LEFT_CHANGE", "explanation": "a red light ahead"}]
    answered = ['{"speed": "KEEP", "path": "FOLLOW_LANE", "explanation": "the road is clear"}',
                '{"speed": "KEEP", "path": "FOLLOW_LANE", "explanation": "the road is clear"}',
                "no idea"]
    figures = score(expected, answered)
    assert (figures["speed_accuracy"], figures["path_accuracy"], figures["decision_accuracy"]) == \
        pytest.approx((1 / 3, 2 / 3, 1 / 3))
    assert figures["parse_failures"] == 1
    assert figures["speed_confusion"] == {"KEEP": {"KEEP": 1}, "STOP": {"KEEP": 1, "unparsed": 1}}
    assert figures["path_confusion"] == {"FOLLOW_LANE": {"FOLLOW_LANE": 2}, "LEFT_CHANGE": {"unparsed": 1}}
    assert figures["rouge_l"] == pytest.approx(1 / 3)  # one exact, two with no word in common
    perfect = score(expected[:1], answered[:1])
    assert perfect["bleu4"] == pytest.approx(1.0) and perfect["rouge_l"] == pytest.approx(1.0)


@pytest.fixture
def taught_data(tmp_path):
    """Six samples the tiny model's one answer gets right, two it gets wrong."""
    taught = json.loads(TEACH_ANSWER)
    writer = SampleWriter(tmp_path, "route_a")
    for tick in range(8):
        stop = tick >= 6
        decision = Decision(speed=SpeedDecision.STOP if stop else SpeedDecision.ACCELERATE,
                            path=PathDecision.FOLLOW_LANE,
                            explanation="red light" if stop else taught["explanation"])
        writer.write(context(tick=tick, images={"front": np.zeros((32, 48, 3), np.uint8)}), decision, {})
    writer.finish()
    return tmp_path


def evaluate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "planners.evaluate", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})


def test_the_cli_on_a_model_with_one_answer(tiny_internvl, taught_data):
    done = evaluate("--model", str(tiny_internvl), "--data", str(taught_data), "--split", "all", "--json")
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["samples"] == 8 and figures["parse_failures"] == 0
    assert figures["decision_accuracy"] == figures["speed_accuracy"] == pytest.approx(0.75)
    assert figures["path_accuracy"] == 1.0
    assert figures["speed_confusion"] == {"ACCELERATE": {"ACCELERATE": 6}, "STOP": {"ACCELERATE": 2}}
    assert figures["rouge_l"] == pytest.approx(0.75)


@pytest.mark.parametrize("args, message", [
    (["--data", "{tmp}/nowhere"], "no such folder"),
    (["--split", "validation", "--validation", "0.0"], "no validation samples to evaluate"),
    (["--model", "{tmp}/nomodel"], "does not exist"),
])
def test_bad_input_is_one_line(tiny_internvl, taught_data, tmp_path, args, message):
    base = {"--model": str(tiny_internvl), "--data": str(taught_data)}
    extra = []
    for flag, value in zip(args[::2], args[1::2]):
        if flag in base:
            base[flag] = value.replace("{tmp}", str(tmp_path))
        else:
            extra += [flag, value]
    done = evaluate(*[x for pair in base.items() for x in pair], *extra)
    assert done.returncode == 2 and "Traceback" not in done.stderr and message in done.stderr, done.stderr
