"""Text-model backends by name, for the CLIs and the benchmark workers.

- `http`: an OpenAI-compatible server (LMDeploy api_server, vLLM, planners.serve):
  `--planner http --endpoint URL --model NAME`.
- `mllm`: a local InternVL directory run in process with transformers:
  `--planner mllm --model PATH [--device auto] [--max-tiles 6]`; with `--ray-planner` (and always
  in the benchmarks) the model lives in one Ray actor that every episode shares.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import asdict, dataclass

from envs.errors import UserInputError

TEXT_BACKENDS = ("http", "mllm")


@dataclass(frozen=True)
class BackendOptions:
    endpoint: str | None = None
    model: str | None = None  # http: the served model's name; mllm: the model directory
    device: str = "auto"
    max_tiles: int = 6
    ray_host: str | None = None  # mllm: the name of a running PlannerHost actor serving `model`
    timeout_s: float = 60.0
    api_key: str | None = None  # http: a key for servers that want one (never written to result files)
    planner_inputs: str = "images+scene"  # driving: images, or images+scene (the privileged scene description too)

    def to_dict(self, with_secrets: bool = True) -> dict:
        values = asdict(self)
        if not with_secrets:
            values.pop("api_key")
        return values


def backend_options(args: argparse.Namespace) -> BackendOptions:
    return BackendOptions(endpoint=getattr(args, "endpoint", None), model=getattr(args, "model", None),
                          device=getattr(args, "device", "auto"), max_tiles=getattr(args, "max_tiles", 6),
                          api_key=getattr(args, "api_key", None) or os.environ.get("OPENAI_API_KEY") or None,
                          planner_inputs=getattr(args, "planner_inputs", "images+scene"))


def check_backend(kind: str, options: BackendOptions) -> None:
    """The cheap checks (flags, URL shape, the model directory's files) without loading anything."""
    if kind == "http":
        if not options.endpoint or not options.model:
            raise UserInputError("--planner http needs --endpoint URL and --model NAME (the served model's name)")
        if not options.endpoint.startswith(("http://", "https://")):
            raise UserInputError(f"--endpoint {options.endpoint}: expected an http:// or https:// URL")
        from planners.openai_compat import served_models

        served = served_models(options.endpoint, options.api_key)
        if options.model not in served:
            raise UserInputError(f"--model {options.model}: not served at {options.endpoint}; it serves: "
                                 f"{', '.join(served) or 'no models'}")
    elif kind == "mllm":
        if not options.model:
            raise UserInputError("--planner mllm needs --model PATH (a local InternVL directory)")
        if options.max_tiles < 1:
            raise UserInputError("--max-tiles must be at least 1")
        from planners.mllm.model_dir import inspect_model_dir

        inspect_model_dir(options.model)
    else:
        raise UserInputError(f"unknown text backend {kind!r}; available: {', '.join(TEXT_BACKENDS)}")


def text_model(kind: str, options: BackendOptions):
    """The TextModel for a backend name."""
    check_backend(kind, options)
    if kind == "http":
        from planners.openai_compat import OpenAICompatModel

        return OpenAICompatModel(options.endpoint, options.model, timeout_s=options.timeout_s, api_key=options.api_key)
    if options.ray_host:
        from planners.ray_host import RayTextModel

        return RayTextModel(name=options.ray_host, timeout_s=options.timeout_s)
    from planners.mllm.chat_model import InternVLChatModel

    return InternVLChatModel.load(options.model, device=options.device, max_tiles=options.max_tiles)
