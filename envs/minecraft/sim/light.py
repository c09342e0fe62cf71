"""Light levels, for where hostile mobs may spawn (1.16: light 7 or less).

Simplified from the game's flood fill: a cell open to the sky above it (nothing but see-through
blocks and leaves) has the sky's light, 15 by day and 4 at night with dusk and dawn between; a
cell under a roof has none from the sky. Torches (14) and lava (15) light their surroundings,
one level less a block of Manhattan distance.
"""

from __future__ import annotations

import numpy as np

from envs.minecraft.sim.palette import BLOCKS, ID, TRANSPARENT
from envs.minecraft.sim.worldgen import HEIGHT

SKY_OPEN = TRANSPARENT.copy()
for _name in BLOCKS:
    if _name.endswith("_leaves"):
        SKY_OPEN[ID[_name]] = True
EMITTERS = {ID["torch"]: 14, ID["lava"]: 15}
EMITTER_REACH = 15


def sky_light(time_of_day: int) -> int:
    """The sky's light at a time of day: 15 by day, 4 at night, linear through dusk and dawn."""
    t = time_of_day % 24_000
    if t < 12_000 or t >= 23_500:
        return 15
    if t < 13_500:
        return round(15 - 11 * (t - 12_000) / 1_500)
    if t < 22_500:
        return 4
    return round(4 + 11 * (t - 22_500) / 1_000)


def open_to_sky(world, x: int, y: int, z: int) -> bool:
    """Nothing above the cell but see-through blocks and leaves."""
    if y + 1 >= HEIGHT:
        return True
    return bool(SKY_OPEN[world.box(x, y + 1, z, 1, HEIGHT - y - 1, 1).ravel()].all())


def light_level(world, x: int, y: int, z: int, time_of_day: int) -> int:
    level = sky_light(time_of_day) if open_to_sky(world, x, y, z) else 0
    if level >= 15:
        return level
    r = EMITTER_REACH
    box = world.box(x - r, y - r, z - r, 2 * r + 1, 2 * r + 1, 2 * r + 1)
    for block, emitted in EMITTERS.items():
        cells = np.argwhere(box == block)
        if len(cells):
            nearest = int(np.abs(cells - r).sum(axis=1).min())
            level = max(level, emitted - nearest)
    return level
