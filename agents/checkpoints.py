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
