"""The built-in procedural town: a Town05-style grid made with SUMO's own tools.

`netgenerate --grid` lays out square blocks with cross junctions, two lanes each way,
guessed traffic lights, sidewalks and crossings; `netconvert --opendrive-output` exports
it to OpenDRIVE for carla.Map. SUMO keeps using the generated net itself, so lights,
crossings and sidewalks match exactly.
"""

from __future__ import annotations

import os
from dataclasses import astuple, dataclass
from pathlib import Path

from envs.driving.cache import cache_dir, content_key
from envs.driving.sumo_tools import run_sumo_tool


@dataclass(frozen=True)
class GridTownSpec:
    junctions_per_side: int = 5
    block_length_m: float = 100.0
    lanes_per_direction: int = 2
    speed_limit_mps: float = 11.11  # 40 km/h
    seed: int = 5

    def netgenerate_args(self) -> list[str]:
        return [
            "--grid", "--grid.number", str(self.junctions_per_side),
            "--grid.length", str(self.block_length_m),
            "--default.lanenumber", str(self.lanes_per_direction),
            "--default.speed", str(self.speed_limit_mps),
            "--tls.guess", "true", "--sidewalks.guess", "true", "--crossings.guess", "true",
            "--no-turnarounds", "true", "--seed", str(self.seed), "--no-warnings", "true",
        ]


PROCEDURAL_TOWNS: dict[str, GridTownSpec] = {
    "Town05": GridTownSpec(),
    "Procedural": GridTownSpec(),
}


def build_procedural_town(name: str) -> tuple[Path, Path]:
    """Generate (or reuse from the cache) the OpenDRIVE file and SUMO net of a built-in town."""
    spec = PROCEDURAL_TOWNS[name]
    key = content_key(name, repr(astuple(spec)))
    folder = cache_dir("towns") / f"{name}-{key}"
    xodr_path, net_path = folder / f"{name}.xodr", folder / f"{name}.net.xml"
    if xodr_path.exists() and net_path.exists():
        return xodr_path, net_path
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f".{os.getpid()}.tmp"
    net_partial = folder / f"{name}.net{suffix}.xml"
    xodr_partial = folder / f"{name}{suffix}.xodr"
    run_sumo_tool("netgenerate", [*spec.netgenerate_args(), "-o", str(net_partial)], what=f"procedural {name}")
    run_sumo_tool("netconvert", ["--sumo-net-file", str(net_partial), "--opendrive-output", str(xodr_partial),
                                 "--no-warnings", "true"], what=f"procedural {name}")
    net_partial.replace(net_path)
    xodr_partial.replace(xodr_path)
    return xodr_path, net_path
