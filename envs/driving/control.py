"""Low-level vehicle control: pure pursuit for steering, a PI speed loop with feed-forward.

Shared by the simulator's autopilot and the motion planner of the driving agent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from envs.driving.contracts import VehicleControl


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
    """Throttle and brake from a target speed, through an acceleration command.

    The command is proportional to the speed error, plus an integral for slopes and drag,
    plus the target's own rate of change (feed-forward), so a braking profile that lowers
    the target tick by tick is tracked without lag.
    """

    gain: float = 1.5  # m/s^2 asked per m/s of error when speeding up
    braking_gain: float = 3.0  # and when slowing down: falling behind a braking profile is what hurts
    integral_gain: float = 0.1
    max_acceleration: float = 3.5
    max_braking: float = 8.0
    max_throttle: float = 0.85
    _integral: float = 0.0
    _previous_target: float | None = None

    def __call__(self, speed: float, target_speed: float, dt: float) -> tuple[float, float]:
        previous, self._previous_target = self._previous_target, target_speed
        if target_speed < 0.05 and speed < 0.3:
            self._integral = 0.0
            return 0.0, 1.0
        # only a falling target feeds forward: that is a braking profile being followed
        feedforward = 0.0 if previous is None else min(max((target_speed - previous) / dt, -4.0), 0.0)
        error = target_speed - speed
        if abs(error) < 1.0:  # integrate near the target only, so braking does not wind it up
            self._integral = min(max(self._integral + error * dt, -2.0), 2.0)
        gain = self.gain if error >= 0.0 else self.braking_gain
        acceleration = gain * error + self.integral_gain * self._integral + feedforward
        if acceleration >= 0.0:
            return min(acceleration / self.max_acceleration + 0.05, self.max_throttle), 0.0
        return 0.0, min(-acceleration / self.max_braking, 1.0)

    def snapshot(self) -> dict:
        return {"integral": float(self._integral),
                "previous_target": None if self._previous_target is None else float(self._previous_target)}

    def restore(self, snapshot: dict) -> None:
        self._integral, self._previous_target = snapshot["integral"], snapshot["previous_target"]


def control_towards(position: np.ndarray, yaw_deg: float, speed: float, path_xy: np.ndarray, target_speed: float,
                    speed_controller: SpeedController, wheelbase: float, max_steer_rad: float,
                    dt: float, min_lookahead: float = 4.0) -> VehicleControl:
    """One control command that follows `path_xy` at `target_speed`."""
    lookahead = min(max(2.5 + 0.8 * abs(speed), min_lookahead), 20.0)
    target = lookahead_point(path_xy, position, lookahead)
    steer = pure_pursuit_steer(position, yaw_deg, target, wheelbase, max_steer_rad)
    throttle, brake = speed_controller(speed, target_speed, dt)
    return VehicleControl.clamped(throttle=throttle, steer=steer, brake=brake)
