"""Run one Minecraft task with the GITM-style graph: build the world, the decomposer, the planner,
the text memory and knowledge; resume a cut-off run of the same task from its checkpoint (replaying
its executed actions on a fresh world of the same seed); return the episode's record."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path

from agents.checkpoints import open_checkpointer, prune_checkpoints
from agents.minecraft.action_journal import ActionJournal
from agents.minecraft.graph import build_minecraft_graph
from agents.minecraft.interface import ActionInterface, check_env
from agents.minecraft.nodes import initial_state
from agents.minecraft.recorder import MinecraftRecorder
from agents.minecraft.state import MinecraftResources
from envs.errors import SimulatorError
from envs.minecraft.contracts import MinecraftTask, StructuredAction
from memory.knowledge import KnowledgeStore
from memory.plan_memory import PlanMemory
from planners.backends import BackendOptions
from planners.minecraft.decomposer import held
from scenarios.minecraft.tasks import MinecraftTaskSpec

log = logging.getLogger("mllm_pilot.minecraft")
PRUNE_EVERY = 20  # graph steps between prunings of the checkpoint history


@dataclass(frozen=True)
class MinecraftOptions:
    seed: int = 0
    planner: str = "rule"
    memory: Path | None = None  # a SQLite plan memory kept across runs; None: a fresh one in memory
    checkpoint: Path | None = None  # a SQLite checkpoint file; None: no resume
    fresh: bool = False
    record_dir: Path | None = None
    env: str | None = None  # module:factory of a user's env; None: the embedded world
    break_speed: float = 1.0  # 1: the game's mining speed; GITM ran at 100
    start_time: int | str | None = None  # time of day at the start: ticks, "random" (by the seed), None: the task's
    decision_timeout_s: float | None = 60.0  # wall-clock seconds one planner or decomposer call may take


@dataclass
class MinecraftOutcome:
    record: dict
    resumed_from_action: int


def make_planner(name: str, backend: BackendOptions | None = None):
    """A built-in backend by name (rule, or a text model: mllm, http), or a user's factory by import
    path (module:factory)."""
    from agents.plugins import MINECRAFT_PLANNERS
    from agents.plugins import make_planner as make_family_planner

    return make_family_planner(name, MINECRAFT_PLANNERS, backend)


def make_env(path: str | None, render: bool = False):
    """The embedded world, or a user's env factory by import path (module:factory, called with no
    arguments)."""
    if path:
        from agents.plugins import MINECRAFT_ENV, make

        return make(path, "--env", MINECRAFT_ENV)
    from envs.minecraft.sim.env import EmbeddedMinecraft

    return EmbeddedMinecraft(render=render)


def make_knowledge() -> KnowledgeStore:
    """The knowledge documents in an in-memory FTS5 store, with embeddings too when
    $MLLM_PILOT_EMBEDDING_MODEL names a local sentence encoder."""
    from envs.minecraft.knowledge import knowledge_documents
    from envs.minecraft.sim.rules import rules
    from memory.embedding import encoder_from_environment

    store = KnowledgeStore(encoder=encoder_from_environment())
    store.add(knowledge_documents(rules()))
    return store


def start_time_of(task: MinecraftTaskSpec, options: MinecraftOptions) -> int:
    """The episode's time of day at the start: the option's ticks, one drawn from the seed ("random"),
    or the task's own."""
    if options.start_time is None:
        return task.start_time
    if options.start_time == "random":
        return random.Random(f"start-time/{options.seed}").randrange(24_000)
    return int(options.start_time)


def thread_id(task: MinecraftTaskSpec, options: MinecraftOptions, planner_name: str) -> str:
    return (f"{task.task_id}/{task.goal}x{task.count}/seed-{options.seed}/{planner_name}/steps-{task.max_steps}"
            f"/break-{options.break_speed:g}/time-{start_time_of(task, options)}")


