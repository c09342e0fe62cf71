"""The Leaderboard 1.0 route scenarios in the embedded simulator (real carla.Map, real SUMO), driven
by a blind scripted driver that holds a speed along the route, and the line-of-sight visibility."""

import math

import numpy as np
import pytest

from envs.driving.contracts import ActorArrays, ScenarioTrigger
from envs.driving.control import SpeedController, control_towards
from envs.driving.routing import RoadOption
from envs.driving.sim.ego import VehicleParams
from envs.driving.sim.occlusion import visible_from
from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig
from scenarios.generate import generate_routes

NO_IMAGES = SimConfig(bev=False, camera=False)


# line of sight

def boxes(*entries) -> ActorArrays:
    """entries: (id, kind, x, y, yaw, half length, half width)."""
    kind = np.array([e[1] for e in entries], np.int8)
    return ActorArrays(tuple(e[0] for e in entries), kind, np.array([[e[2], e[3]] for e in entries], float),
                       np.array([e[4] for e in entries], float), np.zeros(len(entries)),
                       np.array([[e[5], e[6]] for e in entries], float))


def test_a_vending_machine_hides_the_walker_behind_it():
    eye = np.array([0.0, 0.0])
    world = boxes(("prop", ActorArrays.KIND_PROP, 11.0, 3.0, 0.0, 0.5, 0.6),
                  ("walker", ActorArrays.KIND_PEDESTRIAN, 12.0, 3.3, 0.0, 0.25, 0.25),
                  ("walker_aside", ActorArrays.KIND_PEDESTRIAN, 12.0, 5.5, 0.0, 0.25, 0.25))
    assert visible_from(eye, world).tolist() == [True, False, True]


def test_the_camera_sees_over_cars_but_not_past_taller_props():
    eye = np.array([0.0, 0.0])
    world = boxes(("car", ActorArrays.KIND_VEHICLE, 10.0, 0.0, 0.0, 2.4, 1.0),
                  ("walker", ActorArrays.KIND_PEDESTRIAN, 14.0, 0.0, 0.0, 0.25, 0.25),  # a 1.8 m head over a car
                  ("prop", ActorArrays.KIND_PROP, 15.0, 20.0, 53.13, 0.5, 0.6),
                  ("cyclist_behind_prop", ActorArrays.KIND_CYCLIST, 16.2, 21.6, 53.13, 0.8, 0.35),
                  ("cyclist_far_behind", ActorArrays.KIND_CYCLIST, 45.0, 60.0, 53.13, 0.8, 0.35))
    # a 1.7 m cyclist right behind a 2 m prop is hidden; far behind it, the ray from 2.3 m clears the prop
    assert visible_from(eye, world).tolist() == [True, True, True, False, True]


def test_nothing_is_seen_beyond_the_sensor_range():
    world = boxes(("far", ActorArrays.KIND_VEHICLE, 150.0, 0.0, 0.0, 2.4, 1.0))
    assert visible_from(np.array([0.0, 0.0]), world).tolist() == [False]


# scenarios in the simulator

@pytest.fixture(scope="module")
def route(procedural_map, procedural_graph):
    definition = generate_routes(procedural_graph, procedural_map.name, 1, seed=3)[0]
    return definition, procedural_graph.plan_scenario(definition.scenario())


def straight_stretch(procedural_graph, dense, length: int = 60) -> int:
    """A route index with `length` metres of lane ahead, no junction on them, on the curb lane."""
    import carla

    for index in range(20, len(dense) - length):
        segments = {int(k) for k in dense.segment[index:index + length]}
        if any(procedural_graph.segments[k].is_junction for k in segments) or len(segments) > 1:
            continue
        right = procedural_graph.segments[int(dense.segment[index])].start.get_right_lane()
        if right is None or right.lane_type != carla.LaneType.Driving:
            return index
    raise AssertionError("no straight curb stretch on the route")


def before_a_turn(dense, before_m: int = 22) -> int:
    for index in range(before_m + 5, len(dense)):
        if dense.command[index] in (RoadOption.LEFT, RoadOption.RIGHT) and \
                dense.command[index - 1] == RoadOption.LANEFOLLOW:
            return index - before_m
    raise AssertionError("the route never turns")


def trigger_at(kind: str, dense, index: int) -> ScenarioTrigger:
    x, y, z = dense.xyz[index]
    return ScenarioTrigger(scenario_type=kind, x=float(x), y=float(y), z=float(z), yaw=float(dense.yaw[index]))


def drive_blind(road_map, definition, trigger, speed: float, ticks: int):
    """Hold `speed` along the route whatever is in the way; every tick's scenario actors and events."""
    params = VehicleParams()
    controller = SpeedController()
    ticks_seen = []
    with EmbeddedDrivingSim(road_map, NO_IMAGES) as sim:
        observation = sim.reset(definition.scenario(seed=1, vehicles=0, pedestrians=0, scenario_triggers=[trigger]))
        for _ in range(ticks):
            ego, index = observation.ego, observation.route_index
            control = control_towards(np.array([ego.x, ego.y]), ego.yaw, ego.speed, sim.route.xyz[index:index + 50, :2],
                                      speed, controller, params.wheelbase, params.max_steer_rad, sim.dt)
            result = sim.step(control)
            observation = result.observation
            actors = observation.truth.actors
            mine = {name: i for i, name in enumerate(actors.ids) if name.startswith("scenario")}
            ticks_seen.append({"time": observation.time_s, "route_index": observation.route_index,
                               "ego": np.array([observation.ego.x, observation.ego.y]),
                               "actors": {name: (actors.xy[i].copy(), float(actors.speed[i]), bool(actors.visible[i]),
                                                 int(actors.kind[i])) for name, i in mine.items()},
                               "events": result.events})
            if result.terminated:
                break
        return ticks_seen, sim.route_scenarios.scenarios[0], sim.episode_result()


