"""Scenario triggers for a map that has no Leaderboard scenario file (the procedural towns), of the
same types and density as the public Town05 file: Scenario1 along every lane, Scenario3 along curb
lanes, Scenario4 before every junction entry.

The density that matters is what a route meets. Town05 Long matches 62 Scenario1, 7 Scenario3 and
54 Scenario4 over 13.0 km (4.8, 0.54 and 4.2 per km); Town05's file lists its triggers unevenly
(366 Scenario1 and 80 Scenario3 over 18.1 km of lanes, 260 Scenario4 at 150 junction entries), so
the spacings below are set to give routes on the procedural towns about the same per-km counts
(measured on procedural:10, seed 0: see tests/scenarios/test_procedural_scenarios.py).
"""

from __future__ import annotations

import random

from envs.driving.contracts import Pose, ScenarioTrigger
from envs.driving.routing import RoadGraph

CONTROL_LOSS_SPACING_M = 120.0  # along every lane
CROSSING_SPACING_M = 226.0  # along curb lanes (Town05's file: 80 over 18.1 km)
TURN_TRIGGER_BEFORE_M = 22.0  # Town05's Scenario4 triggers sit 18-31 m before the junction
MIN_CLEARANCE_M = 8.0  # no trigger this close to a lane's ends


def _curb_lane(segment) -> bool:
    import carla

    right = segment.start.get_right_lane()
    return right is None or right.lane_type != carla.LaneType.Driving


def _trigger(kind: str, point, others: list[Pose] | None = None) -> ScenarioTrigger:
    x, y, z, yaw = (float(v) for v in point)
    return ScenarioTrigger(scenario_type=kind, x=x, y=y, z=z, yaw=yaw, other_actors=others or [])


def generate_scenario_triggers(graph: RoadGraph, seed: int = 0) -> list[ScenarioTrigger]:
    """Triggers for every lane of the map (seeded offsets), in the Leaderboard's order by type."""
    rng = random.Random(seed)
    by_type: dict[str, list[ScenarioTrigger]] = {"Scenario1": [], "Scenario3": [], "Scenario4": []}
    for segment in graph.segments:
        if segment.is_junction or segment.length < 2 * MIN_CLEARANCE_M:
            continue
        points = segment.points()
        usable = range(int(MIN_CLEARANCE_M), len(points) - int(MIN_CLEARANCE_M))
        for kind, spacing, wanted in (("Scenario1", CONTROL_LOSS_SPACING_M, True),
                                      ("Scenario3", CROSSING_SPACING_M, _curb_lane(segment))):
            if not wanted:
                continue
            offset = rng.uniform(0.0, spacing)
            while offset < len(usable):
                by_type[kind].append(_trigger(kind, points[usable[int(offset)]]))
                offset += spacing
        if any(graph.segments[k].is_junction for k in segment.successors):
            index = max(len(points) - 1 - int(TURN_TRIGGER_BEFORE_M), 0)
            by_type["Scenario4"].append(_trigger("Scenario4", points[index]))
    return [trigger for kind in sorted(by_type) for trigger in by_type[kind]]
