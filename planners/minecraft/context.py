"""What the Minecraft planner sees for one sub-goal."""

from __future__ import annotations

from pydantic import Field

from envs.contracts import Contract
from envs.minecraft.contracts import StructuredAction


class SubGoalSpec(Contract):
    object: str
    count: int
    method: str  # mine, smelt, craft, attack, apply
    source: str | None = None
    tool: str | None = None
    per_action: float = Field(1.0, gt=0, description="items one break, kill or use gives on average")


class Feedback(Contract):
    action: StructuredAction
    success: bool
    message: str


class PlanContext(Contract):
    goal: str = Field(description="the episode's goal, e.g. diamond")
    sub_goal: SubGoalSpec
    inventory: dict[str, int]
    equipped: str | None = None
    life: float = 20.0
    food: float = 20.0
    y_level: int
    biome: str
    seen_blocks: dict[str, int] = Field(description="blocks the player has seen nearby (no X-ray)")
    seen_mobs: dict[str, int] = Field(default_factory=dict, description="mobs in sight")
    reference_plan: list[StructuredAction] | None = None
    failures: list[Feedback] = Field(default_factory=list, description="this sub-goal's failed actions so far")
    knowledge: list[str] = Field(default_factory=list, description="retrieved knowledge sentences")
