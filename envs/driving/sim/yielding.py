"""Traffic that treats the ego as a foe: SUMO's drivers and walkers do not see the ego's box (SUMO
judges right of way by lanes and links, and the ego is placed by position each tick), so on their
own they cut across it in junctions or walk into it while it stands. Like CARLA's Traffic Manager,
whose collision stage brakes its vehicles for any actor in their path, the hero included, every
tick each nearby vehicle is checked: if holding its speed and heading would put it into the ego's
box (where the ego will be, moving as it is) within 3 s, and the ego is ahead of it, it is slowed
to stop short; a walker about to step into the ego is held. The ego's own mistakes stay its own:
nothing yields to an ego driving into the back of another car.
"""

from __future__ import annotations

import math

import numpy as np

from envs.driving.contracts import ActorArrays
from envs.driving.geometry import box_corners, boxes_overlap

HORIZON_S = tuple(0.25 * step for step in range(1, 13))  # up to 3 s ahead
CHECK_RADIUS_M = 40.0
MARGIN_M = 0.2  # added to both boxes' half sizes
BRAKING = 4.0  # m/s^2 a driver plans to brake at for the ego
WALKER_HORIZON_S = (0.25, 0.5, 0.75, 1.0)
CREEP_SPEED = 1.0


def _ahead_of(actors: ActorArrays, rows: np.ndarray, ego_xy: np.ndarray) -> np.ndarray:
    heading = np.stack([np.cos(np.radians(actors.yaw[rows])), np.sin(np.radians(actors.yaw[rows]))], axis=1)
    return np.einsum("nd,nd->n", ego_xy - actors.xy[rows], heading) > 0.0


def along_polyline(polyline: np.ndarray, distance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points (K, 2) and headings (K,) in degrees `distance` (K,) metres along a polyline (P, 2),
    continuing straight past its end."""
    steps = np.diff(polyline, axis=0)
    lengths = np.linalg.norm(steps, axis=1)
    keep = lengths > 1e-6
    steps, lengths, starts = steps[keep], lengths[keep], polyline[:-1][keep]
    if not len(steps):
        return np.repeat(polyline[:1], len(distance), axis=0), np.zeros(len(distance))
    cumulative = np.concatenate([[0.0], np.cumsum(lengths)])
    piece = np.clip(np.searchsorted(cumulative, distance, side="right") - 1, 0, len(steps) - 1)
    along = (distance - cumulative[piece])[:, None] / lengths[piece][:, None]
    points = starts[piece] + along * steps[piece]
    return points, np.degrees(np.arctan2(steps[piece, 1], steps[piece, 0]))


def yield_speeds(actors: ActorArrays, ego_xy: np.ndarray, ego_yaw: float, ego_speed: float,
                 ego_extent: tuple[float, float],
                 lanes: dict[int, tuple[np.ndarray, float]] | None = None) -> dict[int, float]:
    """Row -> the speed cap for each vehicle or walker that must give way to the ego now.

    `lanes`: for vehicles, the centre line of the lane they are on and how far along it their
    front bumper is (a turn in a junction is followed along its curve); others keep their heading."""
    if not len(actors):
        return {}
    near = np.linalg.norm(actors.xy - ego_xy, axis=1) < CHECK_RADIUS_M
    vehicles = actors.kind == ActorArrays.KIND_VEHICLE
    movers = near & (vehicles | ((actors.kind == ActorArrays.KIND_PEDESTRIAN) & (actors.speed > 0.05)))
    rows = np.where(movers)[0]
    if not len(rows):
        return {}
    rows = rows[_ahead_of(actors, rows, ego_xy)]
    heading = np.stack([np.cos(np.radians(actors.yaw[rows])), np.sin(np.radians(actors.yaw[rows]))], axis=1)
    ego_heading = np.array([math.cos(math.radians(ego_yaw)), math.sin(math.radians(ego_yaw))])
    ego_half = np.array([[ego_extent[0] + MARGIN_M, ego_extent[1] + MARGIN_M]])
    caps: dict[int, float] = {}
    walkers = actors.kind[rows] == ActorArrays.KIND_PEDESTRIAN
    # where each one will be at each horizon: along its lane, or straight on
    horizons = np.array(HORIZON_S)
    # a standing car is judged as if it moved off: one that would creep into the ego stays put
    speed = np.where(actors.kind[rows] == ActorArrays.KIND_VEHICLE, np.maximum(actors.speed[rows], CREEP_SPEED),
                     actors.speed[rows])
    future_xy = actors.xy[rows][:, None, :] + heading[:, None, :] * (speed[:, None] * horizons)[..., None]
    future_yaw = np.repeat(actors.yaw[rows][:, None], len(horizons), axis=1)
    for k, row in enumerate(rows):
        lane, front_m = (lanes or {}).get(int(row), (None, 0.0))
        if lane is None or len(lane) < 2:
            continue
        half_length = float(actors.extent[row, 0])
        fronts, yaws = along_polyline(lane, front_m + speed[k] * horizons)
        rad = np.radians(yaws)
        future_xy[k] = fronts - half_length * np.stack([np.cos(rad), np.sin(rad)], axis=1)
        future_yaw[k] = yaws
    for step, horizon in enumerate(HORIZON_S):
        ego_box = box_corners(ego_xy + ego_heading * max(ego_speed, 0.0) * horizon, np.array([ego_yaw]), ego_half)[0]
        pending = np.array([row not in caps and (not walkers[k] or horizon <= WALKER_HORIZON_S[-1])
                            for k, row in enumerate(rows)], dtype=bool)
        if not pending.any():
            break
        boxes = box_corners(future_xy[pending, step], future_yaw[pending, step],
                            actors.extent[rows[pending]] + MARGIN_M)
        for k in np.where(boxes_overlap(ego_box, boxes))[0]:
            row = int(rows[pending][k])
            if actors.kind[row] == ActorArrays.KIND_PEDESTRIAN:
                caps[row] = 0.0
                continue
            # the travel it surely has before contact: up to the last horizon that was still clear
            room = max(float(actors.speed[row]) * (horizon - HORIZON_S[0]) - 2.0 * MARGIN_M, 0.0)
            caps[row] = math.sqrt(2.0 * BRAKING * room)
    return caps
