"""Where things are relative to a path: distance along it and distance off it.

Shared by the behaviour planners' context and the motion planner's speed profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from envs.driving.contracts import ActorArrays

PREDICTION_HORIZON_S = tuple(0.25 * step for step in range(13))  # now to 3 s: fine enough not to skip a car


@dataclass(frozen=True)
class Path:
    """A polyline ahead of the ego with the distance along it of every point."""

    xy: np.ndarray  # (P, 2)
    s: np.ndarray  # (P,), starting at 0 at the ego's projection

    @classmethod
    def from_points(cls, xy: np.ndarray) -> Path:
        steps = np.linalg.norm(np.diff(xy, axis=0), axis=1)
        return cls(xy, np.concatenate([[0.0], np.cumsum(steps)]))

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For points (N, 2): distance along the path of their foot on it, and their distance to it."""
        if len(points) == 0 or len(self.xy) < 2:
            return np.zeros(len(points)), np.full(len(points), np.inf)
        start, step = self.xy[:-1], np.diff(self.xy, axis=0)  # (P-1, 2)
        length_sq = np.maximum((step ** 2).sum(axis=1), 1e-9)
        relative = points[:, None, :] - start[None, :, :]  # (N, P-1, 2)
        t = np.clip((relative * step[None]).sum(axis=2) / length_sq[None], 0.0, 1.0)
        foot = start[None] + t[..., None] * step[None]
        gaps = np.linalg.norm(points[:, None, :] - foot, axis=2)
        nearest = gaps.argmin(axis=1)
        rows = np.arange(len(points))
        along = self.s[nearest] + t[rows, nearest] * np.sqrt(length_sq[nearest])
        return along, gaps[rows, nearest]


@dataclass(frozen=True)
class Obstacle:
    index: int  # into the actor arrays
    distance_m: float  # along the path, bumper to bumper
    speed: float
    predicted: bool  # not in the path now, but will be within the horizon
    enters_s: float = 0.0  # when it is in the path (0: now)


STANDING_SPEED = 0.2
HARD_DECELERATION = 7.0
CROSSING_CLEARANCE_M = 1.0  # past a crossing actor's path by this much before it gets there...
CROSSING_TIME_MARGIN_S = 0.25  # ...and this much sooner


def clears_first(distance_m: float, enters_s: float, ego_speed: float, ego_length: float,
                 actor_half_length: float) -> bool:
    """Whether to keep going for something about to cross the path `distance_m` ahead in
    `enters_s` seconds: it cannot be stopped for even braking hard, and at the present speed the
    ego is past the crossing, tail and all, before it gets there (braking would stop the ego in
    its way)."""
    speed = max(ego_speed, 0.0)
    if enters_s <= 0.0 or speed < 1.0 or speed ** 2 / (2 * HARD_DECELERATION) + 1.0 < distance_m:
        return False
    clear_m = distance_m + ego_length + 2 * actor_half_length + CROSSING_CLEARANCE_M
    return clear_m / speed < enters_s - CROSSING_TIME_MARGIN_S


def obstacles_on_path(path: Path, actors: ActorArrays, ego_half_length: float, half_width: float,
                      reach_m: float = 60.0) -> list[Obstacle]:
    """Actors in the corridor along the path now, or predicted (constant velocity) to enter it
    within 3 s, nearest first. Walking pedestrians get an extra metre of corridor."""
    if len(actors) == 0 or len(path.xy) < 2:
        return []
    near = np.where((np.abs(actors.xy - path.xy[0]).max(axis=1) < reach_m) & actors.solid)[0]  # debris is driven over
    # only what is ahead now: a follower predicted to move "ahead" would be a phantom obstacle
    along_now, _ = path.project(actors.xy[near])
    near = near[along_now > 0.5]
    if len(near) == 0:
        return []
    found: dict[int, Obstacle] = {}
    heading = np.stack([np.cos(np.radians(actors.yaw[near])), np.sin(np.radians(actors.yaw[near]))], axis=1)
    # the actor's box measured across and along the path (a bicycle crossing the road is long across it)
    direction = path.xy[1] - path.xy[0]
    direction = direction / max(float(np.linalg.norm(direction)), 1e-9)
    cos = np.abs(heading @ direction)
    sin = np.sqrt(np.clip(1.0 - cos ** 2, 0.0, 1.0))
    across = actors.extent[near, 0] * sin + actors.extent[near, 1] * cos
    lengthwise = actors.extent[near, 0] * cos + actors.extent[near, 1] * sin
    # a walking pedestrian gets a metre more; one standing at the curb is not in the way (waiting
    # for the ego to pass, it would otherwise wait for a car that waits for it)
    walking = (actors.kind[near] == ActorArrays.KIND_PEDESTRIAN) & (actors.speed[near] > STANDING_SPEED)
    margin = half_width + across + np.where(walking, 1.0, 0.0)
    for horizon in PREDICTION_HORIZON_S:
        future = actors.xy[near] + heading * (actors.speed[near] * horizon)[:, None]
        along, gap = path.project(future)
        inside = (gap < margin) & (along > 0.0) & (along < path.s[-1])
        for k in np.where(inside)[0]:
            index = int(near[k])
            if index in found:
                continue
            distance = float(along[k]) - ego_half_length - float(lengthwise[k])
            found[index] = Obstacle(index, distance, float(actors.speed[index]), predicted=horizon > 0.0,
                                    enters_s=horizon)
    return sorted(found.values(), key=lambda obstacle: obstacle.distance_m)
