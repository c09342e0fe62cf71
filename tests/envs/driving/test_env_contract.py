"""One contract for every driving env: the embedded simulator always, and the CARLA adapter
where a server answers ($CARLA_HOST, $CARLA_PORT; default 127.0.0.1:2000), skipped otherwise."""

import os

import numpy as np
import pytest

from envs.contracts import EpisodeStatus
from envs.driving.contracts import ActorArrays, DrivingObservation, VehicleControl
from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig
from envs.errors import SimulatorError
from scenarios.generate import generate_routes

CAMERA_ONLY = SimConfig(bev=False, camera=True)


@pytest.fixture(scope="module")
def carla_connection():
    """The server's connection, or the reason there is none (asked once per module)."""
    from envs.driving.carla.server import CarlaConnection, CarlaServer

    server = CarlaServer(os.environ.get("CARLA_HOST", "127.0.0.1"), int(os.environ.get("CARLA_PORT", "2000")),
                         timeout_s=2.0, retries=1, town="Town05")
    try:
        return CarlaConnection.open(server)
    except SimulatorError as error:
        return str(error)


@pytest.fixture(params=["embedded", "carla"])
def env_and_route(request, procedural_map):
    if request.param == "embedded":
        env = EmbeddedDrivingSim(procedural_map, CAMERA_ONLY)
    else:
        connection = request.getfixturevalue("carla_connection")
        if isinstance(connection, str):
            pytest.skip(f"no CARLA server: {connection}")
        env = connection.env_factory()(connection.road_map, CAMERA_ONLY)
    route = generate_routes(env.graph, env.road_map.name, 1, seed=11)[0]
    yield env, route
    env.close()


def test_reset_starts_at_the_route(env_and_route):
    env, route = env_and_route
    with pytest.raises(SimulatorError, match="before reset"):
        env.step(VehicleControl())
    observation = env.reset(route.scenario(seed=1, vehicles=10, pedestrians=5))
    assert isinstance(observation, DrivingObservation)
    assert (observation.tick, observation.time_s, observation.route_completion) == (0, 0.0, 0.0)
    start = route.waypoints[0]
    assert np.hypot(observation.ego.x - start.x, observation.ego.y - start.y) < 3.0
    assert abs(observation.ego.speed) < 0.5
    assert env.dt == pytest.approx(0.05) and env.route is not None and env.road_map is not None
    assert isinstance(observation.truth.actors, ActorArrays)


def test_steps_move_the_ego_and_give_images(env_and_route):
    env, route = env_and_route
    env.reset(route.scenario(seed=1, vehicles=10, pedestrians=5))
    for tick in range(1, 61):
        result = env.step(VehicleControl(throttle=0.6))
        assert result.observation.tick == tick
        assert result.observation.time_s == pytest.approx(tick * env.dt)
        assert not result.truncated
        if result.terminated:
            break
    observation = result.observation
    assert observation.ego.speed > 1.0
    front = observation.images["front"]
    assert front.ndim == 3 and front.shape[2] == 3 and front.dtype == np.uint8
    running = env.episode_result()
    assert running.domain == "driving" and running.status == EpisodeStatus.RUNNING
    assert {"driving_score", "route_completion", "infraction_penalty"} <= set(running.metrics)


def test_stopping_early_fails_the_route_with_the_reason(env_and_route):
    env, route = env_and_route
    env.reset(route.scenario(seed=1, vehicles=0, pedestrians=0))
    env.step(VehicleControl(throttle=0.3))
    env.stop_early("the user gave up")
    result = env.episode_result()
    assert result.status == EpisodeStatus.FAILED and result.failure_reason == "the user gave up"
    with pytest.raises(SimulatorError, match="after the route ended"):
        env.step(VehicleControl())
    env.close()
    env.close()  # twice is fine
