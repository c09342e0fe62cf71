"""Which scenarios of a town's scenario file a route plays, by the CARLA Leaderboard 1.0 rule.

A trigger matches a route when a point of the dense route (about 1 m apart) lies within 2.0 m
(in 3D) and 10 degrees of yaw of it; the first such point is its match position. Some types
depend on what the route does next: Scenario4 only where the route's next junction command is a
left or right turn (Scenario7/8/9 likewise, by their own turns). Triggers within 2.0 m and 10
degrees of each other are one trigger position; each position plays one scenario, the highest
number winning, and a scenario whose positions (trigger and other actors) come within 2.0 m of
one already chosen gives way to another of its position, drawn with a generator seeded 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from envs.driving.contracts import ScenarioTrigger
from envs.driving.routing import DenseRoute, RoadOption

TRIGGER_DISTANCE_M = 2.0
TRIGGER_ANGLE_DEG = 10.0
NOT_A_TURN = (RoadOption.LANEFOLLOW, RoadOption.CHANGELANELEFT, RoadOption.CHANGELANERIGHT)
# scenario type -> subtype per junction command (a command missing from the table: not played)
TURN_SUBTYPES: dict[str, dict[RoadOption, str]] = {
    "Scenario4": {RoadOption.LEFT: "S4left", RoadOption.RIGHT: "S4right"},
    "Scenario7": {RoadOption.LEFT: "S7left", RoadOption.RIGHT: "S7right", RoadOption.STRAIGHT: "S7opposite"},
    "Scenario8": {RoadOption.LEFT: "S8left"},
    "Scenario9": {RoadOption.RIGHT: "S9right"},
}


@dataclass(frozen=True)
class MatchedScenario:
    trigger: ScenarioTrigger
    route_index: int  # the first dense-route point matching the trigger
    subtype: str  # "valid", or the turn variant (S4left, ...)

    @property
    def scenario_type(self) -> str:
        return self.trigger.scenario_type


def _yaw_close(a: np.ndarray | float, b: float) -> np.ndarray | bool:
    difference = (np.asarray(a) - b) % 360.0
    return (difference < TRIGGER_ANGLE_DEG) | (difference > 360.0 - TRIGGER_ANGLE_DEG)


def match_position(route: DenseRoute, trigger: ScenarioTrigger) -> int | None:
    distance = np.linalg.norm(route.xyz - np.array([trigger.x, trigger.y, trigger.z]), axis=1)
    hits = np.where((distance < TRIGGER_DISTANCE_M) & _yaw_close(trigger.yaw - route.yaw, 0.0))[0]
    return int(hits[0]) if len(hits) else None


def subtype_at(scenario_type: str, route: DenseRoute, index: int) -> str | None:
    """'valid', the turn variant, or None where the route does not do what the type needs."""
    table = TURN_SUBTYPES.get(scenario_type)
    if table is None:
        return "valid"
    for command in route.command[index:]:
        option = RoadOption(int(command))
        if option not in NOT_A_TURN:
            return table.get(option)
    return None


def _positions(trigger: ScenarioTrigger) -> np.ndarray:
    return np.array([[trigger.x, trigger.y, trigger.z]] + [[p.x, p.y, p.z] for p in trigger.other_actors])


def _overlaps(a: ScenarioTrigger, b: ScenarioTrigger) -> bool:
    """The Leaderboard's position test between two scenarios (its yaw term is always zero)."""
    gaps = np.linalg.norm(_positions(a)[:, None, :] - _positions(b)[None, :, :], axis=2)
    return bool((gaps < TRIGGER_DISTANCE_M).any())


def match_route_scenarios(route: DenseRoute, triggers: list[ScenarioTrigger]) -> list[MatchedScenario]:
    """The scenarios this route plays, in the order of their trigger positions."""
    positions: list[ScenarioTrigger] = []  # one representative trigger per position
    groups: list[list[MatchedScenario]] = []
    for trigger in triggers:
        index = match_position(route, trigger)
        if index is None:
            continue
        subtype = subtype_at(trigger.scenario_type, route, index)
        if subtype is None:
            continue
        found = next((k for k, known in enumerate(positions)
                      if np.hypot(known.x - trigger.x, known.y - trigger.y) < TRIGGER_DISTANCE_M
                      and bool(_yaw_close(known.yaw, trigger.yaw))), None)
        if found is None:
            positions.append(trigger)
            groups.append([])
            found = len(groups) - 1
        groups[found].append(MatchedScenario(trigger, index, subtype))
    rng = np.random.RandomState(0)
    chosen: list[MatchedScenario] = []
    for group in groups:
        candidates = list(group)
        best = max(range(len(candidates)), key=lambda k: (candidates[k].trigger.number, k))
        choice: MatchedScenario | None = candidates.pop(best)
        while any(_overlaps(choice.trigger, other.trigger) for other in chosen):
            if not candidates:
                choice = None
                break
            choice = candidates.pop(int(rng.choice(len(candidates))))
        if choice is not None:
            chosen.append(choice)
    return chosen
