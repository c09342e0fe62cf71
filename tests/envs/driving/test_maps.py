import shutil
import xml.etree.ElementTree as ElementTree

import carla
import numpy as np
import pytest

from envs.driving.maps import RoadMap, resolve_map
from envs.errors import UserInputError


def test_procedural_town_is_a_town05_style_grid(procedural_map):
    source = procedural_map.source
    assert source.origin == "procedural" and source.name == "Town05"
    assert "procedural" in source.describe()
    carla_map = procedural_map.carla_map
    junction_ids = {w.get_junction().id for w in procedural_map.waypoints if w.is_junction}
    assert len(junction_ids) == 25  # a 5 x 5 grid of cross junctions
    # two lanes each way on a straight stretch, sidewalks outside them
    waypoint = next(w for w in procedural_map.waypoints if not w.is_junction and w.lane_id == -1)
    same_direction = [waypoint]
    while (neighbour := same_direction[-1].get_right_lane()) and neighbour.lane_type == carla.LaneType.Driving:
        same_direction.append(neighbour)
    assert len(same_direction) == 2
    assert same_direction[-1].get_right_lane().lane_type == carla.LaneType.Sidewalk
    net = ElementTree.parse(procedural_map.sumo_net_path).getroot()
    assert len(net.findall("tlLogic")) >= 9
    assert any(e.get("function") == "crossing" for e in net.findall("edge"))
    assert len(carla_map.get_all_landmarks()) > 100  # exported signal heads


def test_town05_sumo_net_lines_up_with_carla_lanes(town05_map):
    import sumolib

    net = sumolib.net.readNet(str(town05_map.sumo_net_path))
    offsets = []
    for edge in net.getEdges()[:200]:
        for lane in edge.getLanes():
            if not lane.allows("passenger"):
                continue
            shape = np.array(lane.getShape())
            middle = shape[len(shape) // 2]
            x, y = town05_map.from_sumo(middle)
            waypoint = town05_map.driving_waypoint(float(x), float(y))
            offsets.append(waypoint.transform.location.distance(carla.Location(x=float(x), y=float(y),
                                                                               z=waypoint.transform.location.z)))
    offsets = np.array(offsets)
    assert len(offsets) > 100
    assert np.mean(offsets < 1.0) > 0.9
    assert np.allclose(town05_map.from_sumo(town05_map.to_sumo(np.array([[12.5, -40.0]]))), [[12.5, -40.0]])


def test_town_is_found_under_carla_root(tmp_path, monkeypatch, procedural_map):
    folder = tmp_path / "CarlaUE4" / "Content" / "Carla" / "Maps" / "OpenDrive"
    folder.mkdir(parents=True)
    shutil.copy(procedural_map.source.xodr_path, folder / "Town42.xodr")
    monkeypatch.setenv("CARLA_ROOT", str(tmp_path))
    source = resolve_map("Town42")
    assert source.origin == "CARLA_ROOT" and source.xodr_path == folder / "Town42.xodr"


def test_unknown_town_names_the_choices(monkeypatch):
    monkeypatch.delenv("CARLA_ROOT", raising=False)
    with pytest.raises(UserInputError, match="unknown town 'Town99'.*Procedural, Town05"):
        resolve_map("Town99")


@pytest.mark.parametrize("content, message", [
    (None, "file not found"),
    ("<OpenDRIVE><road", "not valid XML"),
    ("<routes/>", "not an OpenDRIVE file"),
    ("<OpenDRIVE><header/></OpenDRIVE>", "no <road> elements"),
    ('<OpenDRIVE><header/><road id="1" length="x"/></OpenDRIVE>', "no drivable lanes"),
])
def test_bad_xodr_files_are_named(tmp_path, content, message):
    path = tmp_path / "map.xodr"
    if content is not None:
        path.write_text(content)
    with pytest.raises(UserInputError, match=message) as raised:
        RoadMap.load(xodr=path)
    assert str(path) in str(raised.value)
