import numpy as np
import pytest

from envs.errors import UserInputError
from scenarios.generate import generate_routes
from scenarios.routes import read_routes, select_route, write_routes


def test_round_trip_keeps_every_waypoint(tmp_path, town05_long_routes):
    routes = read_routes(town05_long_routes)
    path = tmp_path / "copy.xml"
    write_routes(path, routes)
    assert read_routes(path) == routes
    assert routes[0].town == "Town05"
    first = routes[0].waypoints[0]
    assert (first.x, first.y, first.yaw) == pytest.approx((-107.1549301147461, -135.17100524902344, 0.4425617456436157))


@pytest.mark.parametrize("content, message", [
    (None, "route file not found"),
    ("<routes><route", "not valid XML"),
    ("<OpenDRIVE/>", r"expected <routes>"),
    ("<routes/>", "no <route> elements"),
    ('<routes><route id="1" town="T"><waypoint x="1" y="2" z="0"/></route></routes>', "at least 2 are needed"),
    ('<routes><route id="1" town="T"><waypoint x="a" y="2" z="0"/><waypoint x="1" y="2" z="0"/></route></routes>',
     "route 1 waypoint 0 has a coordinate that is not a finite number"),
    ('<routes><route town="T"/></routes>', "route number 0 has no id"),
    ('<routes><route id="1" town="T"><waypoint x="nan" y="2" z="0"/><waypoint x="1" y="2" z="0"/></route></routes>',
     "route 1 waypoint 0 has a coordinate that is not a finite number"),
    ('<routes><route id="1" town="T"><waypoint x="1" y="inf" z="0"/><waypoint x="1" y="2" z="0"/></route></routes>',
     "route 1 waypoint 0 has a coordinate that is not a finite number"),
    ('<routes>' + '<route id="7" town="T"><waypoint x="1" y="2"/><waypoint x="3" y="2"/></route>' * 2 + '</routes>',
     "route id '7' is used twice"),
])
def test_bad_route_files_are_named(tmp_path, content, message):
    path = tmp_path / "routes.xml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UserInputError, match=message) as raised:
        read_routes(path)
    assert str(path) in str(raised.value)


def test_unknown_route_id_lists_the_available_ones(town05_long_routes):
    routes = read_routes(town05_long_routes)
    assert select_route(routes, "18", "f").id == "18"
    assert select_route(routes, None, "f").id == "16"
    with pytest.raises(UserInputError, match="no route '99'; available: 16, 17, 18, 19, 20, 21, 22, 23, 24, 25"):
        select_route(routes, "99", "f")


@pytest.mark.parametrize("graph_name", ["procedural_graph", "town05_graph"])
def test_generated_routes_are_seeded_long_and_drivable(request, graph_name):
    graph = request.getfixturevalue(graph_name)
    routes = generate_routes(graph, "Town05", 4, seed=7)
    assert routes == generate_routes(graph, "Town05", 4, seed=7)
    assert routes != generate_routes(graph, "Town05", 4, seed=8)
    for route in routes:
        points = np.array([[p.x, p.y, p.z] for p in route.waypoints])
        dense = graph.plan(points, route.id)
        assert 950.0 <= dense.length_m <= 2100.0, (route.id, dense.length_m)
        assert np.linalg.norm(np.diff(dense.xyz[:, :2], axis=0), axis=1).max() < 8.0


def test_a_route_away_from_roads_cannot_be_matched(procedural_graph):
    points = np.array([[50.0, -50.0, 0.0], [150.0, -50.0, 0.0]])  # inside a city block, 40 m from roads
    with pytest.raises(UserInputError, match=r"route r1: point 0 \(50.0, -50.0\) is more than 10 m from any "
                                             "driving lane"):
        procedural_graph.plan(points, "r1")


def test_generate_command_writes_a_route_file(tmp_path, capsys):
    from scenarios.generate import main

    out = tmp_path / "generated.xml"
    assert main(["--town", "Town05", "--count", "3", "--seed", "4", "--out", str(out)]) == 0
    routes = read_routes(out)
    assert [r.id for r in routes] == ["procedural_0", "procedural_1", "procedural_2"]
    assert all(r.town == "Town05" for r in routes)
    assert main(["--count", "0", "--out", str(out)]) == 2
    assert "error: --count must be at least 1" in capsys.readouterr().err


LEADERBOARD_2_ROUTE = """<?xml version="1.0" encoding="UTF-8"?>
<routes>
  <route id="7" town="Town05">
    <weathers><weather route_percentage="0" cloudiness="5.0"/></weathers>
    <waypoints>
      <position x="-107.15" y="-135.17" z="0.0"/>
      <position x="-55.82" y="-107.07" z="0.0"/>
    </waypoints>
    <scenarios>
      <scenario name="Accident_1" type="Accident">
        <trigger_point x="-80.0" y="-135.2" z="0.0" yaw="0.4"/>
        <distance value="120"/>
      </scenario>
    </scenarios>
  </route>
</routes>
"""


def test_leaderboard_2_route_files_are_read_with_their_scenarios(tmp_path):
    path = tmp_path / "lb2.xml"
    path.write_text(LEADERBOARD_2_ROUTE)
    (route,) = read_routes(path)
    assert (route.id, route.town) == ("7", "Town05")
    assert [(p.x, p.y) for p in route.waypoints] == [(-107.15, -135.17), (-55.82, -107.07)]
    assert [(s.scenario_type, s.x, s.yaw, s.number) for s in route.scenarios] == [("Accident", -80.0, 0.4, 0)]
    assert route.scenario(seed=1).scenario_triggers == route.scenarios


def test_a_leaderboard_2_scenario_without_a_trigger_point_is_refused(tmp_path):
    path = tmp_path / "lb2.xml"
    path.write_text(LEADERBOARD_2_ROUTE.replace('<trigger_point x="-80.0" y="-135.2" z="0.0" yaw="0.4"/>', ""))
    with pytest.raises(UserInputError, match="route 7 scenario 0 has no <trigger_point>"):
        read_routes(path)


def test_two_points_3_m_apart_on_one_lane_are_3_m_of_route(procedural_graph):
    segment = next(s for s in procedural_graph.segments if not s.is_junction and s.length > 40)
    a, b = segment.points()[10], segment.points()[13]
    dense = procedural_graph.plan(np.array([a[:3], b[:3]]), "short")
    assert dense.length_m == pytest.approx(3.0, abs=0.3)


def test_two_points_at_a_junction_entry_follow_the_lane_they_are_on(town05_graph):
    """Junction lanes fan out from one entry point: the first point lies on all of them, and the
    route takes the one the second point is on (not a loop round the block back to it)."""
    checked = 0
    for segment in town05_graph.segments:
        if not segment.is_junction or segment.length < 8:
            continue
        a, b = segment.points()[0], segment.points()[3]
        dense = town05_graph.plan(np.array([a[:3], b[:3]]), "entry")
        assert 1.5 < dense.length_m < 6.0, segment.index  # never round the block
        checked += 1
    assert checked > 100
