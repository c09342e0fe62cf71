"""Traffic that treats the ego as a foe: which drivers and walkers give way to it (pure geometry),
and, against real SUMO, a standing ego that nobody runs or walks into."""

import numpy as np
import pytest

from envs.driving.contracts import ActorArrays, VehicleControl
from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig
from envs.driving.sim.yielding import along_polyline, yield_speeds
from scenarios.generate import generate_routes

EGO = (2.45, 1.05)


def world(*entries) -> ActorArrays:
    """entries: (id, kind, x, y, yaw, speed); cars 4.8 x 1.8 m, walkers 0.5 x 0.5 m."""
    kind = np.array([e[1] for e in entries], np.int8)
    extent = np.where(kind[:, None] == ActorArrays.KIND_PEDESTRIAN, 0.25, [[2.4, 0.9]])
    return ActorArrays(tuple(e[0] for e in entries), kind, np.array([[e[2], e[3]] for e in entries], float),
                       np.array([e[4] for e in entries], float), np.array([e[5] for e in entries], float), extent)


def test_a_car_closing_on_the_standing_ego_from_behind_brakes_to_stop_short():
    caps = yield_speeds(world(("vehicle:a", ActorArrays.KIND_VEHICLE, -12.0, 0.0, 0.0, 8.0)),
                        np.zeros(2), 0.0, 0.0, EGO)
    # its box (with 0.2 m margins) meets the ego's between 0.75 s and 1 s on: it has 6 m less 0.4 m to
    # stop in, at 4 m/s^2
    assert caps == {0: pytest.approx(np.sqrt(2 * 4.0 * (6.0 - 0.4)))}


def test_a_car_turning_across_the_ego_along_its_lane_gives_way():
    # from the ego's right, turning left through the junction into the ego's lane just ahead of it
    arc = np.array([[2.0 + 8.0 * np.sin(a), 8.0 - 8.0 * np.cos(a) - 6.0] for a in np.linspace(0.0, np.pi / 2, 20)])
    turning = world(("vehicle:t", ActorArrays.KIND_VEHICLE, -0.4, -6.0, 0.0, 6.0))
    assert 0 in yield_speeds(turning, np.zeros(2), 0.0, 3.0, EGO, {0: (arc, 0.0)})
    straight_on = yield_speeds(turning, np.zeros(2), 0.0, 3.0, EGO)  # holding its heading, it passes ahead
    assert straight_on == {}


@pytest.mark.parametrize("name, entry", [
    ("oncoming, passing 2.5 m beside", ("vehicle:o", ActorArrays.KIND_VEHICLE, 20.0, 2.6, 180.0, 8.0)),
    ("ahead, driving away", ("vehicle:f", ActorArrays.KIND_VEHICLE, 8.0, 0.0, 0.0, 8.0)),
    ("ahead and slower: the ego's to avoid", ("vehicle:s", ActorArrays.KIND_VEHICLE, 8.0, 0.0, 0.0, 1.0)),
    ("a walker walking away", ("pedestrian:w", ActorArrays.KIND_PEDESTRIAN, 0.0, 3.0, 90.0, 1.3)),
])
def test_who_does_not_give_way(name, entry):
    assert yield_speeds(world(entry), np.zeros(2), 0.0, 6.0, EGO) == {}, name


def test_a_walker_about_to_step_into_the_standing_ego_is_held():
    walker = world(("pedestrian:w", ActorArrays.KIND_PEDESTRIAN, 1.0, -2.0, 90.0, 1.3))
    assert yield_speeds(walker, np.zeros(2), 0.0, 0.0, EGO) == {0: 0.0}


def test_a_point_along_a_polyline_and_past_its_end():
    points, yaws = along_polyline(np.array([[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]]), np.array([5.0, 15.0, 25.0]))
    assert points.tolist() == [[5.0, 0.0], [10.0, 5.0], [10.0, 15.0]]
    assert yaws.tolist() == [0.0, 90.0, 90.0]


@pytest.mark.slow
def test_nobody_runs_or_walks_into_a_standing_ego(procedural_map, procedural_graph):
    """The ego stands 60 s in its lane amid dense traffic and crowds: any collision would be the
    others' doing, and there is none."""
    route = generate_routes(procedural_graph, procedural_map.name, 1, seed=8)[0]
    with EmbeddedDrivingSim(procedural_map, SimConfig(bev=False, camera=False)) as sim:
        sim.reset(route.scenario(seed=2, vehicles=150, pedestrians=120))
        events = []
        for _ in range(1200):
            events += sim.step(VehicleControl(brake=1.0)).events
        assert [e for e in events if e.kind.startswith("collisions")] == []
