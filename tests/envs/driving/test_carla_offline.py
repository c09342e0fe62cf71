"""The CARLA adapter's conversions with the real carla 0.9.16 types, offline (no server):
poses, controls, lights, actors, images, GNSS, sensor specs, and the connection's clear error."""

import math
import socket
import time

import carla
import numpy as np
import pytest

from envs.driving.carla.connection import connect
from envs.driving.carla.convert import (
    ActorRecord,
    GeoLocaliser,
    actor_arrays,
    bgra_to_rgb,
    carla_control,
    collision_kind,
    control_from_carla,
    light_color,
    pose_from_transform,
    transform_from_pose,
)
from envs.driving.carla.sensors import SensorSpec, driving_cameras, lidar, localisation
from envs.driving.contracts import ActorArrays, LightColor, Pose, VehicleControl
from envs.errors import SimulatorError


def test_transforms_and_poses_convert_both_ways():
    transform = carla.Transform(carla.Location(x=12.5, y=-3.25, z=0.5), carla.Rotation(pitch=1.0, yaw=-90.0, roll=2.0))
    pose = pose_from_transform(transform)
    assert (pose.x, pose.y, pose.z, pose.yaw, pose.pitch, pose.roll) == (12.5, -3.25, 0.5, -90.0, 1.0, 2.0)
    back = transform_from_pose(pose)
    assert isinstance(back, carla.Transform)
    assert (back.location.x, back.location.y, back.location.z) == (12.5, -3.25, 0.5)
    assert (back.rotation.yaw, back.rotation.pitch, back.rotation.roll) == (-90.0, 1.0, 2.0)
    assert pose_from_transform(transform_from_pose(Pose(x=1, y=2, yaw=45))) == Pose(x=1, y=2, yaw=45)


def test_controls_are_clamped_like_the_server_does():
    wild = VehicleControl.model_construct(throttle=1.7, steer=-3.0, brake=-0.2, hand_brake=True, reverse=False)
    control = carla_control(wild)
    assert isinstance(control, carla.VehicleControl)
    assert (control.throttle, control.steer, control.brake, control.hand_brake) == (1.0, -1.0, 0.0, True)
    back = control_from_carla(carla.VehicleControl(throttle=0.25, steer=0.5, brake=0.0, reverse=True))
    assert back == VehicleControl(throttle=0.25, steer=0.5, brake=0.0, reverse=True)


@pytest.mark.parametrize("state, color", [(carla.TrafficLightState.Red, LightColor.RED),
                                          (carla.TrafficLightState.Yellow, LightColor.YELLOW),
                                          (carla.TrafficLightState.Green, LightColor.GREEN),
                                          (carla.TrafficLightState.Off, LightColor.OFF),
                                          (carla.TrafficLightState.Unknown, LightColor.OFF)])
def test_light_states(state, color):
    assert light_color(state) == color


def test_server_actors_become_actor_arrays():
    records = [
        ActorRecord(7, "vehicle.tesla.model3", carla.Transform(carla.Location(10, 5, 0), carla.Rotation(yaw=30)),
                    carla.Vector3D(3.0, 4.0, 0.0), carla.Vector3D(2.4, 1.0, 0.8)),
        ActorRecord(9, "walker.pedestrian.0012", carla.Transform(carla.Location(-2, 1, 0), carla.Rotation(yaw=-90)),
                    carla.Vector3D(0.0, -1.2, 0.0), carla.Vector3D(0.3, 0.3, 0.9)),
        ActorRecord(11, "static.prop.bin", carla.Transform(), carla.Vector3D(), carla.Vector3D(0.5, 0.5, 0.5)),
    ]
    arrays = actor_arrays(records)
    assert arrays.ids == ("vehicle:7", "pedestrian:9")
    assert arrays.kind.tolist() == [ActorArrays.KIND_VEHICLE, ActorArrays.KIND_PEDESTRIAN]
    assert arrays.xy.tolist() == [[10.0, 5.0], [-2.0, 1.0]]
    assert arrays.yaw.tolist() == [30.0, -90.0]
    assert arrays.speed == pytest.approx([5.0, 1.2])
    assert arrays.extent.ravel() == pytest.approx([2.4, 1.0, 0.3, 0.3])
    assert len(actor_arrays(records[2:])) == 0


def test_collision_classes():
    assert [collision_kind(t) for t in ("walker.pedestrian.0001", "vehicle.audi.a2", "static.prop.trafficcone01",
                                        "traffic.traffic_light")] == [
        "collisions_pedestrian", "collisions_vehicle", "collisions_layout", "collisions_layout"]


def test_camera_bytes_become_rgb():
    bgra = np.zeros((2, 3, 4), np.uint8)
    bgra[..., 0], bgra[..., 1], bgra[..., 2], bgra[..., 3] = 10, 20, 30, 255
    rgb = bgra_to_rgb(bgra.tobytes(), 3, 2)
    assert rgb.shape == (2, 3, 3) and rgb.dtype == np.uint8 and rgb.flags["C_CONTIGUOUS"]
    assert rgb[0, 0].tolist() == [30, 20, 10]


@pytest.mark.parametrize("which", ["procedural", "town05"])
def test_gnss_fixes_invert_the_maps_own_geolocation(which, procedural_map, request):
    road_map = procedural_map if which == "procedural" else request.getfixturevalue("town05_map")
    localiser = GeoLocaliser(road_map.carla_map)
    worst = 0.0
    for waypoint in road_map.waypoints[::97]:
        location = waypoint.transform.location
        fix = road_map.carla_map.transform_to_geolocation(location)
        x, y = localiser.to_xy(fix.latitude, fix.longitude)
        worst = max(worst, math.hypot(x - location.x, y - location.y))
    assert worst < 0.01


def test_sensor_specs_give_leaderboard_entries_and_blueprint_attributes():
    front, left, right = driving_cameras(800, 450, 100.0)
    assert front.leaderboard() == {"type": "sensor.camera.rgb", "x": 1.3, "y": 0.0, "z": 2.3, "roll": 0.0,
                                   "pitch": 0.0, "yaw": 0.0, "width": 800, "height": 450, "fov": 100.0, "id": "front"}
    assert (left.yaw, right.yaw) == (-60.0, 60.0)
    assert front.blueprint_attributes() == {"image_size_x": "800", "image_size_y": "450", "fov": "100"}
    assert lidar().blueprint_attributes(0.05)["rotation_frequency"] == "20"
    gnss, imu, speed = localisation()
    assert gnss.leaderboard() == {"type": "sensor.other.gnss", "x": 0.0, "y": 0.0, "z": 1.6, "id": "gnss"}
    assert set(imu.leaderboard()) == {"type", "x", "y", "z", "roll", "pitch", "yaw", "id"}
    assert speed.leaderboard() == {"type": "sensor.speedometer", "reading_frequency": 20.0, "id": "speed"}
    mount = front.transform()
    assert isinstance(mount, carla.Transform) and (mount.location.x, mount.location.z) == pytest.approx((1.3, 2.3))
    with pytest.raises(ValueError):
        SensorSpec(id="x", type="sensor.camera.depth")


def test_an_unreachable_server_is_one_clear_error_within_the_timeout():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.perf_counter()
    with pytest.raises(SimulatorError, match=f"no CARLA server answered at 127.0.0.1:{port} .*2 attempt"):
        connect("127.0.0.1", port, timeout_s=0.5, retries=2, backoff_s=0.1)
    assert time.perf_counter() - started < 5.0
