"""What 1.16 scatters on and under the surface besides trees: lakes of water and lava, clay on
lake and sea floors, sugar cane beside water, pumpkin patches, flowers, mushrooms, ferns, berry
bushes and dead bushes.

Rarities follow the game's: a water lake in one chunk of 4, a lava lake in one of 80 (deep
down, and only one in ten of those above sea level), one clay disk a chunk where the floor is
under water, 10 tries at sugar cane (1-3 tall, on grass, dirt or sand beside water), a pumpkin
patch in one chunk of 32. Lakes are unions of 4-7 flattened ellipsoids in a 16 x 8 x 16 box
(the LakeFeature shape), fluid in the lower half and air above, kept inside their chunk.
Plants (`plants`, drawn from a random stream of their own) grow as the biomes' flower features
put them: a patch of one kind a chunk (up to 12 tries within 3 blocks of a spot) of the plains'
flowers (dandelions and poppies most, azure bluets, oxeye daisies, cornflowers, tulips) or the
forest's (dandelions, poppies, lilies of the valley and the tall lilac, rose bush and peony);
brown mushrooms in one chunk of 4 and red in one of 8, on the ground of any biome; ferns and
sweet berry bushes on the spruce slopes of the mountains; dead bushes on desert sand.
"""

from __future__ import annotations

import numpy as np

from envs.minecraft.sim.palette import AIR, ID, LAVA, WATER

CHUNK = 16
WATER_LAKE_RARITY = 4
LAVA_LAKE_RARITY = 80
PUMPKIN_RARITY = 32
SUGAR_CANE_TRIES = 10
SEA_LEVEL = 62


def lake_shape(rng: np.random.Generator) -> np.ndarray:
    """The LakeFeature basin: a (16, 8, 16) mask, True where the lake is."""
    shape = np.zeros((16, 8, 16), bool)
    x, y, z = np.meshgrid(np.arange(16), np.arange(8), np.arange(16), indexing="ij")
    for _ in range(int(rng.integers(4, 8))):
        size = np.array([rng.random() * 6 + 3, rng.random() * 4 + 2, rng.random() * 6 + 3])
        center = np.array([rng.random() * (16 - size[0] - 2) + 1 + size[0] / 2,
                           rng.random() * (8 - size[1] - 4) + 2 + size[1] / 2,
                           rng.random() * (16 - size[2] - 2) + 1 + size[2] / 2])
        d = ((x - center[0]) / (size[0] / 2)) ** 2 + ((y - center[1]) / (size[1] / 2)) ** 2 + \
            ((z - center[2]) / (size[2] / 2)) ** 2
        shape |= d < 1.0
    return shape


def _lake(blocks: np.ndarray, rng: np.random.Generator, bottom: int, fluid: int) -> None:
    """A lake whose box starts at y = bottom: fluid in its lower half, air in its upper half."""
    if bottom < 1 or bottom + 8 >= blocks.shape[1]:
        return
    shape = lake_shape(rng)
    box = blocks[:, bottom:bottom + 8, :]
    lower = np.zeros_like(shape)
    lower[:, :4, :] = True
    box[shape & lower] = fluid
    box[shape & ~lower] = AIR


def decorate(blocks: np.ndarray, rng: np.random.Generator, height: np.ndarray, biome: np.ndarray) -> None:
    if rng.integers(WATER_LAKE_RARITY) == 0:
        _lake(blocks, rng, int(height[8, 8]) - 4, WATER)
    if rng.integers(LAVA_LAKE_RARITY) == 0:
        depth = int(rng.integers(0, int(rng.integers(0, 112)) + 8))
        if depth < SEA_LEVEL or rng.integers(10) == 0:
            _lake(blocks, rng, depth, LAVA)
    _clay(blocks, rng, height)
    _sugar_cane(blocks, rng, height)
    if rng.integers(PUMPKIN_RARITY) == 0:
        _pumpkins(blocks, rng, height)


def _top(blocks: np.ndarray, x: int, z: int) -> int:
    """The highest block that is not air in a column."""
    solid = np.nonzero(blocks[x, :, z] != AIR)[0]
    return int(solid[-1]) if len(solid) else 0


