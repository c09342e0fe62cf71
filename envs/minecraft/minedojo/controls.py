"""GITM's structured actions as routines of MineDojo MultiDiscrete actions.

MineDojo's action is 8 integers: move (0 none, 1 forward, 2 back), strafe (0, 1 left, 2 right),
jump (0, 1 jump, 2 sneak, 3 sprint), camera pitch and yaw deltas in 15-degree bins (bin 12 is no
turn), a functional action (0 none, 1 use, 2 drop, 3 attack, 4 craft/smelt, 5 equip, 6 place,
7 destroy), the craft/smelt item index, and the inventory slot for equip/place/destroy.

A routine looks at each observation dict and answers the next action, or Finished with success
and one feedback sentence; the adapter runs it until it finishes or spends its step budget.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from envs.minecraft.minedojo.names import to_ours
from envs.minecraft.minedojo.observation import inventory_of, sightings, slot_of, stat

CAMERA_STEP_DEG = 15.0
CAMERA_CENTER = 12
NOOP, USE, DROP, ATTACK, CRAFT, EQUIP, PLACE, DESTROY = range(8)
REACH_M = 4.5
AIM_TOLERANCE_DEG = 7.5


def action(forward: int = 0, strafe: int = 0, jump: int = 0, pitch_deg: float = 0.0, yaw_deg: float = 0.0,
           functional: int = NOOP, craft_index: int = 0, slot: int = 0) -> list[int]:
    """One MineDojo action; camera deltas are rounded to 15-degree bins (at most 180 degrees)."""
    def camera_bin(degrees: float) -> int:
        return CAMERA_CENTER + max(-CAMERA_CENTER, min(CAMERA_CENTER, round(degrees / CAMERA_STEP_DEG)))

    return [forward, strafe, jump, camera_bin(pitch_deg), camera_bin(yaw_deg), functional, craft_index, slot]


@dataclass(frozen=True)
class Finished:
    success: bool
    feedback: str


def matches(target: str, name: str) -> bool:
    """A name is the target, or one of the blocks a group name stands for ("log" -> oak_log, ...)."""
    return name == target or name.endswith("_" + target) or name.startswith(target + "_")


def gained(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)
            if after.get(k, 0) > before.get(k, 0)}


class Routine:
    budget = 600  # MineDojo steps before the routine gives up

    def start(self, obs: dict) -> None:
        self.before = inventory_of(obs)
        self.steps = 0

    def next(self, obs: dict) -> list[int] | Finished:
        raise NotImplementedError


class Craft(Routine):
    """craft or smelt: the functional craft action with the item's index, until `count` are made."""

    def __init__(self, item: str, count: int, index: int, verb: str = "craft"):
        self.item, self.count, self.index, self.verb = item, max(int(count), 1), index, verb
        self.tries = 0

    def next(self, obs):
        made = inventory_of(obs).get(self.item, 0) - self.before.get(self.item, 0)
        if made >= self.count:
            return Finished(True, f"{self.verb}ed {made} {self.item}")
        if self.tries >= self.count + 2:  # MineDojo answers a craft a step or two later
            needs = "a furnace nearby and fuel" if self.verb == "smelt" else "a crafting table nearby"
            return Finished(False, f"could not {self.verb} {self.item}: missing ingredients or {needs}")
        self.tries += 1
        return action(functional=CRAFT, craft_index=self.index)


class Equip(Routine):
    def __init__(self, item: str):
        self.item, self.asked = item, False

    def next(self, obs):
        held = np.asarray((obs.get("equipment") or {}).get("name", ["air"]), dtype=object).reshape(-1)
        holding = to_ours(str(held[0])) if len(held) else "air"
        if holding == self.item or (self.asked and self.steps > 2):
            ok = holding == self.item
            return Finished(ok, f"equipped {self.item}" if ok else f"could not equip {self.item}")
        slot = slot_of(obs, self.item)
        if slot is None:
            return Finished(False, f"no {self.item} in the inventory to equip")
        self.asked = True
        self.steps += 1
        return action(functional=EQUIP, slot=slot)