def run_task(task: MinecraftTaskSpec, options: MinecraftOptions, on_event=None, planner=None, decomposer=None,
             env=None, graph=None) -> MinecraftOutcome:
    """Pursue one task. `planner`, `decomposer` and `env` replace the defaults (any objects with the
    protocols' methods); `graph` is an AgentGraph to run instead of the built-in one."""
    from envs.minecraft.sim.rules import rules
    from planners.minecraft.decomposer import KnowledgeGraphDecomposer

    planner = planner or make_planner(options.planner)
    decomposer = decomposer or KnowledgeGraphDecomposer(rules())
    if env is None:
        env = make_env(options.env, render=options.record_dir is not None)
    check_env(env)
    memory = PlanMemory(options.memory) if options.memory else PlanMemory()
    planner_name = getattr(planner, "name", options.planner)
    thread = thread_id(task, options, planner_name)
    connection, checkpointer = open_checkpointer(options.checkpoint) if options.checkpoint else (None, None)
    graph = build_minecraft_graph(checkpointer, graph)  # no file: no checkpoints at all (nothing to resume)
    config = {"configurable": {"thread_id": thread}, "recursion_limit": 1_000_000}
    saved = graph.get_state(config).values if checkpointer is not None else {}
    journal = ActionJournal(options.checkpoint, thread)
    resume = bool(saved) and not saved.get("done") and not options.fresh and saved.get("actions", 0) > 0 \
        and "last_action" in saved  # (a checkpoint of a version that kept the actions in the state starts over)
    if saved and not resume:
        checkpointer.delete_thread(thread)
        journal.clear()
    started = time.perf_counter()
    start_time = start_time_of(task, options)
    env.reset(MinecraftTask(task_id=task.task_id, seed=options.seed, goal=task.goal, max_steps=task.max_steps,
                            start_time=start_time, break_speed=options.break_speed))
    replayed = _replay(env, journal.actions(saved["actions"])) if resume else 0
    if resume:
        log.info("resuming %s from its checkpoint: replayed %d actions", thread, replayed)
    recorder = MinecraftRecorder(options.record_dir, f"{task.task_id}_seed{options.seed}", replayed,
                                 frames=getattr(env, "take_frames", None)) if options.record_dir else None
    resources = MinecraftResources(env=env, interface=ActionInterface(env), task=task, decomposer=decomposer,
                                   planner=planner, memory=memory, knowledge=make_knowledge(), recorder=recorder,
                                   on_event=on_event, decision_timeout_s=options.decision_timeout_s,
                                   journal=journal)
    interrupted = False
    state = dict(saved) if resume else initial_state(task.task_id, task.goal, task.count)
    try:
        durability = {"durability": "sync"} if checkpointer is not None else {}
        steps = graph.stream(None if resume else state, config, context=resources, stream_mode="values",
                             **durability)
        for count, values in enumerate(steps, start=1):
            state = values
            if connection is not None and count % PRUNE_EVERY == 0:
                prune_checkpoints(connection, thread)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if recorder is not None:
            recorder.close()
        memory.close()
    if connection is not None:
        state = graph.get_state(config).values  # what the checkpoint holds (the node cut off by Ctrl-C is not in)
        prune_checkpoints(connection, thread)
    observation = env.observe()
    success = held(observation.inventory, task.goal) >= task.count
    milestones = {name: state["milestones"].get(name) for name in task.milestones}
    record = {
        "task": task.task_id, "goal": task.goal, "count": task.count, "seed": options.seed, "planner": planner_name,
        "success": success, "steps": observation.step, "max_steps": task.max_steps,
        "planner_queries": state.get("planner_queries", 0), "actions": state.get("actions", 0),
        "repairs": state.get("repairs", 0), "fallbacks": state.get("fallbacks", 0),
        "invalid_actions": state.get("invalid_actions", 0), "milestones": milestones,
        "reason": "interrupted by the user" if interrupted else state.get("reason", ""),
        "tree": state.get("tree", ""), "action_log": journal.lines(state.get("actions", 0)),
        "inventory": observation.inventory, "wall_s": time.perf_counter() - started,
        "resumed_from_action": replayed, "interrupted": interrupted,
        "life": observation.life, "food": observation.food, "died": observation.life <= 0,
        "death_cause": getattr(env, "death_cause", None) if observation.life <= 0 else None,
        "break_speed": options.break_speed, "start_time": start_time,
        "perception": getattr(env, "perception", "unknown"),
    }
    env.close()
    journal.close()
    if connection is not None:
        connection.close()
    return MinecraftOutcome(record, replayed)


def _replay(env, executed: list[dict]) -> int:
    """Bring a fresh world of the same seed to where the cut-off run was (the world is deterministic)."""
    for index, raw in enumerate(executed):
        step = env.step(StructuredAction.model_validate(raw))
        if step.terminated or step.truncated:
            if index != len(executed) - 1:
                raise SimulatorError("the checkpoint does not replay on this world (it ended early); rerun with "
                                     "--fresh")
    return len(executed)
