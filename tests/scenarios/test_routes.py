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
     "route 1 waypoint 0 has a non-numeric coordinate"),
    ('<routes><route town="T"/></routes>', "route number 0 has no id"),
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
