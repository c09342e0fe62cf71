import math

import pytest

from envs.driving.contracts import VehicleControl
from envs.driving.sim.ego import KinematicBicycle, VehicleParams

DT = 0.05


def test_throttle_from_rest_follows_the_acceleration_budget():
    car = KinematicBicycle(0.0, 0.0, 0.0)
    car.step(VehicleControl(throttle=1.0), DT)
    # 3.5 m/s^2 of drive minus 0.15 m/s^2 rolling resistance, for 0.05 s
    assert car.speed == pytest.approx((3.5 - 0.15) * DT)
    assert car.x == pytest.approx(0.5 * car.speed * DT) and car.y == 0.0


def test_full_brake_decelerates_and_never_reverses():
    car = KinematicBicycle(0.0, 0.0, 0.0, speed=10.0)
    car.step(VehicleControl(brake=1.0), DT)
    assert car.speed == pytest.approx(10.0 - (8.0 + 0.15 + 0.0025 * 100.0) * DT)
    for _ in range(100):
        car.step(VehicleControl(brake=1.0), DT)
    assert car.speed == 0.0


def test_positive_steer_turns_right_in_carla_frame():
    car = KinematicBicycle(0.0, 0.0, 0.0, speed=5.0)
    for _ in range(20):
        car.step(VehicleControl(throttle=0.1, steer=1.0), DT)
    assert car.yaw > 0.3 and car.y > 0.5  # clockwise from above: towards +y
    assert car.steer_angle == pytest.approx(VehicleParams().max_steer_rad)


def test_steering_is_rate_limited():
    car = KinematicBicycle(0.0, 0.0, 0.0)
    car.step(VehicleControl(steer=-1.0), DT)
    assert car.steer_angle == pytest.approx(-math.radians(180.0) * DT)


def test_reverse_gear_drives_backwards():
    car = KinematicBicycle(0.0, 0.0, 0.0)
    for _ in range(20):
        car.step(VehicleControl(throttle=0.5, reverse=True), DT)
    assert car.speed < 0 and car.x < 0


def test_control_is_clamped_like_carla_or_rejected_when_validated():
    assert VehicleControl.clamped(throttle=2.0, steer=-3.0, brake=-1.0) == VehicleControl(throttle=1.0, steer=-1.0)
    with pytest.raises(ValueError):
        VehicleControl(throttle=1.5)
