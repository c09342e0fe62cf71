"""Model output to a validated Decision: strict JSON first, then a repair of near-misses,
then a safe fallback. Model output is data: it is parsed, never evaluated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pydantic import ValidationError

from planners.driving.decision import Decision, PathDecision, SpeedDecision
from planners.json_repair import json_object

FALLBACK = Decision(speed=SpeedDecision.DECELERATE, path=PathDecision.FOLLOW_LANE,
                    explanation="The planner's answer could not be understood; slowing down in my lane.")

SPEED_SYNONYMS = {
    "KEEP": SpeedDecision.KEEP, "MAINTAIN": SpeedDecision.KEEP, "HOLD": SpeedDecision.KEEP,
    "KEEP_SPEED": SpeedDecision.KEEP, "CRUISE": SpeedDecision.KEEP,
    "ACCELERATE": SpeedDecision.ACCELERATE, "SPEED_UP": SpeedDecision.ACCELERATE, "ACCEL": SpeedDecision.ACCELERATE,
    "DECELERATE": SpeedDecision.DECELERATE, "SLOW_DOWN": SpeedDecision.DECELERATE, "SLOW": SpeedDecision.DECELERATE,
    "DECEL": SpeedDecision.DECELERATE, "BRAKE": SpeedDecision.DECELERATE,
    "STOP": SpeedDecision.STOP, "HALT": SpeedDecision.STOP,
}
PATH_SYNONYMS = {
    "FOLLOW_LANE": PathDecision.FOLLOW_LANE, "LANE_FOLLOW": PathDecision.FOLLOW_LANE,
    "KEEP_LANE": PathDecision.FOLLOW_LANE, "FOLLOW": PathDecision.FOLLOW_LANE, "STRAIGHT": PathDecision.FOLLOW_LANE,
    "LEFT_CHANGE": PathDecision.LEFT_CHANGE, "CHANGE_LEFT": PathDecision.LEFT_CHANGE,
    "LEFT_LANE_CHANGE": PathDecision.LEFT_CHANGE, "CHANGE_LANE_LEFT": PathDecision.LEFT_CHANGE,
    "RIGHT_CHANGE": PathDecision.RIGHT_CHANGE, "CHANGE_RIGHT": PathDecision.RIGHT_CHANGE,
    "RIGHT_LANE_CHANGE": PathDecision.RIGHT_CHANGE, "CHANGE_LANE_RIGHT": PathDecision.RIGHT_CHANGE,
    "LEFT_BORROW": PathDecision.LEFT_BORROW, "BORROW_LEFT": PathDecision.LEFT_BORROW,
    "RIGHT_BORROW": PathDecision.RIGHT_BORROW, "BORROW_RIGHT": PathDecision.RIGHT_BORROW,
}
KEY_SYNONYMS = {
    "speed": ("speed", "speed_decision", "speed_state", "velocity", "longitudinal"),
    "path": ("path", "path_decision", "path_state", "lane", "lateral"),
    "explanation": ("explanation", "reason", "reasoning", "why", "rationale"),
}


class ParseStatus(StrEnum):
    OK = "ok"
    REPAIRED = "repaired"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class ParseOutcome:
    decision: Decision
    status: ParseStatus
    problem: str | None = None


def parse_decision(text: str) -> ParseOutcome:
    """Strict JSON with exactly the decision's fields, else a repaired reading, else the fallback."""
    try:
        return ParseOutcome(Decision.model_validate_json(text.strip()), ParseStatus.OK)
    except ValidationError as error:
        strict_problem = _first_error(error)
    repaired = _repair(text)
    if repaired is not None:
        return ParseOutcome(repaired, ParseStatus.REPAIRED, strict_problem)
    return ParseOutcome(FALLBACK, ParseStatus.FALLBACK, strict_problem)


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "answer"
    return f"{where}: {first.get('msg', 'invalid')}"


def _repair(text: str) -> Decision | None:
    fields = json_object(text) or _loose_fields(text)
    if not fields:
        return None
    lowered = {str(key).strip().lower(): value for key, value in fields.items()}
    picked = {}
    for name, keys in KEY_SYNONYMS.items():
        for key in keys:
            if key in lowered and lowered[key] not in (None, ""):
                picked[name] = lowered[key]
                break
    speed = _enum_value(picked.get("speed"), SPEED_SYNONYMS)
    # a missing path means keep the lane; a path that names no known decision is not guessed at
    path = _enum_value(picked["path"], PATH_SYNONYMS) if "path" in picked else PathDecision.FOLLOW_LANE
    if speed is None or path is None:
        return None
    explanation = str(picked.get("explanation") or "").strip()[:600] or "No explanation given."
    try:
        return Decision(speed=speed, path=path, explanation=explanation)
    except ValidationError:
        return None


LOOSE_FIELD = re.compile(r"(?i)\b(speed(?:_decision)?|path(?:_decision)?|lane|explanation|reason(?:ing)?|why)"
                         r"[\"']?\s*[:=]\s*[\"']?([^\"'\n,}]+)")


def _loose_fields(text: str) -> dict:
    """`speed: KEEP, path: FOLLOW_LANE` written anywhere, quoted or not."""
    return {key.lower(): value.strip() for key, value in LOOSE_FIELD.findall(text)}


def _enum_value(value, synonyms: dict):
    if value is None:
        return None
    token = re.sub(r"[^A-Z]+", "_", str(value).upper()).strip("_")
    if token in synonyms:
        return synonyms[token]
    for word, member in sorted(synonyms.items(), key=lambda item: -len(item[0])):
        if re.search(rf"(^|_){word}(_|$)", token):
            return member
    return None
