"""Ray's local processes die with the benchmark that started them, however it ends.

`ray.init()` on one machine starts the GCS, a raylet and agents (dashboard, runtime env); killing
the driver outright (SIGKILL, an OOM kill) takes the first with it but leaves the agents running.
The reaper is a small process of its own session that watches the driver, keeps the list of its
descendants (read from /proc, each with its start time so a reused pid is never hit), and when the
driver is gone, stops what is left of them: SIGTERM, then SIGKILL. Linux only (elsewhere it is not
started).

    python -m agents.bench.reaper DRIVER_PID
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

POLL_S = 0.5
GRACE_S = 2.0


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time) of a live process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # the name in parentheses may hold spaces
    return int(fields[1]), int(fields[19])


def descendants(pid: int) -> dict[int, int]:
    """Every live descendant of pid: pid -> start time."""
    children: dict[int, list[tuple[int, int]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            children.setdefault(stat[0], []).append((int(entry), stat[1]))
    found: dict[int, int] = {}
    stack = [pid]
    while stack:
        for child, started in children.get(stack.pop(), []):
            if child not in found:
                found[child] = started
                stack.append(child)
    return found


def _alive(pid: int, started: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[1] == started


def watch(driver: int) -> None:
    driver_started = (_stat(driver) or (0, -1))[1]
    known: dict[int, int] = {}
    me = os.getpid()  # a child of the driver too
    while _alive(driver, driver_started):
        known.update({pid: started for pid, started in descendants(driver).items() if pid != me})
        known = {pid: started for pid, started in known.items() if _alive(pid, started)}
        time.sleep(POLL_S)
    time.sleep(POLL_S)  # Ray's own shutdown first
    for sig in (signal.SIGTERM, signal.SIGKILL):
        left = {pid: started for pid, started in known.items() if _alive(pid, started)}
        for pid in left:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        if not left:
            return
        time.sleep(GRACE_S)


def start_reaper() -> subprocess.Popen | None:
    """The reaper of this process's local Ray (None where /proc is not there to read)."""
    if not Path("/proc/self/stat").exists():
        return None
    return subprocess.Popen([sys.executable, "-m", "agents.bench.reaper", str(os.getpid())], start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})


if __name__ == "__main__":
    watch(int(sys.argv[1]))
