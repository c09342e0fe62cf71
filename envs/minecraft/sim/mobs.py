"""Mobs: animals from the start (each biome's: farm animals on grass, rabbits in deserts and snow,
horses, donkeys and llamas on savannas, parrots in jungles; squid and fish in water two or more
deep, which they never leave), hostile mobs wherever it is dark; attack and loot.

Health and attack damage follow Minecraft 1.16 on normal difficulty; loot is rolled by the
rules (loot.yaml). Once a second a hostile mob may spawn 24-40 blocks from the player on a
dark cell (light 7 or less, light.py: caves by day, anywhere at night) while fewer than
HOSTILE_CAP are about; mobs move a block a second. Hostiles that sense the player (zombies 35
blocks, the others 16) walk to it by a short breadth-first search over the cells they can stand
in; zombies and spiders hit when next to it, skeletons shoot when they see it within 15 blocks.
A creeper that sees the player within 3 blocks stops and swells: 30 ticks later it explodes (the
game's explosion damage for power 3 at the player's distance then), unless the player got more
than 7 blocks away or out of its sight, which makes it shrink back a tick a tick, as in 1.16.
Zombies, skeletons and strays burn up under the open sky by day. A biome puts its own kind in
the place of one drawn: husks for zombies under the desert sky, strays for skeletons under the
snowy sky, and in swamps slimes (small ones, 4 health) where spiders would come. The player's interface strikes back
at a hostile next to it with what it holds (GITM's interface fights off attackers).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict, deque
from dataclasses import dataclass, field

from envs.minecraft.sim.biomes import LIFE, NAMES, WARM
from envs.minecraft.sim.light import SKY_OPEN, light_level, open_to_sky, sky_light
from envs.minecraft.sim.palette import BLOCKS, ID
from envs.minecraft.sim.world import VoxelWorld
from envs.minecraft.sim.worldgen import HEIGHT, SEA_LEVEL

PASSIVE = {"cow": 10.0, "sheep": 8.0, "pig": 10.0, "chicken": 4.0, "rabbit": 3.0, "horse": 22.0, "donkey": 22.0,
           "llama": 22.0, "parrot": 6.0, "squid": 10.0, "cod": 3.0, "salmon": 3.0, "tropical_fish": 3.0,
           "pufferfish": 3.0}
AQUATIC = ("squid", "cod", "salmon", "tropical_fish", "pufferfish")
WATER_TRIES = 4
HOSTILE = {"zombie": 20.0, "skeleton": 20.0, "spider": 16.0, "creeper": 20.0, "husk": 20.0, "stray": 20.0,
           "slime": 4.0}
HOSTILE_POOL = ("creeper", "skeleton", "spider", "zombie")  # what a dark cell spawns, before biome variants
HOSTILE_DAMAGE = {"zombie": 3.0, "skeleton": 3.0, "spider": 2.0, "husk": 3.0, "stray": 3.0, "slime": 2.0}
SHOOTERS = ("skeleton", "stray")  # the damage is an arrow's
SENSE_RANGE = {"zombie": 35, "skeleton": 16, "spider": 16, "creeper": 16, "husk": 35, "stray": 16, "slime": 16}
WEAPON_DAMAGE = {None: 1.0, "wooden_sword": 4.0, "stone_sword": 5.0, "iron_sword": 6.0, "diamond_sword": 7.0,
                 "wooden_axe": 7.0, "stone_axe": 9.0, "iron_axe": 9.0, "diamond_axe": 9.0,
                 "wooden_pickaxe": 2.0, "stone_pickaxe": 3.0, "iron_pickaxe": 4.0, "diamond_pickaxe": 5.0,
                 "wooden_shovel": 2.5, "stone_shovel": 3.5, "iron_shovel": 4.5, "diamond_shovel": 5.5}
ATTACK_COOLDOWN_TICKS = 13  # a full-strength hit about 1.6 times a second
MOVE_EVERY_TICKS = 20
HOSTILE_CAP = 6
SPAWN_DISTANCE = (24, 40)
SPAWN_LIGHT = 7
SHOT_RANGE = 15
SHOT_EVERY_TICKS = 40
CREEPER_POWER = 3.0
CREEPER_IGNITES = 3.0  # blocks: a creeper this near the player (and seeing it) starts to swell
CREEPER_SHRINKS = 7.0  # blocks: farther than this (or out of sight), it shrinks back
CREEPER_FUSE_TICKS = 30
CHASE_NODES = 500
LOST_TICKS = 200  # a mob that found no way to the player tries again 10 s later
BURNS_IN_DAYLIGHT = ("zombie", "skeleton", "stray")
STEPS_DOWN = (0, 1, -1, -2, -3)  # a mob steps up a block or drops up to three
NO_SPAWN_ON = SKY_OPEN.copy()  # not on leaves, glass or fluids
NO_SPAWN_ON[[ID["water"], ID["lava"]]] = True


@dataclass
class Mob:
    id: int
    kind: str
    x: int
    y: int  # feet
    z: int
    health: float
    path: list[tuple[int, int, int]] = field(default_factory=list)  # the way to the player, next cell last
    lost_until: int = 0  # no way to the player was found: it wanders until this tick
    sheared: bool = False
    swell: int = 0  # a creeper's ticks of swelling (it explodes at CREEPER_FUSE_TICKS)

    @property
    def hostile(self) -> bool:
        return self.kind in HOSTILE


def is_night(time_of_day: int) -> bool:
    return sky_light(time_of_day) <= SPAWN_LIGHT


def explosion_damage(distance: float, power: float = CREEPER_POWER) -> float:
    """The game's explosion damage to an unshielded player at a distance (normal difficulty)."""
    impact = max(1.0 - distance / (2.0 * power), 0.0)
    return 0.0 if impact <= 0 else math.floor((impact * impact + impact) / 2.0 * 7.0 * 2.0 * power + 1.0)


