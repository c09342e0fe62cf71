"""The Leaderboard AutonomousAgent entry, driven the way the official runner drives it (setup,
sensors, set_global_plan, run_step with sensor data in the Leaderboard's formats, destroy), with
real carla types. The sensor data come from our kinematic ego on the procedural town, closed
loop: the agent's controls move the car that its GNSS/IMU/speedometer then report."""

import json
import math

import carla
import numpy as np
import pytest

from agents.leaderboard_agent import MllmPilotAgent, Track, get_entry_point
from envs.driving.contracts import VehicleControl
from envs.driving.sim.ego import KinematicBicycle
from envs.errors import UserInputError
from scenarios.generate import generate_routes


@pytest.fixture
def agent(procedural_map, tmp_path):
    config = tmp_path / "agent.json"
    config.write_text(json.dumps({"planner": "rule", "xodr": str(procedural_map.source.xodr_path)}))
    made = MllmPilotAgent("127.0.0.1", 2000)
    made.setup(str(config))
    yield made
    made.destroy()


@pytest.fixture(scope="module")
def route(procedural_graph):
    return generate_routes(procedural_graph, "Town05", 1, seed=5)[0]


def plan_of(route):
    world = [(carla.Transform(carla.Location(p.x, p.y, p.z), carla.Rotation(yaw=p.yaw)), 4) for p in route.waypoints]
    gps = [({"lat": 0.0, "lon": 0.0, "z": 0.0}, 4) for _ in route.waypoints]
    return gps, world


def sensor_data(carla_map, ego, speed, tick):
    fix = carla_map.transform_to_geolocation(carla.Location(ego.x, ego.y, 0.0))
    compass = math.radians(math.degrees(ego.yaw) + 90.0) % (2 * math.pi)
    camera = np.zeros((225, 400, 4), np.uint8)
    return {"gnss": (tick, np.array([fix.latitude, fix.longitude, 0.0])),
            "imu": (tick, np.array([0.0, 0.0, 9.81, 0.0, 0.0, 0.0, compass])),
            "speed": (tick, {"speed": speed}),
            "front": (tick, camera), "left": (tick, camera), "right": (tick, camera)}


def test_entry_point_and_sensors(agent):
    assert get_entry_point() == "MllmPilotAgent"
    assert agent.track == Track.SENSORS
    sensors = agent.sensors()
    assert [s["id"] for s in sensors] == ["front", "left", "right", "gnss", "imu", "speed"]
    assert all(s["type"].startswith("sensor.") for s in sensors)


def test_it_drives_the_global_plan_closed_loop(agent, procedural_map, route):
    agent.set_global_plan(*plan_of(route))
    start = route.waypoints[0]
    ego = KinematicBicycle(start.x, start.y, math.radians(start.yaw))
    controls = []
    for tick in range(200):  # 10 s
        control = agent.run_step(sensor_data(procedural_map.carla_map, ego, ego.speed, tick), tick * 0.05)
        assert isinstance(control, carla.VehicleControl)
        assert 0.0 <= control.throttle <= 1.0 and -1.0 <= control.steer <= 1.0 and 0.0 <= control.brake <= 1.0
        controls.append(control)
        ego.step(VehicleControl(throttle=control.throttle, steer=control.steer, brake=control.brake), 0.05)
    assert agent.decisions == 20 and agent.fallbacks == 0
    assert max(c.throttle for c in controls) > 0.3
    assert agent.progress.index > 0 and agent.progress.completion > 1.0
    assert ego.speed > 3.0
    lane = procedural_map.driving_waypoint(ego.x, ego.y)
    assert lane is not None and math.hypot(lane.transform.location.x - ego.x, lane.transform.location.y - ego.y) < 2.0


def test_the_map_track_reads_the_opendrive_sensor(procedural_map, route, tmp_path):
    config = tmp_path / "agent.yaml"
    config.write_text("planner: rule\ntrack: MAP\n")
    agent = MllmPilotAgent()
    agent.setup(str(config))
    assert agent.track == Track.MAP and agent.sensors()[-1]["type"] == "sensor.opendrive_map"
    agent.set_global_plan(*plan_of(route))
    start = route.waypoints[0]
    data = sensor_data(procedural_map.carla_map, KinematicBicycle(start.x, start.y, math.radians(start.yaw)), 0.0, 0)
    data["opendrive"] = (0, {"opendrive": procedural_map.source.xodr_path.read_text()})
    assert isinstance(agent.run_step(data, 0.0), carla.VehicleControl)


def test_errors_are_clear(procedural_map, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"planner": "rule", "speed": 3}))
    with pytest.raises(UserInputError, match="agent config .*speed"):
        MllmPilotAgent().setup(str(bad))
    with pytest.raises(UserInputError, match="cannot read it"):
        MllmPilotAgent().setup(str(tmp_path / "missing.yaml"))
    agent = MllmPilotAgent()
    agent.setup(None)
    with pytest.raises(RuntimeError, match="before set_global_plan"):
        agent.run_step({}, 0.0)


def test_a_config_that_does_not_parse(tmp_path):
    broken = tmp_path / "agent.yaml"
    broken.write_text("planner: [rule\n")
    with pytest.raises(UserInputError, match="not valid yaml"):
        MllmPilotAgent().setup(str(broken))
