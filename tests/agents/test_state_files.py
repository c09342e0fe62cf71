"""State and output files are checked before any work: one line and exit 2 for a path that cannot
be used, and another program's database is left exactly as it was."""

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.conftest import REPO


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


def one_line_error(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.fixture
def places(tmp_path):
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "a_dir").mkdir()
    (tmp_path / "garbage.sqlite").write_bytes(b"not a database at all")
    with sqlite3.connect(tmp_path / "theirs.sqlite") as db:
        db.execute("CREATE TABLE checkpoints (owner TEXT, balance REAL)")
        db.execute("INSERT INTO checkpoints VALUES ('ann', 12.5)")
    return tmp_path


@pytest.mark.parametrize("flag, where, message", [
    ("--checkpoint", "garbage.sqlite", "not a SQLite database"),
    ("--checkpoint", "a_dir", "is a folder, not a file"),
    ("--checkpoint", "a_file/c.sqlite", "is a file, so nothing can be written under it"),
    ("--checkpoint", "theirs.sqlite", "another program's database (tables checkpoints); it is left as it is"),
    ("--memory", "garbage.sqlite", "not a SQLite database"),
    ("--memory", "a_dir", "is a folder, not a file"),
    ("--record", "a_file", "is a file, not a folder"),
    ("--record", "/proc/mllm-pilot-record", "cannot write there"),
    ("--export-memory", "a_dir", "is a folder, not a file"),
    ("--export-memory", "/proc/mllm-pilot.json", "cannot write there"),
])
def test_the_minecraft_agent_checks_its_files_first(places, flag, where, message):
    before = hashlib.sha256((places / "theirs.sqlite").read_bytes()).hexdigest()
    done = run("agents.minecraft", "--task", "stick", "--memory", str(places / "m.sqlite"), flag, str(places / where))
    one_line_error(done, message)
    assert hashlib.sha256((places / "theirs.sqlite").read_bytes()).hexdigest() == before


@pytest.mark.parametrize("content, message", [
    (b"\x89\x00\xff binary", "not valid JSON"),
    (b"[]", "not an mllm-pilot plan memory export"),
    (b"null", "not an mllm-pilot plan memory export"),
    (b'{"format": "mllm-pilot plan memory", "plans": "mine"}', "'plans' is a str, not a list"),
    (b'{"format": "mllm-pilot plan memory", "plans": [{"kind": "success", "actions": []}]}', "plan 0 has no goal"),
    (b'{"format": "mllm-pilot plan memory", "plans": [{"goal": ["log"], "kind": "success", "actions": []}]}',
     "plan 0 has no goal"),
])
def test_a_memory_import_that_is_not_one_is_named(places, content, message):
    (places / "import.json").write_bytes(content)
    done = run("agents.minecraft", "--task", "stick", "--memory", str(places / "m.sqlite"), "--import-memory",
               str(places / "import.json"))
    one_line_error(done, message)


def test_an_import_that_is_a_folder(places):
    done = run("agents.minecraft", "--task", "stick", "--memory", str(places / "m.sqlite"), "--import-memory",
               str(places / "a_dir"))
    one_line_error(done, "is a folder, not a memory export")


@pytest.mark.parametrize("args, message", [
    (["agents.drive", "--checkpoint", "{theirs}"], "another program's database"),
    (["agents.drive", "--record", "/proc/mllm-pilot-rec"], "cannot write there"),
    (["agents.bench", "drive", "--routes", "procedural:1", "--out", "{file}/bench"], "is a file, so nothing can"),
    (["agents.bench", "minecraft", "--task", "stick", "--out", "/proc/mllm-pilot-bench"], "cannot write there"),
    (["agents.bench", "minecraft", "--task", "stick", "--out", "{dir}", "--memory", "{garbage}"],
     "not a SQLite database"),
    (["agents.autopilot", "--snapshot", "{file}"], "is a file, not a folder"),
    (["scenarios.generate", "--count", "1", "--out", "{dir}"], "is a folder, not a file"),
])
def test_every_cli_checks_its_output_paths_first(places, args, message):
    names = {"{theirs}": places / "theirs.sqlite", "{file}": places / "a_file", "{dir}": places / "a_dir",
             "{garbage}": places / "garbage.sqlite"}
    filled = []
    for arg in args:
        for key, value in names.items():
            arg = arg.replace(key, str(value))
        filled.append(arg)
    done = run(*filled)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert message in done.stderr
