"""Running benchmark jobs as Ray tasks with a progress bar: each finished record is handed to the
caller as it arrives (so results are saved as they come); a failed job is reported and skipped;
Ctrl-C cancels what is left and keeps what finished."""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from envs.errors import UserInputError


def check_address(address: str, source: str = "--address") -> None:
    """Fail fast on an address where no Ray cluster answers, instead of waiting out Ray's own
    retries: unreachable, or something else listening (Ray's GCS and client server speak gRPC,
    so a cluster answers an HTTP/2 greeting with its settings within a second)."""
    if address in ("auto", "local"):
        return
    target = address.removeprefix("ray://")
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UserInputError(f"{source} {address}: expected HOST:PORT (or ray://HOST:PORT)")
    try:
        connection = socket.create_connection((host, int(port)), timeout=PROBE_TIMEOUT_S)
    except OSError as error:
        raise UserInputError(f"{source} {address}: cannot reach a Ray cluster there ({error.strerror or error})") \
            from error
    with connection:
        if not _answers_http2(connection):
            raise UserInputError(f"{source} {address}: something listens there, but it is not a Ray cluster (no "
                                 "gRPC answer); give the head node's GCS address (port 6379) or ray://HOST:10001")


PROBE_TIMEOUT_S = 3.0
HTTP2_GREETING = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])  # preface, SETTINGS


def _answers_http2(connection: socket.socket) -> bool:
    """Whether the peer answers HTTP/2's connection preface with a SETTINGS frame, as gRPC servers do."""
    try:
        connection.settimeout(PROBE_TIMEOUT_S)
        connection.sendall(HTTP2_GREETING)
        header = b""
        while len(header) < 9:
            part = connection.recv(9 - len(header))
            if not part:
                return False
            header += part
    except OSError:  # silent (timed out) or reset
        return False
    return header[3] == 4  # the frame type byte: SETTINGS


PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_EXCLUDES = [".venv", ".git", "runs", "**/__pycache__", "*.mp4"]


def start_ray(address: str | None, workers: int) -> None:
    """A local Ray of `workers` CPUs, or the cluster at --address (or $RAY_ADDRESS, as Ray's own
    tools take it), with the project shipped to its nodes as the job's working directory."""
    import ray

    os.environ.setdefault("RAY_TMPDIR", "/tmp/ray-mllm")
    Path(os.environ["RAY_TMPDIR"]).mkdir(parents=True, exist_ok=True)
    source = "--address" if address else "RAY_ADDRESS"
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address:
        check_address(address, source)
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 runtime_env={"working_dir": str(PROJECT_ROOT), "excludes": SHIPPED_EXCLUDES})
    else:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False,
                 _temp_dir=os.environ["RAY_TMPDIR"])
        from agents.bench.reaper import start_reaper

        start_reaper()  # Ray's agents go with this process even when it is killed outright


def run_jobs(function, jobs: dict[str, tuple], label: str, total: int, console: Console, quiet: bool,
             address: str | None, workers: int, on_record: Callable[[str, dict, Console], None],
             setup: Callable[[], object] | None = None,
             on_failure: Callable[[str, BaseException, Console], None] | None = None) -> bool:
    """Run function(*args) for every key -> args on Ray; returns True when interrupted by Ctrl-C.
    `setup()` runs once Ray is up, before the jobs (e.g. to start the planner host actor);
    `on_failure(key, error)` hears of a job that raised (default: it is reported and skipped)."""
    import ray

    start_ray(address, workers)
    columns = (TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    futures: dict = {}
    interrupt = _InterruptFlag()
    try:
        with interrupt:
            if setup is not None:
                setup()
            remote = ray.remote(num_cpus=1)(function)
            futures = {remote.remote(*args): key for key, args in jobs.items()}
            with Progress(*columns, console=console, transient=quiet) as progress:
                bar = progress.add_task(label, total=total, completed=total - len(jobs))
                remaining = list(futures)
                while remaining and not interrupt.raised:
                    done, remaining = ray.wait(remaining, num_returns=1, timeout=0.5)
                    if not done:
                        continue
                    key = futures[done[0]]
                    try:
                        record = ray.get(done[0])
                    except ray.exceptions.RayTaskError as error:
                        if interrupt.raised:
                            break  # a job lost to the interrupt is the interrupt, not a crash
                        progress.console.print(f"[red]{key} failed: {error.cause}")
                        if on_failure is not None:
                            on_failure(key, error.cause, progress.console)
                    else:
                        on_record(key, record, progress.console)
                    progress.advance(bar)
    except KeyboardInterrupt:
        interrupt.raised = True
    finally:
        if interrupt.raised:
            for future in futures:
                ray.cancel(future, force=True)
        ray.shutdown()
    return interrupt.raised


class _InterruptFlag:
    """Ctrl-C while jobs run: remembered even where a library swallows the KeyboardInterrupt it raises
    (the wait loop polls the flag), so an interrupted run never reads as a finished one."""

    def __init__(self) -> None:
        self.raised = False
        self._previous = None

    def _handle(self, signum, frame) -> None:
        self.raised = True
        raise KeyboardInterrupt

    def __enter__(self) -> _InterruptFlag:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
