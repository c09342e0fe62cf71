"""DriveMLM's pipeline end to end on this machine: collect expert data on procedural routes, train a
small InternVL from scratch on it, evaluate it open loop, then drive procedural routes it was not
trained on with the learned planner and with the rule planner in the same run.

    python benchmarks/learned_planner.py --quick --json
    python benchmarks/learned_planner.py --train-routes 10 --eval-routes 10 --epochs 8 --inputs images

Each stage is the project's own command (agents.data drive, planners.mllm.tiny's builder,
planners.train, planners.evaluate, agents.bench drive), run as a subprocess, so the figures are
what a user of those commands gets. The held-out routes are procedural routes of another seed.
The last line of --json has params, train_samples, train_s, decision_accuracy,
driving_score_learned, driving_score_rule, parse_failures and planner_inputs; report.html shows
the training curve and both driving scores.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from envs.cli import ArgumentParser, count, positive_seconds, run_command, seed  # noqa: E402

QUICK = {"train_routes": 2, "eval_routes": 2, "max_time": 40.0, "epochs": 3, "text_width": 128, "text_depth": 2,
         "vision_width": 32, "vision_depth": 2}


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="benchmarks/learned_planner.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few minutes: 2 + 2 short routes, a small model")
    parser.add_argument("--out", default="runs/learned_planner", help="folder for data, models, results, report")
    parser.add_argument("--train-routes", type=count(1000, 1), default=10, help="procedural routes recorded")
    parser.add_argument("--eval-routes", type=count(1000, 1), default=10, help="held-out procedural routes driven")
    parser.add_argument("--max-time", type=positive_seconds, metavar="S",
                        help="simulated seconds per route (default: whole routes)")
    parser.add_argument("--epochs", type=count(1000, 1), default=8, help="training epochs")
    parser.add_argument("--batch", type=count(256, 1), default=8, help="training batch")
    parser.add_argument("--lr", type=positive_seconds, default=2e-3, help="learning rate (from scratch)")
    parser.add_argument("--keep-majority", type=positive_seconds, default=0.3,
                        help="share of KEEP/FOLLOW_LANE samples kept")
    parser.add_argument("--inputs", choices=("images", "images+scene"), default="images+scene",
                        help="what the planner is given")
    parser.add_argument("--vision-width", type=int, default=64)
    parser.add_argument("--vision-depth", type=int, default=2)
    parser.add_argument("--text-width", type=int, default=256)
    parser.add_argument("--text-depth", type=int, default=4)
    parser.add_argument("--vocab", type=int, default=2000, help="tokenizer vocabulary, trained on the recorded texts")
    parser.add_argument("--workers", type=count(64, 1), default=2, help="parallel routes")
    parser.add_argument("--seed", type=seed, default=0, help="the training routes' seed (held-out: seed + 1000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    return parser


def _step(name: str, command: list[str]) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *command], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    print(f"{name}: exit {done.returncode} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{name} failed:\n{done.stderr[-2000:]}")
    return done


def _last_json(done: subprocess.CompletedProcess) -> dict:
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args: argparse.Namespace) -> int:
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    time_limit = ["--max-time", str(args.max_time)] if args.max_time else []
    data = out / "data"
    _step("data", ["-m", "agents.data", "drive", "--routes", f"procedural:{args.train_routes}", "--seed",
                   str(args.seed), "--out", str(data), "--workers", str(args.workers), "--keep-majority",
                   str(args.keep_majority), *time_limit])
    scratch = out / "model_scratch"
    if not (scratch / "config.json").is_file():
        _step("model", ["-m", "planners.mllm.tiny", str(scratch), "--no-teach", "--vision-width",
                        str(args.vision_width), "--vision-depth", str(args.vision_depth), "--text-width",
                        str(args.text_width), "--text-depth", str(args.text_depth), "--seed", str(args.seed),
                        "--corpus", str(data), "--vocab", str(args.vocab)])
    model = out / "model"
    started = time.perf_counter()
    _step("train", ["-m", "planners.train", "--data", str(data), "--model", str(scratch), "--out", str(model),
                    "--epochs", str(args.epochs), "--batch", str(args.batch), "--lr", str(args.lr), "--inputs",
                    args.inputs, "--seed", str(args.seed)])
    train_s = time.perf_counter() - started
    evaluation = _last_json(_step("evaluate", ["-m", "planners.evaluate", "--model", str(model), "--data",
                                               str(data), "--inputs", args.inputs, "--json"]))
    held_out = ["--routes", f"procedural:{args.eval_routes}", "--seed", str(args.seed + 1000), "--workers",
                str(args.workers), *time_limit, "--json"]
    learned = _last_json(_step("drive learned", ["-m", "agents.bench", "drive", *held_out, "--planner", "mllm",
                                                 "--model", str(model), "--planner-inputs", args.inputs, "--out",
                                                 str(out / "bench_learned")]))
    rule = _last_json(_step("drive rule", ["-m", "agents.bench", "drive", *held_out, "--planner", "rule", "--out",
                                           str(out / "bench_rule")]))
    import safetensors.torch

    params = sum(t.numel() for t in safetensors.torch.load_file(model / "model.safetensors").values())
    stats = json.loads((data / "stats.json").read_text())
    figures = {"params": params, "train_samples": stats["samples"], "train_s": round(train_s, 1),
               "decision_accuracy": evaluation["decision_accuracy"], "speed_accuracy": evaluation["speed_accuracy"],
               "path_accuracy": evaluation["path_accuracy"], "validation_samples": evaluation["samples"],
               "bleu4": evaluation["bleu4"], "rouge_l": evaluation["rouge_l"],
               "driving_score_learned": learned["driving_score"], "driving_score_rule": rule["driving_score"],
               "ds_ratio": learned["driving_score"] / rule["driving_score"] if rule["driving_score"] else None,
               "parse_failures": evaluation["parse_failures"], "planner_fallbacks_closed_loop":
                   learned.get("planner_fallbacks"), "planner_inputs": args.inputs, "quick": args.quick}
    (out / "results.json").write_text(json.dumps(figures, indent=1))
    _report(out / "report.html", figures, json.loads((model / "training_log.json").read_text()))
    print(f"report: {out / 'report.html'}", file=sys.stderr)
    if args.json:
        print(json.dumps(figures))
    return 0


def _report(path: Path, figures: dict, log: list[dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (curve, bars) = plt.subplots(1, 2, figsize=(10, 3.5))
    epochs = [entry["epoch"] for entry in log]
    curve.plot(epochs, [entry["train_loss"] for entry in log], marker="o", label="training (last batch)")
    curve.plot(epochs, [entry["validation_loss"] or 0.0 for entry in log], marker="o", label="validation")
    curve.set_xlabel("epoch")
    curve.set_ylabel("answer loss")
    curve.legend()
    bars.bar(["learned", "rule"], [figures["driving_score_learned"], figures["driving_score_rule"]],
             color=["#4878a8", "#999999"])
    bars.set_ylabel("driving score (held-out routes)")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    picture = base64.b64encode(buffer.getvalue()).decode()
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>learned planner</title></head><body>"
                    f"<h1>A planner trained here</h1><img src='data:image/png;base64,{picture}'>"
                    f"<pre>{json.dumps(figures, indent=1)}</pre></body></html>")


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
