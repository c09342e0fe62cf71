"""Conversions between carla types and the project's driving contracts.

Both sides use CARLA's coordinates (x forward/east, y right, yaw degrees clockwise from above),
so poses map one to one; controls are clamped as the server clamps them; GNSS fixes are turned
into map coordinates by inverting the map's own geolocation transform.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from envs.driving.contracts import ActorArrays, LightColor, Pose, VehicleControl


def pose_from_transform(transform) -> Pose:
    location, rotation = transform.location, transform.rotation
    return Pose(x=location.x, y=location.y, z=location.z, yaw=rotation.yaw, pitch=rotation.pitch, roll=rotation.roll)


def transform_from_pose(pose: Pose):
    import carla

    return carla.Transform(carla.Location(x=pose.x, y=pose.y, z=pose.z),
                           carla.Rotation(pitch=pose.pitch, yaw=pose.yaw, roll=pose.roll))


def carla_control(control: VehicleControl):
    """Our control as a carla.VehicleControl, clamped to the ranges the server accepts."""
    import carla

    safe = VehicleControl.clamped(control.throttle, control.steer, control.brake, control.hand_brake, control.reverse)
    return carla.VehicleControl(throttle=safe.throttle, steer=safe.steer, brake=safe.brake,
                                hand_brake=safe.hand_brake, reverse=safe.reverse)


def control_from_carla(control) -> VehicleControl:
    return VehicleControl.clamped(control.throttle, control.steer, control.brake, control.hand_brake, control.reverse)


def light_color(state) -> LightColor:
    """carla.TrafficLightState -> LightColor (Off and Unknown count as off)."""
    name = str(state).rsplit(".", 1)[-1].lower()
    return {"red": LightColor.RED, "yellow": LightColor.YELLOW, "green": LightColor.GREEN}.get(name, LightColor.OFF)


class GeoLocaliser:
    """GNSS fixes -> map x, y: the inverse of the map's own carla.Map.transform_to_geolocation
    (the projection the server's GNSS sensor uses), by Newton steps from the last position, so it
    matches whatever projection and geo-reference this CARLA version applies."""

    def __init__(self, carla_map, step_m: float = 100.0):
        import carla

        self.map, self._location = carla_map, carla.Location
        origin = carla_map.transform_to_geolocation(carla.Location(0.0, 0.0, 0.0))
        east = carla_map.transform_to_geolocation(carla.Location(step_m, 0.0, 0.0))
        south = carla_map.transform_to_geolocation(carla.Location(0.0, step_m, 0.0))
        jacobian = np.array([[east.latitude - origin.latitude, south.latitude - origin.latitude],
                             [east.longitude - origin.longitude, south.longitude - origin.longitude]]) / step_m
        self._inverse = np.linalg.inv(jacobian)  # (dlat, dlon) -> (dx, dy)
        self._guess = np.zeros(2)

    def to_xy(self, latitude: float, longitude: float, tolerance_m: float = 1e-3) -> tuple[float, float]:
        xy = self._guess.copy()
        for _ in range(8):
            fix = self.map.transform_to_geolocation(self._location(float(xy[0]), float(xy[1]), 0.0))
            step = self._inverse @ np.array([latitude - fix.latitude, longitude - fix.longitude])
            xy += step
            if np.abs(step).max() < tolerance_m:
                break
        self._guess = xy
        return float(xy[0]), float(xy[1])


@dataclass(frozen=True)
class ActorRecord:
    """What the criteria and the context need of one server actor."""

    id: int
    type_id: str
    transform: object  # carla.Transform
    velocity: object  # carla.Vector3D
    extent: object  # carla.Vector3D, the bounding box half sizes

    @classmethod
    def of(cls, actor) -> ActorRecord:
        return cls(actor.id, actor.type_id, actor.get_transform(), actor.get_velocity(), actor.bounding_box.extent)


def actor_arrays(records: Iterable[ActorRecord]) -> ActorArrays:
    """Vehicles and pedestrians (walker.pedestrian.*) as ActorArrays; ids are "vehicle:<id>" or
    "pedestrian:<id>" like the embedded simulator's."""
    rows = [r for r in records if r.type_id.startswith(("vehicle.", "walker.pedestrian"))]
    if not rows:
        return ActorArrays.empty()
    pedestrian = np.array([r.type_id.startswith("walker.") for r in rows])
    ids = tuple(f"{'pedestrian' if p else 'vehicle'}:{r.id}" for r, p in zip(rows, pedestrian))
    return ActorArrays(
        ids=ids,
        kind=np.where(pedestrian, ActorArrays.KIND_PEDESTRIAN, ActorArrays.KIND_VEHICLE).astype(np.int8),
        xy=np.array([[r.transform.location.x, r.transform.location.y] for r in rows], dtype=float),
        yaw=np.array([r.transform.rotation.yaw for r in rows], dtype=float),
        speed=np.array([math.hypot(r.velocity.x, r.velocity.y) for r in rows], dtype=float),
        extent=np.array([[r.extent.x, r.extent.y] for r in rows], dtype=float))


def collision_kind(type_id: str) -> str:
    """The Leaderboard's collision class for the other actor of a collision event."""
    if type_id.startswith("walker."):
        return "collisions_pedestrian"
    if type_id.startswith("vehicle."):
        return "collisions_vehicle"
    return "collisions_layout"


def bgra_to_rgb(raw: bytes | memoryview, width: int, height: int) -> np.ndarray:
    """A carla.Image's raw_data (BGRA rows) as an HxWx3 uint8 RGB array."""
    pixels = np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 4)
    return np.ascontiguousarray(pixels[:, :, 2::-1])
