"""The micro-batcher: concurrent requests meet in one batch call; failures reach every caller."""

import threading
import time

import pytest

from envs.batching import BatcherClosed, MicroBatcher


def test_concurrent_requests_are_answered_in_batches():
    sizes = []

    def run(batch):
        sizes.append(len(batch))
        time.sleep(0.05)
        return [x * 10 for x in batch]

    batcher = MicroBatcher(run, max_batch=4, max_wait_s=0.2)
    answers = {}
    start = threading.Barrier(6)

    def caller(x):
        start.wait()
        answers[x] = batcher(x, timeout_s=10)

    threads = [threading.Thread(target=caller, args=(x,)) for x in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    batcher.close()
    assert answers == {x: x * 10 for x in range(6)}
    assert sum(sizes) == 6 and max(sizes) == 4 and len(sizes) == 2
    assert (batcher.batches, batcher.requests, batcher.largest_batch, batcher.mean_batch) == (2, 6, 4, 3.0)


def test_a_lone_request_waits_at_most_max_wait():
    batcher = MicroBatcher(lambda batch: [x + 1 for x in batch], max_batch=8, max_wait_s=0.05)
    started = time.perf_counter()
    assert batcher(1, timeout_s=5) == 2
    assert time.perf_counter() - started < 2.0
    batcher.close()


def test_a_failing_batch_fails_each_of_its_callers():
    def run(batch):
        raise RuntimeError("out of memory")

    batcher = MicroBatcher(run, max_batch=2, max_wait_s=0.01)
    futures = [batcher.submit(x) for x in range(2)]
    for future in futures:
        with pytest.raises(RuntimeError, match="out of memory"):
            future.result(timeout=5)
    batcher.close()


def test_a_batch_function_that_answers_too_few_is_an_error():
    batcher = MicroBatcher(lambda batch: batch[:-1], max_batch=2, max_wait_s=0.01)
    with pytest.raises(RuntimeError, match="answered 0 of 1"):
        batcher(1, timeout_s=5)
    batcher.close()


def test_a_closed_batcher_refuses_and_fails_what_was_queued():
    release = threading.Event()

    def run(batch):
        release.wait(5)
        return batch

    batcher = MicroBatcher(run, max_batch=1, max_wait_s=0.0)
    running = batcher.submit(1)
    time.sleep(0.05)
    queued = batcher.submit(2)
    closer = threading.Thread(target=batcher.close)
    closer.start()
    time.sleep(0.05)
    release.set()
    closer.join()
    assert running.result(timeout=5) == 1
    with pytest.raises(BatcherClosed):
        queued.result(timeout=5)
    with pytest.raises(BatcherClosed):
        batcher.submit(3)
