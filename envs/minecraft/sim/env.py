"""The embedded Minecraft environment: one Env over the voxel world, its rules and GITM's actions."""

from __future__ import annotations

import math
import time

import numpy as np

from envs.contracts import EpisodeResult, EpisodeStatus, StepResult, Timings
from envs.errors import SimulatorError
from envs.minecraft.contracts import MinecraftObservation, MinecraftTask, StructuredAction
from envs.minecraft.sim.actions import StructuredActions
from envs.minecraft.sim.engine import Engine, Player
from envs.minecraft.sim.inventory import Inventory
from envs.minecraft.sim.palette import BLOCKS
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.sight import SIGHT_RANGE
from envs.minecraft.sim.world import VoxelWorld

VOXEL_RADIUS = 10
FRAME_EVERY_TICKS = 40  # a first-person frame every 2 s of game time while rendering


class EmbeddedMinecraft:
    """Env[MinecraftTask, StructuredAction]."""

    perception = "rays"  # objects are located by rays of sight from the eye (GITM's setting)

    def __init__(self, render: bool = False):
        self.render = render
        self.task: MinecraftTask | None = None
        self.engine: Engine | None = None

    def reset(self, task: MinecraftTask) -> MinecraftObservation:
        self.task = task
        world = VoxelWorld(task.seed)
        spawn_x, spawn_y, spawn_z = world.spawn_point()
        player = Player(spawn_x + 0.5, float(spawn_y), spawn_z + 0.5, inventory=Inventory(dict(task.initial_inventory)))
        self.engine = Engine(world, rules(), player, seed=task.seed, max_steps=task.max_steps,
                             start_time=task.start_time, break_speed=task.break_speed)
        self.engine.frame_every = FRAME_EVERY_TICKS if self.render else None
        self.actions = StructuredActions(self.engine)
        self._started = time.perf_counter()
        self._actions = 0
        return self.observe()

    def step(self, action: StructuredAction) -> StepResult[MinecraftObservation]:
        if self.engine is None:
            raise SimulatorError("step() before reset(): start a task first")
        self._actions += 1
        result = self.actions.execute(action)
        observation = self.observe()
        dead = self.engine.player.health <= 0
        return StepResult[MinecraftObservation](
            observation=observation, terminated=dead, truncated=self.engine.exhausted,
            info={"result": result.model_dump(), "died": dead, "death_cause": self.death_cause})

    @property
    def death_cause(self) -> str | None:
        """What dealt the last blow: a mob's kind, "lava", "falling" or "starving"; None while alive."""
        return None if self.engine is None else self.engine.death_cause

    def take_frames(self) -> list[np.ndarray]:
        """The first-person frames rendered since the last call (one every 2 s of game time)."""
        if self.engine is None:
            return []
        frames, self.engine.frames = self.engine.frames, []
        return frames

    def close(self) -> None:
        self.engine = None

    def observe(self) -> MinecraftObservation:
        engine, player = self.engine, self.engine.player
        x, y, z = player.cell()
        r = VOXEL_RADIUS
        voxels = engine.world.box(x - r, y - r, z - r, 2 * r + 1, 2 * r + 1, 2 * r + 1)
        engine.look()
        image = engine.picture() if self.render else None
        return MinecraftObservation(
            step=engine.steps, time_of_day=engine.time_of_day,
            inventory=player.inventory.as_dict(), equipped=player.equipped, life=player.health, food=player.food,
            position=(round(player.x, 3), round(player.y, 3), round(player.z, 3)), yaw=player.yaw,
            pitch=player.pitch, biome=engine.world.biome(x, z), y_level=math.floor(player.y),
            on_ground=player.on_ground, voxels=voxels, voxel_names=BLOCKS,
            seen_blocks=engine.seen.counts(x, y, z, SIGHT_RANGE), seen_mobs=self.actions.mobs_in_view(),
            image=image)

    def episode_result(self, success: bool, milestones: dict[str, int] | None = None) -> EpisodeResult:
        engine = self.engine
        return EpisodeResult(
            scenario_id=self.task.task_id, domain="minecraft",
            status=EpisodeStatus.COMPLETED if success else EpisodeStatus.FAILED,
            metrics={"steps": float(engine.steps), "actions": float(self._actions),
                     "life": float(engine.player.health)},
            timings=Timings(ticks=engine.steps, sim_s=engine.steps / 20.0,
                            wall_s=time.perf_counter() - self._started),
            details={"inventory": engine.player.inventory.as_dict(), "milestones": milestones or {},
                     "seed": self.task.seed})

