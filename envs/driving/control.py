"""Low-level vehicle control: pure pursuit for steering, PID for speed.

Shared by the simulator's autopilot and the motion planner of the driving agent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from envs.driving.contracts import VehicleControl


@dataclass
class PID:
    kp: float
    ki: float
    kd: float
    integral_limit: float = 5.0
    _integral: float = 0.0
    _previous_error: float | None = None

    def __call__(self, error: float, dt: float) -> float:
        self._integral = min(max(self._integral + error * dt, -self.integral_limit), self.integral_limit)
        derivative = 0.0 if self._previous_error is None else (error - self._previous_error) / dt
        self._previous_error = error
        return self.kp * error + self.ki * self._integral + self.kd * derivative

    def reset(self) -> None:
        self._integral = 0.0
        self._previous_error = None


def lookahead_point(path_xy: np.ndarray, position: np.ndarray, distance: float) -> np.ndarray:
    """The first path point at least `distance` from `position` (the last point otherwise)."""
    gaps = np.linalg.norm(path_xy - position, axis=1)
    beyond = np.where(gaps >= distance)[0]
    return path_xy[beyond[0]] if len(beyond) else path_xy[-1]


def pure_pursuit_steer(position: np.ndarray, yaw_deg: float, target: np.ndarray, wheelbase: float,
                       max_steer_rad: float) -> float:
    """Steer command in [-1, 1] that puts the rear axle on an arc through `target`."""
    yaw = math.radians(yaw_deg)
    relative = target - position
    forward = relative[0] * math.cos(yaw) + relative[1] * math.sin(yaw)
    lateral = -relative[0] * math.sin(yaw) + relative[1] * math.cos(yaw)
    distance_sq = max(forward ** 2 + lateral ** 2, 1e-6)
    curvature = 2.0 * lateral / distance_sq
    angle = math.atan(wheelbase * curvature)
    return min(max(angle / max_steer_rad, -1.0), 1.0)


@dataclass
class SpeedController:
    """Throttle and brake from a target speed; brakes hard when far above it."""

    pid: PID = field(default_factory=lambda: PID(0.35, 0.05, 0.02))
    max_throttle: float = 0.8

    def __call__(self, speed: float, target_speed: float, dt: float) -> tuple[float, float]:
        error = target_speed - speed
        if target_speed < 0.05 and speed < 0.3:
            self.pid.reset()
            return 0.0, 1.0
        command = self.pid(error, dt)
        if command >= 0:
            return min(command, self.max_throttle), 0.0
        return 0.0, min(-command * 1.2, 1.0)


def control_towards(position: np.ndarray, yaw_deg: float, speed: float, path_xy: np.ndarray, target_speed: float,
                    speed_controller: SpeedController, wheelbase: float, max_steer_rad: float,
                    dt: float) -> VehicleControl:
    """One control command that follows `path_xy` at `target_speed`."""
    lookahead = min(max(2.5 + 0.8 * abs(speed), 4.0), 20.0)
    target = lookahead_point(path_xy, position, lookahead)
    steer = pure_pursuit_steer(position, yaw_deg, target, wheelbase, max_steer_rad)
    throttle, brake = speed_controller(speed, target_speed, dt)
    return VehicleControl.clamped(throttle=throttle, steer=steer, brake=brake)
