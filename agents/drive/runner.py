"""Run one route with the driving graph: build the environment and planners, resume from a
checkpoint when the same run was cut off, and return the Leaderboard-style result."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from agents.checkpoints import open_checkpointer
from agents.drive.control_log import ControlLog
from agents.drive.graph import build_drive_graph
from agents.drive.nodes import initial_state
from agents.drive.recorder import EpisodeRecorder
from agents.drive.state import DriveResources
from envs.contracts import EpisodeResult
from envs.driving.maps import RoadMap
from envs.driving.sim.simulator import EmbeddedDrivingSim, SimConfig
from envs.errors import UserInputError
from planners.backends import BackendOptions
from planners.protocol import Planner
from scenarios.routes import RouteDefinition

log = logging.getLogger("mllm_pilot.drive")


@dataclass(frozen=True)
class DriveOptions:
    planner: str = "rule"
    seed: int = 0
    traffic: str = "lb1"  # a profile (scenarios.traffic); vehicles / pedestrians override its numbers
    vehicles: int | None = None
    pedestrians: int | None = None
    scenarios: str | None = "default"  # a Leaderboard scenario file, "default" (the town's), or None / "none"
    control_loss_noise: bool = False  # Scenario1's steering noise (Leaderboard 1.0 never applied it)
    decision_period_s: float = 0.5
    record_dir: Path | None = None
    checkpoint: Path | None = None  # a SQLite file; None keeps checkpoints in memory (no resume)
    fresh: bool = False  # ignore an unfinished checkpoint of the same run
    instruction: str | None = None
    max_time_s: float | None = None  # stop after this much simulated time (a smoke run); None: the whole route
    decision_timeout_s: float | None = 60.0  # wall-clock seconds one decision may take; then the fallback, counted


@dataclass
class DriveOutcome:
    result: EpisodeResult
    resumed_from_tick: int
    interrupted: bool = False  # Ctrl-C: the route stopped early, its checkpoint kept for a resume


def make_planner(name: str, backend: BackendOptions | None = None) -> Planner:
    """A built-in backend by name (rule, or a text model: mllm, http), or a user's factory by import
    path (module:factory)."""
    from agents.plugins import DRIVING_PLANNERS
    from agents.plugins import make_planner as make_family_planner

    return make_family_planner(name, DRIVING_PLANNERS, backend)


def thread_id(road_map: RoadMap, route: RouteDefinition, options: DriveOptions, traffic: tuple[int, int],
              scenario_file: Path | None) -> str:
    """The checkpoint thread of a run: everything that changes what is driven is in it (the map's
    file, the route's points and scenarios, seed, planner, traffic, decision period, scenarios,
    time limit, instruction), so a different run never resumes another's checkpoint."""
    digest = hashlib.sha256(road_map.source.xodr_path.read_bytes()).hexdigest()[:10]
    vehicles, pedestrians = traffic
    scenarios = "none" if scenario_file is None else hashlib.sha256(scenario_file.read_bytes()).hexdigest()[:10]
    route_digest = hashlib.sha256(route.model_dump_json().encode()).hexdigest()[:10]
    settings = json.dumps({"max_time_s": options.max_time_s, "instruction": options.instruction}, sort_keys=True)
    settings_digest = hashlib.sha256(settings.encode()).hexdigest()[:8]
    return (f"{road_map.name}-{digest}/route-{route.id}-{route_digest}/seed-{options.seed}/{options.planner}/"
            f"v{vehicles}-p{pedestrians}/period-{options.decision_period_s:g}/scenarios-{scenarios}"
            f"{'-noise' if options.control_loss_noise else ''}/run-{settings_digest}")


def traffic_counts(road_map: RoadMap, options: DriveOptions) -> tuple[int, int]:
    """(vehicles, pedestrians): the profile's numbers unless the options give their own."""
    from scenarios.traffic import traffic_for

    vehicles, pedestrians = traffic_for(options.traffic, road_map)
    return (vehicles if options.vehicles is None else options.vehicles,
            pedestrians if options.pedestrians is None else options.pedestrians)


def scenario_triggers(road_map: RoadMap, options: DriveOptions) -> tuple[Path | None, list]:
    """The scenario file this run plays and its triggers for the map."""
    from scenarios.scenario_files import read_scenario_file, resolve_scenarios

    if options.scenarios in (None, "none"):
        return None, []
    path, _ = resolve_scenarios(None if options.scenarios == "default" else options.scenarios, road_map)
    return path, ([] if path is None else read_scenario_file(path, road_map.name))


def _route_started(env) -> bool:
    """False for an env that keeps Leaderboard criteria (ours, CARLA's) and has none yet: its reset did
    not get the route under way."""
    return not hasattr(env, "criteria") or env.criteria is not None


