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
sweet berry bushes on the spruce slopes of the mountains; dead bushes on desert sand. The other
biomes: the flower forest has three patches of every flower and alliums, one plains chunk in 8
has sunflowers, jungles have ferns, melons and bamboo, swamps blue orchids and lily pads,
badlands dead bushes, snowy tundra berry bushes. On sea floors two or more deep, 30 % of columns
have seagrass and 6 % kelp to near the surface, warm waters (by deserts, jungles, savannas and
badlands) coral blocks and sea pickles; snow covers the open ground of the snowy tundra.
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


FLOWER_FOREST_FLOWERS = {**PLAINS_FLOWERS, "allium": 2, "lily_of_the_valley": 2, "lilac": 1, "rose_bush": 1,
                         "peony": 1}
FLOWERS = {0: PLAINS_FLOWERS, 1: FOREST_FLOWERS, 6: FOREST_FLOWERS, 10: FLOWER_FOREST_FLOWERS}
FLOWER_PATCHES = {10: 3}
SUNFLOWER_RARITY = 8  # sunflower plains: one plains chunk in eight
SEAGRASS_CHANCE = 0.3
KELP_CHANCE = 0.06
CORAL_CHANCE = 0.08
SEA_PICKLE_CHANCE = 0.03
CORALS = ("tube_coral_block", "brain_coral_block", "bubble_coral_block", "fire_coral_block", "horn_coral_block")


def plants(blocks: np.ndarray, rng: np.random.Generator, biome: np.ndarray) -> None:
    """Flowers, mushrooms, ferns, berry bushes and dead bushes on the chunk's ground."""
    dominant = int(np.bincount(biome.ravel(), minlength=11).argmax())
    flowers = FLOWERS.get(dominant)
    if flowers is not None:
        names, weights = list(flowers), np.array(list(flowers.values()), float)
        for _ in range(FLOWER_PATCHES.get(dominant, 1)):
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
    if dominant == 0 and rng.integers(SUNFLOWER_RARITY) == 0:
        _patch(blocks, rng, "sunflower", ("grass_block",))
    if dominant == 4:  # jungle
        _patch(blocks, rng, "fern", ("grass_block",))
        if rng.integers(2) == 0:
            _patch(blocks, rng, "melon", ("grass_block",), tries=6)
        if rng.integers(4) == 0:
            _patch(blocks, rng, "bamboo", ("grass_block", "dirt"), tries=6, tall=(4, 10))
    elif dominant == 7:  # swamp
        _patch(blocks, rng, "blue_orchid", ("grass_block",))
        _patch(blocks, rng, "lily_pad", ("water",), tries=10)
        _patch(blocks, rng, "brown_mushroom", ("grass_block",), tries=4)
    elif dominant == 8:  # badlands
        _patch(blocks, rng, "dead_bush", ("red_sand", "terracotta"), tries=4)
    elif dominant == 9:  # snowy tundra
        _patch(blocks, rng, "sweet_berry_bush", ("grass_block",), tries=3)
    elif dominant == 6:  # dark forest
        _patch(blocks, rng, "red_mushroom", ("grass_block",), tries=4)


def water_plants(blocks: np.ndarray, rng: np.random.Generator, height: np.ndarray, biome: np.ndarray) -> None:
    """Seagrass and kelp on the floors under the sea; corals and sea pickles where the water is warm."""
    floors = np.argwhere((height < SEA_LEVEL - 1) & (blocks[np.arange(CHUNK)[:, None], np.minimum(height + 1,
                                                                                                SEA_LEVEL),
                                                            np.arange(CHUNK)[None, :]] == WATER))
    warm = np.isin(biome, (2, 4, 5, 8))
    for x, z in floors:
        floor, roll = int(height[x, z]), rng.random()
        depth = SEA_LEVEL - floor
        if warm[x, z] and roll < CORAL_CHANCE:
            blocks[x, floor, z] = ID[CORALS[int(rng.integers(len(CORALS)))]]
        elif warm[x, z] and roll < CORAL_CHANCE + SEA_PICKLE_CHANCE:
            blocks[x, floor + 1, z] = ID["sea_pickle"]
        elif depth >= 3 and roll < CORAL_CHANCE + SEA_PICKLE_CHANCE + KELP_CHANCE:
            tall = int(rng.integers(1, depth))
            blocks[x, floor + 1:floor + tall, z] = ID["kelp_plant"]
            blocks[x, floor + tall, z] = ID["kelp"]
        elif roll < CORAL_CHANCE + SEA_PICKLE_CHANCE + KELP_CHANCE + SEAGRASS_CHANCE:
            blocks[x, floor + 1, z] = ID["seagrass"]


def snow_cover(blocks: np.ndarray, height: np.ndarray, snowy: np.ndarray) -> None:
    """A layer of snow on the open ground of snowy columns."""
    for x, z in np.argwhere(snowy):
        top = _top(blocks, x, z)
        if blocks[x, top, z] in (ID["grass_block"], ID["dirt"], ID["spruce_leaves"]) and top + 1 < blocks.shape[1]:
            blocks[x, top + 1, z] = ID["snow"]


def _patch(blocks: np.ndarray, rng: np.random.Generator, plant: str, ground: tuple[str, ...],
           tries: int = PATCH_TRIES, tall: tuple[int, int] = (1, 1)) -> None:
    """Up to `tries` plants around one spot, each on free ground of the listed kinds; a plant that
    grows in stalks (bamboo) is `tall` blocks high, from least to most."""
    cx, cz = (int(rng.integers(PATCH_SPREAD, CHUNK - PATCH_SPREAD)) for _ in range(2))
    soil = [ID[name] for name in ground]
    for _ in range(tries):
        x = cx + int(rng.integers(-PATCH_SPREAD, PATCH_SPREAD + 1))
        z = cz + int(rng.integers(-PATCH_SPREAD, PATCH_SPREAD + 1))
        top = _top(blocks, x, z)
        if blocks[x, top, z] in soil and top + tall[1] + 1 < blocks.shape[1] and blocks[x, top + 1, z] == AIR:
            height = 1 if tall == (1, 1) else int(rng.integers(tall[0], tall[1] + 1))
            blocks[x, top + 1:top + 1 + height, z] = ID[plant]
