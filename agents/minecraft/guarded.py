"""Asking the planner and the decomposer so that nothing they do ends the run: a backend or
plug-in that raises, takes longer than the decision deadline, or answers something that is not
a plan (None, a string, a dict), gets the deterministic backend's answer instead, counted as a
fallback. Only a goal the rules do not know
(UnknownName) is the caller's error and goes through."""

from __future__ import annotations

import functools
import logging

from envs.minecraft.sim.rules import UnknownName, rules
from planners.deadline import call_within
from planners.minecraft.context import PlanContext
from planners.minecraft.decomposer import GoalRequest, KnowledgeGraphDecomposer, SubGoal
from planners.minecraft.plan import MinecraftPlan
from planners.minecraft.rule_planner import RuleBasedActionPlanner

log = logging.getLogger("mllm_pilot.minecraft")
_RULE_PLANNER = RuleBasedActionPlanner()


@functools.cache
def _knowledge_graph() -> KnowledgeGraphDecomposer:
    """One fallback decomposer for the process (building its cost table takes a while)."""
    return KnowledgeGraphDecomposer(rules())


def plan(planner, context: PlanContext, timeout_s: float | None = None) -> tuple[MinecraftPlan, str]:
    """(the plan, its status: ok, repaired or fallback); a planner that takes over `timeout_s`
    wall-clock seconds is given up on."""
    name = getattr(planner, "name", type(planner).__name__)
    try:
        answer = call_within(timeout_s, planner.decide, context)
    except Exception as error:  # a backend or plug-in failing must not end the episode
        log.warning("planner %s failed on %s (%s: %s); using the rule planner", name, context.sub_goal.object,
                    type(error).__name__, error)
        return _RULE_PLANNER.decide(context), "fallback"
    if not isinstance(answer, MinecraftPlan):
        log.warning("planner %s answered a %s, not a MinecraftPlan; using the rule planner", name,
                    type(answer).__name__)
        return _RULE_PLANNER.decide(context), "fallback"
    status = getattr(planner, "last_status", "ok")
    return answer, status if status in ("ok", "repaired", "fallback") else "ok"


def decompose(decomposer, request: GoalRequest, timeout_s: float | None = None) -> SubGoal:
    """The sub-goal tree; UnknownName (a goal the rules do not know) is raised as it is."""
    name = getattr(decomposer, "name", type(decomposer).__name__)
    try:
        tree = call_within(timeout_s, decomposer.decide, request)
    except UnknownName:
        raise
    except Exception as error:
        log.warning("decomposer %s failed on %s (%s: %s); using the knowledge graph", name, request.goal,
                    type(error).__name__, error)
        return _knowledge_graph().decide(request)
    if not isinstance(tree, SubGoal):
        log.warning("decomposer %s answered a %s, not a SubGoal; using the knowledge graph", name,
                    type(tree).__name__)
        return _knowledge_graph().decide(request)
    return tree
