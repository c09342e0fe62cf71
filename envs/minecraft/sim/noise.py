"""Seeded smooth noise on numpy grids: value noise with smoothstep interpolation, in octaves."""

from __future__ import annotations

import numpy as np


def value_noise_2d(seed: int, origin: tuple[int, int], size: tuple[int, int], cell: float) -> np.ndarray:
    """Noise in [-1, 1] over world columns [x0, x0+sx) x [z0, z0+sz), features `cell` blocks wide.

    The lattice is anchored to world coordinates, so any window of the same seed agrees."""
    x0, z0 = origin
    sx, sz = size
    gx0, gz0 = int(np.floor(x0 / cell)), int(np.floor(z0 / cell))
    gx1, gz1 = int(np.floor((x0 + sx) / cell)) + 2, int(np.floor((z0 + sz) / cell)) + 2
    lattice = _lattice_window(seed, gx0, gz0, gx1 - gx0, gz1 - gz0)
    fx = (np.arange(x0, x0 + sx) / cell) - gx0
    fz = (np.arange(z0, z0 + sz) / cell) - gz0
    ix, iz = np.floor(fx).astype(int), np.floor(fz).astype(int)
    tx, tz = _smooth(fx - ix), _smooth(fz - iz)
    a = lattice[ix[:, None], iz[None, :]]
    b = lattice[ix[:, None] + 1, iz[None, :]]
    c = lattice[ix[:, None], iz[None, :] + 1]
    d = lattice[ix[:, None] + 1, iz[None, :] + 1]
    top = a + (b - a) * tx[:, None]
    bottom = c + (d - c) * tx[:, None]
    return top + (bottom - top) * tz[None, :]


def _lattice_window(seed: int, gx0: int, gz0: int, nx: int, nz: int) -> np.ndarray:
    """Lattice values for a window of lattice points, from per-point hashes (position-stable)."""
    gx = np.arange(gx0, gx0 + nx, dtype=np.int64)[:, None]
    gz = np.arange(gz0, gz0 + nz, dtype=np.int64)[None, :]
    h = (gx * 73856093) ^ (gz * 19349663) ^ np.int64(seed * 83492791 + 1)
    h = (h ^ (h >> 13)) * 1274126177
    h = h ^ (h >> 16)
    return ((h & 0xFFFF).astype(np.float32) / 32767.5) - 1.0


def fractal_2d(seed: int, origin: tuple[int, int], size: tuple[int, int], cell: float, octaves: int = 4,
               persistence: float = 0.5) -> np.ndarray:
    total = np.zeros(size, dtype=np.float32)
    amplitude, norm = 1.0, 0.0
    for octave in range(octaves):
        total += amplitude * value_noise_2d(seed + 1013 * octave, origin, size, cell / (2 ** octave))
        norm += amplitude
        amplitude *= persistence
    return total / norm


def _smooth(t: np.ndarray) -> np.ndarray:
    return t * t * (3.0 - 2.0 * t)


def value_noise_3d(seed: int, origin: tuple[int, int, int], size: tuple[int, int, int], cell: float) -> np.ndarray:
    """3-D value noise in [-1, 1] over a box of voxels, anchored to world coordinates.

    Only the lattice points around the box are hashed; voxels interpolate between them."""
    indices, weights, firsts = [], [], []
    for start, count in zip(origin, size):
        f = np.arange(start, start + count) / cell
        i = np.floor(f).astype(np.int64)
        firsts.append(int(i[0]))
        indices.append(i - i[0])
        weights.append(_smooth(f - i).astype(np.float32))
    span = [int(i[-1]) + 2 for i in indices]
    gx = np.arange(firsts[0], firsts[0] + span[0], dtype=np.int64)[:, None, None]
    gy = np.arange(firsts[1], firsts[1] + span[1], dtype=np.int64)[None, :, None]
    gz = np.arange(firsts[2], firsts[2] + span[2], dtype=np.int64)[None, None, :]
    lattice = _hash3(seed, gx, gy, gz)
    (ix, iy, iz), (tx, ty, tz) = indices, weights
    # interpolate along z, then y, then x, each on the smallest array possible
    along_z = lattice[:, :, iz] + (lattice[:, :, iz + 1] - lattice[:, :, iz]) * tz[None, None, :]
    along_y = along_z[:, iy, :] + (along_z[:, iy + 1, :] - along_z[:, iy, :]) * ty[None, :, None]
    return along_y[ix] + (along_y[ix + 1] - along_y[ix]) * tx[:, None, None]


def _hash3(seed: int, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    h = (x * 73856093) ^ (y * 19349663) ^ (z * 83492791) ^ np.int64(seed * 2654435761 % (2 ** 31) + 7)
    h = (h ^ (h >> 13)) * 1274126177
    h = h ^ (h >> 16)
    return ((h & 0xFFFF).astype(np.float32) / 32767.5) - 1.0
