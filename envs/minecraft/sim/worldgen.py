"""World generation, one 16 x 128 x 16 chunk at a time, seeded and position-stable.

Terrain from fractal height noise per biome (biomes.py: plains, forest, desert and mountains,
and where a variety noise is high jungle, savanna, dark forest, swamp, badlands, snowy tundra
and flower forest, chosen by temperature, humidity and a mountain noise; swamps lie at the
water's level, badlands are red sand over bands of terracotta, snowy water freezes); sea level
62 with water; bedrock at the bottom; caves and ravines by 1.16's carvers (carvers.py), lava below y = 11;
then the blobs of 1.16's OreFeature (ore_features.py: dirt, gravel, granite, diorite and
andesite, then coal, iron, gold, redstone, diamond, lapis, and emerald in mountains) from this
chunk and its neighbours; lakes, clay, sugar cane and pumpkins (surface_features.py); each
biome's trees (trees.py), huge mushrooms, cacti and grass; then flowers, mushrooms and other
plants, seagrass, kelp and corals under water, and snow (surface_features.py).
A chunk depends only on the seed and its position.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from envs.minecraft.sim import biomes, surface_features, trees
from envs.minecraft.sim.carvers import carve
from envs.minecraft.sim.noise import fractal_2d
from envs.minecraft.sim.ore_features import chunk_blobs
from envs.minecraft.sim.palette import AIR, ID, WATER

CHUNK = 16
HEIGHT = 128
SEA_LEVEL = 62
BIOMES = biomes.NAMES
PLANT_STREAM = 7  # plants draw from a random stream of their own


def column_fields(seed: int, x0: int, z0: int, size: int = CHUNK) -> tuple[np.ndarray, np.ndarray]:
    """Surface height and biome index for a square of columns."""
    temperature = fractal_2d(seed + 11, (x0, z0), (size, size), 160.0, octaves=2)
    humidity = fractal_2d(seed + 23, (x0, z0), (size, size), 140.0, octaves=2)
    mountain = fractal_2d(seed + 37, (x0, z0), (size, size), 200.0, octaves=3)
    detail = fractal_2d(seed + 41, (x0, z0), (size, size), 48.0, octaves=4)
    variety = fractal_2d(seed + 53, (x0, z0), (size, size), 260.0, octaves=2)
    biome = biomes.choose(temperature, humidity, mountain, variety)
    height = SEA_LEVEL + 3 + 7 * detail + np.where(biome == biomes.DESERT, -2.0, 0.0)
    height = np.where(biome == biomes.SWAMP, SEA_LEVEL + 2.0 * detail, height)  # swamps lie at the water's level
    height = height + np.clip(mountain - 0.25, 0.0, None) * 120.0 * (0.6 + 0.4 * detail)
    return np.clip(height, 8, HEIGHT - 12).astype(np.int32), biome.astype(np.int8)


def generate_chunk(seed: int, cx: int, cz: int) -> tuple[np.ndarray, np.ndarray]:
    """The voxels (16, 128, 16) indexed [x, y, z] and the biome per column (16, 16)."""
    x0, z0 = cx * CHUNK, cz * CHUNK
    height, biome = column_fields(seed, x0, z0)
    rng = np.random.default_rng([seed & 0xFFFFFFFF, cx & 0xFFFFFFFF, cz & 0xFFFFFFFF])
    y = np.arange(HEIGHT)[None, :, None]
    surface = height[:, None, :]
    blocks = np.full((CHUNK, HEIGHT, CHUNK), AIR, dtype=np.uint8)
    blocks[y < surface - 3] = ID["stone"]
    top_layer = (y >= surface - 3) & (y <= surface)
    desert = (biome == 2)[:, None, :]
    mountain = (biome == 3)[:, None, :]
    blocks[top_layer & desert] = ID["sand"]
    blocks[(y >= surface - 6) & (y < surface - 3) & desert] = ID["sandstone"]  # sandstone under desert sand
    blocks[top_layer & ~desert] = ID["dirt"]
    blocks[(y == surface) & ~desert & ~mountain] = ID["grass_block"]
    blocks[(y >= surface - 3) & (y <= surface) & mountain & (surface > 84)] = ID["stone"]
    blocks[(y == surface) & mountain & (surface > 98)] = ID["snow_block"]
    blocks[(y == surface) & mountain & (surface <= 84)] = ID["grass_block"]
    badlands = (biome == biomes.BADLANDS)[:, None, :]
    bands = np.array([ID[name] for name in biomes.BADLANDS_BANDS], np.uint8)[np.arange(HEIGHT) % len(
        biomes.BADLANDS_BANDS)]
    blocks[(y >= surface - 16) & (y < surface - 1) & badlands] = np.broadcast_to(bands[None, :, None],
                                                                              blocks.shape)[(y >= surface - 16) &
                                                                                            (y < surface - 1) &
                                                                                            badlands]
    blocks[(y >= surface - 1) & (y <= surface) & badlands] = ID["red_sand"]
    underwater = height < SEA_LEVEL
    blocks[(y > surface) & (y <= SEA_LEVEL) & underwater[:, None, :]] = WATER
    blocks[(y == surface) & underwater[:, None, :]] = ID["sand"]
    snowy = (biome == biomes.SNOWY_TUNDRA)[:, None, :]
    blocks[(y == SEA_LEVEL) & underwater[:, None, :] & snowy] = ID["ice"]  # frozen water
    carve(blocks, seed, cx, cz)
    blocks[:, 0, :] = ID["bedrock"]
    blocks[:, 1:4, :][rng.random((CHUNK, 3, CHUNK)) < np.array([0.8, 0.5, 0.2])[None, :, None]] = ID["bedrock"]
    _place_blobs(blocks, seed, cx, cz)
    surface_features.decorate(blocks, rng, height, biome)
    _decorate(blocks, rng, height, biome)
    plant_rng = np.random.default_rng([seed & 0xFFFFFFFF, cx & 0xFFFFFFFF, cz & 0xFFFFFFFF, PLANT_STREAM])
    surface_features.plants(blocks, plant_rng, biome)
    surface_features.water_plants(blocks, plant_rng, height, biome)
    if (biome == biomes.SNOWY_TUNDRA).any():
        surface_features.snow_cover(blocks, height, biome == biomes.SNOWY_TUNDRA)
    return blocks, biome


@lru_cache(maxsize=4096)
def _blobs(seed: int, cx: int, cz: int) -> tuple[tuple[str, np.ndarray], ...]:
    """A chunk's own blobs (cached: each chunk's are needed by its eight neighbours too)."""
    _, biome = column_fields(seed, cx * CHUNK + CHUNK // 2, cz * CHUNK + CHUNK // 2, size=1)
    return tuple(chunk_blobs(seed, cx, cz, BIOMES[int(biome[0, 0])]))


NATURAL_STONE = np.zeros(256, dtype=bool)
NATURAL_STONE[[ID["stone"], ID["granite"], ID["diorite"], ID["andesite"]]] = True


def _place_blobs(blocks: np.ndarray, seed: int, cx: int, cz: int) -> None:
    """The blob blocks of this chunk and its neighbours that fall inside it, on natural stone only
    (blocks already turned by an earlier blob stay), in the game's decoration order."""
    x0, z0 = cx * CHUNK, cz * CHUNK
    around = [_blobs(seed, cx + dx, cz + dz) for dx in (-1, 0, 1) for dz in (-1, 0, 1)]
    order: dict[str, list[np.ndarray]] = {}
    for blobs in around:
        for block, cells in blobs:
            order.setdefault(block, []).append(cells)
    for block, parts in order.items():
        cells = np.concatenate(parts)
        x, y, z = cells[:, 0] - x0, cells[:, 1], cells[:, 2] - z0
        keep = (x >= 0) & (x < CHUNK) & (z >= 0) & (z < CHUNK) & (y >= 0) & (y < HEIGHT)
        x, y, z = x[keep], y[keep], z[keep]
        target = NATURAL_STONE[blocks[x, y, z]]
        blocks[x[target], y[target], z[target]] = ID[block]


