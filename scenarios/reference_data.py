"""CARLA reference data (the real Town05 map, its Long routes, the Leaderboard 1.0 scenario
triggers): read from $MLLM_PILOT_CARLA_DATA or ../shared/data/carla beside the checkout, never
shipped with the project."""

from __future__ import annotations

import os
from pathlib import Path

REFERENCE_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "carla"


def carla_reference_file(name: str) -> Path | None:
    for folder in (os.environ.get("MLLM_PILOT_CARLA_DATA"), REFERENCE_DATA):
        if folder and (Path(folder) / name).is_file():
            return Path(folder) / name
    return None
