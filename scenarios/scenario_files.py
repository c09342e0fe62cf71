"""Leaderboard 1.0 scenario files: read, write, and find the one for a town.

The format is `{"available_scenarios": [{TOWN: [{"scenario_type": "ScenarioN",
"available_event_configurations": [{"transform": {x, y, z, yaw, pitch}, "other_actors":
{"front"|"left"|"right": [{x, y, z, yaw}, ...]}?}, ...]}, ...]}, ...]}`; numbers may be
written as strings, as in the official file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import ValidationError

from envs.driving.contracts import Pose, ScenarioTrigger
from envs.errors import UserInputError
from scenarios.reference_data import carla_reference_file

ACTOR_SIDES = ("front", "left", "right")
TOWN05_SCENARIO_FILE = "town05_all_scenarios_from_lb1_public.json"


def _pose(values: dict, where: str, path: Path) -> Pose:
    if not isinstance(values, dict):
        raise UserInputError(f"{path}: {where} is not an object with x, y, z, yaw")
    try:
        return Pose(x=float(values["x"]), y=float(values["y"]), z=float(values.get("z", 0.0)),
                    yaw=float(values.get("yaw", 0.0)))
    except KeyError as error:
        raise UserInputError(f"{path}: {where} has no {error.args[0]!r}") from error
    except (TypeError, ValueError, ValidationError) as error:
        raise UserInputError(f"{path}: {where} has a coordinate that is not a finite number") from error


def towns_in(data: dict, path: Path) -> dict[str, list]:
    if not isinstance(data, dict) or not isinstance(data.get("available_scenarios"), list):
        raise UserInputError(f"{path}: not a Leaderboard scenario file (no 'available_scenarios' list)")
    towns: dict[str, list] = {}
    for entry in data["available_scenarios"]:
        if not isinstance(entry, dict):
            raise UserInputError(f"{path}: 'available_scenarios' holds a {type(entry).__name__}, not a town object")
        for town, scenarios in entry.items():
            if not isinstance(scenarios, list):
                raise UserInputError(f"{path}: town {town} does not hold a list of scenarios")
            towns.setdefault(town, []).extend(scenarios)
    return towns


def read_scenario_file(path: str | Path, town: str) -> list[ScenarioTrigger]:
    """Every trigger the file gives for `town`, in file order; UserInputError names the file and
    the problem (not JSON, not the format, no scenarios for this town)."""
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"{path}: scenario file not found")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserInputError(f"{path}: not valid JSON ({error})") from error
    towns = towns_in(data, path)
    if town not in towns:
        known = ", ".join(sorted(towns)) or "none"
        raise UserInputError(f"{path}: no scenarios for {town} (the file has: {known})")
    triggers = []
    for number, scenario in enumerate(towns[town]):
        if not isinstance(scenario, dict) or not isinstance(scenario.get("scenario_type"), str):
            raise UserInputError(f"{path}: {town} scenario {number} has no 'scenario_type'")
        kind = scenario["scenario_type"]
        events = scenario.get("available_event_configurations")
        if not isinstance(events, list):
            raise UserInputError(f"{path}: {town} {kind} has no 'available_event_configurations' list")
        for index, event in enumerate(events):
            where = f"{town} {kind} event {index}"
            if not isinstance(event, dict) or "transform" not in event:
                raise UserInputError(f"{path}: {where} has no 'transform'")
            pose = _pose(event["transform"], f"{where} transform", path)
            others = event.get("other_actors") or {}
            if not isinstance(others, dict):
                raise UserInputError(f"{path}: {where} 'other_actors' is not an object")
            actors = [_pose(actor, f"{where} other actor", path)
                      for side in ACTOR_SIDES for actor in (others.get(side) or [])]
            try:
                triggers.append(ScenarioTrigger(scenario_type=kind, x=pose.x, y=pose.y, z=pose.z, yaw=pose.yaw,
                                                other_actors=actors))
            except ValidationError as error:
                raise UserInputError(f"{path}: {where}: scenario type {kind!r} is not ScenarioN") from error
            if not triggers[-1].number:
                raise UserInputError(f"{path}: {where}: scenario type {kind!r} is not ScenarioN")
    return triggers


def write_scenario_file(path: str | Path, town: str, triggers: list[ScenarioTrigger]) -> None:
    by_type: dict[str, list[dict]] = {}
    for trigger in triggers:
        event: dict = {"transform": {"x": trigger.x, "y": trigger.y, "z": trigger.z, "yaw": trigger.yaw,
                                     "pitch": 0.0}}
        if trigger.other_actors:
            event["other_actors"] = {"front": [{"x": p.x, "y": p.y, "z": p.z, "yaw": p.yaw}
                                               for p in trigger.other_actors]}
        by_type.setdefault(trigger.scenario_type, []).append(event)
    body = {"available_scenarios": [{town: [{"scenario_type": kind, "available_event_configurations": events}
                                            for kind, events in sorted(by_type.items())]}]}
    Path(path).write_text(json.dumps(body, indent=1), encoding="utf-8")


def town_scenario_file(road_map) -> tuple[Path | None, str]:
    """The scenario file a map plays by default, and where it comes from: the Leaderboard 1.0
    public file for a real CARLA town that has one here, a generated file for a procedural town,
    none otherwise."""
    if road_map.source.origin == "procedural":
        return procedural_scenario_file(road_map), "generated for the procedural town"
    if road_map.name == "Town05":
        reference = carla_reference_file(TOWN05_SCENARIO_FILE)
        if reference is not None:
            return reference, "Leaderboard 1.0 public triggers"
    return None, f"no scenario file for {road_map.name}: pass --scenarios FILE to play route scenarios"


def procedural_scenario_file(road_map) -> Path:
    """Generated once per map and cached beside the town's other artefacts."""
    from envs.driving.cache import cache_dir, content_key
    from envs.driving.routing import RoadGraph
    from scenarios.procedural_scenarios import generate_scenario_triggers

    key = content_key(road_map.source.xodr_path.read_bytes(), "scenarios-v1")
    path = cache_dir("scenarios") / f"{road_map.name}-{key}.json"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        write_scenario_file(partial, road_map.name, generate_scenario_triggers(RoadGraph(road_map.carla_map)))
        partial.replace(path)
    return path


def resolve_scenarios(spec: str | None, road_map) -> tuple[Path | None, str]:
    """`--scenarios FILE|none`, or the map's default (None)."""
    if spec is None:
        return town_scenario_file(road_map)
    if spec == "none":
        return None, "route scenarios off (--scenarios none)"
    path = Path(spec)
    read_scenario_file(path, road_map.name)  # fails here, with the file's problem, before any driving
    return path, "from --scenarios"
