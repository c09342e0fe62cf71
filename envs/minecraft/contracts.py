"""Minecraft contracts: GITM's structured actions and what executing one returns."""

from __future__ import annotations

from pydantic import Field

from envs.contracts import Contract


class StructuredAction(Contract):
    name: str = Field(description="equip, explore, approach, mine, attack, dig_down, go_up, craft, smelt, apply, "
                                  "place or build")
    args: dict[str, str | int | None] = Field(default_factory=dict)
    expectation: str = ""


class ActionResult(Contract):
    success: bool
    feedback: str
    inventory_delta: dict[str, int] = Field(default_factory=dict, description="item -> gained (negative: used)")
    steps: int = Field(0, description="primitive steps spent")
