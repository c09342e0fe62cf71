"""The ego car: a kinematic bicycle model driven with carla.VehicleControl semantics."""

from __future__ import annotations

import math
from dataclasses import dataclass

from envs.driving.contracts import VehicleControl


@dataclass(frozen=True)
class VehicleParams:
    """Dimensions and limits close to CARLA's default Lincoln MKZ."""

    length: float = 4.9
    width: float = 2.1
    wheelbase: float = 2.9
    rear_axle_to_center: float = 1.45
    max_steer_rad: float = math.radians(35.0)
    steer_rate_rad_s: float = math.radians(180.0)
    max_acceleration: float = 3.5
    max_braking: float = 8.0
    hand_brake_deceleration: float = 5.0
    drag_per_speed_sq: float = 0.0025
    rolling_resistance: float = 0.15
    max_speed: float = 30.0
    max_reverse_speed: float = 5.0


@dataclass
class KinematicBicycle:
    """State at the vehicle centre; yaw in radians in CARLA's frame (clockwise from +x)."""

    x: float
    y: float
    yaw: float
    speed: float = 0.0
    steer_angle: float = 0.0
    acceleration: float = 0.0
    params: VehicleParams = VehicleParams()

    def step(self, control: VehicleControl, dt: float) -> None:
        p = self.params
        target = control.steer * p.max_steer_rad
        max_change = p.steer_rate_rad_s * dt
        self.steer_angle += min(max(target - self.steer_angle, -max_change), max_change)

        direction = -1.0 if control.reverse else 1.0
        drive = control.throttle * p.max_acceleration * direction
        # brake and resistance act against the motion; they can stop the car, not reverse it
        resist = control.brake * p.max_braking + p.rolling_resistance + p.drag_per_speed_sq * self.speed ** 2
        if control.hand_brake:
            resist += p.hand_brake_deceleration
        speed = self.speed + drive * dt
        if speed > 0:
            speed = max(speed - resist * dt, 0.0)
        elif speed < 0:
            speed = min(speed + resist * dt, 0.0)
        speed = min(max(speed, -p.max_reverse_speed), p.max_speed)
        self.acceleration = (speed - self.speed) / dt

        slip = math.atan(p.rear_axle_to_center / p.wheelbase * math.tan(self.steer_angle))
        mean_speed = 0.5 * (speed + self.speed)
        self.x += mean_speed * math.cos(self.yaw + slip) * dt
        self.y += mean_speed * math.sin(self.yaw + slip) * dt
        self.yaw += mean_speed / p.rear_axle_to_center * math.sin(slip) * dt
        self.yaw = (self.yaw + math.pi) % (2 * math.pi) - math.pi
        self.speed = speed

    def stop(self) -> None:
        """A crash into something static: the car is stopped where it is."""
        self.speed = 0.0
        self.acceleration = 0.0