class Place(Routine):
    """Look down in front of the feet and place the item there."""

    def __init__(self, item: str):
        self.item, self.phase = item, 0

    def next(self, obs):
        count = inventory_of(obs).get(self.item, 0)
        if count < self.before.get(self.item, 0):
            return Finished(True, f"placed {self.item}")
        slot = slot_of(obs, self.item)
        if slot is None:
            return Finished(False, f"no {self.item} in the inventory to place")
        self.phase += 1
        if self.phase == 1:
            return action(pitch_deg=60.0 - stat(obs, "location_stats", "pitch"))
        if self.phase > 4:
            return Finished(False, f"could not place {self.item}: no free block to place it on")
        return action(functional=PLACE, slot=slot)


class Seek(Routine):
    """Turn towards the nearest sighting of the target and walk to within reach, then act."""

    kind = "block"

    def __init__(self, target: str):
        self.target = target

    def sighting(self, obs):
        return next((s for s in sightings(obs, self.kind) if matches(self.target, s.name)), None)

    def steer(self, seen) -> list[int]:
        if abs(seen.yaw) > AIM_TOLERANCE_DEG or abs(seen.pitch) > AIM_TOLERANCE_DEG:
            return action(pitch_deg=seen.pitch, yaw_deg=seen.yaw)
        return action(forward=1, jump=1)


class Approach(Seek):
    def next(self, obs):
        seen = self.sighting(obs) or next((s for s in sightings(obs, "entity") if matches(self.target, s.name)),
                                          None)
        if seen is None:
            return Finished(False, f"no {self.target} in sight to approach; explore first")
        if seen.distance <= 3.0:
            return Finished(True, f"reached the {seen.name} ({seen.distance:.1f} blocks away)")
        return self.steer(seen)


class Mine(Seek):
    """Walk to the nearest target block, aim at it and attack until the inventory gains a drop."""

    def next(self, obs):
        got = gained(self.before, inventory_of(obs))
        if got:
            return Finished(True, "mined and got " + ", ".join(f"{n} {k}" for k, n in sorted(got.items())))
        seen = self.sighting(obs)
        if seen is None:
            return Finished(False, f"no {self.target} in sight to mine; explore first")
        if seen.distance > REACH_M:
            return self.steer(seen)
        if abs(seen.yaw) > AIM_TOLERANCE_DEG or abs(seen.pitch) > AIM_TOLERANCE_DEG:
            return action(pitch_deg=seen.pitch, yaw_deg=seen.yaw)
        return action(functional=ATTACK)


class Attack(Mine):
    kind = "entity"

    def next(self, obs):
        decision = super().next(obs)
        if isinstance(decision, Finished) and decision.success:
            return Finished(True, decision.feedback.replace("mined", "killed the " + self.target))
        return decision


class Explore(Routine):
    """Walk and jump forward, turning now and then, until the rays see the target."""

    budget = 1200
    TURN_EVERY = 40

    def __init__(self, target: str, seed: int = 0):
        self.target, self.rng, self.walked = target, random.Random(seed), 0

    def next(self, obs):
        for kind in ("block", "entity"):
            seen = next((s for s in sightings(obs, kind) if matches(self.target, s.name)), None)
            if seen is not None:
                return Finished(True, f"found {seen.name} {seen.distance:.0f} blocks away")
        self.walked += 1
        if self.walked > self.budget - 1:
            return Finished(False, f"explored {self.walked} steps without seeing {self.target}")
        if self.walked % self.TURN_EVERY == 0:
            return action(yaw_deg=self.rng.choice((-90.0, 90.0, 180.0)))
        return action(forward=1, jump=1)


class DigDown(Routine):
    """Look straight down and break the block below until the feet reach the y level."""

    def __init__(self, y_level: int):
        self.y_level = int(y_level)

    def next(self, obs):
        y = stat(obs, "location_stats", "pos", 1)
        if y <= self.y_level + 0.5:
            return Finished(True, f"dug down to y={int(y)}")
        pitch = stat(obs, "location_stats", "pitch")
        if pitch < 80.0:
            return action(pitch_deg=90.0 - pitch)
        return action(functional=ATTACK)


UNSUPPORTED = {"go_up": "pillaring up", "apply": "using an item on a block", "build": "building blueprints"}
