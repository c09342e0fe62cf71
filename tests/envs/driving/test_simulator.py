"""The embedded simulator against real SUMO (libsumo) and real carla.Map geometry."""

import copy

import numpy as np
import pytest

from envs.driving.contracts import VehicleControl
from envs.driving.sim.autopilot import RouteAutopilot
from envs.driving.sim.sensors.bev import BEV_CHANNELS, bev_to_rgb
from envs.driving.sim.sensors.camera import SKY
from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig
from envs.driving.sim.traffic import EGO_ID, SumoTraffic, TrafficConfig
from envs.errors import SimulatorError
from scenarios.generate import generate_routes
from scenarios.routes import read_routes
from tests.conftest import REPO

NO_IMAGES = SimConfig(bev=False, camera=False)


@pytest.fixture(scope="module")
def procedural_route(procedural_graph):
    return generate_routes(procedural_graph, "Town05", 1, seed=3)[0]


def scripted_run(road_map, route, seed, ticks=120):
    """Accelerate, then brake; record the ego and everyone else."""
    with EmbeddedDrivingSim(road_map, NO_IMAGES) as sim:
        sim.reset(route.scenario(seed=seed, vehicles=40, pedestrians=20))
        for tick in range(ticks):
            result = sim.step(VehicleControl(throttle=0.6) if tick < 80 else VehicleControl(brake=0.5))
        observation = result.observation
        return observation.ego, observation.truth.actors


def test_same_seed_same_run(procedural_map, procedural_route):
    ego_a, actors_a = scripted_run(procedural_map, procedural_route, seed=5)
    ego_b, actors_b = scripted_run(procedural_map, procedural_route, seed=5)
    ego_c, actors_c = scripted_run(procedural_map, procedural_route, seed=6)
    assert ego_a == ego_b
    assert actors_a.ids == actors_b.ids and np.array_equal(actors_a.xy, actors_b.xy)
    assert actors_a.ids != actors_c.ids or not np.array_equal(actors_a.xy, actors_c.xy)


def test_the_ego_is_a_sumo_vehicle_that_traffic_reacts_to(procedural_map, procedural_route):
    with EmbeddedDrivingSim(procedural_map, NO_IMAGES) as sim:
        sim.reset(procedural_route.scenario(seed=11, vehicles=120, pedestrians=0))
        libsumo = sim.traffic.libsumo
        followed = False
        for tick in range(900):  # 45 s standing still in its lane
            result = sim.step(VehicleControl(brake=1.0))
            if tick % 10 == 0:
                for vehicle in libsumo.vehicle.getIDList():
                    leader = libsumo.vehicle.getLeader(vehicle, 30.0)
                    followed |= vehicle != EGO_ID and leader is not None and leader[0] == EGO_ID
        ego = result.observation.ego
        front = np.array([ego.x, ego.y]) + 0.5 * ego.length * np.array([np.cos(np.radians(ego.yaw)),
                                                                        np.sin(np.radians(ego.yaw))])
        in_sumo = procedural_map.from_sumo(np.array(libsumo.vehicle.getPosition(EGO_ID)))
        assert np.linalg.norm(in_sumo - front) < 0.05
        assert followed, "no SUMO vehicle ever had the ego as its leader"
        assert sim.criteria.infractions["collisions_vehicle"] == []  # queued behind it, not through it


def test_sensors_render_bev_and_camera(procedural_map, procedural_route):
    with EmbeddedDrivingSim(procedural_map, SimConfig()) as sim:
        observation = sim.reset(procedural_route.scenario(seed=2, vehicles=30, pedestrians=10))
        for _ in range(40):
            observation = sim.step(VehicleControl(throttle=0.4)).observation
        bev, front = observation.bev, observation.images["front"]
        assert bev.shape == (len(BEV_CHANNELS), 256, 256) and bev.dtype == np.uint8
        row, column = int(256 * 0.7), 128
        assert bev[BEV_CHANNELS.index("road"), row, column] == 255
        assert bev[BEV_CHANNELS.index("route"), row - 8:row, column - 3:column + 4].any()
        assert bev[BEV_CHANNELS.index("lane_lines")].any()
        assert front.shape == (225, 400, 3) and front.dtype == np.uint8
        assert tuple(front[0, 0]) == SKY
        bottom = front[-20:, 180:220].reshape(-1, 3).astype(int)
        assert np.abs(bottom - bottom.mean(axis=0)).max() < 60 and bottom.mean() < 120  # asphalt ahead
        assert bev_to_rgb(bev).shape == (256, 256, 3)
        actors = observation.truth.actors
        assert len(actors) > 0 and len(actors.lanes) == len(actors) and all(actors.lanes)
        states = actors.states()
        assert states[0].lane == actors.lanes[0] and states[0].length == pytest.approx(2 * actors.extent[0, 0])


