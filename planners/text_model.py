"""The text-model protocol LLM planners are written against.

A text model answers a system prompt and a user prompt (with optional images) with text.
Backends (transformers InternVL in process, an OpenAI-compatible server) implement it; the
planners turn the text into validated pydantic models and never execute it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable


class TextModelError(RuntimeError):
    """The model could not answer: a server error, a timeout, a broken connection."""


@runtime_checkable
class TextModel(Protocol):
    name: str

    def complete(self, system: str, user: str, images: list[Any] | None = None) -> str: ...


T = TypeVar("T")
Reader = Callable[[str], tuple[T | None, bool, str | None]]  # text -> (value or None, repaired?, problem)


@dataclass(frozen=True)
class Answer(Generic[T]):
    value: T | None  # None: nothing usable, the caller falls back
    status: str  # ok, repaired, fallback
    problem: str | None = None


def ask(model: TextModel, system: str, user: str, read: Reader, repair_request: str,
        images: list[Any] | None = None, schema: dict | None = None) -> Answer:
    """One question, read by `read`; an unusable answer gets one repair round-trip (the user prompt plus
    `repair_request`, formatted with the problem); a model error ends it. Model output is only read.
    A model with `accepts_schema` is asked to decode under `schema` (the answer is still read and
    checked: a server may ignore it)."""
    problem = None
    constrained = {"schema": schema} if schema is not None and getattr(model, "accepts_schema", False) else {}
    for attempt in range(2):
        prompt = user if attempt == 0 else f"{user}\n\n{repair_request.format(problem=problem)}"
        try:
            text = model.complete(system, prompt, images, **constrained)
        except TextModelError as error:
            problem = f"model error: {error}"
            break
        except Exception as error:  # a backend or plug-in bug is a failed answer, not the end of the run
            problem = f"model error: {type(error).__name__}: {error}"
            break
        if not isinstance(text, str):
            problem = f"model error: the model answered a {type(text).__name__}, not text"
            break
        try:
            value, repaired, problem = read(text)
        except (RecursionError, ValueError, TypeError) as error:  # e.g. JSON nested past any parser's depth
            value, repaired, problem = None, False, f"the answer could not be read ({type(error).__name__})"
        if value is not None:
            return Answer(value, "repaired" if attempt or repaired else "ok", problem)
        problem = problem or "not a usable answer"
    return Answer(None, "fallback", problem)
