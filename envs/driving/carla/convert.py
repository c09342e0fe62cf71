"""Conversions between carla types and the project's driving contracts.

Both sides use CARLA's coordinates (x forward/east, y right, yaw degrees clockwise from above),
so poses map one to one; controls are clamped as the server clamps them; GNSS fixes are turned
into map coordinates with the map's geo-reference (CARLA's Mercator projection).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from envs.driving.contracts import ActorArrays, LightColor, Pose, VehicleControl

EARTH_RADIUS_M = 6378137.0  # CARLA's geo-reference sphere (WGS84 equatorial radius)


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


@dataclass(frozen=True)
class GeoReference:
    """The map's geo-reference origin (OpenDRIVE header geoReference +lat_0 +lon_0)."""

    lat: float = 0.0
    lon: float = 0.0

    @classmethod
    def from_opendrive(cls, text: str) -> GeoReference:
        import re

        lat = re.search(r"\+lat_0=([-+0-9.eE]+)", text)
        lon = re.search(r"\+lon_0=([-+0-9.eE]+)", text)
        return cls(float(lat.group(1)) if lat else 0.0, float(lon.group(1)) if lon else 0.0)

    def _mercator(self, lat: float, lon: float) -> tuple[float, float]:
        scale = math.cos(math.radians(self.lat))
        mx = scale * math.radians(lon) * EARTH_RADIUS_M
        my = scale * EARTH_RADIUS_M * math.log(math.tan(math.radians(90.0 + lat) / 2.0))
        return mx, my

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        """A GNSS fix -> map x, y (the inverse of carla.Map.transform_to_geolocation)."""
        mx, my = self._mercator(lat, lon)
        ox, oy = self._mercator(self.lat, self.lon)
        return mx - ox, -(my - oy)


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
