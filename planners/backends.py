"""Text-model backends by name for the CLIs: `--planner http --endpoint URL --model NAME` (an
OpenAI-compatible server). The in-process transformers backend (`--planner mllm --model PATH`)
comes with the MLLM backends issue."""

from __future__ import annotations

from envs.errors import UserInputError


def http_model(endpoint: str | None, model: str | None, timeout_s: float = 30.0):
    if not endpoint or not model:
        raise UserInputError("--planner http needs --endpoint URL and --model NAME (the served model's name)")
    if not endpoint.startswith(("http://", "https://")):
        raise UserInputError(f"--endpoint {endpoint}: expected an http:// or https:// URL")
    from planners.openai_compat import OpenAICompatModel

    return OpenAICompatModel(endpoint, model, timeout_s=timeout_s)
