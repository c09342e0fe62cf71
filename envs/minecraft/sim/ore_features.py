"""Ore and stone blobs by Minecraft 1.16's OreFeature rule.

A blob of size n is a line segment of length n/4 at a random angle through its start point
(each end up to 2 blocks lower), swept by n spheres whose radius swells towards the middle
(((sin(pi t) + 1) * u * n / 16 + 1) / 2 with u uniform in [0, 1)); every stone block inside a
sphere becomes the ore. Blobs start at `attempts` uniform points per chunk, y uniform in the
feature's range (lapis: the sum of two uniforms around y = 16; emerald: single blocks in
mountains). A chunk's blobs are drawn from its own seed and may reach into its neighbours, so
a chunk takes the blob blocks of the 3 x 3 chunks around it (worldgen caches them).
The table is 1.16.5's (OreFeatureConfig sizes and the Overworld's counts and ranges).

A blob's shape relative to its start block does not depend on where it starts, so each size's
shapes are drawn once, SHAPES_PER_SIZE of them by the rule above from a fixed seed, and each
attempt takes one of them at random: the same distribution at a fraction of the cost.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

CHUNK = 16
SHAPES_PER_SIZE = 128


@dataclass(frozen=True)
class BlobRule:
    block: str
    size: int  # OreFeatureConfig size
    attempts: int  # per chunk
    min_y: int
    max_y: int  # exclusive
    spread: str = "uniform"  # uniform | depth_average (lapis) | single (emerald)
    biome: str | None = None  # only in chunks of this biome


# the order the game decorates in: stone variants first, then ores
STONE_BLOBS = (
    BlobRule("dirt", 33, 10, 0, 256),
    BlobRule("gravel", 33, 8, 0, 256),
    BlobRule("granite", 33, 10, 0, 80),
    BlobRule("diorite", 33, 10, 0, 80),
    BlobRule("andesite", 33, 10, 0, 80),
)
ORES = (
    BlobRule("coal_ore", 17, 20, 0, 128),
    BlobRule("iron_ore", 9, 20, 0, 64),
    BlobRule("gold_ore", 9, 2, 0, 32),
    BlobRule("redstone_ore", 8, 8, 0, 16),
    BlobRule("diamond_ore", 8, 1, 0, 16),
    BlobRule("lapis_ore", 7, 1, 0, 32, spread="depth_average"),
    BlobRule("emerald_ore", 1, 3, 4, 32, spread="single", biome="mountains"),
)
# the badlands' extra gold (1.16: 20 more attempts a chunk, y 32-79)
BIOME_ORES = (BlobRule("gold_ore", 9, 20, 32, 80, biome="badlands"),)
BLOBS = STONE_BLOBS + ORES + BIOME_ORES


def blob_cells(rng: np.random.Generator, starts: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells (M, 3) of OreFeature blobs of one size started at `starts` (N, 3), and which blob
    each belongs to (M,); a cell may appear more than once."""
    count = len(starts)
    if count == 0:
        return np.zeros((0, 3), np.int64), np.zeros(0, np.int64)
    angle = rng.random(count) * math.pi
    half = size / 8.0
    lift = rng.integers(0, 3, size=(count, 2)) - 2
    first = np.stack([starts[:, 0] + np.sin(angle) * half, starts[:, 1] + lift[:, 0],
                      starts[:, 2] + np.cos(angle) * half], axis=1)
    last = np.stack([starts[:, 0] - np.sin(angle) * half, starts[:, 1] + lift[:, 1],
                     starts[:, 2] - np.cos(angle) * half], axis=1)
    t = np.arange(size) / size
    centers = first[:, None, :] + (last - first)[:, None, :] * t[None, :, None]  # (N, size, 3)
    radius = ((np.sin(np.pi * t)[None, :] + 1.0) * rng.random((count, size)) * size / 16.0 + 1.0) / 2.0
    reach = int(math.ceil((2.0 * size / 16.0 + 1.0) / 2.0 + 0.5))
    span = np.arange(-reach, reach + 1)
    centers, radius = centers.reshape(-1, 3), radius.reshape(-1)
    base = np.floor(centers)
    frac = centers - base - 0.5  # a cell's middle sits at base + offset + 0.5
    ax, ay, az = ((span[None, :] - frac[:, a, None]) ** 2 for a in range(3))
    d2 = ax[:, :, None, None] + ay[:, None, :, None] + az[:, None, None, :]
    inside = d2.reshape(len(centers), -1) < (radius ** 2)[:, None]
    sphere, offset = np.nonzero(inside)
    width = len(span)
    local = np.stack([offset // (width * width), (offset // width) % width, offset % width], axis=1) - reach
    return base[sphere].astype(np.int64) + local, sphere // size


@lru_cache(maxsize=None)
def blob_shapes(size: int) -> tuple[np.ndarray, ...]:
    """SHAPES_PER_SIZE blob shapes of a size: cell offsets (M, 3) from the start block, without repeats."""
    rng = np.random.default_rng(size * 7_919 + 1)
    cells, owner = blob_cells(rng, np.zeros((SHAPES_PER_SIZE, 3)), size)
    keys = np.unique(owner * 2 ** 21 + ((cells[:, 0] + 64) * 128 + cells[:, 1] + 64) * 128 + cells[:, 2] + 64)
    owner, packed = keys // 2 ** 21, keys % 2 ** 21
    cells = np.stack([packed // (128 * 128) - 64, (packed // 128) % 128 - 64, packed % 128 - 64], axis=1)
    ends = np.searchsorted(owner, np.arange(SHAPES_PER_SIZE + 1))
    return tuple(cells[a:b] for a, b in zip(ends[:-1], ends[1:]))


def chunk_blobs(seed: int, cx: int, cz: int, biome: str) -> list[tuple[str, np.ndarray]]:
    """The blob blocks a chunk starts, in decoration order: (block, world cells (M, 3))."""
    rng = np.random.default_rng([seed & 0xFFFFFFFF, cx & 0xFFFFFFFF, cz & 0xFFFFFFFF, 0x0BE])
    blobs = []
    for rule in BLOBS:
        attempts = rule.attempts + (int(rng.integers(0, 6)) if rule.spread == "single" else 0)
        x = cx * CHUNK + rng.integers(0, CHUNK, size=attempts)
        z = cz * CHUNK + rng.integers(0, CHUNK, size=attempts)
        if rule.spread == "depth_average":
            y = rng.integers(0, 16, size=attempts) + rng.integers(0, 16, size=attempts)
        else:
            y = rng.integers(rule.min_y, rule.max_y, size=attempts)
        if rule.biome is not None and rule.biome != biome:
            continue
        starts = np.stack([x, y, z], axis=1)
        if rule.spread == "single":
            blobs.append((rule.block, starts))
            continue
        shapes = blob_shapes(rule.size)
        picks = rng.integers(0, len(shapes), size=attempts)
        blobs.append((rule.block, np.concatenate([start + shapes[p] for start, p in zip(starts, picks)])))
    return blobs