def test_one_sumo_simulation_per_process(procedural_map, procedural_route):
    first = EmbeddedDrivingSim(procedural_map, NO_IMAGES)
    second = EmbeddedDrivingSim(procedural_map, NO_IMAGES)
    try:
        first.reset(procedural_route.scenario(seed=1, vehicles=5, pedestrians=0))
        with pytest.raises(SimulatorError, match="already open in this process"):
            second.reset(procedural_route.scenario(seed=1, vehicles=5, pedestrians=0))
    finally:
        first.close()
        second.close()
    with pytest.raises(SimulatorError, match="step\\(\\) before reset"):
        second.step(VehicleControl())


def test_a_broken_sumo_net_is_a_clear_error(procedural_map, tmp_path):
    broken = copy.copy(procedural_map)
    broken.sumo_net_path = tmp_path / "broken.net.xml"
    broken.sumo_net_path.write_text("<net><edge")
    traffic = SumoTraffic(broken, TrafficConfig(), 4.9, 2.1)
    with pytest.raises(SimulatorError, match="sumo failed on .*broken.net.xml"):
        traffic.start(np.zeros(2), 0.0)


def test_real_town05_route_with_lights_and_autopilot(town05_map, town05_long_routes):
    route = read_routes(town05_long_routes)[0]
    with EmbeddedDrivingSim(town05_map, NO_IMAGES) as sim:
        observation = sim.reset(route.scenario(seed=0, vehicles=30, pedestrians=10))
        assert len(sim.stop_lines.light_ids) == 13  # SUMO's guessed lights on Town05
        assert len(set(sim.stop_lines.pass_line.tolist())) >= 3  # the route passes signalised junctions
        autopilot = RouteAutopilot(sim.route)
        seen_lights = 0
        for _ in range(600):
            result = sim.step(autopilot(observation))
            observation = result.observation
            seen_lights = max(seen_lights, len(observation.truth.lights))
        assert observation.route_completion > 5.0
        assert seen_lights > 0
        result = sim.episode_result()
        assert result.details["map"] == "Town05" and result.timings.ticks == 600
        assert set(result.metrics) >= {"driving_score", "route_completion", "infraction_penalty"}
        result.model_dump_json()


STOP_SIGN_ROAD = REPO / "tests" / "data" / "stop_sign_road.xodr"  # one road, a stop sign at s = 60 m


def test_stop_signs_from_the_map_are_judged(tmp_path):
    from envs.driving.contracts import DrivingScenario, Pose
    from envs.driving.maps import RoadMap

    road_map = RoadMap.load(xodr=STOP_SIGN_ROAD)
    assert [zone.id for zone in road_map.stop_zones] == ["900:-1"]
    scenario = DrivingScenario(route_id="stop", town="stoptown", waypoints=[Pose(x=5.0, y=1.75), Pose(x=95.0, y=1.75)],
                               vehicles=0, pedestrians=0)

    def drive(brake_in_zone: bool) -> list[str]:
        with EmbeddedDrivingSim(road_map, NO_IMAGES) as sim:
            observation = sim.reset(scenario)
            autopilot = RouteAutopilot(sim.route)
            stopped = False
            while not sim.criteria.ended:
                control = autopilot(observation)
                front, speed = observation.ego.x + 2.45, observation.ego.speed
                if brake_in_zone and not stopped and front > 40.0:  # crawl up, stop with the nose in the zone
                    if front > 57.0:
                        control = VehicleControl(brake=1.0)
                        stopped = speed < 0.05
                    else:
                        control = VehicleControl(throttle=0.3) if speed < 3.0 else VehicleControl(brake=0.5)
                observation = sim.step(control).observation
            return [e.kind for events in sim.criteria.infractions.values() for e in events]

    assert drive(brake_in_zone=False) == ["stop_infraction"]
    assert drive(brake_in_zone=True) == []
