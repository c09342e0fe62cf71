"""What the player can see: rays from the eye, as GITM's agent located objects (no X-ray).

A look casts rays every 5 degrees of yaw (0-355) and pitch (-90..90) from the eye, each walking
the voxel grid cell by cell (Amanatides-Woo traversal) to the first block that is not see-through,
at most SIGHT_RANGE blocks away. Every cell a ray passes through, and the block it stops at, go into
the player's SeenMap: the remembered picture of the world, which is all that finding, approaching
and planning may read. Cells no ray reached stay unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from envs.minecraft.sim.palette import BLOCKS, TRANSPARENT
from envs.minecraft.sim.world import chunk_parts
from envs.minecraft.sim.worldgen import CHUNK, HEIGHT

SIGHT_RANGE = 32  # blocks a ray reaches
RAY_STEP_DEGREES = 5
UNKNOWN = 255  # a SeenMap cell no ray has reached


def ray_directions(step_degrees: int = RAY_STEP_DEGREES) -> np.ndarray:
    """Unit vectors (N, 3) every `step_degrees` of yaw and pitch; yaw 0 is +x, 90 is +z; pitch 90 down."""
    yaws = np.radians(np.arange(0, 360, step_degrees))
    pitches = np.radians(np.arange(-90, 91, step_degrees))
    yaw, pitch = np.meshgrid(yaws, pitches, indexing="ij")
    directions = np.stack([np.cos(yaw) * np.cos(pitch), -np.sin(pitch), np.sin(yaw) * np.cos(pitch)], axis=-1)
    return directions.reshape(-1, 3)


DIRECTIONS = ray_directions()


@dataclass
class Rays:
    """What a cast found. seen: a mask of the box, True for every cell some ray entered (the start
    cell included); hits (N, 3): the cell where each ray stopped on a block that is not see-through,
    -1 where it met nothing within reach; face (N,): the axis (0 x, 1 y, 2 z) of the face it entered
    that cell through; distance (N,): how far along the ray that was."""

    seen: np.ndarray
    hits: np.ndarray
    face: np.ndarray
    distance: np.ndarray


def cast(blocks: np.ndarray, origin: np.ndarray, directions: np.ndarray, reach: float) -> Rays:
    """Walk rays through `blocks` (a box whose corner is the coordinate origin of `origin`); leaving
    the box ends a ray as if it met nothing."""
    size_x, size_y, size_z = blocks.shape
    flat = blocks.reshape(-1)
    start = np.floor(origin).astype(np.int64)
    n = len(directions)
    position = [np.full(n, start[a], np.int64) for a in range(3)]
    step = [np.sign(directions[:, a]).astype(np.int64) for a in range(3)]
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = [np.where(directions[:, a] != 0, np.abs(1.0 / directions[:, a]), np.inf) for a in range(3)]
        t_next = [np.where(directions[:, a] != 0,
                           (np.where(step[a] > 0, start[a] + 1, start[a]) - origin[a]) / directions[:, a], np.inf)
                  for a in range(3)]
    hits = np.full((n, 3), -1, np.int64)
    face = np.full(n, -1, np.int8)
    distance = np.full(n, np.inf)
    seen = np.zeros(flat.size, bool)
    seen[(start[0] * size_y + start[1]) * size_z + start[2]] = True
    active = np.arange(n)
    while len(active):
        along_x = (t_next[0] <= t_next[1]) & (t_next[0] <= t_next[2])
        along_y = ~along_x & (t_next[1] <= t_next[2])
        along_z = ~along_x & ~along_y
        t = np.where(along_x, t_next[0], np.where(along_y, t_next[1], t_next[2]))
        for a, chosen in enumerate((along_x, along_y, along_z)):
            position[a] = position[a] + np.where(chosen, step[a], 0)
            t_next[a] = t_next[a] + np.where(chosen, delta[a], 0.0)
        x, y, z = position
        inside = (t <= reach) & (x >= 0) & (x < size_x) & (y >= 0) & (y < size_y) & (z >= 0) & (z < size_z)
        index = (x * size_y + y) * size_z + z
        ids = flat[np.where(inside, index, 0)]
        seen[index[inside]] = True
        stopped = inside & ~TRANSPARENT[ids]
        if stopped.any():
            rays = active[stopped]
            hits[rays] = np.stack([x[stopped], y[stopped], z[stopped]], axis=1)
            face[rays] = np.where(along_x, 0, np.where(along_y, 1, 2))[stopped]
            distance[rays] = t[stopped]
        keep = inside & ~stopped
        if not keep.all():
            active = active[keep]
            position = [p[keep] for p in position]
            step = [s[keep] for s in step]
            delta = [d[keep] for d in delta]
            t_next = [t_[keep] for t_ in t_next]
    return Rays(seen.reshape(blocks.shape), hits, face, distance)


class SeenMap:
    """The blocks the player has seen, by chunk; UNKNOWN where no ray has been."""

    def __init__(self):
        self._chunks: dict[tuple[int, int], np.ndarray] = {}

    def _chunk(self, cx: int, cz: int) -> np.ndarray:
        found = self._chunks.get((cx, cz))
        if found is None:
            found = self._chunks[cx, cz] = np.full((CHUNK, HEIGHT, CHUNK), UNKNOWN, np.uint8)
        return found

    def get(self, x: int, y: int, z: int) -> int:
        if not 0 <= y < HEIGHT:
            return UNKNOWN
        chunk = self._chunks.get((x // CHUNK, z // CHUNK))
        return UNKNOWN if chunk is None else int(chunk[x % CHUNK, y, z % CHUNK])

    def set(self, x: int, y: int, z: int, block: int) -> None:
        """What the player did to a block (mined, placed) is known at once."""
        if 0 <= y < HEIGHT:
            self._chunk(x // CHUNK, z // CHUNK)[x % CHUNK, y, z % CHUNK] = block

    def merge(self, corner: tuple[int, int, int], blocks: np.ndarray, seen: np.ndarray) -> None:
        """Remember the cells of a box (its lowest corner at world `corner`) that `seen` marks."""
        for cx, cz, part, inside in chunk_parts(*corner, *blocks.shape):
            mask = seen[part]
            if mask.any():
                np.copyto(self._chunk(cx, cz)[inside], blocks[part], where=mask)

    def box(self, x0: int, y0: int, z0: int, size_x: int, size_y: int, size_z: int) -> np.ndarray:
        """The remembered blocks of a box, UNKNOWN where nothing was seen (as VoxelWorld.box)."""
        out = np.full((size_x, size_y, size_z), UNKNOWN, np.uint8)
        for cx, cz, part, inside in chunk_parts(x0, y0, z0, size_x, size_y, size_z):
            chunk = self._chunks.get((cx, cz))
            if chunk is not None:
                out[part] = chunk[inside]
        return out

    def counts(self, x: int, y: int, z: int, radius: int) -> dict[str, int]:
        """How many of each block the player has seen within `radius` (air and unknown left out)."""
        ids, counts = np.unique(self.box(x - radius, y - radius, z - radius, 2 * radius + 1, 2 * radius + 1,
                                         2 * radius + 1), return_counts=True)
        return {BLOCKS[i]: int(n) for i, n in zip(ids, counts) if i != UNKNOWN and BLOCKS[i] != "air"}


def blocks_around(world, point: tuple[float, float, float], reach: float) -> tuple[np.ndarray, np.ndarray]:
    """The cube of blocks a ray from `point` can cross within `reach`, and its lowest corner in
    world coordinates (what `cast` takes: origin = point - corner)."""
    margin = int(math.ceil(reach)) + 1
    corner = np.floor(np.asarray(point)).astype(np.int64) - margin
    side = 2 * margin + 1
    return world.box(int(corner[0]), int(corner[1]), int(corner[2]), side, side, side), corner


def look(world, seen: SeenMap, eye: tuple[float, float, float], reach: float = SIGHT_RANGE) -> None:
    """Cast the rays from the eye and remember what they show."""
    blocks, corner = blocks_around(world, eye, reach)
    rays = cast(blocks, np.asarray(eye, float) - corner, DIRECTIONS, reach)
    seen.merge((int(corner[0]), int(corner[1]), int(corner[2])), blocks, rays.seen)


def in_view(world, eye: tuple[float, float, float], point: tuple[float, float, float],
            reach: float = SIGHT_RANGE) -> bool:
    """A clear line from the eye to a point (a mob's body) within reach: no block that is not
    see-through in between."""
    offset = np.asarray(point, float) - np.asarray(eye, float)
    distance = float(np.linalg.norm(offset))
    if distance > reach:
        return False
    if distance < 1e-6:
        return True
    blocks, corner = blocks_around(world, eye, distance)
    target = tuple(np.floor(np.asarray(point)).astype(np.int64) - corner)
    hits = cast(blocks, np.asarray(eye, float) - corner, (offset / distance)[None, :], distance).hits
    return hits[0, 0] < 0 or tuple(hits[0]) == target
