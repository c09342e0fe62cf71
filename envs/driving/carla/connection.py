"""Reaching a CARLA server: connect with a timeout and retries, load the town, and fetch its
OpenDRIVE as a RoadMap (routes, lanes and criteria use the server's own map)."""

from __future__ import annotations

import hashlib
import logging
import time

from envs.driving.cache import cache_dir
from envs.errors import SimulatorError, UserInputError

log = logging.getLogger("mllm_pilot.carla")


def connect(host: str = "127.0.0.1", port: int = 2000, *, timeout_s: float = 10.0, retries: int = 3,
            backoff_s: float = 1.0):
    """A carla.Client whose server answered; SimulatorError naming host, port and wait otherwise."""
    import carla

    if not 0 < port < 65536:
        raise UserInputError(f"--carla-port {port}: expected 1..65535")
    problem = "no attempt made"
    for attempt in range(max(retries, 1)):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        try:
            client = carla.Client(host, port)  # resolves the host name: an unknown host raises here
        except RuntimeError as error:
            raise UserInputError(f"--carla-host {host}: cannot resolve or reach it ({error})") from error
        client.set_timeout(timeout_s)
        try:
            server = client.get_server_version()
        except RuntimeError as error:
            problem = str(error)
            continue
        if server != client.get_client_version():
            log.warning("CARLA server %s, client %s: versions differ", server, client.get_client_version())
        return client
    raise SimulatorError(f"no CARLA server answered at {host}:{port} (waited {timeout_s:g} s, {max(retries, 1)} "
                         f"attempt(s): {problem}); start CarlaUE4.sh or check --carla-host/--carla-port")


def load_town(client, town: str | None):
    """The server's world, with `town` loaded unless it already is."""
    world = client.get_world()
    current = world.get_map().name.rsplit("/", 1)[-1]
    if not town or current == town:
        return world
    available = sorted(name.rsplit("/", 1)[-1] for name in client.get_available_maps())
    if town not in available:
        raise UserInputError(f"the CARLA server has no town {town!r}; available: {', '.join(available)}")
    log.info("loading %s on the CARLA server (was %s)", town, current)
    return client.load_world(town)


def server_road_map(world):
    """The world's map as a RoadMap, from the OpenDRIVE the server sends."""
    carla_map = world.get_map()
    return road_map_from_opendrive(carla_map.name.rsplit("/", 1)[-1], carla_map.to_opendrive())


def road_map_from_opendrive(name: str, text: str):
    """A RoadMap from OpenDRIVE text (the server's map, or a Leaderboard agent's OpenDRIVE
    sensor), written once to the cache by content."""
    from envs.driving.maps import RoadMap

    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    path = cache_dir("carla") / f"{name}-{digest}.xodr"
    if not path.exists():
        path.write_text(text)
    return RoadMap.load(name, path)
