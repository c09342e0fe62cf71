"""Plug-ins by import path: `module:attribute` names a user's planner factory, env factory or task
in their own package, so it plugs into agents.drive, agents.minecraft and agents.bench without
editing ours. A path that does not resolve, or an object without a protocol's methods, is one
clear error (exit code 2 from the CLIs)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from envs.errors import UserInputError

DRIVING_PLANNER = ("decide",)
MINECRAFT_PLANNER = ("decide",)
DRIVING_ENV = ("reset", "step", "close", "episode_result")
MINECRAFT_ENV = ("reset", "step", "observe", "close")


PLANNER_INPUTS = ("images", "images+scene")


def add_planner_arguments(parser, ray_flag: bool = True) -> None:
    """--planner and its backend flags: the same on every CLI that runs a planner."""
    from envs.cli import count, positive_seconds

    parser.add_argument("--planner", default="rule",
                        help="planner backend: rule, mllm (a local InternVL: --model PATH), http (an "
                             "OpenAI-compatible server: --endpoint, --model NAME), or module:factory (your planner)")
    parser.add_argument("--endpoint", help="the server for --planner http, e.g. http://127.0.0.1:23333")
    parser.add_argument("--model", help="--planner mllm: a local InternVL directory; --planner http: the served "
                                        "model's name")
    parser.add_argument("--api-key", help="--planner http: the server's API key (default: $OPENAI_API_KEY)")
    parser.add_argument("--device", default="auto", help="--planner mllm: auto, cpu, cuda or cuda:N (bf16 on GPU)")
    parser.add_argument("--max-tiles", type=count(40, 1), default=6,
                        help="--planner mllm: tiles per image at most (default 6)")
    parser.add_argument("--planner-inputs", choices=PLANNER_INPUTS, default="images+scene",
                        help="driving, --planner mllm/http: what the planner is given: images (the camera, the BEV, "
                             "ego speed and route command) or images+scene (plus the scene description from "
                             "privileged truth)")
    parser.add_argument("--decision-timeout", type=positive_seconds, default=60.0, metavar="S",
                        help="wall-clock seconds a planner may take for one decision or plan; then the fallback, "
                             "counted")
    if ray_flag:
        parser.add_argument("--ray-planner", action="store_true",
                            help="--planner mllm: host the model in a Ray actor (as the benchmarks do)")


@dataclass(frozen=True)
class PlannerFamily:
    """A domain's planners: the protocol's methods, and its rule and text-model backends as
    module:class paths (imported only when chosen)."""

    methods: tuple[str, ...]
    rule: str
    text: str

    @property
    def names(self) -> tuple[str, ...]:
        from planners.backends import TEXT_BACKENDS

        return ("rule", *TEXT_BACKENDS)

    def unknown(self, name: str) -> UserInputError:
        return UserInputError(f"unknown planner {name!r}; available: {', '.join(self.names)}, or module:factory")


DRIVING_PLANNERS = PlannerFamily(DRIVING_PLANNER, "planners.driving.rule_planner:RuleBasedPlanner",
                                 "planners.driving.llm_planner:LLMDrivingPlanner")
MINECRAFT_PLANNERS = PlannerFamily(MINECRAFT_PLANNER, "planners.minecraft.rule_planner:RuleBasedActionPlanner",
                                   "planners.minecraft.llm:LLMActionPlanner")


def make_planner(name: str, family: PlannerFamily, backend=None):
    """A built-in backend by name (rule, or a text model: mllm, http), or a user's factory by import
    path (module:factory)."""
    from planners.backends import TEXT_BACKENDS, BackendOptions, text_model

    if is_import_path(name):
        return make(name, "--planner", family.methods)
    if name in TEXT_BACKENDS:
        backend = backend or BackendOptions()
        planner = load(family.text, "--planner")(text_model(name, backend))
        if hasattr(planner, "inputs"):  # the driving planner: what it is given (camera and BEV, scene or not)
            planner.inputs = backend.planner_inputs
        return planner
    if name == "rule":
        return load(family.rule, "--planner")()
    raise family.unknown(name)


def add_run_arguments(parser, episode: str, same_run: str) -> None:
    """--record, --checkpoint, --fresh, --mermaid, --json: the same on both agents' CLIs."""
    parser.add_argument("--record", metavar="DIR", help=f"write an mp4 and a JSONL log of the {episode} here")
    parser.add_argument("--checkpoint", metavar="FILE",
                        help=f"SQLite checkpoint file (default: in the mllm-pilot cache); a cut-off run of the same "
                             f"{same_run} resumes from its last checkpoint")
    parser.add_argument("--fresh", action="store_true", help="start over even if an unfinished checkpoint exists")
    parser.add_argument("--mermaid", action="store_true", help="print the agent graph as Mermaid and exit")
    parser.add_argument("--json", action="store_true", help=f"print the {episode} result as JSON on the last line")


