"""DriveMLM's data engine: drive routes closed loop and record every decision as InternVL data.

    python -m agents.data drive --routes procedural:10 --out runs/data --workers 2
    python -m agents.data drive --routes town05_long --out runs/data_t5 --keep-majority 0.3
    python -m agents.data drive --routes procedural:4 --out runs/dagger --driver mllm --model runs/m --labeler rule

Each route is a Ray task (`--workers`, `--address` as the benchmark); its samples go to
shards/<route>.jsonl and images/<route>/, and a finished route is not driven again (resumable).
`stats.json` and `card.html` describe what was recorded. The expert (`--planner`, default the rule
planner) drives and labels; with `--driver` a learned planner drives and `--labeler` labels what
it should have done (DAgger).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from agents.plugins import add_planner_arguments, add_route_arguments, add_traffic_arguments
from envs.cli import ArgumentParser, count, positive_seconds, run_command, seed


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m agents.data", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser)
    drive = commands.add_parser("drive", help="record driving samples: expert decisions with explanations")
    add_route_arguments(drive)
    drive.add_argument("--out", required=True, help="the data folder (shards/, images/, stats.json, card.html)")
    add_planner_arguments(drive, ray_flag=False)
    drive.add_argument("--driver", metavar="PLANNER",
                       help="DAgger: this planner drives (rule, mllm, http or module:factory; its backend flags "
                            "as for --planner) and --labeler labels")
    drive.add_argument("--labeler", default=None, metavar="PLANNER",
                       help="DAgger: the expert whose decisions are recorded (default: rule, with --driver)")
    drive.add_argument("--keep-majority", type=_fraction, default=1.0, metavar="F",
                       help="keep this fraction of KEEP/FOLLOW_LANE samples, the decision most ticks get "
                            "(seeded; 1 keeps all)")
    drive.add_argument("--workers", type=count(256, 1), default=2, help="parallel routes (Ray tasks)")
    drive.add_argument("--address", help="an existing Ray cluster (HOST:PORT); default: a local one")
    drive.add_argument("--seed", type=seed, default=0, help="traffic seed, and the procedural routes'")
    add_traffic_arguments(drive)
    drive.add_argument("--decision-period", type=positive_seconds, default=0.5, help="seconds between decisions")
    drive.add_argument("--max-time", type=positive_seconds, metavar="S",
                       help="stop each route after S simulated seconds (a smoke run)")
    drive.add_argument("--json", action="store_true", help="print the dataset statistics as JSON on the last line")
    return parser


def _fraction(text: str) -> float:
    value = positive_seconds(text)
    if value > 1.0:
        raise argparse.ArgumentTypeError(f"{text}: expected a fraction in (0, 1]")
    return value


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from agents.bench.parallel import run_jobs
    from agents.bench.routes import resolve_routes
    from agents.data.card import write_card
    from agents.data.worker import record_route
    from agents.plugins import DRIVING_PLANNERS, check_planner, check_traffic_arguments
    from envs.errors import UserInputError
    from envs.paths import check_output_dir
    from planners.backends import TEXT_BACKENDS, backend_options

    console = Console(stderr=True)
    backend = backend_options(args)
    driver = args.driver or args.planner
    labeler = (args.labeler or "rule") if args.driver else args.labeler
    if labeler is not None and not args.driver:
        raise UserInputError("--labeler labels what --driver drives: give --driver too (or leave both out)")
    check_planner(driver, backend, DRIVING_PLANNERS)
    if labeler is not None:
        check_planner(labeler, backend, DRIVING_PLANNERS)
    check_traffic_arguments(args)
    out = check_output_dir(args.out, "--out")
    route_set = resolve_routes(args.routes, args.town, args.xodr, args.seed)
    options = {"planner": driver, "seed": args.seed, "traffic": args.traffic, "vehicles": args.vehicles,
               "pedestrians": args.pedestrians, "scenarios": args.scenarios or "default",
               "control_loss_noise": args.control_loss_noise, "decision_period_s": args.decision_period,
               "max_time_s": args.max_time, "decision_timeout_s": args.decision_timeout, "checkpoint": None}
    if driver in TEXT_BACKENDS:
        options["backend"] = backend.to_dict()
    collect = {"labeler": labeler, "keep_majority": args.keep_majority}
    settings = {"routes": route_set.name, "routes_digest": route_set.digest(), "town": route_set.town,
                "xodr": route_set.xodr, **{k: v for k, v in options.items() if k != "backend"}, **collect}
    _check_settings(out / "settings.json", settings)
    done = {route.id for route in route_set.routes if (out / "shards" / f"{route.id}.jsonl").is_file()}
    pending = [(i, r) for i, r in enumerate(route_set.routes) if r.id not in done]
    total = len(route_set.routes)
    console.print(f"{total} routes ({route_set.name}), {len(done)} already recorded, {args.workers} workers -> {out}")
    started = time.perf_counter()
    interrupted = False
    failures: list[str] = []
    if pending:
        def keep(key: str, record: dict, out_console) -> None:
            out_console.print(f"{key}: {record['samples']} samples ({record['decisions']:.0f} decisions, DS "
                              f"{record['driving_score']:.1f}, {record['wall_s']:.0f} s)")

        def failed(key: str, error: BaseException, out_console) -> None:
            failures.append(key)

        jobs = {f"route {r.id}": (i, r.model_dump(), route_set.town, route_set.xodr, options, str(out), collect)
                for i, r in pending}
        interrupted = run_jobs(record_route, jobs, "routes", total, console, args.json, args.address, args.workers,
                               keep, on_failure=failed)
    if interrupted:
        console.print("interrupted: the finished routes are kept; run the same command again to go on")
        return 130
    if failures:
        print(f"error: {len(failures)} of {total} routes failed and are not in the data ({', '.join(failures)}); run "
              "the same command again to retry them", file=sys.stderr)
        if len(failures) == len(pending) and not done:
            return 1  # nothing recorded: no card to write
    stats = write_card(out)
    console.print(f"{stats['samples']} samples in {len(stats['route'])} routes ({time.perf_counter() - started:.0f} s)"
                  f"; speed {stats['speed']}; path {stats['path']} -> {out / 'stats.json'}, {out / 'card.html'}")
    if args.json:
        print(json.dumps(stats))
    return 1 if failures else 0


def _check_settings(path, settings: dict) -> None:
    """A data folder holds one recording: more routes with other settings would mix two datasets."""
    from envs.errors import UserInputError

    if path.is_file():
        try:
            previous = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise UserInputError(f"{path}: not valid JSON ({error}); move the folder away to start over") from error
        if previous != settings:
            raise UserInputError(f"{path.parent} holds data recorded with other settings ({previous}); use another "
                                 "--out")
        return
    path.write_text(json.dumps(settings, indent=1))


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
