"""DCNv4 speed: the project's kernels against the grid_sample reference, in the same run.

On CUDA: Triton forward and backward vs the PyTorch reference (and vs OpenGVLab's CUDA
extension `DCNv4` when it is installed), and FlashInternImage-T images/s at 224 and 896 px
(bf16). On CPU: the compiled CPU path vs the reference, and FlashInternImage-T at 224 px.
Shapes are FlashInternImage-T's stages (3x3 kernel, 16 channels per group).

    python benchmarks/dcnv4.py [--batch 2] [--repeats 10] [--out runs/bench_dcnv4] [--json]
"""

from __future__ import annotations

import argparse
import html
import json
import math
import sys
import time
from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

from envs.cli import ArgumentParser, run_command

STAGES = {"stage 1 (56x56, 4 groups)": (56, 4), "stage 2 (28x28, 8 groups)": (28, 8),
          "stage 3 (14x14, 16 groups)": (14, 16)}


def timed(function, repeats: int, device: torch.device) -> float:
    """Median seconds of `function()` over repeats, after one warm-up call."""
    function()
    times = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        started = time.perf_counter()
        function()
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def stage_inputs(batch: int, size: int, groups: int, device: torch.device, dtype: torch.dtype):
    width = math.ceil(groups * 9 * 3 / 8) * 8
    generator = torch.Generator().manual_seed(size)
    value = torch.randn(batch, size, size, groups * 16, generator=generator).to(device, dtype)
    offset_mask = torch.randn(batch, size, size, width, generator=generator).to(device, dtype)
    return value, offset_mask, dict(kernel_size=3, stride=1, padding=1, dilation=1, group=groups, group_channels=16,
                                    offset_scale=1.0)


def official_forward():
    """OpenGVLab's CUDA extension, when installed: (value, offset_mask, settings) -> output."""
    try:
        from DCNv4.functions import DCNv4Function
    except ImportError:
        return None

    def run(value, offset_mask, s):
        return DCNv4Function.apply(value, offset_mask, 3, 3, 1, 1, 1, 1, 1, 1, s["group"], s["group_channels"],
                                   s["offset_scale"], 256, 0)

    return run


def measure_stage(size: int, groups: int, device: torch.device, batch: int, repeats: int, official) -> dict:
    from kernels.dcnv4 import dcnv4, dcnv4_reference_op

    dtype = torch.float16 if device.type == "cuda" else torch.float32
    value, offset_mask, settings = stage_inputs(batch, size, groups, device, dtype)
    value_g, offset_g = value.clone().requires_grad_(), offset_mask.clone().requires_grad_()
    row = {}
    for label, op in (("ours", dcnv4), ("reference", dcnv4_reference_op)):
        grad = torch.randn_like(op(value, offset_mask, **settings))
        forward = timed(lambda op=op: op(value, offset_mask, **settings), repeats, device)
        both = timed(lambda op=op, grad=grad: torch.autograd.grad(op(value_g, offset_g, **settings),
                                                                 (value_g, offset_g), grad), repeats, device)
        row[f"{label}_forward_s"] = forward
        row[f"{label}_backward_s"] = max(both - forward, 1e-9)
    if official is not None:
        row["official_forward_s"] = timed(lambda: official(value, offset_mask, settings), repeats, device)
    return row


def measure_operator(device: torch.device, batch: int, repeats: int) -> dict:
    official = official_forward() if device.type == "cuda" else None
    return {name: measure_stage(size, groups, device, batch, repeats, official)
            for name, (size, groups) in STAGES.items()}


def images_per_second(device: torch.device, size: int, batch: int, repeats: int) -> float:
    from perception.flash_internimage import flash_internimage

    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    model = flash_internimage("t").eval().to(device, dtype)
    images = torch.randn(batch, 3, size, size, device=device, dtype=dtype)
    with torch.inference_mode():
        seconds = timed(lambda: model(images), repeats, device)
    return batch / seconds


def summary(rows: dict, device: torch.device, throughput: dict) -> dict:
    total = {key: sum(r[key] for r in rows.values()) for key in next(iter(rows.values()))}
    figures = {"device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
               "forward_speedup_vs_reference": round(total["reference_forward_s"] / total["ours_forward_s"], 3),
               "backward_speedup_vs_reference": round(total["reference_backward_s"] / total["ours_backward_s"], 3)}
    if "official_forward_s" in total:
        figures["forward_ratio_vs_official"] = round(total["ours_forward_s"] / total["official_forward_s"], 3)
    figures.update({f"flash_internimage_t_images_per_s_{size}": round(value, 2) for size, value in throughput.items()})
    return figures


def write_report(path: Path, rows: dict, figures: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from agents.bench.report import figure_png, html_page

    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    names = list(rows)
    for axis, phase in zip(axes, ("forward", "backward")):
        series = [key for key in ("ours", "reference", "official") if f"{key}_{phase}_s" in rows[names[0]]]
        for k, key in enumerate(series):
            axis.bar(np.arange(len(names)) + 0.25 * k, [rows[n][f"{key}_{phase}_s"] * 1000 for n in names], 0.25,
                     label=key)
        axis.set_xticks(np.arange(len(names)) + 0.25, [n.split(" (")[0] for n in names])
        axis.set_ylabel("ms")
        axis.set_title(f"DCNv4 {phase}")
        axis.legend()
    png = figure_png(figure)
    plt.close(figure)
    table = "".join(f"<tr><td>{html.escape(n)}</td>" + "".join(f"<td>{v * 1000:.2f}</td>" for v in r.values())
                    + "</tr>" for n, r in rows.items())
    head = "".join(f"<th>{html.escape(k.replace('_s', ' (ms)'))}</th>" for k in next(iter(rows.values())))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_page(f"DCNv4 benchmark ({figures['device']})", f"""<img src="data:image/png;base64,{png}">
<table><tr><th>shape</th>{head}</tr>{table}</table><pre>{html.escape(json.dumps(figures, indent=2))}</pre>"""))


def benchmark(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.batch < 1 or args.repeats < 1:
        from envs.errors import UserInputError

        raise UserInputError("--batch and --repeats must be at least 1")
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    console.print(f"device: {device}")
    rows = measure_operator(device, args.batch, args.repeats)
    sizes = (224, 896) if device.type == "cuda" else (224,)
    throughput = {size: images_per_second(device, size, args.batch, max(args.repeats // 2, 1)) for size in sizes}
    figures = summary(rows, device, throughput)
    table = Table(title=f"DCNv4 on {figures['device']}, batch {args.batch}, median of {args.repeats}")
    for column in ("shape", *[k.replace("_s", " ms") for k in next(iter(rows.values()))]):
        table.add_column(column, justify="left" if column == "shape" else "right")
    for name, row in rows.items():
        table.add_row(name, *[f"{v * 1000:.2f}" for v in row.values()])
    console.print(table)
    for key, value in figures.items():
        console.print(f"{key}: {value}")
    write_report(Path(args.out) / "report.html", rows, figures)
    console.print(f"-> {Path(args.out) / 'report.html'}")
    if args.json:
        print(json.dumps(figures))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog="benchmarks/dcnv4.py", description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--out", default="runs/bench_dcnv4", help="folder for report.html")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    return run_command(benchmark, parser, argv)


if __name__ == "__main__":
    sys.exit(main())