def run_route(road_map: RoadMap, route: RouteDefinition, options: DriveOptions, on_tick=None,
              planner: Planner | None = None, graph=None, env_factory=None, instruction=None,
              answer=None, on_decision=None, perception=None) -> DriveOutcome:
    """Drive one route. `graph` is an AgentGraph to run instead of the built-in one (agents.compose),
    `env_factory(road_map, sim_config)` an env to drive instead of the embedded simulator,
    `instruction(state)` a source of user instructions (default: the state's `instruction`, else the
    options' fixed one), `answer(question)` replies to a node's LangGraph interrupt, and
    `on_decision(tick, decision, status)` sees every decision, and `perception(images)` (e.g. a
    perception.service.PerceptionClient) adds features of the camera images to each context."""
    if options.max_time_s is not None and options.max_time_s <= 0:
        raise UserInputError("--max-time must be positive")
    if options.decision_period_s < EmbeddedDrivingSim.dt:
        raise UserInputError(f"--decision-period must be at least one tick ({EmbeddedDrivingSim.dt} s)")
    planner = planner or make_planner(options.planner)
    period_ticks = max(int(round(options.decision_period_s / EmbeddedDrivingSim.dt)), 1)
    wants_images = options.record_dir is not None or getattr(planner, "needs_images", False) \
        or perception is not None
    config = SimConfig(bev=wants_images, camera=wants_images)
    env = env_factory(road_map, config) if env_factory else EmbeddedDrivingSim(road_map, config)
    vehicles, pedestrians = traffic_counts(road_map, options)
    scenario_file, triggers = scenario_triggers(road_map, options)
    scenario = route.scenario(seed=options.seed, vehicles=vehicles, pedestrians=pedestrians,
                              scenario_triggers=triggers, control_loss_noise=options.control_loss_noise)
    thread = thread_id(road_map, route, options, (vehicles, pedestrians), scenario_file)
    connection, checkpointer = open_checkpointer(options.checkpoint)
    control_log = ControlLog(options.checkpoint, thread)
    graph = build_drive_graph(checkpointer, graph)
    config = {"configurable": {"thread_id": thread}, "recursion_limit": 10_000_000}
    saved = graph.get_state(config).values
    resume = bool(saved) and not saved.get("done") and not options.fresh and saved.get("tick", 0) > 0
    if saved and not resume:
        checkpointer.delete_thread(thread)
    start_tick = saved["tick"] if resume else 0
    recorder = EpisodeRecorder(options.record_dir, f"route_{route.id}", start_tick) if options.record_dir else None
    if instruction is None:
        instruction = lambda state: state.get("instruction") or options.instruction
    resources = DriveResources(env=env, scenario=scenario, planner=planner, decision_period_ticks=period_ticks,
                               control_log=control_log, recorder=recorder, instruction=instruction, on_tick=on_tick,
                               on_decision=on_decision, time_limit_s=options.max_time_s, perception=perception,
                               decision_timeout_s=options.decision_timeout_s)
    interrupted = False
    try:
        graph.invoke(None if resume else initial_state(route.id), config, context=resources, durability="sync")
        while answer is not None and (pending := _pending_interrupts(graph, config)):
            from langgraph.types import Command  # a node asked the user (langgraph.types.interrupt)

            reply = {item.id: answer(item.value) for item in pending}
            graph.invoke(Command(resume=reply), config, context=resources, durability="sync")
    except KeyboardInterrupt:
        if not _route_started(env):  # Ctrl-C while the route was being set up: nothing to score or resume
            env.close()
            raise
        interrupted = True
        env.stop_early("interrupted by the user")
    except BaseException:
        env.close()  # a CARLA server gets its actors destroyed and its settings back on any error
        raise
    finally:
        if recorder is not None:
            recorder.close()
        control_log.close()
    state = graph.get_state(config).values
    result = env.episode_result()
    result.metrics.update({"decisions": float(state.get("decisions", 0)),
                           "planner_repairs": float(state.get("repairs", 0)),
                           "planner_fallbacks": float(state.get("fallbacks", 0))})
    result.details.update({"planner": getattr(planner, "name", options.planner), "thread_id": thread,
                           "resumed_from_tick": start_tick, "vehicles": vehicles, "pedestrians": pedestrians,
                           "scenario_file": None if scenario_file is None else str(scenario_file)})
    env.close()
    if connection is not None:
        connection.close()
    return DriveOutcome(result, start_tick, interrupted)


def _pending_interrupts(graph, config) -> list:
    snapshot = graph.get_state(config)
    return [item for task in snapshot.tasks for item in task.interrupts]
