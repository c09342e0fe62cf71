"""LLM backends of the Minecraft decomposer and planner, over any TextModel.

Both ask the model for JSON, validate it with pydantic (actions against the action interface,
items against Minecraft's names), give the model one repair round-trip with the problem named,
and fall back to the deterministic backend when the answer still cannot be used. The outcome of
the last call (ok, repaired, fallback) is kept in `last_status` for the run's counters.
"""

from __future__ import annotations

import logging

from pydantic import Field, ValidationError

from envs.contracts import Contract
from envs.minecraft.sim.rules import Rules, UnknownName
from memory.knowledge import KnowledgeStore
from planners.json_repair import json_object
from planners.minecraft.context import PlanContext
from planners.minecraft.decomposer import GROUPS, GoalRequest, KnowledgeGraphDecomposer, SubGoal
from planners.minecraft.plan import ACTION_NAMES, MinecraftPlan, parse_plan
from planners.minecraft.prompt import query, system_prompt
from planners.minecraft.rule_planner import RuleBasedActionPlanner
from planners.text_model import TextModel, TextModelError, ask

log = logging.getLogger("mllm_pilot.minecraft")

def plan_schema() -> dict:
    """MinecraftPlan's JSON schema with the action names spelt out: what a schema-capable backend
    decodes under (a name outside the interface's actions cannot come out)."""
    schema = MinecraftPlan.model_json_schema()
    action = schema["$defs"]["StructuredAction"]["properties"]
    action["name"] = {"enum": list(ACTION_NAMES), "title": "Name", "type": "string"}
    return schema


PLAN_SCHEMA = plan_schema()
REPAIR_REQUEST = "Your last answer could not be used ({problem}). Answer again with JSON only, in the response format."


def _read_plan(text: str) -> tuple[MinecraftPlan | None, bool, str | None]:
    outcome = parse_plan(text)
    return outcome.plan, outcome.status == "repaired", outcome.problem


class LLMActionPlanner:
    """GITM's planner on a text model; the rule planner is the safe fallback."""

    def __init__(self, model: TextModel, fallback=None):
        self.model = model
        self.name = f"llm:{getattr(model, 'name', 'model')}"
        self.fallback = fallback or RuleBasedActionPlanner()
        self.last_status = "ok"
        self.last_problem: str | None = None

    def decide(self, context: PlanContext) -> MinecraftPlan:
        answer = ask(self.model, system_prompt(), query(context), _read_plan, REPAIR_REQUEST, schema=PLAN_SCHEMA)
        self.last_status, self.last_problem = answer.status, answer.problem
        if answer.value is not None:
            return answer.value
        log.info("planner answer unusable (%s); falling back to the rule planner", answer.problem)
        return self.fallback.decide(context)


class SubGoalAnswer(Contract):
    object: str
    count: int = Field(1, ge=1)
    method: str = Field(pattern="^(mine|craft|smelt|attack|apply)$")
    source: str | None = None
    tool: str | None = None
    children: list[SubGoalAnswer] = Field(default_factory=list)


DECOMPOSER_SYSTEM = """You are the goal decomposer of a Minecraft agent. Break the goal into a tree of sub-goals:
each node says how to obtain an item (method mine, craft, smelt, attack or apply), from what (source: the block
mined, the material smelted, the mob killed, the mob or block a tool is applied to) and with which tool; its
children are what must be obtained first.
Use only Minecraft item, block and mob names. Answer with JSON only:
{"object": "<item>", "count": <n>, "method": "<mine|craft|smelt|attack|apply>", "source": "<block|material|mob|null>",
 "tool": "<item|null>", "children": [<nodes>]}"""


