"""Every action a Minecraft run executed, appended one row at a time beside the LangGraph
checkpoint (the same SQLite file, or memory): the graph's state keeps only the count, so a
checkpoint stays the same size however long the run (re-serialising the growing list into every
checkpoint was quadratic). A resumed run replays the journal's first `count` actions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


class ActionJournal:
    def __init__(self, path: str | Path | None, thread_id: str):
        self.thread_id = thread_id
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS minecraft_actions (thread_id TEXT, idx INTEGER, action TEXT, "
                         "line TEXT, PRIMARY KEY (thread_id, idx))")
        self._db.commit()

    def append(self, index: int, action: dict, line: str) -> None:
        """The index-th action (0-based); written again when a resumed run executes it again."""
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO minecraft_actions VALUES (?, ?, ?, ?)",
                             (self.thread_id, index, json.dumps(action), line))

    def actions(self, count: int) -> list[dict]:
        """The first `count` actions, in order (what the checkpointed state says happened)."""
        rows = self._rows("action", count)
        return [json.loads(row) for row in rows]

    def lines(self, count: int) -> list[str]:
        return self._rows("line", count)

    def _rows(self, column: str, count: int) -> list:
        rows = self._db.execute(f"SELECT idx, {column} FROM minecraft_actions WHERE thread_id = ? AND idx < ? "  # noqa: S608
                                "ORDER BY idx", (self.thread_id, count)).fetchall()
        if len(rows) != count:
            raise RuntimeError(f"the action journal of {self.thread_id} has {len(rows)} of {count} actions")
        return [row[1] for row in rows]

    def clear(self) -> None:
        with self._db:
            self._db.execute("DELETE FROM minecraft_actions WHERE thread_id = ?", (self.thread_id,))

    def close(self) -> None:
        self._db.close()
