"""Leaderboard 1.0 scenario files: reading, bad input, and matching triggers to routes by the
Leaderboard's rule (route_parser.scan_route_for_scenarios + route_scenario._scenario_sampling)."""

import collections
import json
import subprocess
import sys

import numpy as np
import pytest

from envs.driving.contracts import Pose, ScenarioTrigger
from envs.driving.routing import DenseRoute, RoadOption
from envs.driving.scenario_matching import match_route_scenarios
from envs.errors import UserInputError
from scenarios.routes import read_routes
from scenarios.scenario_files import read_scenario_file, write_scenario_file


def test_the_town05_file_reads_with_its_string_numbers(town05_scenario_file):
    triggers = read_scenario_file(town05_scenario_file, "Town05")
    counts = collections.Counter(t.scenario_type for t in triggers)
    assert counts == {"Scenario1": 366, "Scenario3": 80, "Scenario4": 260}
    # the third Scenario1 event is written with strings, as in the official file
    assert triggers[2].x == pytest.approx(-5.598391056060791) and triggers[2].yaw == pytest.approx(-0.0287125)
    assert all(t.other_actors for t in triggers if t.scenario_type == "Scenario4")


def test_town05_long_matches_the_leaderboard_rule(town05_graph, town05_long_routes, town05_scenario_file):
    """By the Leaderboard 1.0 code the 10 routes play 123 scenarios: 62 Scenario1, 7 Scenario3, 54
    Scenario4 (9.5 per km). Two parts of the rule decide the split: a turn through several junction
    lanes is one LEFT/RIGHT for CARLA's route planner, and a scenario whose positions (trigger and
    other actors) come within 2 m of one already chosen is redrawn from its position's others."""
    triggers = read_scenario_file(town05_scenario_file, "Town05")
    total, km = collections.Counter(), 0.0
    per_route = {}
    for route in read_routes(town05_long_routes):
        dense = town05_graph.plan(np.array([[p.x, p.y, p.z] for p in route.waypoints]), route.id)
        matched = match_route_scenarios(dense, triggers)
        per_route[route.id] = len(matched)
        total += collections.Counter(m.scenario_type for m in matched)
        km += dense.length_m / 1000.0
        for m in matched:
            if m.scenario_type == "Scenario4":
                assert m.subtype in ("S4left", "S4right")
    assert total == {"Scenario1": 62, "Scenario3": 7, "Scenario4": 54}
    assert per_route == {"16": 12, "17": 7, "18": 13, "19": 9, "20": 11, "21": 7, "22": 8, "23": 16, "24": 23,
                         "25": 17}
    assert 9.4 < sum(total.values()) / km < 9.5


def straight(length: int = 100, command_at: dict | None = None) -> DenseRoute:
    x = np.arange(length, dtype=float)
    command = np.zeros(length, int)
    for index, option in (command_at or {}).items():
        command[index] = int(option)
    return DenseRoute(np.stack([x, np.zeros(length), np.zeros(length)], axis=1), np.zeros(length), command,
                      np.zeros(length, int), x.copy())


def trigger(kind: str, x: float, y: float = 0.0, z: float = 0.0, yaw: float = 0.0, others=()) -> ScenarioTrigger:
    return ScenarioTrigger(scenario_type=kind, x=x, y=y, z=z, yaw=yaw,
                           other_actors=[Pose(x=a, y=b, z=0.0) for a, b in others])


def test_a_trigger_matches_within_2_m_in_3d_and_10_degrees():
    route = straight()
    cases = [trigger("Scenario1", 10.0, y=1.9), trigger("Scenario1", 20.0, y=1.5, z=1.5),  # 2.12 m in 3-D
             trigger("Scenario1", 30.0, yaw=9.0), trigger("Scenario1", 40.0, yaw=-9.0 + 720.0),
             trigger("Scenario1", 50.0, yaw=11.0)]
    assert [m.trigger.x for m in match_route_scenarios(route, cases)] == [10.0, 30.0, 40.0]


