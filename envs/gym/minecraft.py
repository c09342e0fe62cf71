"""The embedded Minecraft world as a Gymnasium env: GITM's structured actions in, what the player
knows out.

Action: a Dict of indices, one structured action per step (it runs for as many game ticks as it
takes): `name` (ACTIONS), `object`, `tool` and `materials` (OBJECTS, 0 for none), `count`
(value + 1), `strategy` (surface, underground), `ylevel`, `blueprint` (text, for build). Only the
arguments the named action takes are passed; a StructuredAction may be stepped directly too.
Observation: `inventory` (a count per ITEMS entry, minecraft-data's items), `equipped` (ITEMS
index + 1, 0 for the hand), `life`, `food`, `position`, `orientation` (yaw, pitch), `time_of_day`,
`biome` (BIOMES index), `voxels` (the 21^3 navigation window, palette ids), `seen_blocks` (per
palette block, what the rays of sight have shown nearby) and `seen_mobs` (per MOBS kind, in sight).
Reward: 1 the step the inventory first holds `count` of `goal`; the episode terminates then or
when the player dies, and is truncated when the step budget is spent.

reset(seed=S) generates the world of seed S (the CLI's --seed S); without a seed, one is drawn
from the env's generator. `options` may override goal, count, max_steps, start_time, break_speed
and initial_inventory for that episode.
"""

from __future__ import annotations

import inspect
import math
import string
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from envs.minecraft.contracts import MinecraftObservation, MinecraftTask, StructuredAction
from envs.minecraft.sim.actions import StructuredActions
from envs.minecraft.sim.env import EmbeddedMinecraft
from envs.minecraft.sim.mobs import HOSTILE, PASSIVE
from envs.minecraft.sim.palette import BLOCKS
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.worldgen import BIOMES

ACTIONS = ("equip", "explore", "approach", "mine", "attack", "dig_down", "go_up", "craft", "smelt", "apply", "place",
           "build", "eat")
STRATEGIES = ("surface", "underground")
ITEMS: tuple[str, ...] = tuple(item["name"] for item in rules().data.items_list)
MOBS: tuple[str, ...] = tuple(sorted(set(PASSIVE) | set(HOSTILE)))
OBJECTS: tuple[str, ...] = tuple(sorted(set(ITEMS) | set(BLOCKS) | set(MOBS) | {"log", "planks", "water", "lava"}))
PARAMETERS = {name: tuple(list(inspect.signature(getattr(StructuredActions, f"_{name}")).parameters)[1:])
              for name in ACTIONS}
MOST_ITEMS = 64 * 36  # a full inventory of one item
BLUEPRINT_CHARACTERS = string.ascii_lowercase + string.digits + ",:;_- "
POSITION_REACH = 3.0e7  # the world border


