"""Caves and ravines carved as Minecraft 1.16's carvers carve them.

A chunk starts a cave system with probability 1/7 (the Overworld cave carver's 0.142857):
rand(rand(rand(15) + 1) + 1) tunnels (0 to 14), each from a point at y = rand(rand(120) + 8), with a
quarter chance of a room first (an ellipsoid 2.5 + 6 rand wide and half as tall). A tunnel is a
worm of up to 112 - rand(28) steps: each step moves a block along its heading, whose yaw and
pitch drift (one tunnel in six keeps its pitch at 0.92 a step, the others at 0.7, so most level
out), and carves an ellipsoid whose radius swells to its middle (1.5 + sin(pi * i / length) *
width, width = 2 rand + rand, now and then three times wider) with its bottom cut flat at 0.7 of
its height below the centre (not a ravine's); a wide one forks once, half-way or so, into two
narrower tunnels that go on from that step. A ravine (probability 0.02) is one worm whose carved
ellipsoids are three times as tall as they are wide. Carving replaces the ground blocks with air,
and with lava at y <= 10 as in 1.16; a block's height is measured from half a block below it, as
the game does.
A worm can reach CARVER_RANGE chunks from where it starts, so a chunk takes the spheres of the
worms of every chunk within that range (each chunk's worms are drawn once, from its own seed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from envs.minecraft.sim.palette import AIR, ID, LAVA, WATER

CHUNK = 16
CARVER_RANGE = 6  # chunks a worm may reach from its start (the game's 8; these worms are at most 112 long)
CAVE_PROBABILITY = 1 / 7
RAVINE_PROBABILITY = 0.02
LAVA_LEVEL = 10
FLAT_FLOOR = -0.7  # an ellipsoid carves nothing lower than this (in its vertical radii) below its centre
CARVABLE = np.zeros(256, dtype=bool)  # the ground a carver cuts through (not sand or gravel, which would fall)
CARVABLE[[ID[n] for n in ("stone", "granite", "diorite", "andesite", "dirt", "grass_block", "sandstone",
                          "snow_block")]] = True


@dataclass(frozen=True)
class Spheres:
    """Carved ellipsoids: centres (N, 3), horizontal radii (N,), vertical radii (N,), and how far below
    the centre (in vertical radii, negative) each carves (N,)."""

    centers: np.ndarray
    radius: np.ndarray
    height: np.ndarray
    floor: np.ndarray


def _worm(rng: np.random.Generator, start: np.ndarray, yaw: float, pitch: float, width: float, length: int,
          vertical: float, out: list, may_fork: bool, ravine: bool = False, first: int = 0) -> None:
    """Carve steps `first`..`length` of a worm (a fork goes on from its parent's step)."""
    x, y, z = (float(v) for v in start)
    yaw_change = pitch_change = 0.0
    fork_at = int(rng.integers(length // 4, length * 3 // 4)) if may_fork and width > 1.0 else -1
    keep_pitch = 0.7 if ravine or rng.random() >= 1 / 6 else 0.92
    draws = rng.random((max(length - first, 0), 7)).tolist()  # each step's random numbers, drawn at once
    for step, (a, b, c, d, e, f, skip) in enumerate(draws, start=first):
        radius = 1.5 + math.sin(math.pi * step / length) * width
        cos_pitch = math.cos(pitch)
        x += math.cos(yaw) * cos_pitch
        y += math.sin(pitch)
        z += math.sin(yaw) * cos_pitch
        pitch = pitch * keep_pitch + pitch_change * 0.1
        yaw += yaw_change * 0.1
        pitch_change = pitch_change * 0.9 + (a - b) * c * 2.0
        yaw_change = yaw_change * 0.75 + (d - e) * f * 4.0
        if step == fork_at:
            for turn in (-math.pi / 2, math.pi / 2):
                _worm(rng, np.array([x, y, z]), yaw + turn, pitch / 3.0, rng.random() * 0.5 + 0.5,
                      length, 1.0, out, may_fork=False, first=step)
            return
        if skip >= 0.25:  # the game skips a quarter of the steps' carving
            out.append((x, y, z, radius, radius * vertical, -1.0 if ravine else FLAT_FLOOR))


@lru_cache(maxsize=8192)
def chunk_worms(seed: int, cx: int, cz: int) -> Spheres:
    """The caves and ravine a chunk starts (cached: the chunks around need them too)."""
    rng = np.random.default_rng([seed & 0xFFFFFFFF, cx & 0xFFFFFFFF, cz & 0xFFFFFFFF, 0xCA7E])
    spheres: list[tuple[float, float, float, float, float, float]] = []
    if rng.random() < CAVE_PROBABILITY:
        tunnels = int(rng.integers(0, int(rng.integers(0, int(rng.integers(0, 15)) + 1)) + 1))
        for _ in range(tunnels):
            start = np.array([cx * CHUNK + rng.integers(0, CHUNK),
                              rng.integers(0, int(rng.integers(0, 120)) + 8),
                              cz * CHUNK + rng.integers(0, CHUNK)], float)
            count = 1
            if rng.random() < 0.25:  # a room, and more tunnels out of it
                room = 1.5 + 1.0 + rng.random() * 6.0
                spheres.append((start[0] + 1.0, start[1], start[2], room, room * 0.5, FLAT_FLOOR))
                count += int(rng.integers(0, 4))
            for _ in range(count):
                width = rng.random() * 2.0 + rng.random()
                if rng.random() < 0.1:
                    width *= rng.random() * rng.random() * 3.0 + 1.0
                length = 112 - int(rng.integers(0, 28))
                _worm(rng, start, rng.random() * 2 * math.pi, (rng.random() - 0.5) / 4.0, width, length, 1.0,
                      spheres, may_fork=True)
    if rng.random() < RAVINE_PROBABILITY:
        start = np.array([cx * CHUNK + rng.integers(0, CHUNK), rng.integers(20, 68),
                          cz * CHUNK + rng.integers(0, CHUNK)], float)
        width = (rng.random() * 2.0 + rng.random()) * 2.0
        _worm(rng, start, rng.random() * 2 * math.pi, (rng.random() - 0.5) / 4.0, width,
              112 - int(rng.integers(0, 28)), 3.0, spheres, may_fork=False, ravine=True)
    if not spheres:
        empty = np.zeros((0,))
        return Spheres(np.zeros((0, 3)), empty, empty, empty)
    table = np.array(spheres)
    return Spheres(table[:, :3], table[:, 3], table[:, 4], table[:, 5])


def carved_mask(spheres: Spheres, x0: int, z0: int, size_y: int) -> np.ndarray:
    """The cells (CHUNK, size_y, CHUNK) of the chunk whose corner is (x0, z0) that the ellipsoids carve."""
    centers, radius, height, floor = spheres.centers, spheres.radius, spheres.height, spheres.floor
    near = (centers[:, 0] + radius >= x0) & (centers[:, 0] - radius < x0 + CHUNK) & \
        (centers[:, 2] + radius >= z0) & (centers[:, 2] - radius < z0 + CHUNK)
    xs = np.arange(x0, x0 + CHUNK) + 0.5
    zs = np.arange(z0, z0 + CHUNK) + 0.5
    carved = np.zeros((CHUNK, size_y, CHUNK), bool)
    for (cxw, cyw, czw), r, h, bottom in zip(centers[near], radius[near], height[near], floor[near]):
        y_lo, y_hi = max(int(cyw - h) - 1, 1), min(int(cyw + h) + 2, size_y - 1)
        i_lo, i_hi = max(int(cxw - r) - 1 - x0, 0), min(int(cxw + r) + 2 - x0, CHUNK)
        k_lo, k_hi = max(int(czw - r) - 1 - z0, 0), min(int(czw + r) + 2 - z0, CHUNK)
        if y_lo >= y_hi or i_lo >= i_hi or k_lo >= k_hi:
            continue
        dy = (np.arange(y_lo, y_hi) - 0.5 - cyw) / h
        d = ((xs[i_lo:i_hi, None, None] - cxw) / r) ** 2 + dy[None, :, None] ** 2 + \
            ((zs[None, None, k_lo:k_hi] - czw) / r) ** 2
        carved[i_lo:i_hi, y_lo:y_hi, k_lo:k_hi] |= (d < 1.0) & (dy > bottom)[None, :, None]
    return carved


def carve(blocks: np.ndarray, seed: int, cx: int, cz: int) -> None:
    """Carve the worms of every chunk within CARVER_RANGE that pass through this chunk."""
    parts = [chunk_worms(seed, cx + dx, cz + dz) for dx in range(-CARVER_RANGE, CARVER_RANGE + 1)
             for dz in range(-CARVER_RANGE, CARVER_RANGE + 1)]
    if not any(len(p.centers) for p in parts):
        return
    spheres = Spheres(*(np.concatenate([getattr(p, name) for p in parts])
                        for name in ("centers", "radius", "height", "floor")))
    size_y = blocks.shape[1]
    carved = carved_mask(spheres, cx * CHUNK, cz * CHUNK, size_y) & CARVABLE[blocks]
    water = blocks == WATER
    wet = np.zeros_like(water)  # the game does not carve where it would open into water
    wet[1:] |= water[:-1]
    wet[:-1] |= water[1:]
    wet[:, :-1] |= water[:, 1:]
    wet[:, 1:] |= water[:, :-1]
    wet[:, :, 1:] |= water[:, :, :-1]
    wet[:, :, :-1] |= water[:, :, 1:]
    carved &= ~wet
    y = np.arange(size_y)[None, :, None]
    blocks[carved] = AIR
    blocks[carved & (y <= LAVA_LEVEL)] = LAVA
