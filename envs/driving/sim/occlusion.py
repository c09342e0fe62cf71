"""What the ego's cameras can see: line of sight from the camera past vehicles and props.

A target is visible when a ray from the camera (1.3 m ahead of the ego's centre, 2.3 m up, as
the Leaderboard agents mount theirs) reaches the top of its centre or of one of its corners
without passing through a taller-than-the-ray blocker on the way. Vehicles and props block;
pedestrians, cyclists and flat debris do not. Everything is checked at once with numpy: the
rays are clipped against each blocker's box in the blocker's own frame (slab test).
"""

from __future__ import annotations

import math

import numpy as np

from envs.driving.contracts import ActorArrays

CAMERA_AHEAD_M = 1.3
CAMERA_HEIGHT_M = 2.3
SIGHT_RANGE_M = 100.0
HEIGHT_BY_KIND = np.array([1.5, 1.8, 2.0, 1.7, 0.05])  # vehicle, pedestrian, prop, cyclist, debris
BLOCKS = np.array([True, False, True, False, False])
CORNER_SHRINK = 0.8  # sample corners a little inside the box


def camera_position(x: float, y: float, yaw_deg: float) -> np.ndarray:
    heading = math.radians(yaw_deg)
    return np.array([x + CAMERA_AHEAD_M * math.cos(heading), y + CAMERA_AHEAD_M * math.sin(heading)])


def _sample_points(actors: ActorArrays, rows: np.ndarray) -> np.ndarray:
    """(len(rows), 5, 2): each target's centre and four corners."""
    yaw = np.radians(actors.yaw[rows])
    forward = np.stack([np.cos(yaw), np.sin(yaw)], axis=1) * (CORNER_SHRINK * actors.extent[rows, :1])
    right = np.stack([-np.sin(yaw), np.cos(yaw)], axis=1) * (CORNER_SHRINK * actors.extent[rows, 1:2])
    signs = np.array([[0, 0], [1, 1], [1, -1], [-1, -1], [-1, 1]], dtype=float)
    return actors.xy[rows, None, :] + signs[None, :, :1] * forward[:, None, :] + signs[None, :, 1:] * right[:, None, :]


def visible_from(eye: np.ndarray, actors: ActorArrays) -> np.ndarray:
    """(N,) bool: which actors the camera at `eye` (x, y) sees."""
    count = len(actors)
    if count == 0:
        return np.zeros(0, dtype=bool)
    distance = np.linalg.norm(actors.xy - eye, axis=1)
    visible = np.zeros(count, dtype=bool)
    targets = np.where(distance < SIGHT_RANGE_M)[0]
    blockers = np.where(BLOCKS[actors.kind] & (distance < SIGHT_RANGE_M + 10.0))[0]
    if len(targets) == 0:
        return visible
    if len(blockers) == 0:
        visible[targets] = True
        return visible
    points = _sample_points(actors, targets)  # (T, 5, 2)
    target_height = HEIGHT_BY_KIND[actors.kind[targets]]  # (T,)
    # each ray in each blocker's frame: p(t) = eye + t (point - eye), t in [0, 1]
    yaw = np.radians(actors.yaw[blockers])
    cos, sin = np.cos(yaw), np.sin(yaw)
    rotation = np.stack([np.stack([cos, sin], axis=1), np.stack([-sin, cos], axis=1)], axis=1)  # (B, 2, 2)
    start = np.einsum("bij,bj->bi", rotation, eye[None, :] - actors.xy[blockers])  # (B, 2)
    delta = np.einsum("bij,tpj->tpbi", rotation, points - eye)  # (T, 5, B, 2)
    extent = actors.extent[blockers]  # (B, 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        low = (-extent - start) / delta
        high = (extent - start) / delta
    t_near = np.nanmax(np.minimum(low, high), axis=3)
    t_far = np.nanmin(np.maximum(low, high), axis=3)
    inside_slab = np.abs(start) <= extent  # a ray parallel to a slab stays in it only if it starts inside
    parallel = delta == 0
    parallel_out = (parallel & ~inside_slab[None, None, :, :]).any(axis=3)
    crosses = (t_near <= t_far) & (t_far > 0.0) & (t_near < 1.0) & ~parallel_out  # (T, 5, B)
    exit_t = np.clip(t_far, 0.0, 1.0)
    ray_height = CAMERA_HEIGHT_M + (target_height[:, None, None] - CAMERA_HEIGHT_M) * exit_t
    blocked = crosses & (ray_height < HEIGHT_BY_KIND[actors.kind[blockers]][None, None, :])
    blocked &= targets[:, None, None] != blockers[None, None, :]  # nothing hides itself
    visible[targets] = (~blocked.any(axis=2)).any(axis=1)
    return visible
