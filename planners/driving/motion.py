"""The motion planner: a decision state to throttle, steer and brake.

The path is the route's lane centre line (its lane changes smoothed), shifted sideways
by whole lanes for lane changes and borrows and ramped from where the ego is now. The
speed profile takes the decision's cruise speed and caps it by the speed limit, curves,
whatever is on or entering the path (vehicles, pedestrians), red and yellow lights and
stop signs. Pure pursuit steers; a PI loop with feed-forward holds the speed. It runs every control tick; the
decision changes every decision period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from envs.driving.contracts import DrivingObservation, LightColor, VehicleControl
from envs.driving.control import SpeedController, control_towards
from envs.driving.criteria import StopZone
from envs.driving.routing import DenseRoute
from envs.driving.sim.ego import VehicleParams
from planners.driving.decision import Decision, PathDecision, SpeedDecision
from planners.driving.scene import HARD_DECELERATION, Path, clears_first, obstacles_on_path

PATH_POINTS = 70
LATERAL_ACCELERATION = 2.0
COMFORT_DECELERATION = 3.0
STANDSTILL_GAP_M = 4.0
REACTION_S = 0.6
LEAD_DECELERATION = 5.0  # a hard stop of the vehicle ahead
LIGHT_STOP_MARGIN_M = 2.0
CORRIDOR_HALF_WIDTH_M = 1.3
DECELERATE_STEP = 2.0
STOP_SIGN_HOLD_S = 1.0
YELLOW_STOP_DECELERATION = 4.5  # stop for a yellow light when this is enough
YELLOW_CLEAR_S = 2.5  # otherwise go if the rear clears the line within this


@dataclass
class MotionPlan:
    """What the motion planner intends this tick, for the act step, recordings and logs."""

    path_xy: np.ndarray
    target_speed: float
    limited_by: str


def lane_continuous_reference(route: DenseRoute) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The route with its lane changes taken out, and the route's lane along it.

    Returns the reference points (N, 2), their right-hand unit vectors (N, 2), and for each
    point the lane the route is in, counted in lanes to the right of the reference. Lane
    changes are then the behaviour planner's to make (when the target lane is clear),
    not something the path does on its own.
    """
    xy = route.xyz[:, :2]
    yaw = np.radians(route.yaw)
    right = np.stack([-np.sin(yaw), np.cos(yaw)], axis=1)
    lateral = np.zeros(len(xy))
    lanes = np.zeros(len(xy), dtype=int)
    steps = np.diff(xy, axis=0)
    for jump in np.where(np.linalg.norm(steps, axis=1) > 2.0)[0]:
        shift = float(steps[jump] @ right[jump])
        lateral[jump + 1:] += shift
        lanes[jump + 1:] += 1 if shift > 0 else -1
    return xy - right * lateral[:, None], right, lanes