def add_world_arguments(parser) -> None:
    """--break-speed and --start-time: the Minecraft world's settings, the same on the agent and the
    benchmark (and stated in their results)."""
    parser.add_argument("--break-speed", type=float, default=1.0,
                        help="mining speed multiplier: 1 is the game's, GITM ran at 100")
    parser.add_argument("--start-time", default=None, metavar="TICKS|random",
                        help="time of day at the start in ticks (0 dawn, 13000 dusk), or random (drawn from the "
                             "seed); default: the task's (0)")


def world_options(args) -> dict:
    """The checked --break-speed and --start-time as MinecraftOptions fields."""
    from envs.errors import UserInputError

    if not 1.0 <= args.break_speed <= 1000.0:
        raise UserInputError(f"--break-speed {args.break_speed:g}: give a multiplier from 1 (the game) to 1000")
    start_time = args.start_time
    if start_time is not None and start_time != "random":
        try:
            start_time = int(start_time)
        except ValueError:
            raise UserInputError(f"--start-time {start_time!r}: give ticks (0-23999) or random") from None
        if not 0 <= start_time < 24_000:
            raise UserInputError(f"--start-time {start_time}: a time of day is 0-23999 ticks")
    return {"break_speed": args.break_speed, "start_time": start_time}


def add_route_arguments(parser) -> None:
    """--routes, --town, --xodr: a set of routes on a map, the same on the benchmark and the data engine."""
    parser.add_argument("--routes", required=True,
                        help="town05_long | procedural:N | a Leaderboard route FILE | module:object (your routes)")
    parser.add_argument("--town", default=None, help="town for procedural routes or a route file (default Town05)")
    parser.add_argument("--xodr", help="OpenDRIVE map file")


def add_traffic_arguments(parser) -> None:
    """--traffic, --vehicles, --pedestrians, --scenarios, --control-loss-noise: the same on the driving
    agent and the driving benchmark."""
    from envs.cli import count

    parser.add_argument("--traffic", default="lb1", choices=("lb1", "light"),
                        help="background traffic: lb1 (the Leaderboard 1.0 route scenario's: 120 vehicles on Town05, "
                             "scaled by lane length on other maps, no pedestrians) or light (60 vehicles, 40 "
                             "pedestrians); default lb1")
    parser.add_argument("--vehicles", type=count(2000), help="background vehicles (default: the traffic profile's)")
    parser.add_argument("--pedestrians", type=count(2000), help="pedestrians (default: the traffic profile's)")
    parser.add_argument("--scenarios", metavar="FILE|none",
                        help="a Leaderboard 1.0 scenario file whose triggers the routes play, or none (default: the "
                             "town's: the public file for Town05, a generated one for procedural towns)")
    parser.add_argument("--control-loss-noise", action="store_true",
                        help="apply Scenario1's steering noise (Leaderboard 1.0 never did; default off)")


def check_traffic_arguments(args) -> None:
    from envs.errors import UserInputError

    for name in ("vehicles", "pedestrians"):
        value = getattr(args, name)
        if value is not None and value < 0:
            raise UserInputError(f"--{name} must not be negative")


def console_with_logging():
    """A rich console on stderr, with the log written through it (so log lines and progress bars
    do not tear each other)."""
    import logging

    from rich.console import Console
    from rich.logging import RichHandler

    console = Console(stderr=True)
    logging.basicConfig(level=logging.INFO, format="%(message)s", handlers=[RichHandler(console=console,
                                                                                        show_path=False)])
    return console