def test_scenario4_needs_a_turn_at_the_next_junction():
    left = straight(command_at={60: RoadOption.LEFT, 61: RoadOption.LEFT})
    through = straight(command_at={60: RoadOption.STRAIGHT})
    lane_change_then_right = straight(command_at={55: RoadOption.CHANGELANELEFT, 60: RoadOption.RIGHT})
    case = [trigger("Scenario4", 40.0)]
    assert [m.subtype for m in match_route_scenarios(left, case)] == ["S4left"]
    assert match_route_scenarios(through, case) == []
    assert [m.subtype for m in match_route_scenarios(lane_change_then_right, case)] == ["S4right"]
    assert match_route_scenarios(straight(), case) == []  # no junction ahead at all


def test_one_scenario_per_position_the_highest_number_wins():
    route = straight(command_at={80: RoadOption.RIGHT})
    at_20 = [trigger("Scenario1", 20.0), trigger("Scenario4", 20.5, yaw=5.0), trigger("Scenario3", 21.0)]
    matched = match_route_scenarios(route, at_20 + [trigger("Scenario1", 40.0)])
    assert [(m.scenario_type, m.trigger.x) for m in matched] == [("Scenario4", 20.5), ("Scenario1", 40.0)]


def test_a_scenario_colliding_with_a_chosen_one_is_redrawn_from_its_position():
    route = straight(command_at={80: RoadOption.RIGHT})
    first = trigger("Scenario4", 20.0, others=[(50.0, 0.5)])  # its other actor stands at the second position
    second = [trigger("Scenario4", 50.0), trigger("Scenario1", 50.2)]
    matched = match_route_scenarios(route, [first, *second])
    assert [(m.scenario_type, m.trigger.x) for m in matched] == [("Scenario4", 20.0)]
    third = [trigger("Scenario4", 60.0, others=[(20.0, 1.0)]), trigger("Scenario1", 60.0, y=1.0)]
    matched = match_route_scenarios(route, [first, *third])
    # the Scenario4 at 60 m would stand on the first's trigger: the position plays its Scenario1 instead
    assert [(m.scenario_type, m.trigger.x) for m in matched] == [("Scenario4", 20.0), ("Scenario1", 60.0)]


def test_a_file_round_trips(tmp_path):
    triggers = [trigger("Scenario1", 1.0), trigger("Scenario4", 2.0, others=[(3.0, 4.0)])]
    write_scenario_file(tmp_path / "s.json", "TownX", triggers)
    assert read_scenario_file(tmp_path / "s.json", "TownX") == triggers


@pytest.mark.parametrize("content, message", [
    ("not json", "not valid JSON"),
    ("[]", "not a Leaderboard scenario file"),
    ('{"available_scenarios": [{"Town01": []}]}', "no scenarios for Town05 (the file has: Town01)"),
    ('{"available_scenarios": [{"Town05": [{"available_event_configurations": []}]}]}', "has no 'scenario_type'"),
    ('{"available_scenarios": [{"Town05": [{"scenario_type": "Scenario1", "available_event_configurations": '
     '[{"transform": {"x": "a", "y": 1}}]}]}]}', "not a finite number"),
    ('{"available_scenarios": [{"Town05": [{"scenario_type": "Scenario1", "available_event_configurations": '
     '[{"transform": {"y": 1}}]}]}]}', "has no 'x'"),
    ('{"available_scenarios": [{"Town05": [{"scenario_type": "Bogus", "available_event_configurations": '
     '[{"transform": {"x": 1, "y": 1}}]}]}]}', "is not ScenarioN"),
])
def test_a_malformed_file_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "scenarios.json"
    path.write_text(content)
    with pytest.raises(UserInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_scenario_file(path, "Town05")


def test_the_cli_refuses_a_scenario_file_for_another_town(tmp_path):
    path = tmp_path / "scenarios.json"
    path.write_text(json.dumps({"available_scenarios": [{"Town01": []}]}))
    run = subprocess.run([sys.executable, "-m", "agents.drive", "--scenarios", str(path), "--max-time", "1"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert f"{path}: no scenarios for Town05 (the file has: Town01)" in run.stderr
    assert "Traceback" not in run.stderr
