"""LangGraph checkpoints for the agents' runs: SQLite in a file (a cut-off run resumes from it), or
in memory when no file is given."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_checkpointer(path: Path | None):
    """(the SQLite connection to close afterwards, or None; the checkpointer)."""
    if path is None:
        from langgraph.checkpoint.memory import InMemorySaver

        return None, InMemorySaver()
    from langgraph.checkpoint.sqlite import SqliteSaver

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), check_same_thread=False)
    return connection, SqliteSaver(connection)


def prune_checkpoints(connection: sqlite3.Connection, thread_id: str, keep: int = 2) -> None:
    """Drop all but the thread's `keep` latest checkpoints (and their pending writes): a run resumes
    from its latest, and a long run's history would otherwise fill the disk (each checkpoint holds
    the whole state). Checkpoint ids are time-ordered (uuid6), so the latest sort last."""
    with connection:
        connection.execute("DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_id NOT IN (SELECT "
                           "checkpoint_id FROM checkpoints WHERE thread_id = ? ORDER BY checkpoint_id DESC LIMIT ?)",
                           (thread_id, thread_id, keep))
        connection.execute("DELETE FROM writes WHERE thread_id = ? AND checkpoint_id NOT IN (SELECT checkpoint_id "
                           "FROM checkpoints WHERE thread_id = ?)", (thread_id, thread_id))
