"""Sensor configurations: one spec gives the blueprint attributes and mount transform for the
adapter, and the entry of a CARLA Leaderboard agent's `sensors()` list."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SensorType = Literal["sensor.camera.rgb", "sensor.lidar.ray_cast", "sensor.other.gnss", "sensor.other.imu",
                     "sensor.speedometer", "sensor.opendrive_map"]
MOUNTED = ("sensor.camera.rgb", "sensor.lidar.ray_cast", "sensor.other.gnss", "sensor.other.imu")


class SensorSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    type: SensorType
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    roll: float = 0.0
    pitch: float = 0.0
    yaw: float = 0.0
    width: int = Field(400, gt=0)
    height: int = Field(225, gt=0)
    fov: float = Field(90.0, gt=0, lt=180)
    range: float = Field(50.0, gt=0)
    channels: int = Field(32, gt=0)
    points_per_second: int = Field(200_000, gt=0)
    reading_frequency: float = Field(20.0, gt=0)

    @property
    def is_camera(self) -> bool:
        return self.type == "sensor.camera.rgb"

    def leaderboard(self) -> dict:
        """The dict the Leaderboard's AutonomousAgent.sensors() lists for this sensor."""
        if self.type in ("sensor.speedometer", "sensor.opendrive_map"):
            return {"type": self.type, "reading_frequency": self.reading_frequency, "id": self.id}
        entry: dict = {"type": self.type, "x": self.x, "y": self.y, "z": self.z}
        if self.type != "sensor.other.gnss":
            entry.update(roll=self.roll, pitch=self.pitch, yaw=self.yaw)
        if self.is_camera:
            entry.update(width=self.width, height=self.height, fov=self.fov)
        entry["id"] = self.id
        return entry

    def blueprint_attributes(self, tick_s: float = 0.05) -> dict[str, str]:
        """Attributes to set on the server's blueprint (all strings, as carla wants)."""
        if self.is_camera:
            return {"image_size_x": str(self.width), "image_size_y": str(self.height), "fov": f"{self.fov:g}"}
        if self.type == "sensor.lidar.ray_cast":
            return {"range": f"{self.range:g}", "channels": str(self.channels),
                    "points_per_second": str(self.points_per_second),
                    "rotation_frequency": f"{1.0 / tick_s:g}"}  # one full turn per tick
        return {}

    def transform(self):
        import carla

        return carla.Transform(carla.Location(x=self.x, y=self.y, z=self.z),
                               carla.Rotation(pitch=self.pitch, yaw=self.yaw, roll=self.roll))


def driving_cameras(width: int = 400, height: int = 225, fov: float = 90.0) -> list[SensorSpec]:
    """Front, front-left and front-right cameras on the roof (DriveMLM's multi-view input)."""
    mount = dict(x=1.3, z=2.3, width=width, height=height, fov=fov)
    return [SensorSpec(id="front", type="sensor.camera.rgb", yaw=0.0, **mount),
            SensorSpec(id="left", type="sensor.camera.rgb", yaw=-60.0, **mount),
            SensorSpec(id="right", type="sensor.camera.rgb", yaw=60.0, **mount)]


def lidar() -> SensorSpec:
    return SensorSpec(id="lidar", type="sensor.lidar.ray_cast", x=1.3, z=2.5, yaw=-90.0)


def localisation() -> list[SensorSpec]:
    """GNSS, IMU and speedometer: what a Leaderboard agent localises with."""
    return [SensorSpec(id="gnss", type="sensor.other.gnss", x=0.0, z=1.6),
            SensorSpec(id="imu", type="sensor.other.imu", x=0.0, z=1.6),
            SensorSpec(id="speed", type="sensor.speedometer", reading_frequency=20.0)]
