"""A Ray actor hosting an in-process InternVL for many episodes at once.

`start_planner_host` places one `PlannerHost` actor in the Ray cluster (a GPU when the cluster
has one, bf16 there) under a name; every episode, on any worker, reaches it by that name through
`RayTextModel`, a TextModel. The actor is threaded: concurrent calls from episodes meet in a
MicroBatcher and are decoded as one batch. Timeouts and a dead actor become TextModelErrors, so
the planners fall back and the run goes on.
"""

from __future__ import annotations

import os
from typing import Any

from envs.errors import UserInputError
from planners.text_model import TextModelError

HOST_NAME = "mllm-pilot-planner"


class PlannerHost:
    """The actor's class (wrapped with ray.remote by start_planner_host)."""

    def __init__(self, path: str, device: str = "auto", max_tiles: int = 6, max_new_tokens: int = 512,
                 max_batch: int = 8, max_wait_s: float = 0.01, threads: int | None = None):
        import torch

        from envs.batching import MicroBatcher
        from planners.mllm.chat_model import InternVLChatModel

        torch.set_num_threads(threads or os.cpu_count() or 1)  # Ray sets one thread for actors without CPUs
        self.model = InternVLChatModel.load(path, device=device, max_tiles=max_tiles, max_new_tokens=max_new_tokens)
        self.batcher = MicroBatcher(self.model.generate, max_batch=max_batch, max_wait_s=max_wait_s)

    def ready(self) -> dict:
        return {"name": self.model.name, "device": str(self.model.device)}

    def complete(self, system: str, user: str, images: list[Any] | None = None, schema: dict | None = None) -> str:
        from planners.mllm.chat_model import ChatRequest

        return self.batcher(ChatRequest.from_prompt(system, user, images, schema=schema)).text

    def stats(self) -> dict:
        return {"batches": self.batcher.batches, "requests": self.batcher.requests,
                "mean_batch": self.batcher.mean_batch, "largest_batch": self.batcher.largest_batch,
                "truncations": self.model.truncations}


def start_planner_host(path: str, *, device: str = "auto", max_tiles: int = 6, max_new_tokens: int = 512,
                       max_batch: int = 8, name: str = HOST_NAME, threads: int | None = None):
    """Start the actor (Ray must be initialised) and wait until the model is loaded; a model that
    cannot load is a UserInputError with the loader's message."""
    import ray

    from planners.mllm.model_dir import inspect_model_dir

    inspect_model_dir(path)  # a wrong directory fails here, with its message, before an actor starts
    gpus = ray.cluster_resources().get("GPU", 0.0)
    wants_gpu = device == "auto" and gpus >= 1 or device.startswith("cuda")
    if device.startswith("cuda") and gpus < 1:
        raise UserInputError(f"--device {device}: the Ray cluster has no GPU")
    actor = ray.remote(PlannerHost).options(
        name=name, num_cpus=0, num_gpus=1 if wants_gpu else 0, max_concurrency=64, max_restarts=0,
    ).remote(path, "cuda" if wants_gpu else "cpu", max_tiles, max_new_tokens, max_batch, threads=threads)
    try:
        ray.get(actor.ready.remote())
    except ray.exceptions.RayActorError as error:
        raise UserInputError(f"the planner host could not start: {_cause(error)}") from error
    return actor


def _cause(error: BaseException) -> str:
    cause = getattr(error, "cause", None) or getattr(error, "error_msg", None) or error
    text = str(cause).strip().splitlines()
    return text[-1] if text else type(error).__name__


class RayTextModel:
    """TextModel over a PlannerHost actor (by handle or by name)."""

    def __init__(self, actor: Any = None, *, name: str = HOST_NAME, timeout_s: float = 120.0):
        self._actor, self.host_name, self.timeout_s = actor, name, timeout_s
        self.name = f"ray:{name}"

    @property
    def actor(self):
        if self._actor is None:
            import ray

            try:
                self._actor = ray.get_actor(self.host_name)
            except ValueError as error:
                raise TextModelError(f"no planner host named {self.host_name!r} in this Ray cluster") from error
        return self._actor

    accepts_schema = True  # the hosted model decodes under it

    def complete(self, system: str, user: str, images: list[Any] | None = None, schema: dict | None = None) -> str:
        import ray

        reference = self.actor.complete.remote(system, user, images, schema)
        try:
            return ray.get(reference, timeout=self.timeout_s)
        except ray.exceptions.GetTimeoutError as error:
            ray.cancel(reference)
            raise TextModelError(f"the planner host gave no answer within {self.timeout_s:g} s") from error
        except ray.exceptions.RayActorError as error:
            raise TextModelError(f"the planner host is gone ({_cause(error)})") from error
        except ray.exceptions.RayTaskError as error:
            raise TextModelError(f"the planner host failed: {_cause(error)}") from error

    def __getstate__(self) -> dict:  # episodes on other workers look the actor up by name
        return {"_actor": None, "host_name": self.host_name, "timeout_s": self.timeout_s, "name": self.name}