TREES_PER_CHUNK = {index: life.trees for index, life in biomes.LIFE.items()}
TREE_KIND = {0: ("oak_log", "oak_leaves"), 1: ("birch_log", "birch_leaves"), 3: ("spruce_log", "spruce_leaves")}
GRASS = {biomes.JUNGLE: 0.1, biomes.SAVANNA: 0.3, biomes.DARK_FOREST: 0.05, biomes.SWAMP: 0.05,
         biomes.FLOWER_FOREST: 0.05}


def _decorate(blocks: np.ndarray, rng: np.random.Generator, height: np.ndarray, biome: np.ndarray) -> None:
    grass_block, sand = ID["grass_block"], ID["sand"]
    dominant = int(np.bincount(biome.ravel(), minlength=len(BIOMES)).argmax())
    for _ in range(TREES_PER_CHUNK[dominant]):
        x, z = int(rng.integers(2, CHUNK - 2)), int(rng.integers(2, CHUNK - 2))
        ground = int(height[x, z])
        if blocks[x, ground, z] != grass_block or ground + 8 >= HEIGHT:
            continue
        if dominant not in TREE_KIND:
            if ground + 16 >= HEIGHT:
                continue
            kinds = biomes.LIFE[dominant].kinds
            weights = np.array([w for _, w in kinds])
            trees.grow(kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))][0], blocks, rng, x, ground, z)
            continue
        kind = dominant if dominant != 1 else (1 if rng.random() < 0.3 else 0)
        log, leaves = TREE_KIND[kind]
        trunk = int(rng.integers(4, 7))
        top = ground + trunk
        leaf = blocks[x - 2:x + 3, top - 2:top, z - 2:z + 3]
        leaf[leaf == AIR] = ID[leaves]
        cap = blocks[x - 1:x + 2, top:top + 2, z - 1:z + 2]
        cap[cap == AIR] = ID[leaves]
        blocks[x, ground + 1:top + 1, z] = ID[log]
    if dominant == biomes.DARK_FOREST and rng.random() < 0.5:
        x, z = int(rng.integers(3, CHUNK - 3)), int(rng.integers(3, CHUNK - 3))
        if blocks[x, int(height[x, z]), z] == grass_block:
            trees.huge_mushroom(blocks, rng, x, int(height[x, z]), z)
    if dominant in (biomes.DESERT, biomes.BADLANDS):
        for _ in range(int(rng.integers(0, 3))):
            x, z = int(rng.integers(1, CHUNK - 1)), int(rng.integers(1, CHUNK - 1))
            ground = int(height[x, z])
            if blocks[x, ground, z] in (sand, ID["red_sand"]) and blocks[x, ground + 1, z] == AIR:
                blocks[x, ground + 1:ground + 1 + int(rng.integers(1, 4)), z] = ID["cactus"]
    if dominant in (0, 1) or dominant in GRASS:
        grass = rng.random((CHUNK, CHUNK)) < GRASS.get(dominant, 0.12 if dominant == 0 else 0.05)
        xs, zs = np.nonzero(grass)
        ground = height[xs, zs]
        free = (blocks[xs, ground, zs] == grass_block) & (blocks[xs, np.minimum(ground + 1, HEIGHT - 1), zs] == AIR)
        blocks[xs[free], ground[free] + 1, zs[free]] = ID["grass"]
