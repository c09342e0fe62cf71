"""MineDojoEnv: the Minecraft env protocol (reset, step(StructuredAction), observe, close) over
MineDojo's open-ended world, so the GITM agent runs there as on the embedded world:

    python -m agents.minecraft --env envs.minecraft.minedojo.env:make_env --task iron_pickaxe

minedojo is imported when the env starts; without it, one clear error says how to install it.
Each structured action runs as a routine of MineDojo actions (envs.minecraft.minedojo.controls)
and answers success, one feedback sentence and the inventory change, like the embedded world.
"""

from __future__ import annotations

import numpy as np

from envs.contracts import StepResult
from envs.errors import UserInputError
from envs.minecraft.contracts import ActionResult, MinecraftObservation, MinecraftTask, StructuredAction
from envs.minecraft.minedojo import controls
from envs.minecraft.minedojo.names import to_minedojo
from envs.minecraft.minedojo.observation import inventory_of, observation_from_minedojo

INSTALL_HINT = ("MineDojo is not installed: pip install minedojo (it needs Java 8 JDK); see "
                "https://docs.minedojo.org/sections/getting_started/install.html")
ACTIONS = ("equip", "explore", "approach", "mine", "attack", "dig_down", "go_up", "craft", "smelt", "apply",
           "place", "build")


def import_minedojo():
    try:
        import minedojo
    except ImportError as error:
        raise UserInputError(INSTALL_HINT) from error
    return minedojo


def craft_items_from_minedojo() -> list[str]:
    """MineDojo's craft/smelt argument list (the index the craft action takes)."""
    from minedojo.sim.mc_meta import mc

    return list(mc.ALL_CRAFT_SMELT_ITEMS)


def routine_for(action: StructuredAction, craft_items: list[str], seed: int = 0) -> controls.Routine | ActionResult:
    """The routine that carries the action out, or an ActionResult saying why there is none."""
    if action.name not in ACTIONS:
        return ActionResult(success=False, invalid=True,
                            feedback=f"unknown action {action.name!r}; actions are: {', '.join(ACTIONS)}")
    if action.name in controls.UNSUPPORTED:
        return ActionResult(success=False, feedback=f"{action.name} ({controls.UNSUPPORTED[action.name]}) is not "
                                                    "available through the MineDojo adapter")
    args = action.args
    target = str(args.get("object") or "")
    if action.name == "dig_down":
        try:
            return controls.DigDown(int(args.get("ylevel", args.get("y_level", 12))))
        except (TypeError, ValueError):
            return ActionResult(success=False, invalid=True, feedback="dig_down needs a number ylevel")
    if not target:
        return ActionResult(success=False, invalid=True, feedback=f"{action.name} needs an object")
    if action.name in ("craft", "smelt"):
        name, _ = to_minedojo(target)
        if name not in craft_items:
            return ActionResult(success=False, invalid=True,
                                feedback=f"cannot {action.name} {target}: MineDojo has no recipe called {name!r}")
        try:
            count = int(args.get("count") or 1)
        except (TypeError, ValueError):
            return ActionResult(success=False, invalid=True, feedback=f"{action.name} needs a number count")
        return controls.Craft(target, count, craft_items.index(name), action.name)
    if action.name == "explore":
        return controls.Explore(target, seed)
    routines = {"equip": controls.Equip, "place": controls.Place, "approach": controls.Approach,
                "mine": controls.Mine, "attack": controls.Attack}
    return routines[action.name](target)


class MineDojoEnv:
    """The env protocol over a MineDojo environment (made at reset, one per task seed)."""

    def __init__(self, image_size: tuple[int, int] = (160, 256), lidar_rays: int = 24, craft_items=None,
                 make=None):
        """make(task) -> a MineDojo env, for your own minedojo.make settings (default: the open-ended
        world with voxels and lidar); craft_items: MineDojo's craft/smelt list (default: from minedojo)."""
        self.image_size, self.lidar_rays = image_size, lidar_rays
        self._craft_items, self._make = craft_items, make
        self._env = None
        self._obs: dict | None = None
        self.task: MinecraftTask | None = None
        self.steps = 0

    def reset(self, task: MinecraftTask) -> MinecraftObservation:
        self.close()
        self.task, self.steps = task, 0
        self._env = (self._make or self._make_minedojo)(task)
        if self._craft_items is None:
            self._craft_items = craft_items_from_minedojo()
        self._obs = self._env.reset()
        return self.observe()

    def _make_minedojo(self, task: MinecraftTask):
        minedojo = import_minedojo()
        rays = [(yaw, pitch) for pitch in (-30, 0, 30) for yaw in range(-60, 61, 120 // max(self.lidar_rays // 3, 1))]
        return minedojo.make(task_id="open-ended", image_size=self.image_size, world_seed=task.seed,
                             seed=task.seed, start_time=task.start_time, allow_time_passage=True,
                             break_speed_multiplier=task.break_speed,
                             initial_inventory=[], use_voxel=True, voxel_size=dict(xmin=-3, ymin=-2, zmin=-3, xmax=3,
                                                                                   ymax=2, zmax=3),
                             use_lidar=True, lidar_rays=[(yaw * 3.14159 / 180, pitch * 3.14159 / 180, 32)
                                                         for yaw, pitch in rays])

    def step(self, action: StructuredAction) -> StepResult[MinecraftObservation]:
        if self._env is None:
            from envs.errors import SimulatorError

            raise SimulatorError("step() before reset(): start a task first")
        routine = routine_for(action, self._craft_items or [], self.task.seed + self.steps)
        done = False
        if isinstance(routine, ActionResult):
            result = routine
        else:
            before = inventory_of(self._obs)
            routine.start(self._obs)
            outcome, spent = None, 0
            for _ in range(routine.budget):
                decision = routine.next(self._obs)
                if isinstance(decision, controls.Finished):
                    outcome = decision
                    break
                self._obs, _, done, _ = self._env.step(np.asarray(decision, dtype=np.int64))
                self.steps += 1
                spent += 1
                if done or self.steps >= self.task.max_steps:
                    outcome = controls.Finished(False, "the episode ended")
                    break
            outcome = outcome or controls.Finished(False, f"{action.name} ran out of its {routine.budget} steps")
            after = inventory_of(self._obs)
            delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)
                     if after.get(k, 0) != before.get(k, 0)}
            result = ActionResult(success=outcome.success, feedback=outcome.feedback, inventory_delta=delta,
                                  steps=spent)
        observation = self.observe()
        exhausted = self.steps >= self.task.max_steps
        return StepResult[MinecraftObservation](observation=observation, terminated=bool(done) and not exhausted,
                                                truncated=exhausted, info={"result": result.model_dump()})

    def observe(self) -> MinecraftObservation:
        return observation_from_minedojo(self._obs or {}, self.steps, self.task.start_time + self.steps)

    def close(self) -> None:
        if self._env is not None:
            self._env.close()
            self._env = None


def make_env() -> MineDojoEnv:
    """--env envs.minecraft.minedojo.env:make_env"""
    import_minedojo()  # fail now, with the install hint, rather than at the first reset
    return MineDojoEnv()