def test_control_loss_lays_debris_that_is_driven_over(procedural_map, procedural_graph, route):
    definition, dense = route
    start = straight_stretch(procedural_graph, dense, 75)
    ticks, scenario, result = drive_blind(procedural_map, definition, trigger_at("Scenario1", dense, start), 7.0, 500)
    appeared = next(k for k, tick in enumerate(ticks) if tick["actors"])
    trigger_xy = dense.xyz[start, :2]
    # laid once the ego's place on the route is within 1.5 m of the trigger, never before
    assert all(not tick["actors"] for tick in ticks[:appeared])
    assert np.linalg.norm(dense.xyz[ticks[appeared]["route_index"], :2] - trigger_xy) < 2.5
    debris = ticks[appeared]["actors"]
    assert sorted(debris) == [f"scenario1_0:debris{k}" for k in range(3)]
    along = [float(np.linalg.norm(debris[f"scenario1_0:debris{k}"][0] - trigger_xy)) for k in range(3)]
    assert along == pytest.approx([12.0, 46.0, 72.0], abs=0.3)
    assert all(kind == ActorArrays.KIND_DEBRIS for _, _, _, kind in debris.values())
    assert result.infractions == []  # flat: the ego drives over all three
    assert scenario.record()["triggered"] and scenario.outcome() == "passed"


def test_dynamic_object_crossing_hides_a_walker_who_runs_out(procedural_map, procedural_graph, route):
    definition, dense = route
    start = straight_stretch(procedural_graph, dense)
    ticks, scenario, _ = drive_blind(procedural_map, definition, trigger_at("Scenario3", dense, start), 8.0, 400)
    appeared = next(k for k, tick in enumerate(ticks) if tick["actors"])
    first = ticks[appeared]["actors"]
    walker, prop = first["scenario3_0:walker"], first["scenario3_0:vending_machine"]
    assert walker[3] == ActorArrays.KIND_PEDESTRIAN and prop[3] == ActorArrays.KIND_PROP
    assert not walker[2] and prop[2]  # behind the machine: the cameras see the machine, not the walker
    # the curb lane with a sidewalk to its right: two lane changes counted, 3.8 m/s, triggered at 14 m
    assert scenario.lane_changes == 2 and scenario.speed == pytest.approx(3.8) and scenario.trigger_m == 14.0
    moving = next(k for k in range(appeared, len(ticks)) if ticks[k]["actors"]["scenario3_0:walker"][1] > 0)
    ego_route_m = float(dense.cumulative_m[ticks[moving - 1]["route_index"]])
    assert scenario.walker_route_m - 14.0 < ego_route_m
    assert ticks[moving]["actors"]["scenario3_0:walker"][1] == pytest.approx(3.8)
    gone = next(k for k in range(moving, len(ticks)) if not ticks[k]["actors"])
    crossed = float(np.linalg.norm(ticks[gone - 1]["actors"]["scenario3_0:walker"][0] - walker[0]))
    assert crossed <= 1.5 * scenario.cross_m + 0.2  # half the width, then the rest unless the ego has driven 5 m


def test_a_blind_fast_driver_hits_the_crossing_walker(procedural_map, procedural_graph, route):
    definition, dense = route
    start = straight_stretch(procedural_graph, dense)
    ticks, scenario, result = drive_blind(procedural_map, definition, trigger_at("Scenario3", dense, start), 12.0, 300)
    hits = [e for tick in ticks for e in tick["events"] if e.kind == "collisions_pedestrian"]
    assert [e.actor_id for e in hits] == ["scenario3_0:walker"]
    assert scenario.outcome() == "collision"
    assert result.details["scenarios"][0]["outcome"] == "collision"
    assert result.metrics["infraction_penalty"] == pytest.approx(0.5)


def test_vehicle_turning_route_sends_a_cyclist_across_the_exit(procedural_map, procedural_graph, route):
    definition, dense = route
    start = before_a_turn(dense)
    ticks, scenario, _ = drive_blind(procedural_map, definition, trigger_at("Scenario4", dense, start), 7.0, 1100)
    assert scenario.matched.subtype in ("S4left", "S4right")
    name = "scenario4_0:cyclist"
    present = [k for k, tick in enumerate(ticks) if name in tick["actors"]]
    assert present and ticks[present[0]]["actors"][name][3] == ActorArrays.KIND_CYCLIST
    moving = [k for k in present if ticks[k]["actors"][name][1] > 0]
    # 10 m/s across the width (lane width x (1 + 1.1 n)), then 5 s standing, then gone
    assert len(moving) == math.ceil(scenario.cross_m / 0.5 - 1e-9)
    standing = [k for k in present if k > moving[-1]]
    assert len(standing) * 0.05 == pytest.approx(5.0, abs=0.06)
    assert not ticks[standing[-1] + 1]["actors"]
    start_xy = ticks[moving[0] - 1]["actors"][name][0]
    end_xy = ticks[standing[0]]["actors"][name][0]
    assert float(np.linalg.norm(end_xy - start_xy)) == pytest.approx(scenario.cross_m, abs=0.5)
    assert scenario.trigger_m == pytest.approx(13.0 + scenario.cross_m)


def test_scenarios_off_means_no_scenario_actors(procedural_map, route):
    definition, _ = route
    with EmbeddedDrivingSim(procedural_map, NO_IMAGES) as sim:
        sim.reset(definition.scenario(seed=1, vehicles=0, pedestrians=0))
        assert sim.route_scenarios.scenarios == []
        assert sim.episode_result().details["scenarios"] == []
