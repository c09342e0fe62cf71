"""Benchmark results in the CARLA Leaderboard's results.json layout, with resume."""

from __future__ import annotations

import json
from pathlib import Path

from envs.driving.criteria import INFRACTION_KINDS
from envs.errors import UserInputError


def load_saved(path: Path, settings: dict) -> dict:
    """A benchmark's earlier results.json, if any ({} if none), refused when made with other settings."""
    if not path.exists():
        return {}
    try:
        saved = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UserInputError(f"{path}: not valid JSON ({error}); move it away to start over") from error
    except OSError as error:
        raise UserInputError(f"{path}: cannot be read ({error.strerror or error})") from error
    if not isinstance(saved, dict) or not isinstance(saved.get("_checkpoint", {}), dict):
        raise UserInputError(f"{path}: not a results file of this benchmark (a {type(saved).__name__} at the top); "
                             "move it away to start over")
    previous = saved.get("settings")
    if previous != settings:
        raise UserInputError(f"{path} holds results made with other settings ({previous}); use another --out "
                             "or remove it")
    return saved


def save(path: Path, payload: dict) -> None:
    """Write results.json whole or not at all (a temporary file, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(payload, indent=1))
    partial.replace(path)


class ResultsFile:
    def __init__(self, path: Path, settings: dict):
        self.path = path
        self.settings = settings
        self.records: list[dict] = load_saved(path, settings).get("_checkpoint", {}).get("records", [])

    def done_ids(self) -> set[str]:
        return {record["route_id"] for record in self.records}

    def add(self, record: dict) -> None:
        self.records = [r for r in self.records if r["route_id"] != record["route_id"]] + [record]

    def global_record(self, total_routes: int, wall_s: float) -> dict:
        """The Leaderboard statistics manager's global record: scores averaged over every route of the
        set (a route that crashed or could not be planned scores 0 and counts), infractions per km as
        the sum over routes of each route's count per km it completed (routes with no completion
        skipped)."""
        count = len(self.records)
        km = sum(r["meta"]["driven_route_m"] for r in self.records) / 1000.0
        per_km = {kind: 0.0 for kind in INFRACTION_KINDS}
        for record in self.records:
            completed_km = record["scores"]["score_route"] / 100.0 * record["meta"]["route_length"] / 1000.0
            if completed_km <= 0:
                continue
            for kind in INFRACTION_KINDS:
                per_km[kind] += len(record["infractions"][kind]) / completed_km

        def mean(key: str) -> float:
            return sum(r["scores"][key] for r in self.records) / total_routes if total_routes else 0.0

        scenarios = [s for r in self.records for s in r.get("scenarios", [])]
        return {"driving_score": mean("score_composed"), "route_completion": mean("score_route"),
                "infraction_penalty": mean("score_penalty"), "infractions_per_km": per_km, "routes": count,
                "routes_total": total_routes, "driven_km": km, "wall_s": wall_s,
                "scenarios_matched": len(scenarios),
                "scenarios_triggered": sum(1 for s in scenarios if s.get("triggered")),
                "scenarios_skipped": sum(1 for s in scenarios if s.get("outcome") == "skipped"),
                "failed_routes": [{"route_id": r["route_id"], "status": r["status"]} for r in self.records
                                  if r["status"] != "Completed"]}

    def write(self, total_routes: int, wall_s: float) -> dict:
        record = self.global_record(total_routes, wall_s)
        leaderboard_global = {
            "index": -1, "route_id": -1, "status": "Completed" if len(self.records) == total_routes else "Partial",
            "infractions": record["infractions_per_km"],
            "scores": {"score_composed": record["driving_score"], "score_route": record["route_completion"],
                       "score_penalty": record["infraction_penalty"]},
            "meta": {"exceptions": [[r["route_id"], r["status"]] for r in self.records if r["status"] != "Completed"]},
        }
        payload = {"_checkpoint": {"global_record": leaderboard_global, "progress": [len(self.records), total_routes],
                                   "records": sorted(self.records, key=lambda r: r["index"])},
                   "entry_status": "Finished" if len(self.records) == total_routes else "Started",
                   "eligible": True, "settings": self.settings, "global": record,
                   "labels": ["Avg. driving score", "Avg. route completion", "Avg. infraction penalty"],
                   "values": [f"{record['driving_score']:.3f}", f"{record['route_completion']:.3f}",
                              f"{record['infraction_penalty']:.3f}"]}
        save(self.path, payload)
        return record
