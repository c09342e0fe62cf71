"""The voxel world: chunks generated on demand, block reads and writes in world coordinates."""

from __future__ import annotations

import numpy as np

from envs.minecraft.sim.palette import AIR, BLOCKS, PASSABLE
from envs.minecraft.sim.worldgen import BIOMES, CHUNK, HEIGHT, generate_chunk

SPAWN_GROUND = {"grass_block", "dirt", "sand", "snow_block", "stone", "gravel", "sandstone"}


def chunk_parts(x0: int, y0: int, z0: int, size_x: int, size_y: int, size_z: int):
    """How a box [x0, x0+size_x) x [y0, y0+size_y) x [z0, z0+size_z) lies over the chunks: for each
    chunk it touches, (cx, cz, the box's slices, the chunk's slices); the box is cut to the world's
    height, and nothing is yielded when none of it is inside."""
    y_lo, y_hi = max(y0, 0), min(y0 + size_y, HEIGHT)
    if y_lo >= y_hi:
        return
    for cx in range(x0 // CHUNK, (x0 + size_x - 1) // CHUNK + 1):
        for cz in range(z0 // CHUNK, (z0 + size_z - 1) // CHUNK + 1):
            ax0, ax1 = max(x0, cx * CHUNK), min(x0 + size_x, (cx + 1) * CHUNK)
            az0, az1 = max(z0, cz * CHUNK), min(z0 + size_z, (cz + 1) * CHUNK)
            yield (cx, cz, (slice(ax0 - x0, ax1 - x0), slice(y_lo - y0, y_hi - y0), slice(az0 - z0, az1 - z0)),
                   (slice(ax0 - cx * CHUNK, ax1 - cx * CHUNK), slice(y_lo, y_hi),
                    slice(az0 - cz * CHUNK, az1 - cz * CHUNK)))


def _ring(radius: int) -> list[tuple[int, int]]:
    """The columns at Chebyshev distance `radius` from (0, 0), in a fixed order."""
    if radius == 0:
        return [(0, 0)]
    return [(x, z) for x in range(-radius, radius + 1) for z in range(-radius, radius + 1)
            if max(abs(x), abs(z)) == radius]


class VoxelWorld:
    def __init__(self, seed: int):
        self.seed = seed
        self._chunks: dict[tuple[int, int], np.ndarray] = {}
        self._biomes: dict[tuple[int, int], np.ndarray] = {}

    def chunk(self, cx: int, cz: int) -> np.ndarray:
        found = self._chunks.get((cx, cz))
        if found is None:
            found, biome = generate_chunk(self.seed, cx, cz)
            self._chunks[cx, cz], self._biomes[cx, cz] = found, biome
        return found

    def ensure_area(self, x: int, z: int, radius: int) -> int:
        """Generate every chunk within `radius` blocks of (x, z); returns how many exist."""
        for cx in range((x - radius) // CHUNK, (x + radius) // CHUNK + 1):
            for cz in range((z - radius) // CHUNK, (z + radius) // CHUNK + 1):
                self.chunk(cx, cz)
        return len(self._chunks)

    def get(self, x: int, y: int, z: int) -> int:
        if y < 0 or y >= HEIGHT:
            return AIR
        return int(self.chunk(x // CHUNK, z // CHUNK)[x % CHUNK, y, z % CHUNK])

    def set(self, x: int, y: int, z: int, block: int) -> None:
        if 0 <= y < HEIGHT:
            self.chunk(x // CHUNK, z // CHUNK)[x % CHUNK, y, z % CHUNK] = block

    def passable(self, x: int, y: int, z: int) -> bool:
        return bool(PASSABLE[self.get(x, y, z)])

    def standable(self, x: int, y: int, z: int) -> bool:
        """Room for a body (feet and head cells free) on something solid."""
        return self.passable(x, y, z) and self.passable(x, y + 1, z) and not self.passable(x, y - 1, z)

    def biome(self, x: int, z: int) -> str:
        self.chunk(x // CHUNK, z // CHUNK)
        return BIOMES[int(self._biomes[x // CHUNK, z // CHUNK][x % CHUNK, z % CHUNK])]

    def surface_y(self, x: int, z: int) -> int:
        """The highest block you can stand on in this column."""
        column = self.chunk(x // CHUNK, z // CHUNK)[x % CHUNK, :, z % CHUNK]
        solid = np.nonzero(~PASSABLE[column])[0]
        return int(solid[-1]) if len(solid) else 0

    def spawn_point(self, radius: int = 64) -> tuple[int, int, int]:
        """Where a player starts: the column nearest (0, 0) whose top is open ground (not a tree's
        canopy, not under water or lava), as Minecraft picks a spawn on solid land; the feet cell."""
        for ring in range(radius + 1):
            for x, z in _ring(ring):
                top = self.surface_y(x, z)
                if BLOCKS[self.get(x, top, z)] in SPAWN_GROUND and self.get(x, top + 1, z) == AIR:
                    return x, top + 1, z
        return 0, self.surface_y(0, 0) + 1, 0

    def box(self, x0: int, y0: int, z0: int, size_x: int, size_y: int, size_z: int) -> np.ndarray:
        """A copy of the voxels in [x0, x0+size_x) x [y0, y0+size_y) x [z0, z0+size_z)."""
        out = np.zeros((size_x, size_y, size_z), np.uint8)
        for cx, cz, part, inside in chunk_parts(x0, y0, z0, size_x, size_y, size_z):
            out[part] = self.chunk(cx, cz)[inside]
        return out
