"""Minecraft contracts: GITM's structured actions and what executing one returns."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np
from pydantic import Field

from envs.contracts import Contract, StepResult


class StructuredAction(Contract):
    name: str = Field(description="equip, explore, approach, mine, attack, dig_down, go_up, craft, smelt, apply, "
                                  "place, build or eat")
    args: dict[str, str | int | None] = Field(default_factory=dict)
    expectation: str = ""


class ActionResult(Contract):
    success: bool
    feedback: str
    inventory_delta: dict[str, int] = Field(default_factory=dict, description="item -> gained (negative: used)")
    steps: int = Field(0, description="primitive steps spent")
    invalid: bool = Field(False, description="the action was not understood: an unknown action, bad arguments, "
                                             "or an object that is no item, block or mob of this world")


@runtime_checkable
class MinecraftEnv(Protocol):
    """What a Minecraft environment implements for the agents: reset to a task, execute one
    structured action (StepResult.info["result"] is the ActionResult as a dict), observe."""

    def reset(self, task: MinecraftTask) -> MinecraftObservation: ...

    def step(self, action: StructuredAction) -> StepResult: ...

    def observe(self) -> MinecraftObservation: ...

    def close(self) -> None: ...


class MinecraftTask(Contract):
    """What an episode is: a world seed, a goal the agent is told, and the step budget."""

    task_id: str = "free"
    seed: int = 0
    goal: str = ""
    max_steps: int = Field(12_000, gt=0, description="primitive steps (GITM: 10 minutes at 20 Hz)")
    start_time: int = Field(0, ge=0, lt=24_000, description="Minecraft time of day at the start, in ticks")
    break_speed: float = Field(1.0, ge=1.0, le=1000.0, description="mining speed multiplier: 1 is the game, GITM "
                                                                    "ran at 100")
    initial_inventory: dict[str, int] = Field(default_factory=dict)


class MinecraftObservation(Contract):
    """What GITM's agent has: inventory, equipment, life and food, position, biome, the objects its
    rays of sight have shown it, and the voxel window around it (for getting around only: it sees
    through walls, so planners read seen_blocks, never voxels)."""

    step: int
    time_of_day: int
    inventory: dict[str, int]
    equipped: str | None
    life: float
    food: float
    position: tuple[float, float, float]
    yaw: float
    pitch: float
    biome: str
    y_level: int
    on_ground: bool
    voxels: np.ndarray = Field(description="(21, 21, 21) palette ids around the player, [x, y, z]: the "
                                           "navigation window, not what the player sees")
    voxel_names: tuple[str, ...] = Field(description="palette: the block name of each id")
    seen_blocks: dict[str, int] = Field(default_factory=dict, description="blocks the player has seen nearby "
                                                                          "(rays of sight), air left out")
    seen_mobs: dict[str, int] = Field(default_factory=dict, description="mobs in sight now")
    image: np.ndarray | None = Field(None, description="HxWx3 uint8 picture, when rendering is on")
