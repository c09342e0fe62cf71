"""One place that turns `--carla-host/--carla-port/--town` into a connected world, its RoadMap
and an env factory with the agents' `(road_map, sim_config)` signature."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CarlaServer:
    host: str
    port: int = 2000
    timeout_s: float = 10.0
    retries: int = 3
    town: str | None = None
    tm_port: int = 8000
    lidar: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CarlaConnection:
    server: CarlaServer
    client: object
    world: object
    road_map: object

    @classmethod
    def open(cls, server: CarlaServer) -> CarlaConnection:
        from envs.driving.carla.connection import connect, load_town, server_road_map

        client = connect(server.host, server.port, timeout_s=server.timeout_s, retries=server.retries)
        world = load_town(client, server.town)
        return cls(server, client, world, server_road_map(world))

    def env_factory(self):
        """factory(road_map, sim_config) -> CarlaDrivingEnv with cameras when the config wants images."""
        from envs.driving.carla.env import CarlaDrivingEnv, CarlaOptions
        from envs.driving.carla.sensors import driving_cameras

        def make(road_map, config):
            cameras = driving_cameras(config.camera_width, config.camera_height) if config.camera else []
            options = CarlaOptions(cameras=cameras, lidar=self.server.lidar, tm_port=self.server.tm_port)
            return CarlaDrivingEnv(self.client, self.world, road_map, options)

        return make
