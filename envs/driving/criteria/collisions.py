"""CollisionTest of Leaderboard 1.0: every contact is an infraction, except a contact with the
same actor as the last one within 5 s, or one within 3 m of a remembered collision place (places
are forgotten once the ego is more than 5 m from them). Contacts with the static world (the map
itself) are never remembered as "the last actor"; static props are actors like any other."""

from __future__ import annotations

import math

import numpy as np

from envs.driving.contracts import ActorArrays
from envs.driving.criteria.frame import EgoFrame, event
from envs.driving.geometry import box_corners, boxes_overlap

STATIC_WORLD = "static"  # the map's own geometry (curbs, buildings): CARLA's actor id 0
COLLISION_KIND = {ActorArrays.KIND_VEHICLE: "collisions_vehicle", ActorArrays.KIND_CYCLIST: "collisions_vehicle",
                  ActorArrays.KIND_PEDESTRIAN: "collisions_pedestrian", ActorArrays.KIND_PROP: "collisions_layout"}
WHAT = {"collisions_pedestrian": "a pedestrian", "collisions_vehicle": "a vehicle",
        "collisions_layout": "the static layout"}


def contacts(ego: EgoFrame, actors: ActorArrays) -> list[tuple[str, str]]:
    """(infraction kind, actor id) for every actor whose box overlaps the ego's (debris is driven over)."""
    if not len(actors):
        return []
    reach = math.hypot(ego.half_length, ego.half_width) + np.hypot(actors.extent[:, 0], actors.extent[:, 1])
    near = (np.abs(actors.xy - ego.position).max(axis=1) < reach) & actors.solid
    if not near.any():
        return []
    ego_box = box_corners(ego.position, np.array([ego.yaw]), np.array([[ego.half_length, ego.half_width]]))[0]
    indices = np.where(near)[0]
    boxes = box_corners(actors.xy[indices], actors.yaw[indices], actors.extent[indices])
    return [(COLLISION_KIND[int(actors.kind[i])], actors.ids[i]) for i in indices[boxes_overlap(ego_box, boxes)]]


class CollisionTest:
    MIN_AREA_M = 3.0
    MAX_AREA_M = 5.0
    MAX_ID_TIME_S = 5.0

    def __init__(self) -> None:
        self.places: list[np.ndarray] = []
        self.last_id: str | None = None
        self.last_time_s = 0.0

    def update(self, ego: EgoFrame, hits: list[tuple[str, str]]) -> list:
        position = ego.position
        self.places = [p for p in self.places if np.linalg.norm(p - position) <= self.MAX_AREA_M]
        if self.last_id is not None and ego.time_s - self.last_time_s > self.MAX_ID_TIME_S:
            self.last_id = None
        events = []
        for kind, actor_id in hits:
            if actor_id == self.last_id:
                continue
            if any(np.linalg.norm(p - position) <= self.MIN_AREA_M for p in self.places):
                continue
            self.places.append(position)
            self.last_time_s = ego.time_s
            if actor_id != STATIC_WORLD:
                self.last_id = actor_id
            events.append(event(kind, ego, f"collision with {WHAT[kind]} ({actor_id})", actor_id))
        return events