class MinecraftGymEnv(gym.Env):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(self, goal: str = "diamond", count: int = 1, max_steps: int = 12_000, start_time: int = 0,
                 break_speed: float = 1.0, render_mode: str | None = None):
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode {render_mode!r}: only 'rgb_array' (the first-person view)")
        if goal not in ITEMS:
            raise ValueError(f"goal {goal!r} is not a Minecraft item")
        self.render_mode = render_mode
        self.defaults = {"goal": goal, "count": count, "max_steps": max_steps, "start_time": start_time,
                         "break_speed": break_speed, "initial_inventory": {}}
        self.world = EmbeddedMinecraft()
        objects = len(OBJECTS) + 1
        self.action_space = spaces.Dict({
            "name": spaces.Discrete(len(ACTIONS)), "object": spaces.Discrete(objects), "tool": spaces.Discrete(objects),
            "materials": spaces.Discrete(objects), "count": spaces.Discrete(64),
            "strategy": spaces.Discrete(len(STRATEGIES)), "ylevel": spaces.Discrete(256),
            "blueprint": spaces.Text(max_length=256, charset=BLUEPRINT_CHARACTERS)})
        self.observation_space = spaces.Dict({
            "inventory": spaces.Box(0, MOST_ITEMS, (len(ITEMS),), np.int32),
            "equipped": spaces.Discrete(len(ITEMS) + 1),
            "life": spaces.Box(0.0, 20.0, (1,), np.float32),
            "food": spaces.Box(0.0, 20.0, (1,), np.float32),
            "position": spaces.Box(-POSITION_REACH, POSITION_REACH, (3,), np.float32),
            "orientation": spaces.Box(np.array([0.0, -90.0], np.float32), np.array([360.0, 90.0], np.float32),
                                      dtype=np.float32),
            "time_of_day": spaces.Box(0.0, 24_000.0, (1,), np.float32),
            "biome": spaces.Discrete(len(BIOMES)),
            "voxels": spaces.Box(0, 255, (21, 21, 21), np.uint8),
            "seen_blocks": spaces.Box(0, 2**20, (len(BLOCKS),), np.int32),
            "seen_mobs": spaces.Box(0, 1024, (len(MOBS),), np.int32)})
        self.task: dict[str, Any] = dict(self.defaults)
        self._reached = False
        self._item_index = {name: i for i, name in enumerate(ITEMS)}

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        unknown = sorted(set(options or {}) - set(self.defaults))
        if unknown:
            raise ValueError(f"unknown reset options {', '.join(unknown)}; options are {', '.join(self.defaults)}")
        self.task = {**self.defaults, **(options or {})}
        world_seed = int(seed) if seed is not None else int(self.np_random.integers(0, 2**31 - 1))
        task = MinecraftTask(task_id=f"gym-{self.task['goal']}", seed=world_seed, goal=self.task["goal"],
                             max_steps=self.task["max_steps"], start_time=self.task["start_time"],
                             break_speed=self.task["break_speed"], initial_inventory=self.task["initial_inventory"])
        observation = self.world.reset(task)
        self._reached = self._goal_reached(observation)
        return self._observation(observation), {"seed": world_seed, "goal": task.goal}

    def step(self, action):
        if self.world.engine is None:
            raise gym.error.ResetNeeded("step() before reset()")
        structured = action if isinstance(action, StructuredAction) else to_structured_action(action)
        result = self.world.step(structured)
        observation = result.observation
        reached = self._goal_reached(observation)
        reward = 1.0 if reached and not self._reached else 0.0
        self._reached = self._reached or reached
        info = {"action": structured.model_dump(), "result": result.info["result"], "died": result.info["died"],
                "steps": observation.step}
        terminated = bool(reached or result.terminated)
        return self._observation(observation), reward, terminated, bool(result.truncated and not terminated), info

    def _goal_reached(self, observation: MinecraftObservation) -> bool:
        return observation.inventory.get(self.task["goal"], 0) >= self.task["count"]

    def _observation(self, observation: MinecraftObservation) -> dict[str, Any]:
        inventory = np.zeros(len(ITEMS), np.int32)
        for name, count in observation.inventory.items():
            if name in self._item_index:
                inventory[self._item_index[name]] = min(count, MOST_ITEMS)
        seen_blocks = np.array([observation.seen_blocks.get(name, 0) for name in BLOCKS], np.int32)
        seen_mobs = np.array([observation.seen_mobs.get(name, 0) for name in MOBS], np.int32)
        equipped = observation.equipped
        return {
            "inventory": inventory,
            "equipped": 0 if equipped is None else self._item_index.get(equipped, -1) + 1,
            "life": np.array([min(max(observation.life, 0.0), 20.0)], np.float32),
            "food": np.array([min(max(observation.food, 0.0), 20.0)], np.float32),
            "position": np.clip(np.array(observation.position, np.float32), -POSITION_REACH, POSITION_REACH),
            "orientation": np.array([math.fmod(observation.yaw, 360.0) % 360.0,
                                     min(max(observation.pitch, -90.0), 90.0)], np.float32),
            "time_of_day": np.array([observation.time_of_day % 24_000], np.float32),
            "biome": BIOMES.index(observation.biome),
            "voxels": observation.voxels.astype(np.uint8),
            "seen_blocks": np.minimum(seen_blocks, 2**20), "seen_mobs": np.minimum(seen_mobs, 1024)}

    def render(self):
        if self.render_mode == "rgb_array" and self.world.engine is not None:
            return self.world.engine.picture()
        return None

    def close(self) -> None:
        self.world.close()


def to_structured_action(action: dict[str, Any]) -> StructuredAction:
    """The StructuredAction a Dict action stands for: the arguments its action takes, 0 = none."""
    name = ACTIONS[int(action["name"])]
    values = {"object": _object(action.get("object")), "tool": _object(action.get("tool")),
              "materials": _object(action.get("materials")), "count": int(action.get("count", 0)) + 1,
              "strategy": STRATEGIES[int(action.get("strategy", 0))], "ylevel": int(action.get("ylevel", 0)),
              "blueprint": str(action.get("blueprint", ""))}
    args = {key: values[key] for key in PARAMETERS[name] if values.get(key) not in (None, "")}
    return StructuredAction(name=name, args=args)


def _object(index) -> str | None:
    return None if index is None or int(index) == 0 else OBJECTS[int(index) - 1]