class MobManager:
    def __init__(self, world: VoxelWorld, seed: int):
        self.world = world
        self.rng = random.Random(seed * 7919 + 1)
        self.mobs: dict[int, Mob] = {}
        self._next_id = 0
        self._populated: set[tuple[int, int]] = set()
        self.killed_by_player: list[str] = []

    def _spawn(self, kind: str, x: int, y: int, z: int) -> Mob:
        mob = self.mobs[self._next_id] = Mob(self._next_id, kind, x, y, z, PASSIVE.get(kind) or HOSTILE[kind])
        self._next_id += 1
        return mob

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
                    life = LIFE[NAMES.index(self.world.biome(mx, mz))]
                    if life.animals and BLOCKS[self.world.get(mx, my - 1, mz)] in life.ground and \
                            self.world.standable(mx, my, mz):
                        self._spawn(rng.choice(life.animals), mx, my, mz)
                self._populate_water(rng, cx, cz)

    def _populate_water(self, rng: random.Random, cx: int, cz: int) -> None:
        """Squid and fish a block under the surface of water two or more deep (tropical fish and
        pufferfish where it is warm), WATER_TRIES tries a chunk."""
        for _ in range(WATER_TRIES):
            mx, mz = cx * 16 + rng.randrange(16), cz * 16 + rng.randrange(16)
            if self.world.get(mx, SEA_LEVEL, mz) != ID["water"] or self.world.get(mx, SEA_LEVEL - 1, mz) != ID["water"]:
                continue
            warm = NAMES.index(self.world.biome(mx, mz)) in WARM
            kinds = ("squid", "cod", "tropical_fish", "pufferfish") if warm else ("squid", "cod", "salmon")
            self._spawn(rng.choice(kinds), mx, SEA_LEVEL - 1, mz)

    def tick(self, step: int, time_of_day: int, player) -> dict[str, float]:
        """Advance mobs one tick; returns the damage dealt to the player, by the kind of mob that dealt it."""
        px, py, pz = player.cell()
        damage: defaultdict[str, float] = defaultdict(float)
        for mob in list(self.mobs.values()):
            if mob.kind in SHOOTERS and step % SHOT_EVERY_TICKS == mob.id % SHOT_EVERY_TICKS and \
                    _distance(mob, px, py, pz) <= SHOT_RANGE and self._sees(mob, player):
                damage[mob.kind] += HOSTILE_DAMAGE[mob.kind]
            elif mob.kind == "creeper":
                damage[mob.kind] += self._swell(mob, player)
        if step % MOVE_EVERY_TICKS:
            return damage
        if sum(m.hostile for m in self.mobs.values()) < HOSTILE_CAP:
            self._try_hostile_spawn(px, py, pz, time_of_day)
        day = not is_night(time_of_day)
        for mob in list(self.mobs.values()):
            if day and mob.kind in BURNS_IN_DAYLIGHT and self._under_sky(mob):
                del self.mobs[mob.id]  # burnt up in the sunlight
                continue
            if not mob.hostile or _distance(mob, px, py, pz) > SENSE_RANGE[mob.kind] or step < mob.lost_until:
                self._move(mob, *self.rng.choice(((1, 0), (-1, 0), (0, 1), (0, -1), (0, 0))))
                continue
            if mob.swell:
                continue  # a swelling creeper stands still
            if abs(mob.x - px) + abs(mob.z - pz) <= 1 and abs(mob.y - py) <= 1:
                if mob.kind not in SHOOTERS and mob.kind != "creeper":
                    damage[mob.kind] += HOSTILE_DAMAGE[mob.kind]
                continue
            if not self._chase(mob, (px, py, pz)):
                mob.lost_until = step + LOST_TICKS
        return damage

    def _swell(self, mob: Mob, player) -> float:
        """One tick of a creeper's fuse; the blast's damage to the player when it explodes (it is gone)."""
        px, py, pz = player.cell()
        distance = _distance(mob, px, py, pz)
        if not mob.swell and distance >= CREEPER_IGNITES:
            return 0.0
        if distance > CREEPER_SHRINKS or not self._sees(mob, player):
            mob.swell = max(mob.swell - 1, 0)
            return 0.0
        mob.swell += 1
        if mob.swell < CREEPER_FUSE_TICKS:
            return 0.0
        del self.mobs[mob.id]
        return explosion_damage(distance)

    def _try_hostile_spawn(self, px: int, py: int, pz: int, time_of_day: int) -> None:
        angle = self.rng.uniform(0, 2 * math.pi)
        distance = self.rng.uniform(*SPAWN_DISTANCE)
        hx, hz = int(px + distance * math.cos(angle)), int(pz + distance * math.sin(angle))
        start = py + self.rng.randint(-12, 12)
        for hy in sorted(range(max(start - 8, 1), min(start + 9, HEIGHT - 2)), key=lambda v: abs(v - start)):
            if self.world.standable(hx, hy, hz) and self.world.get(hx, hy, hz) == 0 and \
                    not NO_SPAWN_ON[self.world.get(hx, hy - 1, hz)]:
                if light_level(self.world, hx, hy, hz, time_of_day) <= self.rng.randint(0, SPAWN_LIGHT):
                    self._spawn(self._variant(self.rng.choice(HOSTILE_POOL), hx, hy, hz), hx, hy, hz)
                return

    def _variant(self, kind: str, x: int, y: int, z: int) -> str:
        """The biome's own kind: husks for zombies under the desert sky, strays for skeletons under
        the snowy sky, and in swamps slimes where spiders would come."""
        biome = self.world.biome(x, z)
        if biome == "desert" and kind == "zombie" and open_to_sky(self.world, x, y, z):
            return "husk"
        if biome == "snowy_tundra" and kind == "skeleton" and open_to_sky(self.world, x, y, z):
            return "stray"
        if biome == "swamp" and kind == "spider":
            return "slime"
        return kind

    def _under_sky(self, mob: Mob) -> bool:
        return open_to_sky(self.world, mob.x, mob.y, mob.z)

    def _sees(self, mob: Mob, player) -> bool:
        from envs.minecraft.sim.sight import in_view

        return in_view(self.world, (mob.x + 0.5, mob.y + 1.6, mob.z + 0.5), (player.x, player.y + 1.0, player.z),
                       SHOT_RANGE)

    def _chase(self, mob: Mob, target: tuple[int, int, int]) -> bool:
        """One block towards the target: straight at it when that block is free, else along the
        shortest way (breadth-first over standable cells, CHASE_NODES at most) to next to it;
        False when there is no way."""
        dx, dz = (target[0] > mob.x) - (target[0] < mob.x), (target[2] > mob.z) - (target[2] < mob.z)
        straight = ((dx, 0), (0, dz)) if abs(target[0] - mob.x) >= abs(target[2] - mob.z) else ((0, dz), (dx, 0))
        for sx, sz in straight:
            if (sx or sz) and self._step_if_closer(mob, sx, sz, target):
                mob.path = []
                return True
        if mob.path and self.world.standable(*mob.path[-1]):
            mob.x, mob.y, mob.z = mob.path.pop()
            return True
        start = (mob.x, mob.y, mob.z)
        came: dict[tuple[int, int, int], tuple[int, int, int] | None] = {start: None}
        queue = deque([start])
        reached = None
        while queue and len(came) < CHASE_NODES:
            cell = queue.popleft()
            if abs(cell[0] - target[0]) + abs(cell[2] - target[2]) <= 1 and abs(cell[1] - target[1]) <= 1:
                reached = cell
                break
            for dx, dz in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                for dy in STEPS_DOWN:
                    nxt = (cell[0] + dx, cell[1] + dy, cell[2] + dz)
                    if nxt not in came and self.world.standable(*nxt):
                        came[nxt] = cell
                        queue.append(nxt)
                        break
        if reached is None or reached == start:
            return False
        mob.path = []
        while reached != start:
            mob.path.append(reached)
            reached = came[reached]
        mob.x, mob.y, mob.z = mob.path.pop()
        return True

    def _step_if_closer(self, mob: Mob, dx: int, dz: int, target: tuple[int, int, int]) -> bool:
        before = _distance(mob, *target)
        for dy in STEPS_DOWN:
            cell = (mob.x + dx, mob.y + dy, mob.z + dz)
            if self.world.standable(*cell) and math.dist(cell, target) < before:
                mob.x, mob.y, mob.z = cell
                return True
        return False

    def _move(self, mob: Mob, dx: int, dz: int) -> None:
        if mob.kind in AQUATIC:  # they stay in the water
            if self.world.get(mob.x + dx, mob.y, mob.z + dz) == ID["water"]:
                mob.x, mob.z = mob.x + dx, mob.z + dz
            return
        for dy in (0, 1, -1):
            if self.world.standable(mob.x + dx, mob.y + dy, mob.z + dz):
                mob.x, mob.y, mob.z = mob.x + dx, mob.y + dy, mob.z + dz
                return

    def attackers(self, x: int, y: int, z: int) -> list[Mob]:
        """Hostile mobs next to a cell."""
        return [m for m in self.mobs.values() if m.hostile and abs(m.x - x) + abs(m.z - z) <= 1
                and abs(m.y - y) <= 1]

    def around(self, kind: str, x: int, y: int, z: int, radius: int) -> list[Mob]:
        """The mobs of a kind within `radius` (a box), nearest first."""
        found = [m for m in self.mobs.values() if m.kind == kind and max(abs(m.x - x), abs(m.z - z)) <= radius
                 and abs(m.y - y) <= radius]
        return sorted(found, key=lambda m: ((m.x - x) ** 2 + (m.y - y) ** 2 + (m.z - z) ** 2, m.id))

    def nearest(self, kind: str, x: int, y: int, z: int, radius: int = 16) -> Mob | None:
        found = self.around(kind, x, y, z, radius)
        return found[0] if found else None


def _distance(mob: Mob, x: int, y: int, z: int) -> float:
    return math.dist((mob.x, mob.y, mob.z), (x, y, z))
