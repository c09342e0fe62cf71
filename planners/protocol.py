"""The planner protocol: one method from a context to a validated decision model.

Every backend (rule-based, transformers, OpenAI-compatible HTTP) implements it; text
backends go through the same parser, so a decision is always a validated pydantic model.
"""

from __future__ import annotations

from typing import Protocol, TypeVar, runtime_checkable

ContextT = TypeVar("ContextT", contravariant=True)
DecisionT = TypeVar("DecisionT", covariant=True)


@runtime_checkable
class Planner(Protocol[ContextT, DecisionT]):
    name: str

    def decide(self, context: ContextT) -> DecisionT: ...
