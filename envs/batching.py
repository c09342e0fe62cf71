"""Micro-batching for model hosts: concurrent callers' requests are gathered for a few
milliseconds (or until the batch is full) and answered by one batched call on a worker thread.

Used by the OpenAI-compatible server and the Ray planner actor, so concurrent episodes share one
forward pass instead of queueing one by one.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Generic, TypeVar

Request = TypeVar("Request")
Result = TypeVar("Result")


class BatcherClosed(RuntimeError):
    """The batcher was closed before the request was answered."""


class MicroBatcher(Generic[Request, Result]):
    def __init__(self, run_batch: Callable[[Sequence[Request]], Sequence[Result]], *, max_batch: int = 8,
                 max_wait_s: float = 0.01):
        if max_batch < 1 or max_wait_s < 0:
            raise ValueError("max_batch >= 1 and max_wait_s >= 0 are required")
        self.run_batch, self.max_batch, self.max_wait_s = run_batch, max_batch, max_wait_s
        self._queue: queue.Queue[tuple[Request, Future] | None] = queue.Queue()
        self._closed = threading.Event()
        self.batches = 0
        self.requests = 0
        self.largest_batch = 0
        self._worker = threading.Thread(target=self._serve, name="micro-batcher", daemon=True)
        self._worker.start()

    def submit(self, request: Request) -> Future:
        if self._closed.is_set():
            raise BatcherClosed("the batcher is closed")
        future: Future = Future()
        self._queue.put((request, future))
        return future

    def __call__(self, request: Request, timeout_s: float | None = None) -> Result:
        """Submit and wait for the answer (re-raising the batch's exception, if any)."""
        return self.submit(request).result(timeout_s)

    @property
    def mean_batch(self) -> float:
        return self.requests / self.batches if self.batches else 0.0

    def close(self) -> None:
        self._closed.set()
        self._queue.put(None)
        self._worker.join(timeout=5.0)
        while True:  # whatever was still queued is told, not left waiting
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[1].set_exception(BatcherClosed("the batcher closed before this request ran"))

    def _serve(self) -> None:
        while not self._closed.is_set():
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.monotonic() + self.max_wait_s
            while len(batch) < self.max_batch:
                left = deadline - time.monotonic()
                try:
                    item = self._queue.get(timeout=max(left, 0.0)) if left > 0 else self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._closed.set()
                    break
                batch.append(item)
            self._run(batch)

    def _run(self, batch: list[tuple[Request, Future]]) -> None:
        live = [(request, future) for request, future in batch if future.set_running_or_notify_cancel()]
        if not live:
            return
        self.batches += 1
        self.requests += len(live)
        self.largest_batch = max(self.largest_batch, len(live))
        try:
            results = self.run_batch([request for request, _ in live])
            if len(results) != len(live):
                raise RuntimeError(f"the batch function answered {len(results)} of {len(live)} requests")
        except Exception as error:  # every caller of the batch sees the failure
            for _, future in live:
                future.set_exception(error)
            return
        for (_, future), result in zip(live, results):
            future.set_result(result)
