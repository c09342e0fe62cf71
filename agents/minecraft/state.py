"""The Minecraft graph's typed state (checkpointed) and its resources (live objects, not checkpointed).

The state holds everything a resumed run needs: the agenda of sub-goals still to reach, the
plan being executed, the failures the planner is told about, the counters, the milestones,
and every action executed so far (a resumed run replays them on a fresh world of the same
seed, which is deterministic, to get back to where it stopped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from envs.minecraft.sim.rules import UnknownName
from memory.knowledge import KnowledgeStore
from memory.plan_memory import PlanMemory
from scenarios.minecraft.tasks import MinecraftTaskSpec


class MinecraftState(TypedDict, total=False):
    task_id: str
    goal: str
    count: int
    tree: str  # the rendered sub-goal tree
    agenda: list[dict]  # sub-goals still to reach, next first: object, count, method, source, tool, nesting
    current: dict | None  # the sub-goal being worked on
    reached: bool  # the last action reached it
    queries: dict[str, int]  # planner queries per sub-goal object
    failures: list[dict]  # the current sub-goal's failed actions: action, message
    plan: list[dict]  # actions of the current plan not executed yet
    achieved_with: list[dict]  # successful actions towards the current sub-goal (what memory keeps)
    last_action: dict | None  # the action executed last (every one is in the ActionJournal, not here)
    trail: list[dict]  # the latest successful actions (TRAIL_LIMIT at most), as memory keeps actions
    trail_offset: int  # how many successful actions came before trail[0]
    trail_start: dict[str, int]  # agenda id -> the successful-action count at which its subtree began
    subtree_tried: list[str]  # agenda ids from which a remembered whole-subtree plan was tried
    replay_gained: dict[str, int]  # items (and item groups) obtained so far by the whole-subtree plan being replayed
    next_id: int  # the next agenda id
    last_result: dict
    planner_queries: int
    repairs: int
    fallbacks: int
    invalid_actions: int
    actions: int
    steps: int
    milestones: dict[str, int]  # item -> step at which it was first held
    unfound: list[str]  # blocks and mobs explored for in vain: the goal is planned again without them
    done: bool
    success: bool
    reason: str
    run_id: str  # this run's (kept when it resumes): memory keeps what one point of a run learnt once


@dataclass
class MinecraftResources:
    """The graph's runtime context."""

    env: Any  # a MinecraftEnv, reset to the task
    interface: Any  # ActionInterface over env
    task: MinecraftTaskSpec
    decomposer: Any  # .decompose(goal, count) -> SubGoal
    planner: Any  # Planner[PlanContext, MinecraftPlan]
    memory: PlanMemory
    knowledge: KnowledgeStore | None = None
    recorder: Any = None  # MinecraftRecorder
    on_event: Callable[[str, dict], None] | None = None  # ("subgoal" | "action" | "plan", details)
    journal: Any = None  # ActionJournal: every executed action and its log line
    decision_timeout_s: float | None = 60.0  # wall-clock seconds a planner or decomposer call may take
    events: list = field(default_factory=list)

    def decomposer_any_wood(self, item: str, ingredient: str) -> bool:
        """Whether `item` can be made from any wood of the ingredient's kind (True when the decomposer
        cannot say)."""
        check = getattr(self.decomposer, "any_wood_will_do", None)
        if check is None:
            check = getattr(getattr(self.decomposer, "fallback", None), "any_wood_will_do", None)
        try:
            return True if check is None else bool(check(item, ingredient))
        except UnknownName:  # an item name the rules do not know: let the ordinary recovery run
            return True