def check_planner(name: str, options, family: PlannerFamily) -> None:
    """Fail on a wrong --planner and its flags before anything heavy starts, loading no model."""
    from planners.backends import TEXT_BACKENDS, check_backend

    if is_import_path(name):
        make(name, "--planner", family.methods)
    elif name in TEXT_BACKENDS:
        check_backend(name, options)
    elif name not in family.names:
        raise family.unknown(name)


def is_import_path(text: str | None) -> bool:
    return bool(text) and ":" in text


def load(path: str, what: str) -> Any:
    """The object at `module:attribute` (attributes may be dotted)."""
    module_name, _, attribute = path.partition(":")
    if not module_name or not attribute:
        raise UserInputError(f"{what} {path!r}: expected module:attribute, e.g. my_package.planners:make")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as error:
        raise UserInputError(f"{what} {path!r}: cannot import {module_name} ({error})") from error
    except SyntaxError as error:
        raise UserInputError(f"{what} {path!r}: {module_name} has a syntax error ({error.filename}, line "
                             f"{error.lineno}: {error.msg})") from error
    except Exception as error:  # the module itself raised while importing: its own bug, said in one line
        raise UserInputError(f"{what} {path!r}: importing {module_name} raised {type(error).__name__}: "
                             f"{error}") from error
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise UserInputError(f"{what} {path!r}: {module_name} has no {attribute}")
        target = getattr(target, part)
    return target


def require(obj: Any, methods: tuple[str, ...], what: str, path: str) -> Any:
    missing = [name for name in methods if not callable(getattr(obj, name, None))]
    if missing:
        raise UserInputError(f"{what} {path!r} gives a {type(obj).__name__} without the method "
                             f"{', '.join(missing)} that the protocol needs")
    return obj


def make(path: str, what: str, methods: tuple[str, ...], *args) -> Any:
    """Load a factory (a class or a function) and call it; the result must have the methods."""
    factory = load(path, what)
    if not callable(factory):
        raise UserInputError(f"{what} {path!r}: {type(factory).__name__} is not a factory to call")
    try:
        made = factory(*args)
    except TypeError as error:
        raise UserInputError(f"{what} {path!r}: calling it failed ({error})") from error
    made = require(made, methods, what, path)
    if not getattr(made, "name", None):
        try:
            made.name = path
        except AttributeError:
            pass
    return made


def load_models(path: str, what: str, model, noun: str) -> list:
    """The object at `path`: a `model` instance, a list of them (or of their dicts), or a function
    returning either, validated into a list of `model`."""
    from pydantic import ValidationError

    value = load(path, what)
    if callable(value) and not isinstance(value, model):
        value = value()
    items = value if isinstance(value, list | tuple) else [value]
    try:
        return [item if isinstance(item, model) else model.model_validate(item) for item in items]
    except ValidationError as error:
        raise UserInputError(f"{what} {path!r}: not {noun} ({error.errors()[0]['msg']})") from error


def load_tasks(path: str) -> list:
    """A task object: a MinecraftTaskSpec, a list of them, or a function returning either."""
    from scenarios.minecraft.tasks import MinecraftTaskSpec

    return load_models(path, "--task", MinecraftTaskSpec, "a Minecraft task")


def resolve_task_argument(name: str, max_steps: int) -> list:
    """--task: obtain_diamond | tech_tree | an item | module:object (a user's task or task list)."""
    from scenarios.minecraft.tasks import resolve_tasks

    return load_tasks(name) if is_import_path(name) else resolve_tasks(name, max_steps)


def load_routes(path: str) -> list:
    """A route object: a RouteDefinition, a list of them, or a function returning either."""
    from scenarios.routes import RouteDefinition

    routes = load_models(path, "--routes", RouteDefinition, "a route")
    if not routes:
        raise UserInputError(f"--routes {path!r}: no routes in it")
    return routes


def driving_env_factory(path: str | None):
    """--env module:factory for driving: a factory (road_map, sim_config) -> env, checked on use."""
    if not path:
        return None
    load(path, "--env")  # a path that does not resolve fails now
    return lambda road_map, config: make(path, "--env", DRIVING_ENV, road_map, config)
