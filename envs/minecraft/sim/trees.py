"""The trees and huge mushrooms of the biomes, grown into a chunk's voxels.

Shapes after the game's tree features, simplified to boxes: oak and birch (a trunk of 4-6 and a
5 x 5 crown), spruce (a trunk of 5-8 under narrowing rings), jungle (a trunk of 7-11, a wide
crown with vines hanging from its edge and cocoa pods on the trunk), acacia (a trunk of 5-6 with
a flat crown), dark oak (a 2 x 2 trunk of 6-8 under a 7 x 7 crown), the swamp's oak (vines on
its crown); huge brown (a flat cap) and red (a dome) mushrooms on a stem of 5.
"""

from __future__ import annotations

import numpy as np

from envs.minecraft.sim.palette import AIR, ID

CHUNK = 16


def _fill(blocks: np.ndarray, x0: int, x1: int, y0: int, y1: int, z0: int, z1: int, block: str) -> None:
    """Air in the box [x0, x1) x [y0, y1) x [z0, z1), clipped to the chunk, becomes the block."""
    x0, z0, x1, z1 = max(x0, 0), max(z0, 0), min(x1, CHUNK), min(z1, CHUNK)
    y1 = min(y1, blocks.shape[1])
    if x0 < x1 and z0 < z1 and y0 < y1:
        box = blocks[x0:x1, y0:y1, z0:z1]
        box[box == AIR] = ID[block]


def _crown(blocks: np.ndarray, x: int, top: int, z: int, leaves: str, radius: int = 2) -> None:
    _fill(blocks, x - radius, x + radius + 1, top - 2, top, z - radius, z + radius + 1, leaves)
    _fill(blocks, x - 1, x + 2, top, top + 2, z - 1, z + 2, leaves)


def _vines(blocks: np.ndarray, rng: np.random.Generator, x: int, top: int, z: int, radius: int) -> None:
    """Vines hanging 1-3 blocks from the air just outside the crown's lower ring."""
    for dx in range(-radius - 1, radius + 2):
        for dz in range(-radius - 1, radius + 2):
            if max(abs(dx), abs(dz)) != radius + 1 or rng.random() >= 0.3:
                continue
            vx, vz = x + dx, z + dz
            if not (0 <= vx < CHUNK and 0 <= vz < CHUNK):
                continue
            for y in range(top - 2, top - 2 - int(rng.integers(1, 4)), -1):
                if blocks[vx, y, vz] != AIR:
                    break
                blocks[vx, y, vz] = ID["vine"]


def grow(kind: str, blocks: np.ndarray, rng: np.random.Generator, x: int, ground: int, z: int) -> None:
    if kind in ("oak", "birch", "swamp_oak"):
        trunk = int(rng.integers(4, 7))
        top = ground + trunk
        _crown(blocks, x, top, z, "birch_leaves" if kind == "birch" else "oak_leaves")
        blocks[x, ground + 1:top + 1, z] = ID["birch_log" if kind == "birch" else "oak_log"]
        if kind == "swamp_oak":
            _vines(blocks, rng, x, top, z, 2)
    elif kind == "spruce":
        trunk = int(rng.integers(5, 9))
        top = ground + trunk
        for level, radius in enumerate((2, 1, 2, 1, 0)):
            y = top - 4 + level
            _fill(blocks, x - radius, x + radius + 1, y, y + 1, z - radius, z + radius + 1, "spruce_leaves")
        _fill(blocks, x, x + 1, top + 1, top + 2, z, z + 1, "spruce_leaves")
        blocks[x, ground + 1:top + 1, z] = ID["spruce_log"]
    elif kind == "jungle":
        trunk = int(rng.integers(7, 12))
        top = ground + trunk
        _crown(blocks, x, top, z, "jungle_leaves", radius=3)
        blocks[x, ground + 1:top + 1, z] = ID["jungle_log"]
        _vines(blocks, rng, x, top, z, 3)
        for dy in range(2, 5):  # cocoa pods on the trunk's sides
            for dx, dz in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                if rng.random() < 0.15 and blocks[x + dx, ground + dy, z + dz] == AIR:
                    blocks[x + dx, ground + dy, z + dz] = ID["cocoa"]
    elif kind == "acacia":
        trunk = int(rng.integers(5, 7))
        top = ground + trunk
        _fill(blocks, x - 2, x + 3, top, top + 1, z - 2, z + 3, "acacia_leaves")
        _fill(blocks, x - 1, x + 2, top + 1, top + 2, z - 1, z + 2, "acacia_leaves")
        blocks[x, ground + 1:top + 1, z] = ID["acacia_log"]
    elif kind == "dark_oak":
        trunk = int(rng.integers(6, 9))
        top = ground + trunk
        x, z = min(x, CHUNK - 2), min(z, CHUNK - 2)
        _fill(blocks, x - 3, x + 5, top - 1, top + 1, z - 3, z + 5, "dark_oak_leaves")
        _fill(blocks, x - 1, x + 3, top + 1, top + 2, z - 1, z + 3, "dark_oak_leaves")
        for dx in (0, 1):
            for dz in (0, 1):
                if blocks[x + dx, ground, z + dz] != AIR:
                    blocks[x + dx, ground + 1:top + 1, z + dz] = ID["dark_oak_log"]
    else:
        raise ValueError(f"no tree kind {kind!r}")


def huge_mushroom(blocks: np.ndarray, rng: np.random.Generator, x: int, ground: int, z: int) -> None:
    stem = 5
    top = ground + stem
    if rng.random() < 0.5:
        _fill(blocks, x - 3, x + 4, top, top + 1, z - 3, z + 4, "brown_mushroom_block")
    else:
        _fill(blocks, x - 2, x + 3, top - 3, top, z - 2, z + 3, "red_mushroom_block")
        _fill(blocks, x - 1, x + 2, top, top + 1, z - 1, z + 2, "red_mushroom_block")
        box = blocks[x - 1:x + 2, top - 3:top, z - 1:z + 2]  # hollow under the dome's cap
        box[box == ID["red_mushroom_block"]] = AIR
    blocks[x, ground + 1:top, z] = ID["mushroom_stem"]