def _clay(blocks: np.ndarray, rng: np.random.Generator, height: np.ndarray) -> None:
    x, z = int(rng.integers(2, CHUNK - 2)), int(rng.integers(2, CHUNK - 2))
    floor = int(height[x, z])
    if blocks[x, floor + 1, z] != WATER:
        return
    radius = int(rng.integers(1, 3))
    for dx in range(-radius, radius + 1):
        for dz in range(-radius, radius + 1):
            if dx * dx + dz * dz <= radius * radius:
                column = blocks[x + dx, floor - 1:floor + 1, z + dz]
                column[np.isin(column, [ID["sand"], ID["dirt"], ID["gravel"]])] = ID["clay"]


def _sugar_cane(blocks: np.ndarray, rng: np.random.Generator, height: np.ndarray) -> None:
    for _ in range(SUGAR_CANE_TRIES):
        x, z = int(rng.integers(1, CHUNK - 1)), int(rng.integers(1, CHUNK - 1))
        ground = _top(blocks, x, z)
        if blocks[x, ground, z] not in (ID["grass_block"], ID["dirt"], ID["sand"]) or ground + 4 >= blocks.shape[1]:
            continue
        beside = [blocks[x + dx, ground, z + dz] for dx, dz in ((1, 0), (-1, 0), (0, 1), (0, -1))]
        if WATER in beside:
            blocks[x, ground + 1:ground + 1 + int(rng.integers(1, 4)), z] = ID["sugar_cane"]


def _pumpkins(blocks: np.ndarray, rng: np.random.Generator, height: np.ndarray) -> None:
    cx, cz = int(rng.integers(3, CHUNK - 3)), int(rng.integers(3, CHUNK - 3))
    for _ in range(10):
        x, z = cx + int(rng.integers(-3, 4)), cz + int(rng.integers(-3, 4))
        ground = _top(blocks, x, z)
        if blocks[x, ground, z] == ID["grass_block"] and ground + 1 < blocks.shape[1]:
            blocks[x, ground + 1, z] = ID["pumpkin"]


PLAINS_FLOWERS = {"dandelion": 4, "poppy": 4, "azure_bluet": 2, "oxeye_daisy": 2, "cornflower": 2, "red_tulip": 1,
                  "orange_tulip": 1, "white_tulip": 1, "pink_tulip": 1}
FOREST_FLOWERS = {"dandelion": 4, "poppy": 4, "lily_of_the_valley": 2, "lilac": 1, "rose_bush": 1, "peony": 1}
PATCH_TRIES = 12
PATCH_SPREAD = 3
BROWN_MUSHROOM_RARITY = 4
RED_MUSHROOM_RARITY = 8


def plants(blocks: np.ndarray, rng: np.random.Generator, biome: np.ndarray) -> None:
    """Flowers, mushrooms, ferns, berry bushes and dead bushes on the chunk's ground."""
    dominant = int(np.bincount(biome.ravel(), minlength=4).argmax())
    flowers = {0: PLAINS_FLOWERS, 1: FOREST_FLOWERS}.get(dominant)
    if flowers is not None:
        names, weights = list(flowers), np.array(list(flowers.values()), float)
        _patch(blocks, rng, names[int(rng.choice(len(names), p=weights / weights.sum()))], ("grass_block",))
    if dominant == 3:
        _patch(blocks, rng, "fern", ("grass_block", "dirt"))
        if rng.integers(4) == 0:
            _patch(blocks, rng, "sweet_berry_bush", ("grass_block",))
    if dominant == 2 and rng.integers(2) == 0:
        _patch(blocks, rng, "dead_bush", ("sand",), tries=3)
    if rng.integers(BROWN_MUSHROOM_RARITY) == 0:
        _patch(blocks, rng, "brown_mushroom", ("grass_block", "dirt", "stone"), tries=4)
    if rng.integers(RED_MUSHROOM_RARITY) == 0:
        _patch(blocks, rng, "red_mushroom", ("grass_block", "dirt", "stone"), tries=4)


def _patch(blocks: np.ndarray, rng: np.random.Generator, plant: str, ground: tuple[str, ...],
           tries: int = PATCH_TRIES) -> None:
    """Up to `tries` plants around one spot, each on free ground of the listed kinds."""
    cx, cz = (int(rng.integers(PATCH_SPREAD, CHUNK - PATCH_SPREAD)) for _ in range(2))
    soil = [ID[name] for name in ground]
    for _ in range(tries):
        x = cx + int(rng.integers(-PATCH_SPREAD, PATCH_SPREAD + 1))
        z = cz + int(rng.integers(-PATCH_SPREAD, PATCH_SPREAD + 1))
        top = _top(blocks, x, z)
        if blocks[x, top, z] in soil and top + 1 < blocks.shape[1]:
            blocks[x, top + 1, z] = ID[plant]
