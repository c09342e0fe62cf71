"""GITM's text memory on SQLite: for each sub-goal, the action sequences that achieved it.

The first success is the reference plan; later successes are appended; every N of them
are summarised into one general plan, which then becomes the reference. The summariser
is pluggable (an LLM backend); the default is a deterministic merge: the action sequence
that occurred most often among the N, the shortest on a tie. Memory persists in its
SQLite file across runs and exports to and imports from JSON.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path

Plan = list[dict]  # [{"name": ..., "args": {...}, "expectation": ...}, ...]
Summariser = Callable[[str, list[Plan]], Plan]

SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    goal TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('success', 'summary')),
    actions TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS plans_goal ON plans (goal, kind, id);
"""


def merge_plans(goal: str, plans: list[Plan]) -> Plan:
    """The deterministic summary: the most frequent plan, the shortest on a tie."""
    counted = Counter(json.dumps(plan, sort_keys=True) for plan in plans)
    best = max(counted.items(), key=lambda item: (item[1], -len(json.loads(item[0])), item[0]))
    return json.loads(best[0])


class PlanMemory:
    def __init__(self, path: str | Path = ":memory:", summarise_every: int = 5,
                 summariser: Summariser = merge_plans):
        if summarise_every < 1:
            raise ValueError("summarise_every must be at least 1")
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30.0)  # parallel episodes may share one file
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(plans)")}
        if "source" not in columns:  # a memory file of an earlier version: the column is added, its rows kept
            with self.db:
                self.db.execute("ALTER TABLE plans ADD COLUMN source TEXT")
        self.db.execute("CREATE UNIQUE INDEX IF NOT EXISTS plans_source ON plans (source)")
        self.summarise_every = summarise_every
        self.summariser = summariser

    def reference_plan(self, goal: str) -> Plan | None:
        """The latest summary of the goal, else its first success, else None."""
        row = self.db.execute("SELECT actions FROM plans WHERE goal = ? AND kind = 'summary' ORDER BY id DESC "
                              "LIMIT 1", (goal,)).fetchone()
        if row is None:
            row = self.db.execute("SELECT actions FROM plans WHERE goal = ? AND kind = 'success' ORDER BY id "
                                  "LIMIT 1", (goal,)).fetchone()
        return json.loads(row[0]) if row else None

    def record_success(self, goal: str, plan: Plan, source: str | None = None) -> Plan | None:
        """Keep a plan that worked; returns the new summary when this success completes a batch of N.
        `source` names where in which run it was learnt: the same source is kept once (a resumed run
        that reaches the same point again does not add it twice)."""
        with self.db:
            inserted = self.db.execute("INSERT OR IGNORE INTO plans (goal, kind, actions, source) VALUES "
                                       "(?, 'success', ?, ?)", (goal, json.dumps(plan, sort_keys=True), source))
        if inserted.rowcount == 0:
            return None
        last_summary = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM plans WHERE goal = ? AND kind = 'summary'",
                                       (goal,)).fetchone()[0]
        recent = [json.loads(r[0]) for r in self.db.execute(
            "SELECT actions FROM plans WHERE goal = ? AND kind = 'success' AND id > ? ORDER BY id",
            (goal, last_summary))]
        if len(recent) < self.summarise_every:
            return None
        summary = self.summariser(goal, recent)
        with self.db:
            self.db.execute("INSERT INTO plans (goal, kind, actions) VALUES (?, 'summary', ?)",
                            (goal, json.dumps(summary, sort_keys=True)))
        return summary

    def successes(self, goal: str) -> list[Plan]:
        return [json.loads(r[0]) for r in self.db.execute(
            "SELECT actions FROM plans WHERE goal = ? AND kind = 'success' ORDER BY id", (goal,))]

    def goals(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT goal FROM plans ORDER BY goal")]

    def export_json(self) -> dict:
        rows = self.db.execute("SELECT goal, kind, actions FROM plans ORDER BY id").fetchall()
        return {"format": "mllm-pilot plan memory", "version": 1,
                "plans": [{"goal": g, "kind": k, "actions": json.loads(a)} for g, k, a in rows]}

    def import_json(self, data: dict) -> int:
        """Append another memory's plans; returns how many were added. A malformed export is a
        ValueError naming the first bad entry, and nothing of it is added."""
        if not isinstance(data, dict) or data.get("format") != "mllm-pilot plan memory":
            raise ValueError("not an mllm-pilot plan memory export (an object with 'format': 'mllm-pilot plan "
                             "memory' and 'plans')")
        plans = data.get("plans", [])
        if not isinstance(plans, list):
            raise ValueError(f"'plans' is a {type(plans).__name__}, not a list")
        for number, plan in enumerate(plans):
            if not isinstance(plan, dict):
                raise ValueError(f"plan {number} is a {type(plan).__name__}, not an object")
            goal = plan.get("goal")
            if not isinstance(goal, str) or not goal:
                raise ValueError(f"plan {number} has no goal (a non-empty string)")
            if plan.get("kind") not in ("success", "summary"):
                raise ValueError(f"plan {number} ({goal}): kind must be success or summary")
            actions = plan.get("actions")
            if not isinstance(actions, list) or not all(isinstance(a, dict) and isinstance(a.get("name"), str)
                                                        for a in actions):
                raise ValueError(f"plan {number} ({goal}): actions must be a list of objects with a name")
        with self.db:
            self.db.executemany("INSERT INTO plans (goal, kind, actions) VALUES (?, ?, ?)",
                                [(p["goal"], p["kind"], json.dumps(p["actions"], sort_keys=True)) for p in plans])
        return len(plans)

    def close(self) -> None:
        self.db.close()
