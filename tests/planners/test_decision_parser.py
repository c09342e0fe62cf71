import pytest

from planners.driving.decision import Decision, PathDecision, SpeedDecision
from planners.driving.parser import FALLBACK, ParseStatus, parse_decision


def test_strict_json_is_taken_as_is():
    outcome = parse_decision('{"speed": "STOP", "path": "FOLLOW_LANE", "explanation": "Red light ahead."}')
    assert outcome.status == ParseStatus.OK and outcome.problem is None
    assert outcome.decision == Decision(speed=SpeedDecision.STOP, path=PathDecision.FOLLOW_LANE,
                                        explanation="Red light ahead.")


@pytest.mark.parametrize("text, speed, path, explanation", [
    ('```json\n{"speed": "keep", "path": "follow lane", "explanation": "clear",}\n```', "KEEP", "FOLLOW_LANE",
     "clear"),
    ("{'speed': 'slow down', 'lane': 'change left', 'reason': 'slow truck'}", "DECELERATE", "LEFT_CHANGE",
     "slow truck"),
    ("Decision: speed: STOP\npath: LEFT_BORROW\nreason: blocked by a parked van", "STOP", "LEFT_BORROW",
     "blocked by a parked van"),
    ('Sure! {"speed_decision": "Accelerate", "path_decision": "RIGHT_CHANGE", "why": "exit ahead"} Hope it helps',
     "ACCELERATE", "RIGHT_CHANGE", "exit ahead"),
    ("{speed: ACCELERATE, path: RIGHT_CHANGE}", "ACCELERATE", "RIGHT_CHANGE", "No explanation given."),
    ('{"speed": "HALT"}', "STOP", "FOLLOW_LANE", "No explanation given."),
    ('{"speed": "KEEP", "path": "FOLLOW_LANE", "explanation": ""}', "KEEP", "FOLLOW_LANE", "No explanation given."),
])
def test_near_misses_are_repaired(text, speed, path, explanation):
    outcome = parse_decision(text)
    assert outcome.status == ParseStatus.REPAIRED
    assert (outcome.decision.speed.value, outcome.decision.path.value) == (speed, path)
    assert outcome.decision.explanation == explanation
    assert outcome.problem  # the strict reading's complaint is kept for the log


@pytest.mark.parametrize("text", [
    "I think we should go now.",
    '{"speed": "WARP", "path": "FOLLOW_LANE", "explanation": "x"}',
    '{"speed": "KEEP", "path": "TELEPORT", "explanation": "x"}',
    "__import__('os').system('echo owned')",
    "",
])
def test_unusable_answers_fall_back_safely(text):
    outcome = parse_decision(text)
    assert outcome.status == ParseStatus.FALLBACK
    assert outcome.decision == FALLBACK
    assert (FALLBACK.speed, FALLBACK.path) == (SpeedDecision.DECELERATE, PathDecision.FOLLOW_LANE)
