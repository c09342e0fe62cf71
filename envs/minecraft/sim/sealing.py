"""Keeping lava out of a tunnel, as a miner does: a block dug out ahead can open onto a lava lake
behind it. What the player has seen beside a cell tells whether digging into it is safe; a cell
just opened onto lava is filled again with a block from the inventory (placed against a face of
a solid neighbour, as a player places a block) before the lava flows in. Water does no harm and
is left to flow (the way on is then judged by where the player can stand dry).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from envs.minecraft.sim.engine import Primitive
from envs.minecraft.sim.fluids import NEIGHBOURS
from envs.minecraft.sim.navigation import aim_at
from envs.minecraft.sim.palette import LAVA

if TYPE_CHECKING:
    from envs.minecraft.sim.engine import Engine

Cell = tuple[int, int, int]
FACE_INSET = 0.01  # aim this far inside the neighbour's face


def lava_seen_beside(engine: Engine, cells: Iterable[Cell], ignore: Iterable[Cell] = ()) -> bool:
    """Whether the player has seen lava in or next to any of these cells (the cells in
    `ignore`, such as the player's own, do not count)."""
    skip = set(ignore)
    for x, y, z in cells:
        for dx, dy, dz in ((0, 0, 0),) + NEIGHBOURS:
            beside = (x + dx, y + dy, z + dz)
            if beside not in skip and engine.seen.get(*beside) == LAVA:
                return True
    return False


def seal(engine: Engine, cell: Cell, fillers: Iterable[str]) -> bool:
    """Fill an open cell next to the player with the first filler block the inventory holds: aim at
    the face a solid neighbour shows the cell and place it there. False when there is no filler
    or no face to place against within reach."""
    block = next((name for name in fillers if engine.player.inventory[name] > 0), None)
    if block is None:
        return False
    for dx, dy, dz in NEIGHBOURS:
        neighbour = (cell[0] + dx, cell[1] + dy, cell[2] + dz)
        if engine.world.passable(*neighbour):
            continue
        point = tuple(c + 0.5 + d * (0.5 + FACE_INSET) for c, d in zip(cell, (dx, dy, dz)))
        aim_at(engine, point)
        if engine.target() == (neighbour, cell):
            return engine.step(Primitive.USE, block).success
    return False

