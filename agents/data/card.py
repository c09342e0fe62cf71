"""The dataset card: stats.json (samples per speed and path decision and their pairs, per route,
per route scenario, per light state) and a small HTML page with the same counts as bar charts."""

from __future__ import annotations

import base64
import io
import json
from collections import Counter
from pathlib import Path

from envs.errors import UserInputError


def read_samples(data: Path) -> list[dict]:
    """Every sample line of every whole shard (shards/*.jsonl) of a data folder."""
    shards = sorted((data / "shards").glob("*.jsonl")) if (data / "shards").is_dir() else []
    if not shards:
        raise UserInputError(f"{data}: no shards/*.jsonl (not a data folder of agents.data, or still empty)")
    samples = []
    for shard in shards:
        for number, line in enumerate(shard.read_text().splitlines(), start=1):
            try:
                sample = json.loads(line)
            except json.JSONDecodeError as error:
                raise UserInputError(f"{shard}: line {number} is not JSON ({error})") from error
            if not isinstance(sample, dict) or not {"id", "image", "conversations"} <= set(sample):
                raise UserInputError(f"{shard}: line {number} is not an InternVL sample (id, image, conversations)")
            samples.append(sample)
    return samples


def dataset_stats(samples: list[dict]) -> dict:
    def count(key) -> dict:
        return dict(sorted(Counter(key(s["meta"]) for s in samples).items()))

    return {"samples": len(samples),
            "speed": count(lambda m: m["speed"]), "path": count(lambda m: m["path"]),
            "decision": count(lambda m: f"{m['speed']}/{m['path']}"),
            "route": count(lambda m: m["route_id"]), "scenario": count(lambda m: m.get("scenario", "none")),
            "light": count(lambda m: m.get("light", "none")),
            "route_command": count(lambda m: m.get("route_command", "")),
            "images_per_sample": dict(Counter(len(s["image"]) for s in samples))}


def write_card(data: Path, title: str = "mllm-pilot driving data") -> dict:
    samples = read_samples(data)
    stats = dataset_stats(samples)
    (data / "stats.json").write_text(json.dumps(stats, indent=1))
    (data / "card.html").write_text(_html(title, stats))
    return stats


def _chart(title: str, counts: dict) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, max(1.5, 0.35 * len(counts) + 0.8)))
    names = [str(k) for k in counts]
    axes.barh(names, list(counts.values()), color="#4878a8")
    axes.invert_yaxis()
    axes.set_title(title)
    axes.set_xlabel("samples")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80)
    plt.close(figure)
    return f'<img alt="{title}" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _html(title: str, stats: dict) -> str:
    charts = "\n".join(_chart(name, stats[name]) for name in ("decision", "speed", "path", "scenario", "light",
                                                              "route_command", "route") if stats[name])
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<h1>{title}</h1><p>{stats['samples']} samples</p>{charts}"
            f"<pre>{json.dumps(stats, indent=1)}</pre></body></html>")
