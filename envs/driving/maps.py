"""Road maps: which OpenDRIVE file to use, the carla.Map built from it, and its SUMO net.

A map comes from `--xodr FILE`, from a CARLA installation (`$CARLA_ROOT`), or from the
built-in procedural town. Every source goes through the same offline
`carla.Map(name, xodr_text)`; SUMO runs on a net converted from the same file (or, for
the procedural town, on the net the OpenDRIVE file was exported from).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from envs.driving.cache import cache_dir, content_key
from envs.driving.criteria import StopZone, stop_zone_corners
from envs.driving.procedural import PROCEDURAL_TOWNS, build_procedural_town
from envs.driving.sumo_tools import read_net_offset, run_sumo_tool
from envs.errors import UserInputError

# netconvert options for an OpenDRIVE file. Where the map has traffic-light signals (CARLA's
# Town01-04 and Town10 do), SUMO's lights are built from them and their controllers (the lanes
# each one governs), with CARLA-like timings (10 s green, 3 s yellow); where it has none (Town05),
# SUMO guesses lights at its junctions. Sidewalks and crossings are guessed for pedestrians.
NETCONVERT_COMMON_OPTIONS = ("--sidewalks.guess", "true", "--crossings.guess", "true", "--no-turnarounds", "true",
                             "--no-warnings", "true")
NETCONVERT_GUESSED_LIGHTS = ("--tls.guess-signals", "true", "--tls.guess", "true")
NETCONVERT_MAP_LIGHTS = ("--opendrive.signal-groups", "true", "--tls.green.time", "10", "--tls.yellow.time", "3")
LIGHT_SIGNAL_TYPES = ("1000001", "1000011")  # OpenDRIVE dynamic signals: traffic lights (CARLA, SUMO exports)


@dataclass(frozen=True)
class MapSignals:
    lights: int  # dynamic traffic-light signals in the OpenDRIVE file
    stops: int  # stop signs (type 206)

    def describe(self) -> str:
        lights = f"traffic lights from the map's {self.lights} signals" if self.lights else \
            "traffic lights guessed by SUMO at junctions (the map has no signals)"
        return f"{lights}; {self.stops} stop signs"


def read_map_signals(xodr_path: Path) -> MapSignals:
    root = ElementTree.parse(xodr_path).getroot()
    signals = root.findall(".//signal")
    lights = sum(1 for s in signals if s.get("dynamic") == "yes" and s.get("type") in LIGHT_SIGNAL_TYPES)
    return MapSignals(lights, sum(1 for s in signals if s.get("type") == "206"))


CARLA_GREEN_S, CARLA_YELLOW_S = 10, 3  # a CARLA traffic light's default green and yellow times


def set_carla_light_timings(net_path: Path) -> None:
    """Give the lights netconvert built from the map's signal groups CARLA's timings: each green
    phase 10 s, each yellow 3 s (all-red phases stay as built)."""
    tree = ElementTree.parse(net_path)
    for phase in tree.getroot().iter("phase"):
        state = phase.get("state", "")
        if "G" in state or "g" in state:
            phase.set("duration", str(CARLA_GREEN_S))
        elif "y" in state or "Y" in state:
            phase.set("duration", str(CARLA_YELLOW_S))
    tree.write(net_path, encoding="UTF-8", xml_declaration=True)


def netconvert_options(signals: MapSignals) -> tuple[str, ...]:
    return (*(NETCONVERT_MAP_LIGHTS if signals.lights else NETCONVERT_GUESSED_LIGHTS), *NETCONVERT_COMMON_OPTIONS)


@dataclass(frozen=True)
class MapSource:
    name: str
    xodr_path: Path
    origin: str  # "file", "CARLA_ROOT" or "procedural"
    sumo_net_path: Path | None = None

    def describe(self) -> str:
        if self.origin == "procedural":
            return (f"{self.name}: built-in procedural town (SUMO netgenerate grid exported to "
                    f"OpenDRIVE), {self.xodr_path}")
        return f"{self.name}: OpenDRIVE {self.xodr_path} ({self.origin})"


def find_carla_town(town: str) -> Path | None:
    """`$CARLA_ROOT/.../OpenDrive/<town>.xodr` of a CARLA installation, if there is one."""
    root = os.environ.get("CARLA_ROOT")
    if not root or not Path(root).is_dir():
        return None
    usual = Path(root) / "CarlaUE4" / "Content" / "Carla" / "Maps" / "OpenDrive" / f"{town}.xodr"
    if usual.is_file():
        return usual
    for candidate in Path(root).glob(f"**/OpenDrive/{town}.xodr"):
        return candidate
    return None


def resolve_map(town: str | None = None, xodr: str | Path | None = None) -> MapSource:
    """Pick the map for `--town` / `--xodr`; raise UserInputError with the choices otherwise."""
    if xodr is not None:
        path = Path(xodr)
        validate_xodr_file(path)
        return MapSource(town or path.stem, path, "file")
    town = town or "Town05"
    installed = find_carla_town(town)
    if installed is not None:
        validate_xodr_file(installed)
        return MapSource(town, installed, "CARLA_ROOT")
    if town in PROCEDURAL_TOWNS:
        xodr_path, net_path = build_procedural_town(town)
        return MapSource(town, xodr_path, "procedural", net_path)
    known = ", ".join(sorted(PROCEDURAL_TOWNS))
    hint = "set CARLA_ROOT to a CARLA installation" if "CARLA_ROOT" not in os.environ else \
        f"no {town}.xodr under CARLA_ROOT={os.environ['CARLA_ROOT']}"
    raise UserInputError(f"unknown town {town!r}: built-in towns are {known}; "
                         f"or give --xodr FILE, or {hint}")


def validate_xodr_file(path: Path) -> None:
    if not path.exists():
        raise UserInputError(f"{path}: file not found")
    if not path.is_file():
        raise UserInputError(f"{path}: not a file")
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        raise UserInputError(f"{path}: not valid XML ({error})") from error
    except OSError as error:
        raise UserInputError(f"{path}: cannot be read ({error.strerror})") from error
    if root.tag != "OpenDRIVE":
        raise UserInputError(f"{path}: not an OpenDRIVE file (root element is <{root.tag}>)")
    if root.find("road") is None:
        raise UserInputError(f"{path}: OpenDRIVE file has no <road> elements")


def sumo_net_for_xodr(xodr_path: Path, signals: MapSignals) -> Path:
    """Convert an OpenDRIVE file to a SUMO net once; cached by content and options."""
    text = xodr_path.read_bytes()
    options = netconvert_options(signals)
    key = content_key(text, *options)
    net_path = cache_dir("sumo-nets") / f"{xodr_path.stem}-{key}.net.xml"
    if not net_path.exists():
        partial = net_path.with_suffix(f".{os.getpid()}.tmp.xml")
        run_sumo_tool("netconvert", ["--opendrive-files", str(xodr_path), *options, "-o", str(partial)],
                      what=str(xodr_path))
        if signals.lights:
            set_carla_light_timings(partial)
        partial.replace(net_path)
    return net_path


class RoadMap:
    """A carla.Map with its SUMO net and the transform between their coordinates."""

    def __init__(self, source: MapSource):
        import carla

        self.source = source
        self.name = source.name
        text = source.xodr_path.read_text(encoding="utf-8", errors="replace")
        with native_stderr_captured() as native_messages:
            try:
                self.carla_map = carla.Map(source.name, text)
            except RuntimeError as error:
                raise UserInputError(f"{source.xodr_path}: carla.Map cannot read it ({error}; "
                                     f"{native_messages.read().strip()})") from error
        self.waypoints = self.carla_map.generate_waypoints(2.0)
        if not self.waypoints:
            raise UserInputError(f"{source.xodr_path}: the map has no drivable lanes")
        self.signals = read_map_signals(source.xodr_path)
        self.sumo_net_path = source.sumo_net_path or sumo_net_for_xodr(source.xodr_path, self.signals)
        self.sumo_offset = np.array(read_net_offset(self.sumo_net_path))

    def check_sumo_net(self) -> None:
        """Load the net once in a separate SUMO process: a broken net crashes libsumo's host
        process instead of raising, so it has to be caught outside ours."""
        if getattr(self, "_sumo_net_checked", None) == self.sumo_net_path:
            return
        run_sumo_tool("sumo", ["-n", str(self.sumo_net_path), "--begin", "0", "--end", "0", "--no-step-log", "true",
                               "--no-warnings", "true"], what=str(self.sumo_net_path))
        self._sumo_net_checked = self.sumo_net_path

    @classmethod
    def load(cls, town: str | None = None, xodr: str | Path | None = None) -> RoadMap:
        return cls(resolve_map(town, xodr))

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_x, min_y, max_x, max_y) of the lane centres, padded by 20 m for sidewalks."""
        xy = np.array([(w.transform.location.x, w.transform.location.y) for w in self.waypoints])
        low, high = xy.min(axis=0) - 20.0, xy.max(axis=0) + 20.0
        return float(low[0]), float(low[1]), float(high[0]), float(high[1])

    @cached_property
    def stop_zones(self) -> list[StopZone]:
        """The area before each stop sign (OpenDRIVE signal type 206) on every lane it governs."""
        import carla

        zones = []
        for landmark in self.carla_map.get_all_landmarks_of_type("206"):
            for from_lane, to_lane in landmark.get_lane_validities():
                for lane_id in range(min(from_lane, to_lane), max(from_lane, to_lane) + 1):
                    if lane_id == 0:
                        continue
                    waypoint = self.carla_map.get_waypoint_xodr(landmark.road_id, lane_id, landmark.s)
                    if waypoint is None or waypoint.lane_type != carla.LaneType.Driving:
                        continue
                    location = waypoint.transform.location
                    zones.append(StopZone(f"{landmark.id}:{lane_id}", stop_zone_corners(
                        np.array([location.x, location.y]), waypoint.transform.rotation.yaw, waypoint.lane_width)))
        return zones

    def to_sumo(self, xy: np.ndarray) -> np.ndarray:
        """Map (x, y) to SUMO (x, y); works on (2,) and (N, 2) arrays."""
        xy = np.asarray(xy, dtype=float)
        return np.stack([xy[..., 0] + self.sumo_offset[0], -xy[..., 1] + self.sumo_offset[1]], axis=-1)

    def from_sumo(self, xy: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float)
        return np.stack([xy[..., 0] - self.sumo_offset[0], -(xy[..., 1] - self.sumo_offset[1])], axis=-1)

    def driving_waypoint(self, x: float, y: float, z: float = 0.0, project: bool = True):
        """Nearest driving-lane waypoint (None off the road when project is False)."""
        import carla

        return self.carla_map.get_waypoint(carla.Location(x=x, y=y, z=z), project_to_road=project,
                                           lane_type=carla.LaneType.Driving)


@contextmanager
def native_stderr_captured() -> Iterator[io.StringIO]:
    """Keep what native code (libcarla) writes to stderr out of the terminal.

    carla.Map warns on every OpenDRIVE file without a georeference; the messages are
    kept and handed to the caller, which shows them only when loading fails.
    """
    captured = io.StringIO()
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.write(sink.read().decode(errors="replace"))
            captured.seek(0)


def sumo_angle_from_yaw(yaw_deg: np.ndarray | float) -> np.ndarray | float:
    """SUMO's heading (degrees clockwise from north, y up) from a CARLA yaw (y down)."""
    return (np.asarray(yaw_deg) + 90.0) % 360.0


def yaw_from_sumo_angle(angle_deg: np.ndarray | float) -> np.ndarray | float:
    return (np.asarray(angle_deg) - 90.0 + 180.0) % 360.0 - 180.0