class LLMDecomposer:
    """Planner[GoalRequest, SubGoal]: decompose with a text model and retrieved knowledge; the
    knowledge-graph decomposer is the fallback."""

    def __init__(self, model: TextModel, rules: Rules, knowledge: KnowledgeStore | None = None,
                 fallback: KnowledgeGraphDecomposer | None = None):
        self.model, self.rules, self.knowledge = model, rules, knowledge
        self.name = f"llm:{getattr(model, 'name', 'model')}"
        self.fallback = fallback or KnowledgeGraphDecomposer(rules)
        self.last_status = "ok"
        self.last_problem: str | None = None

    def decide(self, request: GoalRequest) -> SubGoal:
        return self.decompose(request.goal, request.count, request.avoid)

    def decompose(self, goal: str, count: int = 1, avoid: list[str] | tuple[str, ...] = ()) -> SubGoal:
        if goal not in GROUPS:
            self.rules.item(goal)  # a hallucinated goal is the caller's error, as with the fallback
        notes = self.knowledge.search(goal, 8) if self.knowledge else []
        user = f"Goal: obtain {count} {goal}."
        if avoid:
            user += f"\nLooked for and not found nearby: {', '.join(avoid)}; plan without them."
        if notes:
            user += "\nKnowledge:\n" + "\n".join(f"- {entry.body}" for entry in notes)
        answer = ask(self.model, DECOMPOSER_SYSTEM, user, lambda text: self._read(text, goal), REPAIR_REQUEST)
        self.last_status, self.last_problem = answer.status, answer.problem
        if answer.value is not None:
            return answer.value
        log.info("decomposer answer unusable (%s); falling back to the knowledge graph", answer.problem)
        return self.fallback.decompose(goal, count, avoid=avoid)

    def _read(self, text: str, goal: str) -> tuple[SubGoal | None, bool, str | None]:
        fields = json_object(text)
        if fields is None:
            return None, False, "not a JSON object"
        try:
            answer = SubGoalAnswer.model_validate(fields)
        except ValidationError as error:
            first = error.errors()[0]
            return None, False, f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        if answer.object != goal and answer.object not in GROUPS.get(goal, ()):
            return None, False, f"the root must be the goal {goal}, not {answer.object}"
        try:
            return self._node(answer), False, None
        except UnknownName as error:
            return None, False, str(error)

    def _node(self, answer: SubGoalAnswer) -> SubGoal:
        for name in (answer.object, answer.tool):
            if name and name not in GROUPS and not self.rules.is_item(name):
                raise UnknownName(f"there is no item called {name!r}")
        if answer.source and answer.method != "attack" and answer.source not in GROUPS and \
                not (self.rules.is_item(answer.source) or self.rules.is_block(answer.source)):
            raise UnknownName(f"there is no block or item called {answer.source!r}")
        node = SubGoal(answer.object, answer.count, answer.method, source=answer.source, tool=answer.tool)
        node.children = [self._node(child) for child in answer.children]
        return node


SUMMARY_SYSTEM = """You keep the memory of a Minecraft agent. Several action lists each reached the same sub-goal.
Write one general plan that would work again: keep the steps they share, drop accidents, use general names
(planks, log) where the kind of wood did not matter. Answer with JSON only:
{"explanation": "...", "thoughts": "...", "action_list": [{"name": "...", "args": {...}, "expectation": "..."}]}"""


def llm_summariser(model: TextModel):
    """A PlanMemory summariser on a text model: N successful plans to one general plan, validated
    like any planner answer; the deterministic merge when the answer cannot be used."""
    from memory.plan_memory import merge_plans

    def summarise(goal: str, plans: list[list[dict]]) -> list[dict]:
        listing = "\n".join(f"{n + 1}. " + "; ".join(f"{a['name']}({a.get('args', {})})" for a in plan)
                            for n, plan in enumerate(plans))
        try:
            outcome = parse_plan(model.complete(SUMMARY_SYSTEM, f"Sub-goal: {goal}\nPlans that worked:\n{listing}"))
        except TextModelError as error:
            log.info("summary of %s: model error (%s); merging deterministically", goal, error)
            return merge_plans(goal, plans)
        if outcome.plan is None:
            log.info("summary of %s unusable (%s); merging deterministically", goal, outcome.problem)
            return merge_plans(goal, plans)
        return [action.model_dump() for action in outcome.plan.action_list]

    return summarise
