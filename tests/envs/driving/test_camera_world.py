"""What the camera shows: lights at the curb (never standing in a lane), paved junctions, and
the recording marking infractions."""

import numpy as np

from envs.driving.sim.sensors.light_poles import CURB_OFFSET_M, LightPoles
from envs.driving.sim.sensors.map_raster import build_map_raster


def test_one_pole_per_approach_at_its_curb_with_a_lamp_over_each_lane():
    # two lanes heading +x, stop lines at x = 50; the right lane's right end at y = +3.5
    left = np.array([[50.0, -3.5], [50.0, 0.0]])
    right = np.array([[50.0, 0.0], [50.0, 3.5]])
    direction = np.array([[1.0, 0.0], [1.0, 0.0]])
    poles = LightPoles.build(left, right, direction, ["a", "a"])
    assert poles.pole_xy.tolist() == [[50.0, 3.5 + CURB_OFFSET_M]]
    assert poles.arm_to.tolist() == [[50.0, -3.5]]
    assert poles.lamp_xy.tolist() == [[50.0, -1.75], [50.0, 1.75]]


def test_light_poles_stand_off_the_driving_lanes(procedural_map, procedural_graph):
    import carla

    from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig
    from scenarios.generate import generate_routes

    route = generate_routes(procedural_graph, procedural_map.name, 1, seed=2)[0]
    with EmbeddedDrivingSim(procedural_map, SimConfig(bev=False, camera=False)) as sim:
        sim.reset(route.scenario(vehicles=0, pedestrians=0))
        poles = sim._light_poles
    assert len(poles.pole_xy) >= 10
    for x, y in poles.pole_xy:
        lane = procedural_map.carla_map.get_waypoint(carla.Location(x=float(x), y=float(y)), project_to_road=False,
                                                      lane_type=carla.LaneType.Driving)
        assert lane is None, (x, y)


def test_junction_surfaces_are_paved(procedural_map, procedural_graph):
    raster = build_map_raster(procedural_map)
    junctions = {}
    for segment in procedural_graph.segments:
        if segment.is_junction:
            junctions.setdefault(segment.start.junction_id, []).append(segment.points()[:, :2])
    assert len(junctions) >= 9
    for points in junctions.values():
        center = np.concatenate(points).mean(axis=0)
        column, row = raster.world_to_pixel(center).astype(int)
        assert raster.driving[row, column] == 255


def test_the_recording_marks_an_infraction_while_it_is_recent(tmp_path):
    from agents.drive.recorder import INFRACTION_RGB, EpisodeRecorder

    recorder = EpisodeRecorder(tmp_path, "route")
    recorder._marks = [(10.0, "collisions_vehicle: collision with a vehicle (vehicle:v1)")]
    picture = np.zeros((120, 300, 3), np.uint8)
    recorder._mark_infractions(picture)
    assert tuple(picture[0, 150]) == INFRACTION_RGB and tuple(picture[60, 0]) == INFRACTION_RGB
    assert (picture[5:27, 10:200] == INFRACTION_RGB).all(axis=2).any()
    recorder.close()
