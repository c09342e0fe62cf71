"""The text-model protocol LLM planners are written against.

A text model answers a system prompt and a user prompt (with optional images) with text.
Backends (transformers InternVL in process, an OpenAI-compatible server) implement it; the
planners turn the text into validated pydantic models and never execute it.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


class TextModelError(RuntimeError):
    """The model could not answer: a server error, a timeout, a broken connection."""


@runtime_checkable
class TextModel(Protocol):
    name: str

    def complete(self, system: str, user: str, images: list[Any] | None = None) -> str: ...
