"""A wall-clock deadline for one planner call: a planner, decomposer or text model that does not
answer in time is given up on (the caller falls back, counted) instead of hanging the run.

The call runs in a daemon thread the caller waits on; one that never returns is left behind (a
thread cannot be killed) and dies with the process.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DecisionTimeout(TimeoutError):
    """No answer within the deadline."""


def call_within(seconds: float | None, function: Callable[..., T], *args) -> T:
    """function(*args), or DecisionTimeout after `seconds` (None: no deadline); its exceptions pass through."""
    if seconds is None:
        return function(*args)
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed to the waiting caller
            outcome["error"] = error

    worker = threading.Thread(target=run, name="planner-call", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise DecisionTimeout(f"no answer within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
