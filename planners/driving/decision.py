"""DriveMLM's decision states: a speed decision, a path decision and an explanation."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from envs.contracts import Contract


class SpeedDecision(StrEnum):
    KEEP = "KEEP"
    ACCELERATE = "ACCELERATE"
    DECELERATE = "DECELERATE"
    STOP = "STOP"


class PathDecision(StrEnum):
    FOLLOW_LANE = "FOLLOW_LANE"
    LEFT_CHANGE = "LEFT_CHANGE"
    RIGHT_CHANGE = "RIGHT_CHANGE"
    LEFT_BORROW = "LEFT_BORROW"
    RIGHT_BORROW = "RIGHT_BORROW"


class Decision(Contract):
    speed: SpeedDecision
    path: PathDecision
    explanation: str = Field(min_length=1, max_length=600)

    def summary(self) -> str:
        return f"{self.speed.value} / {self.path.value}"
