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
