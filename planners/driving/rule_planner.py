"""The default behaviour planner: an Apollo-style finite-state machine on privileged truth.

Each decision period it picks the scenario that applies, in priority order (yield to a
pedestrian, stop for a light, stop at a stop sign, pass a stopped obstacle, follow a
vehicle, get back into the route's lane, cruise), moves to that state and answers the
decision state with an explanation of why.
"""

from __future__ import annotations

import re
from enum import StrEnum

from envs.driving.contracts import ActorKind, LightColor
from planners.driving.context import DrivingContext, NearbyAgent
from planners.driving.decision import Decision, PathDecision, SpeedDecision

COMFORT_DECELERATION = 3.0
PEDESTRIAN_RANGE_M = 18.0
LIGHT_MARGIN_M = 12.0
FOLLOW_RANGE_M = 30.0
BORROW_AFTER_S = 6.0
BORROW_MIN_JUNCTION_M = 35.0
ROUTE_LANE_BEFORE_JUNCTION_M = 60.0


class BehaviourState(StrEnum):
    CRUISE = "cruise"
    FOLLOW = "follow"
    YIELD = "yield"
    STOP_AT_LIGHT = "stop_at_light"
    STOP_AT_SIGN = "stop_at_sign"
    BORROW = "borrow"
    CHANGE_LANE = "change_lane"
    STOP_ON_REQUEST = "stop_on_request"


OVERTAKE_WORDS = re.compile(r"\b(overtake|pass)\b", re.IGNORECASE)
STOP_WORDS = re.compile(r"\b(stop|pull over|halt)\b", re.IGNORECASE)
SLOW_WORDS = re.compile(r"\b(slow down|slower|careful)\b", re.IGNORECASE)


def _kmh(speed: float) -> str:
    return f"{speed * 3.6:.0f} km/h"


