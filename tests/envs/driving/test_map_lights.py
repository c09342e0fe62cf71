"""Traffic lights from the map's own signals where it has them; SUMO's guesses only where not."""

import shutil
import xml.etree.ElementTree as ElementTree

import libsumo
import pytest

from envs.driving.maps import MapSource, RoadMap


def sumo_lights(road_map) -> dict[str, list[str]]:
    """SUMO traffic light id -> the states of its program's phases, from the converted net."""
    root = ElementTree.parse(road_map.sumo_net_path).getroot()
    return {logic.get("id"): [(phase.get("state"), phase.get("duration")) for phase in logic.iter("phase")]
            for logic in root.iter("tlLogic")}


def test_a_map_with_signals_gets_its_lights_from_them(procedural_map, tmp_path):
    """The procedural town's OpenDRIVE export carries 144 light signals in 9 controllers: read as an
    OpenDRIVE file, its SUMO net has one light per controller, with CARLA's 10 s green, 3 s yellow."""
    path = tmp_path / "signalled.xodr"
    shutil.copy(procedural_map.source.xodr_path, path)
    road_map = RoadMap(MapSource("Signalled", path, "file"))
    assert (road_map.signals.lights, road_map.signals.stops) == (144, 0)
    assert road_map.signals.describe().startswith("traffic lights from the map's 144 signals")
    lights = sumo_lights(road_map)
    controllers = {c.get("id") for c in ElementTree.parse(path).getroot().iter("controller")}
    assert len(lights) == len(controllers) == 9
    for phases in lights.values():
        for state, duration in phases:
            if "G" in state or "g" in state:
                assert duration == "10"
            elif "y" in state:
                assert duration == "3"


def test_a_map_without_signals_has_its_lights_guessed(town05_map):
    assert town05_map.signals.lights == 0
    assert "guessed by SUMO" in town05_map.signals.describe()
    assert len(sumo_lights(town05_map)) == 13  # the count DESIGN.md measured for Town05's guessed lights


@pytest.mark.parametrize("kind", ["map", "guessed"])
def test_lights_run_in_sumo(procedural_map, town05_map, tmp_path, kind):
    if kind == "map":
        path = tmp_path / "signalled.xodr"
        shutil.copy(procedural_map.source.xodr_path, path)
        road_map = RoadMap(MapSource("Signalled", path, "file"))
    else:
        road_map = town05_map
    libsumo.start(["sumo", "-n", str(road_map.sumo_net_path), "--no-step-log", "true", "--no-warnings", "true"])
    try:
        assert len(libsumo.trafficlight.getIDList()) == len(sumo_lights(road_map))
    finally:
        libsumo.close()
