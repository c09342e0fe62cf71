"""Shared fixtures: a private map cache, the real CARLA reference data, loaded maps."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Generated nets, towns and rasters go to a cache private to this test session.
os.environ.setdefault("MLLM_PILOT_CACHE", tempfile.mkdtemp(prefix="mllm-pilot-test-cache-"))
os.environ.pop("CARLA_ROOT", None)

REPO = Path(__file__).resolve().parents[1]
CARLA_DATA = REPO.parent / "shared" / "data" / "carla"


def carla_data(name: str) -> Path:
    path = CARLA_DATA / name
    if not path.exists():
        pytest.skip(f"reference data {path} is not beside the checkout")
    return path


@pytest.fixture(scope="session")
def town05_xodr() -> Path:
    return carla_data("Town05.xodr")


@pytest.fixture(scope="session")
def town05_long_routes() -> Path:
    return carla_data("routes_town05_long.xml")


@pytest.fixture(scope="session")
def town05_map(town05_xodr):
    from envs.driving.maps import RoadMap

    return RoadMap.load("Town05", town05_xodr)


@pytest.fixture(scope="session")
def procedural_map():
    from envs.driving.maps import RoadMap

    return RoadMap.load("Town05")


@pytest.fixture(scope="session")
def town05_graph(town05_map):
    from envs.driving.routing import RoadGraph

    return RoadGraph(town05_map.carla_map)


@pytest.fixture(scope="session")
def procedural_graph(procedural_map):
    from envs.driving.routing import RoadGraph

    return RoadGraph(procedural_map.carla_map)


@pytest.fixture(scope="session")
def tiny_internvl(tmp_path_factory) -> Path:
    """A tiny InternVL taught to answer one driving decision, saved in the transformers layout."""
    from planners.mllm.tiny import build_tiny_internvl

    return build_tiny_internvl(tmp_path_factory.mktemp("models") / "tiny-internvl")


@pytest.fixture(scope="session")
def random_internvl(tmp_path_factory) -> Path:
    """The same architecture with its random weights (answers are noise)."""
    from planners.mllm.tiny import build_tiny_internvl

    return build_tiny_internvl(tmp_path_factory.mktemp("models") / "random-internvl", answer=None)


@pytest.fixture(scope="session")
def town05_scenario_file() -> Path:
    return carla_data("town05_all_scenarios_from_lb1_public.json")
