"""Evaluate a driving MLLM open loop, as DriveMLM does: decisions and explanations on held-out samples.

    python -m planners.evaluate --model runs/trained --data runs/data [--split validation|all] [--json]

The held-out samples are the training run's validation split (the same hash of the sample id and
share, --validation). For each, the model answers the planner's prompt greedily; the answer is read
like the planner reads it (strict JSON, else repaired, else a parse failure), decoded under the
decision's JSON schema as the planner decodes it (`--free`: without). Reported: decision
accuracy per head (speed, path) and for both, a confusion matrix per head (expected -> answered,
"unparsed" for a failure), parse failures, and the explanations' BLEU-4 (sacrebleu) and ROUGE-L F1
(rouge-score) against the expert's. Closed loop is `agents.bench drive --planner mllm --model DIR`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from envs.cli import ArgumentParser, count, run_command

UNPARSED = "unparsed"


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="python -m planners.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="an InternVL directory in the transformers layout")
    parser.add_argument("--data", required=True, help="a data folder of agents.data")
    parser.add_argument("--split", choices=("validation", "all"), default="validation",
                        help="the held-out samples (as planners.train splits them), or every sample")
    parser.add_argument("--validation", type=float, default=0.1, help="the held-out share the training used")
    parser.add_argument("--inputs", choices=("images", "images+scene"), default="images+scene",
                        help="the prompt the model was trained on")
    parser.add_argument("--limit", type=count(10**9, 1), help="evaluate at most this many samples")
    parser.add_argument("--batch", type=count(256, 1), default=8, help="answers decoded together")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    parser.add_argument("--max-tiles", type=count(40, 1), default=1, help="tiles per image at most")
    parser.add_argument("--max-new-tokens", type=count(4096, 1), default=128, help="answer budget in tokens")
    parser.add_argument("--free", action="store_true",
                        help="decode freely instead of under the decision's schema (the planner decodes under it)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    return parser


def score(expected: list[dict], answered: list[str]) -> dict:
    """The figures for answers against the expert's decisions ({"speed", "path", "explanation"})."""
    from planners.driving.parser import ParseStatus, parse_decision

    speed_confusion: dict[str, Counter] = {}
    path_confusion: dict[str, Counter] = {}
    right = {"speed": 0, "path": 0, "both": 0}
    failures = repairs = 0
    hypotheses, references = [], []
    for truth, text in zip(expected, answered):
        outcome = parse_decision(text)
        if outcome.status == ParseStatus.FALLBACK:
            failures += 1
            speed, path, explanation = UNPARSED, UNPARSED, ""
        else:
            repairs += outcome.status == ParseStatus.REPAIRED
            decision = outcome.decision
            speed, path, explanation = decision.speed.value, decision.path.value, decision.explanation
        speed_confusion.setdefault(truth["speed"], Counter())[speed] += 1
        path_confusion.setdefault(truth["path"], Counter())[path] += 1
        right["speed"] += speed == truth["speed"]
        right["path"] += path == truth["path"]
        right["both"] += speed == truth["speed"] and path == truth["path"]
        hypotheses.append(explanation)
        references.append(truth["explanation"])
    n = max(len(expected), 1)
    return {"samples": len(expected), "speed_accuracy": right["speed"] / n, "path_accuracy": right["path"] / n,
            "decision_accuracy": right["both"] / n, "parse_failures": failures, "repairs": repairs,
            "speed_confusion": {k: dict(v) for k, v in sorted(speed_confusion.items())},
            "path_confusion": {k: dict(v) for k, v in sorted(path_confusion.items())},
            **explanation_scores(hypotheses, references)}


def explanation_scores(hypotheses: list[str], references: list[str]) -> dict:
    import sacrebleu
    from rouge_score import rouge_scorer

    if not hypotheses:
        return {"bleu4": 0.0, "rouge_l": 0.0}
    bleu = sacrebleu.corpus_bleu(hypotheses, [references]).score / 100.0  # 4-gram BLEU, as a fraction
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    rouge = sum(scorer.score(ref, hyp)["rougeL"].fmeasure for hyp, ref in zip(hypotheses, references))
    return {"bleu4": bleu, "rouge_l": rouge / len(hypotheses)}


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from envs.errors import UserInputError
    from planners.mllm.chat_model import ChatRequest, InternVLChatModel
    from planners.mllm.model_dir import inspect_model_dir
    from planners.sft_data import read_sft_samples, split

    if not 0.0 <= args.validation < 1.0:
        raise UserInputError(f"--validation {args.validation}: a share in [0, 1)")
    inspect_model_dir(args.model)
    samples = read_sft_samples(args.data, args.inputs)
    samples = split(samples, args.validation)[1] if args.split == "validation" else samples
    samples = samples[:args.limit] if args.limit else samples
    if not samples:
        raise UserInputError(f"--data {args.data}: no {args.split} samples to evaluate (try --split all)")
    expected = []
    for sample in samples:
        try:
            truth = json.loads(sample.answer)
            expected.append({"speed": str(truth["speed"]), "path": str(truth["path"]),
                             "explanation": str(truth.get("explanation", ""))})
        except (ValueError, KeyError, TypeError) as error:
            raise UserInputError(f"--data {args.data}: sample {sample.id!r} has no decision answer ({error})") \
                from error
    console = Console(stderr=True)
    model = InternVLChatModel.load(args.model, device=args.device, max_new_tokens=args.max_new_tokens,
                                   max_tiles=args.max_tiles)
    from planners.driving.llm_planner import DECISION_SCHEMA

    schema = None if args.free else DECISION_SCHEMA
    answered: list[str] = []
    columns = (TextColumn("[bold]evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=args.json) as progress:
        bar = progress.add_task("evaluate", total=len(samples))
        for start in range(0, len(samples), args.batch):
            chunk = samples[start:start + args.batch]
            requests = [ChatRequest(s.messages(), s.load_images(), schema=schema) for s in chunk]  # as trained
            answered += [result.text for result in model.generate(requests)]
            progress.advance(bar, len(chunk))
    figures = {"model": args.model, "split": args.split, "inputs": args.inputs, "constrained": not args.free,
               **score(expected, answered)}
    console.print(f"{figures['samples']} samples: decision accuracy {figures['decision_accuracy']:.3f} (speed "
                  f"{figures['speed_accuracy']:.3f}, path {figures['path_accuracy']:.3f}), parse failures "
                  f"{figures['parse_failures']}, BLEU-4 {figures['bleu4']:.3f}, ROUGE-L {figures['rouge_l']:.3f}")
    for head in ("speed", "path"):
        console.print(f"{head} (expected -> answered): {figures[f'{head}_confusion']}")
    if args.json:
        print(json.dumps(figures))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run_command(run, build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
