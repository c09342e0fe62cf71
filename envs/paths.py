"""Checking the files and folders a run will read and write before the run starts, so that a bad
path is one clear line at the start, never a crash after the work is done (a finished result lost).

An output path is probed for real: its folder is made (or must be one) and a scratch file is
created there and removed, which catches read-only places (/proc) that permission bits do not.
A SQLite state file must be a SQLite database holding only our own tables (or nothing yet): another
program's database is never opened for writing, let alone given tables of ours.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from envs.errors import UserInputError

SQLITE_HEADER = b"SQLite format 3\x00"
# our tables and the columns that tell them from another program's table of the same name
CHECKPOINT_TABLES = {"checkpoints": {"thread_id", "checkpoint_ns", "checkpoint_id", "checkpoint", "metadata"},
                     "writes": {"thread_id", "checkpoint_ns", "checkpoint_id", "task_id", "channel", "value"},
                     "drive_controls": {"thread_id", "tick", "throttle", "steer", "brake"},
                     "minecraft_actions": {"thread_id", "idx", "action", "line"}}
MEMORY_TABLES = {"plans": {"id", "goal", "kind", "actions"}, "sqlite_sequence": set()}


def _blocking_file(path: Path) -> Path | None:
    """A file among path's parents (nothing can be made under it), or None."""
    return next((parent for parent in path.parents if parent.exists() and not parent.is_dir()), None)


def _probe(folder: Path, flag: str, path: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".mllm-pilot-probe-"):
            pass
    except OSError as error:
        raise UserInputError(f"{flag} {path}: cannot write there ({error.strerror or error})") from error


def check_output_file(path: str | Path, flag: str) -> Path:
    """A file the run will write: not a folder, not under a file, in a folder it can write."""
    path = Path(path)
    if path.is_dir():
        raise UserInputError(f"{flag} {path}: is a folder, not a file")
    blocking = _blocking_file(path)
    if blocking is not None:
        raise UserInputError(f"{flag} {path}: {blocking} is a file, so nothing can be written under it")
    _probe(path.parent, flag, path)
    return path


def check_output_dir(path: str | Path, flag: str) -> Path:
    """A folder the run will write into (made if missing)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserInputError(f"{flag} {path}: is a file, not a folder")
    blocking = _blocking_file(path)
    if blocking is not None:
        raise UserInputError(f"{flag} {path}: {blocking} is a file, so nothing can be written under it")
    _probe(path, flag, path)
    return path


def check_state_database(path: str | Path, flag: str, ours: dict[str, set[str]]) -> Path:
    """A SQLite file the run keeps state in: missing, empty, or a database of only our tables."""
    path = check_output_file(path, flag)
    if not path.exists() or path.stat().st_size == 0:
        return path
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise UserInputError(f"{flag} {path}: cannot be read ({error.strerror or error})") from error
    if header != SQLITE_HEADER:
        raise UserInputError(f"{flag} {path}: not a SQLite database; give a new file or remove it")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            columns = {table: {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}
                       for table in tables & set(ours)}
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise UserInputError(f"{flag} {path}: not a readable SQLite database ({error})") from error
    foreign = sorted((tables - set(ours)) | {table for table, have in columns.items() if not ours[table] <= have})
    if foreign:
        raise UserInputError(f"{flag} {path}: another program's database (tables {', '.join(foreign)}); it is "
                             "left as it is: give a file of its own")
    return path
