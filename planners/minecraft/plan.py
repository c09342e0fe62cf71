"""The structured-action plan a Minecraft planner answers, and reading it from model text.

GITM's response format: {"explanation": ..., "thoughts": ..., "action_list": [{"name", "args",
"expectation"}]}. Strict JSON first, then a repair of near-misses; an answer that still
cannot be read is None, and the agent replans with that as feedback.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, ValidationError

from envs.contracts import Contract
from envs.minecraft.contracts import StructuredAction
from planners.json_repair import json_object

ACTION_NAMES = ("equip", "explore", "approach", "mine", "attack", "dig_down", "go_up", "craft", "smelt", "apply",
                "place", "build")


MAX_PLAN_ACTIONS = 100  # a plan longer than this is refused (the next plan goes on from where it got)


class MinecraftPlan(Contract):
    explanation: str = ""
    thoughts: str = ""
    action_list: list[StructuredAction] = Field(min_length=1, max_length=MAX_PLAN_ACTIONS)


@dataclass(frozen=True)
class PlanOutcome:
    plan: MinecraftPlan | None
    status: str  # ok, repaired, invalid
    problem: str | None = None


def parse_plan(text: str) -> PlanOutcome:
    try:
        return PlanOutcome(_checked(MinecraftPlan.model_validate_json(text.strip())), "ok")
    except (ValidationError, ValueError) as error:
        problem = _describe(error)
    fields = json_object(text)
    if fields is not None:
        actions = fields.get("action_list", fields.get("actions"))
        try:
            plan = MinecraftPlan(explanation=str(fields.get("explanation", "")),
                                 thoughts=str(fields.get("thoughts", "")),
                                 action_list=[_action(a) for a in actions or []])
            return PlanOutcome(_checked(plan), "repaired", problem)
        except (ValidationError, ValueError, TypeError, AttributeError, KeyError) as error:
            problem = _describe(error)
    return PlanOutcome(None, "invalid", problem)


def _action(raw: dict) -> StructuredAction:
    args = {k: v for k, v in (raw.get("args") or {}).items()}
    return StructuredAction(name=str(raw["name"]).strip().lower(), args=args,
                            expectation=str(raw.get("expectation", "")))


def _checked(plan: MinecraftPlan) -> MinecraftPlan:
    unknown = [a.name for a in plan.action_list if a.name not in ACTION_NAMES]
    if unknown:
        raise ValueError(f"unknown action {unknown[0]!r}; actions are {', '.join(ACTION_NAMES)}")
    return plan


def _describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"an action has no {error.args[0]!r}"
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first.get('loc', ())) or 'answer'}: {first.get('msg', 'invalid')}"
    return str(error)
