"""Where the planner's model runs for a CLI run: in process, or (`--ray-planner`, and always in
the benchmarks) in one Ray actor that every episode reaches by name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from planners.backends import BackendOptions


def hosts_model(planner: str) -> bool:
    return planner == "mllm"


def start_host(options: BackendOptions) -> tuple[BackendOptions, object]:
    """Start the PlannerHost actor (Ray is up); returns options that point episodes at it, and the
    actor's handle, which the caller keeps: Ray ends an actor once no handle to it is left."""
    from planners.ray_host import HOST_NAME, start_planner_host

    actor = start_planner_host(options.model, device=options.device, max_tiles=options.max_tiles)
    return replace(options, ray_host=HOST_NAME), actor


def host_setup(planner: str, backend: BackendOptions, options: dict):
    """For agents.bench.parallel.run_jobs: once Ray is up, start the planner host and point the
    jobs' options at it (None when the planner hosts no model). The handle is kept with the
    function: Ray ends an actor once no handle to it is left."""
    if not hosts_model(planner):
        return None
    handles: list = []

    def setup() -> None:  # one model for every job, in a Ray actor the workers share
        hosted, actor = start_host(backend)
        options["backend"] = hosted.to_dict()
        handles.append(actor)

    return setup


@contextmanager
def planner_backend(planner: str, options: BackendOptions, use_ray: bool,
                    address: str | None = None) -> Iterator[BackendOptions]:
    """The backend options to build the planner with; with use_ray and a model to host, Ray is
    started (or joined at `address`), the actor placed, and Ray shut down on the way out."""
    if not (use_ray and hosts_model(planner)):
        yield options
        return
    import ray

    from agents.bench.parallel import start_ray
    from planners.backends import check_backend

    check_backend(planner, options)
    start_ray(address, 1)
    try:
        hosted, actor = start_host(options)
        yield hosted
        del actor
    finally:
        ray.shutdown()