@dataclass
class MotionPlanner:
    route: DenseRoute
    stop_zones: list[StopZone] = field(default_factory=list)
    params: VehicleParams = field(default_factory=VehicleParams)
    dt: float = 0.05
    speed_controller: SpeedController = field(default_factory=SpeedController)

    def __post_init__(self) -> None:
        self.reference, self._right, self.route_lanes = lane_continuous_reference(self.route)
        self.target_lanes = 0  # lanes right of the reference (negative: left)
        self.borrowing = False
        self.cruise: float | None = None
        self.lane_width = 3.5
        self._stop_zone_centers = np.array([z.corners.mean(axis=0) for z in self.stop_zones]).reshape(-1, 2)
        self._stop_signs_done: set[str] = set()
        self._stop_sign_waited = 0.0
        self._light_plans: dict[str, str] = {}
        self.last_plan: MotionPlan | None = None

    def snapshot(self) -> dict:
        """Everything that carries over between ticks, for checkpoints (plain JSON types)."""
        return {"target_lanes": int(self.target_lanes), "borrowing": bool(self.borrowing),
                "cruise": None if self.cruise is None else float(self.cruise), "lane_width": float(self.lane_width),
                "stop_signs_done": sorted(self._stop_signs_done), "stop_sign_waited": float(self._stop_sign_waited),
                "light_plans": dict(self._light_plans),
                "speed_controller": self.speed_controller.snapshot()}

    def restore(self, snapshot: dict) -> None:
        self.target_lanes, self.borrowing = snapshot["target_lanes"], snapshot["borrowing"]
        self.cruise, self.lane_width = snapshot["cruise"], snapshot["lane_width"]
        self._stop_signs_done = set(snapshot["stop_signs_done"])
        self._stop_sign_waited = snapshot["stop_sign_waited"]
        self._light_plans = dict(snapshot["light_plans"])
        self.speed_controller.restore(snapshot["speed_controller"])

    # decisions

    def ego_lane(self, observation: DrivingObservation) -> int:
        """The lane the ego is in, counted in lanes right of the reference."""
        index = observation.route_index
        position = np.array([observation.ego.x, observation.ego.y])
        return int(round(float((position - self.reference[index]) @ self._right[index]) / self.lane_width))

    def offset_from_route(self, observation: DrivingObservation, lookahead_points: int = 40) -> int:
        """Lanes between the ego and the lane the route will be in shortly (negative: ego left of it)."""
        ahead = min(observation.route_index + lookahead_points, len(self.route_lanes) - 1)
        return self.ego_lane(observation) - int(self.route_lanes[ahead])

    def apply(self, decision: Decision, observation: DrivingObservation, lane_width: float) -> None:
        """Take a new decision: the lane to drive in and the cruise speed."""
        self.lane_width = lane_width
        ego = observation.ego
        current = self.ego_lane(observation)
        if decision.path == PathDecision.FOLLOW_LANE:
            if self.borrowing:  # back into the route's lane after passing
                self.target_lanes = int(self.route_lanes[observation.route_index])
                self.borrowing = False
        elif decision.path in (PathDecision.LEFT_CHANGE, PathDecision.RIGHT_CHANGE):
            self.target_lanes = current + (-1 if decision.path == PathDecision.LEFT_CHANGE else 1)
            self.borrowing = False
        else:
            self.target_lanes = current + (-1 if decision.path == PathDecision.LEFT_BORROW else 1)
            self.borrowing = True
        limit = ego.speed_limit
        if decision.speed == SpeedDecision.ACCELERATE:
            self.cruise = limit
        elif decision.speed == SpeedDecision.KEEP:
            self.cruise = min(max(ego.speed, 0.0), limit) if self.cruise is None else min(self.cruise, limit)
        elif decision.speed == SpeedDecision.DECELERATE:
            self.cruise = max(min(ego.speed, limit) - DECELERATE_STEP, 0.0)
        else:
            self.cruise = 0.0

    # every tick

    def path(self, observation: DrivingObservation) -> Path:
        """The path ahead: route lane shifted by the target lanes, ramped from the ego's offset."""
        ego = observation.ego
        index = observation.route_index
        rows = slice(min(index + 1, len(self.reference) - 1), index + 1 + PATH_POINTS)  # points still ahead
        base, right = self.reference[rows], self._right[rows]
        position = np.array([ego.x, ego.y])
        current = float((position - self.reference[index]) @ self._right[index])
        target = self.target_lanes * self.lane_width
        steps = np.linalg.norm(np.diff(base, axis=0), axis=1)
        along = np.concatenate([[0.0], np.cumsum(steps)])
        ramp = max(10.0, 2.0 * abs(ego.speed) + 6.0) * max(abs(target - current) / self.lane_width, 0.3)
        offset = current + (target - current) * np.clip(along / ramp, 0.0, 1.0)
        return Path.from_points(np.vstack([position, base + right * offset[:, None]]))

    def control(self, observation: DrivingObservation) -> VehicleControl:
        ego = observation.ego
        path = self.path(observation)
        target_speed, limited_by = self._speed_profile(observation, path)
        self.last_plan = MotionPlan(path.xy, target_speed, limited_by)
        return control_towards(path.xy[0], ego.yaw, ego.speed, path.xy, target_speed, self.speed_controller,
                               self.params.wheelbase, self.params.max_steer_rad, self.dt, min_lookahead=4.5)

    def _speed_profile(self, observation: DrivingObservation, path: Path) -> tuple[float, str]:
        ego = observation.ego
        limits = {"speed limit": ego.speed_limit,
                  "decision": ego.speed_limit if self.cruise is None else self.cruise,
                  "curve": self.route.curve_speed(observation.route_index, LATERAL_ACCELERATION)}
        seen = observation.truth.actors.seen()
        obstacles = [o for o in obstacles_on_path(path, seen, 0.5 * ego.length, CORRIDOR_HALF_WIDTH_M)[:3]
                     if not clears_first(o.distance_m, o.enters_s, ego.speed, ego.length,
                                         float(seen.extent[o.index, 0]))]
        if obstacles:
            limits["obstacle"] = min(self._following_speed(o.distance_m, 0.0 if o.predicted else o.speed)
                                     for o in obstacles)
        light = observation.truth.route_light
        if self.light_plan(observation) == "stop":
            gap = light.distance - 0.5 * ego.length - LIGHT_STOP_MARGIN_M
            limits["light"] = math.sqrt(2 * COMFORT_DECELERATION * max(gap, 0.0))
        stop = self._stop_sign_limit(observation, path)
        if stop is not None:
            limits["stop sign"] = stop
        stop_points = [name for name in ("obstacle", "light", "stop sign") if name in limits]
        if self.cruise == 0.0 and stop_points:
            # STOP means stopping at the stop point ahead (line, obstacle, sign), not where the car is now
            limits["decision"] = min(limits[name] for name in stop_points)
        reason = min(limits, key=limits.get)
        return max(limits[reason], 0.0), reason

    def light_plan(self, observation: DrivingObservation) -> str | None:
        """'stop' or 'go' for the light ahead on the route, committed to when it first turns
        yellow or red (no dithering in the dilemma zone); None when there is nothing to obey."""
        light = observation.truth.route_light
        if light is None or light.color in (LightColor.GREEN, LightColor.OFF):
            if light is not None:
                self._light_plans.pop(light.id, None)
            return None
        if light.id not in self._light_plans:
            ego = observation.ego
            speed = max(ego.speed, 0.0)
            gap = light.distance - 0.5 * ego.length - LIGHT_STOP_MARGIN_M
            needed = speed ** 2 / (2 * max(gap, 0.1))
            if gap < -1.0:
                plan = "go"  # already over the line
            elif light.color == LightColor.RED:
                plan = "stop" if needed <= HARD_DECELERATION else "go"
            else:
                clears_in = (gap + LIGHT_STOP_MARGIN_M + 0.9 * ego.length) / max(speed, 0.5)
                if needed <= YELLOW_STOP_DECELERATION:
                    plan = "stop"
                elif clears_in <= YELLOW_CLEAR_S:
                    plan = "go"
                else:
                    plan = "stop" if needed <= HARD_DECELERATION else "go"
            self._light_plans[light.id] = plan
        return self._light_plans[light.id]

    @staticmethod
    def _following_speed(gap: float, lead_speed: float) -> float:
        """The fastest speed from which the ego, reacting after REACTION_S and braking comfortably,
        stops STANDSTILL_GAP_M behind where the lead would stop if it braked hard now."""
        room = gap - STANDSTILL_GAP_M + lead_speed ** 2 / (2 * LEAD_DECELERATION)
        if room <= 0.0:
            return 0.0
        b, t = COMFORT_DECELERATION, REACTION_S
        return -b * t + math.sqrt((b * t) ** 2 + 2 * b * room)

    def stop_sign_ahead(self, path: Path) -> tuple[str, float] | None:
        """The nearest stop zone on the path not yet honoured, and the distance to its far end."""
        if len(self._stop_zone_centers) == 0:
            return None
        along, gap = path.project(self._stop_zone_centers)
        best = None
        for k in np.where((gap < 2.0) & (along > 0.0))[0]:
            zone = self.stop_zones[k]
            if zone.id not in self._stop_signs_done and (best is None or along[k] < best[1]):
                best = (zone.id, float(along[k]))
        return best

    def _stop_sign_limit(self, observation: DrivingObservation, path: Path) -> float | None:
        ahead = self.stop_sign_ahead(path)
        if ahead is None:
            return None
        zone_id, distance = ahead
        ego = observation.ego
        gap = distance - 0.5 * ego.length + 1.0  # stop with the nose about at the sign
        if abs(ego.speed) < 0.05 and gap < 2.5:
            self._stop_sign_waited += self.dt
            if self._stop_sign_waited >= STOP_SIGN_HOLD_S:
                self._stop_signs_done.add(zone_id)
                self._stop_sign_waited = 0.0
                return None
            return 0.0
        return math.sqrt(2 * COMFORT_DECELERATION * max(gap, 0.0))
