"""Mobs: passive animals on grass from the start, hostile mobs at night; attack and loot.

Health, attack damage and loot follow Minecraft 1.16 (loot from minecraft-data's
entityLoot). Mobs move on the grid once a second: animals wander, hostiles within 16
blocks walk towards the player and hit it when next to it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from envs.minecraft.sim.world import VoxelWorld

PASSIVE = {"cow": 10.0, "sheep": 8.0, "pig": 10.0, "chicken": 4.0}
HOSTILE = {"zombie": 20.0, "skeleton": 20.0, "spider": 16.0, "creeper": 20.0}
HOSTILE_DAMAGE = {"zombie": 3.0, "skeleton": 3.0, "spider": 2.0, "creeper": 10.0}
WEAPON_DAMAGE = {None: 1.0, "wooden_sword": 4.0, "stone_sword": 5.0, "iron_sword": 6.0, "diamond_sword": 7.0,
                 "wooden_axe": 7.0, "stone_axe": 9.0, "iron_axe": 9.0, "diamond_axe": 9.0}
ATTACK_COOLDOWN_TICKS = 13  # a full-strength hit about 1.6 times a second
NIGHT = (13_000, 23_000)
MOVE_EVERY_TICKS = 20
HOSTILE_CAP = 6


@dataclass
class Mob:
    id: int
    kind: str
    x: int
    y: int  # feet
    z: int
    health: float

    @property
    def hostile(self) -> bool:
        return self.kind in HOSTILE


def is_night(time_of_day: int) -> bool:
    return NIGHT[0] <= time_of_day % 24_000 < NIGHT[1]


class MobManager:
    def __init__(self, world: VoxelWorld, seed: int):
        self.world = world
        self.rng = random.Random(seed * 7919 + 1)
        self.mobs: dict[int, Mob] = {}
        self._next_id = 0
        self._populated: set[tuple[int, int]] = set()

    def _spawn(self, kind: str, x: int, y: int, z: int) -> None:
        self.mobs[self._next_id] = Mob(self._next_id, kind, x, y, z, PASSIVE.get(kind) or HOSTILE[kind])
        self._next_id += 1

    def populate_around(self, x: int, z: int, radius: int = 32) -> None:
        """Animals on the grass of every chunk near the player, once per chunk (seeded by position)."""
        for cx in range((x - radius) // 16, (x + radius) // 16 + 1):
            for cz in range((z - radius) // 16, (z + radius) // 16 + 1):
                if (cx, cz) in self._populated:
                    continue
                self._populated.add((cx, cz))
                rng = random.Random(hash((cx, cz, self.rng.random())) & 0xFFFFFFFF)
                for _ in range(rng.randint(0, 2)):
                    mx, mz = cx * 16 + rng.randrange(16), cz * 16 + rng.randrange(16)
                    my = self.world.surface_y(mx, mz) + 1
                    if self.world.get(mx, my - 1, mz) == 3 and self.world.standable(mx, my, mz):  # on grass_block
                        self._spawn(rng.choice(sorted(PASSIVE)), mx, my, mz)

    def tick(self, step: int, time_of_day: int, player) -> float:
        """Advance mobs one tick; returns the damage dealt to the player."""
        if step % MOVE_EVERY_TICKS:
            return 0.0
        px, py, pz = player.cell()
        if is_night(time_of_day) and sum(m.hostile for m in self.mobs.values()) < HOSTILE_CAP:
            angle, distance = self.rng.uniform(0, 2 * math.pi), self.rng.uniform(16, 24)
            hx, hz = int(px + distance * math.cos(angle)), int(pz + distance * math.sin(angle))
            hy = self.world.surface_y(hx, hz) + 1
            if self.world.standable(hx, hy, hz):
                self._spawn(self.rng.choice(sorted(HOSTILE)), hx, hy, hz)
        damage = 0.0
        for mob in list(self.mobs.values()):
            if mob.hostile and abs(mob.x - px) <= 16 and abs(mob.z - pz) <= 16:
                if abs(mob.x - px) + abs(mob.z - pz) <= 1 and abs(mob.y - py) <= 1:
                    damage += HOSTILE_DAMAGE[mob.kind]
                    if mob.kind == "creeper":
                        del self.mobs[mob.id]  # it explodes
                    continue
                dx = (px > mob.x) - (px < mob.x)
                dz = (pz > mob.z) - (pz < mob.z)
                step_to = (dx, 0) if abs(px - mob.x) >= abs(pz - mob.z) else (0, dz)
            else:
                step_to = self.rng.choice(((1, 0), (-1, 0), (0, 1), (0, -1), (0, 0)))
            self._move(mob, *step_to)
        return damage

    def _move(self, mob: Mob, dx: int, dz: int) -> None:
        for dy in (0, 1, -1):
            if self.world.standable(mob.x + dx, mob.y + dy, mob.z + dz):
                mob.x, mob.y, mob.z = mob.x + dx, mob.y + dy, mob.z + dz
                return

    def around(self, kind: str, x: int, y: int, z: int, radius: int) -> list[Mob]:
        """The mobs of a kind within `radius` (a box), nearest first."""
        found = [m for m in self.mobs.values() if m.kind == kind and max(abs(m.x - x), abs(m.z - z)) <= radius
                 and abs(m.y - y) <= radius]
        return sorted(found, key=lambda m: ((m.x - x) ** 2 + (m.y - y) ** 2 + (m.z - z) ** 2, m.id))

    def nearest(self, kind: str, x: int, y: int, z: int, radius: int = 16) -> Mob | None:
        found = [m for m in self.mobs.values() if m.kind == kind and max(abs(m.x - x), abs(m.z - z)) <= radius
                 and abs(m.y - y) <= radius]
        return min(found, key=lambda m: (m.x - x) ** 2 + (m.y - y) ** 2 + (m.z - z) ** 2) if found else None
