"""Scenario files for the procedural towns: the Leaderboard format, Town05's types, and about
Town05 Long's density along routes."""

import collections
import json

import numpy as np

from envs.driving.routing import RoadGraph
from envs.driving.scenario_matching import match_route_scenarios
from scenarios.generate import generate_routes
from scenarios.procedural_scenarios import generate_scenario_triggers
from scenarios.scenario_files import read_scenario_file, town_scenario_file


def test_the_procedural_town_gets_a_scenario_file_in_the_leaderboard_format(procedural_map):
    path, source = town_scenario_file(procedural_map)
    assert source == "generated for the procedural town"
    data = json.loads(path.read_text())
    assert list(data["available_scenarios"][0]) == [procedural_map.name]
    triggers = read_scenario_file(path, procedural_map.name)
    assert triggers == generate_scenario_triggers(RoadGraph(procedural_map.carla_map))
    assert {t.scenario_type for t in triggers} == {"Scenario1", "Scenario3", "Scenario4"}


def test_routes_meet_scenarios_about_as_often_as_on_town05_long(procedural_graph):
    triggers = generate_scenario_triggers(procedural_graph)
    assert generate_scenario_triggers(procedural_graph) == triggers  # seeded
    counts, km = collections.Counter(), 0.0
    for route in generate_routes(procedural_graph, "Town05", 10, seed=0):
        dense = procedural_graph.plan(np.array([[p.x, p.y, p.z] for p in route.waypoints]), route.id)
        counts += collections.Counter(m.scenario_type for m in match_route_scenarios(dense, triggers))
        km += dense.length_m / 1000.0
    per_km = {kind: count / km for kind, count in counts.items()}
    # Town05 Long: 4.8 Scenario1, 0.54 Scenario3, 4.2 Scenario4 per km
    assert 3.5 < per_km["Scenario1"] < 6.5
    assert 0.3 < per_km["Scenario3"] < 1.0
    assert 3.0 < per_km["Scenario4"] < 6.0