class RuleBasedPlanner:
    """Planner[DrivingContext, Decision]: rules, no model."""

    name = "rule"

    def __init__(self) -> None:
        self.state = BehaviourState.CRUISE

    def decide(self, context: DrivingContext) -> Decision:
        for rule in (self._yield, self._light, self._stop_sign, self._instruction, self._borrow, self._follow,
                     self._route_lane):
            outcome = rule(context)
            if outcome is not None:
                self.state, decision = outcome
                return decision
        self.state = BehaviourState.CRUISE
        if context.speed < context.speed_limit - 0.5:
            return Decision(speed=SpeedDecision.ACCELERATE, path=PathDecision.FOLLOW_LANE,
                            explanation=f"The way ahead is clear; speeding up to the {_kmh(context.speed_limit)} "
                                        f"limit to {context.route_command}.")
        return Decision(speed=SpeedDecision.KEEP, path=PathDecision.FOLLOW_LANE,
                        explanation=f"Cruising at the {_kmh(context.speed_limit)} limit; "
                                    f"next: {context.route_command}.")

    # scenarios, highest priority first

    def _yield(self, context: DrivingContext):
        walkers = [a for a in context.agents if a.kind == ActorKind.PEDESTRIAN and a.in_path
                   and a.path_distance_m is not None and a.path_distance_m < PEDESTRIAN_RANGE_M]
        if walkers and all(a.clears_first for a in walkers):
            nearest = min(walkers, key=lambda a: a.path_distance_m)
            return BehaviourState.CRUISE, Decision(
                speed=SpeedDecision.KEEP, path=self._keep_path(),
                explanation=f"A pedestrian is about to cross {max(nearest.path_distance_m, 0):.0f} m ahead, too close "
                            "to stop before; keeping my speed to be past before they reach my lane.")
        walkers = [a for a in walkers if not a.clears_first]
        if not walkers:
            return None
        nearest = min(walkers, key=lambda a: a.path_distance_m)
        return BehaviourState.YIELD, Decision(
            speed=SpeedDecision.STOP, path=self._keep_path(),
            explanation=f"A pedestrian is {'crossing' if nearest.speed > 0.2 else 'standing'} in my path "
                        f"{max(nearest.path_distance_m, 0):.0f} m ahead; stopping to yield.")

    def _light(self, context: DrivingContext):
        light = context.light
        if light is None or light.color not in (LightColor.RED, LightColor.YELLOW):
            return None
        braking = context.speed ** 2 / (2 * COMFORT_DECELERATION)
        gap = light.distance - 2.5
        if gap < -1.0 or gap > braking + LIGHT_MARGIN_M:
            return None  # past the line, or far enough to keep driving towards it
        if context.light_plan == "go":
            return BehaviourState.CRUISE, Decision(
                speed=SpeedDecision.KEEP, path=self._keep_path(),
                explanation=f"The light turned {light.color.value} too late to stop safely {max(gap, 0):.0f} m "
                            "before the line; clearing the junction.")
        return BehaviourState.STOP_AT_LIGHT, Decision(
            speed=SpeedDecision.STOP, path=self._keep_path(),
            explanation=f"The light ahead is {light.color.value}; stopping at the line {max(gap, 0):.0f} m ahead.")

    def _stop_sign(self, context: DrivingContext):
        distance = context.stop_sign_distance_m
        if distance is None or context.stop_sign_done:
            return None
        braking = context.speed ** 2 / (2 * COMFORT_DECELERATION)
        if distance > braking + 15.0:
            return None
        return BehaviourState.STOP_AT_SIGN, Decision(
            speed=SpeedDecision.STOP, path=PathDecision.FOLLOW_LANE,
            explanation=f"Stop sign {distance:.0f} m ahead: coming to a full stop before the junction.")

    def _instruction(self, context: DrivingContext):
        text = context.instruction or ""
        if not text:
            return None
        if STOP_WORDS.search(text):
            return BehaviourState.STOP_ON_REQUEST, Decision(
                speed=SpeedDecision.STOP, path=PathDecision.FOLLOW_LANE,
                explanation=f"Stopping as asked ('{text}').")
        lead = context.lead
        if OVERTAKE_WORDS.search(text) and lead is not None and lead.kind == ActorKind.VEHICLE:
            lane = context.lane
            if lane.left_lane == "same" and lane.left_clear:
                return BehaviourState.CHANGE_LANE, Decision(
                    speed=SpeedDecision.ACCELERATE, path=PathDecision.LEFT_CHANGE,
                    explanation=f"Overtaking the car {lead.path_distance_m:.0f} m ahead as asked: the left lane "
                                "is clear, changing into it.")
            if self._may_borrow(context):
                return BehaviourState.BORROW, Decision(
                    speed=SpeedDecision.ACCELERATE, path=PathDecision.LEFT_BORROW,
                    explanation=f"Overtaking the car {lead.path_distance_m:.0f} m ahead as asked: the opposite "
                                "lane is clear, borrowing it to pass.")
            return None  # cannot overtake safely now; the other rules decide
        if SLOW_WORDS.search(text) and context.speed > 0.6 * context.speed_limit:
            return BehaviourState.FOLLOW, Decision(
                speed=SpeedDecision.DECELERATE, path=self._keep_path(),
                explanation=f"Slowing down as asked ('{text}').")
        return None

    def _borrow(self, context: DrivingContext):
        lead = context.lead
        if self.state == BehaviourState.BORROW:
            if lead is None or lead.kind == ActorKind.PEDESTRIAN or lead.speed > 2.0:
                return BehaviourState.CRUISE, Decision(
                    speed=SpeedDecision.KEEP, path=PathDecision.FOLLOW_LANE,
                    explanation="Passed the stopped vehicle; returning to my lane.")
            return BehaviourState.BORROW, Decision(
                speed=SpeedDecision.KEEP, path=PathDecision.LEFT_BORROW,
                explanation=f"Still passing the stopped vehicle {lead.path_distance_m:.0f} m ahead in the opposite "
                            "lane.")
        if lead is None or lead.speed > 0.3 or context.lead_stopped_for_s < BORROW_AFTER_S:
            return None
        if not self._may_borrow(context):
            return None
        return BehaviourState.BORROW, Decision(
            speed=SpeedDecision.ACCELERATE, path=PathDecision.LEFT_BORROW,
            explanation=f"The vehicle {lead.path_distance_m:.0f} m ahead has not moved for "
                        f"{context.lead_stopped_for_s:.0f} s and no light holds it; the opposite lane is clear, "
                        "borrowing it to pass.")

    def _may_borrow(self, context: DrivingContext) -> bool:
        lane = context.lane
        away_from_junction = context.junction_ahead_m is None or context.junction_ahead_m > BORROW_MIN_JUNCTION_M
        light_holds = context.light is not None and context.light.color != LightColor.GREEN \
            and context.light.distance < 60.0
        return (lane.left_lane == "opposite" and lane.left_clear and not lane.in_junction and away_from_junction
                and not light_holds)

    def _follow(self, context: DrivingContext):
        lead: NearbyAgent | None = context.lead
        if lead is None or lead.path_distance_m is None or lead.path_distance_m > FOLLOW_RANGE_M:
            return None
        what = lead.kind.value
        gap = lead.path_distance_m
        if gap < 6.0 and lead.speed < 0.5:
            speed, why = SpeedDecision.STOP, f"The {what} {gap:.0f} m ahead is stopped; waiting behind it."
        elif lead.speed < context.speed - 0.5 and gap < 0.8 * context.speed + 5.0:
            speed, why = SpeedDecision.DECELERATE, (f"Closing in on the slower {what} {gap:.0f} m ahead "
                                                    f"({_kmh(lead.speed)}); slowing down.")
        else:
            speed = SpeedDecision.ACCELERATE if context.speed < context.speed_limit - 0.5 else SpeedDecision.KEEP
            why = (f"Following the {what} {gap:.0f} m ahead ({_kmh(lead.speed)}) at a safe distance, "
                   f"up to the {_kmh(context.speed_limit)} limit.")
        return BehaviourState.FOLLOW, Decision(speed=speed, path=self._keep_path(), explanation=why)

    def _route_lane(self, context: DrivingContext):
        offset = context.lane.offset_from_route
        if offset == 0 or context.lane.in_junction:
            return None
        to_left = offset > 0
        clear = context.lane.left_clear if to_left else context.lane.right_clear
        side = "left" if to_left else "right"
        if not clear:
            return BehaviourState.CHANGE_LANE, Decision(
                speed=SpeedDecision.DECELERATE, path=PathDecision.FOLLOW_LANE,
                explanation=f"The route continues from the lane to my {side}, which is occupied; slowing to "
                            "find a gap.")
        return BehaviourState.CHANGE_LANE, Decision(
            speed=SpeedDecision.KEEP, path=PathDecision.LEFT_CHANGE if to_left else PathDecision.RIGHT_CHANGE,
            explanation=f"The route continues from the lane to my {side}; it is clear, changing lanes.")

    def _keep_path(self) -> PathDecision:
        return PathDecision.LEFT_BORROW if self.state == BehaviourState.BORROW else PathDecision.FOLLOW_LANE
