"""One goal, pursued GITM's way: decompose into a sub-goal tree, then for each sub-goal in
post-order plan structured actions (a remembered plan first), execute them, replan from the
first failure with its feedback (at most MAX_QUERIES planner queries per sub-goal), and
remember the action sequences that worked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from envs.minecraft.contracts import StructuredAction
from envs.minecraft.sim.rules import UnknownName
from memory.plan_memory import PlanMemory
from planners.minecraft.context import Feedback, PlanContext, SubGoalSpec
from planners.minecraft.decomposer import GROUPS, KnowledgeGraphDecomposer, SubGoal, group_of

MAX_QUERIES = 30


@dataclass
class GoalReport:
    goal: str
    success: bool
    steps: int
    planner_queries: int
    actions: int
    tree: str
    log: list[str] = field(default_factory=list)
    obtained: dict[str, int] = field(default_factory=dict)  # first step at which each item was held


def held(inventory: dict[str, int], item: str) -> int:
    return sum(inventory.get(name, 0) for name in GROUPS.get(item, (item,)))


MISSING = re.compile(r"(\d+) ([a-z_]+)")
MAX_NESTING = 3


def pursue(env, goal: str, decomposer: KnowledgeGraphDecomposer, planner, memory: PlanMemory,
           count: int = 1) -> GoalReport:
    observation = env.observe()
    tree = decomposer.decompose(goal, count).gather_upfront()
    report = GoalReport(goal, False, observation.step, 0, 0, tree.render())
    agent = _Pursuit(env, goal, decomposer, planner, memory, report)
    for node in tree.post_order():
        if held(env.observe().inventory, node.object) >= node.count:
            continue
        if not agent.achieve(node):
            break
    final = env.observe()
    report.success = held(final.inventory, goal) >= count
    report.steps = final.step
    return report


@dataclass
class _Pursuit:
    env: object
    goal: str
    decomposer: KnowledgeGraphDecomposer
    planner: object
    memory: PlanMemory
    report: GoalReport
    nesting: int = 0

    def achieve(self, node: SubGoal) -> bool:
        env, report = self.env, self.report
        spec = SubGoalSpec(object=node.object, count=node.count, method=node.method, source=node.source,
                           tool=node.tool)
        failures: list[Feedback] = []
        for _ in range(MAX_QUERIES):
            observation = env.observe()
            if held(observation.inventory, node.object) >= node.count:
                return True
            remembered = self.memory.reference_plan(node.object)
            context = PlanContext(goal=self.goal, sub_goal=spec, inventory=observation.inventory,
                                  y_level=observation.y_level, biome=observation.biome,
                                  nearby_blocks=observation.nearby_blocks(),
                                  reference_plan=[StructuredAction.model_validate(a) for a in remembered]
                                  if remembered else None, failures=failures)
            plan = self.planner.plan(context)
            report.planner_queries += 1
            done: list[StructuredAction] = []
            failed = False
            for action in plan.action_list:
                step = env.step(action)
                result = step.info["result"]
                report.actions += 1
                report.log.append(f"{step.observation.step:6d} {action.name}({action.args}): {result['feedback']}")
                for item in step.observation.inventory:
                    report.obtained.setdefault(item, step.observation.step)
                if step.terminated or step.truncated:
                    return False
                if not result["success"]:
                    failures.append(Feedback(action=action, success=False, message=result["feedback"]))
                    failed = True
                    self._obtain_missing(result["feedback"])
                    break
                done.append(action)
                if held(step.observation.inventory, node.object) >= node.count:
                    break
            if held(env.observe().inventory, node.object) >= node.count:
                if not failed:
                    self.memory.record_success(node.object, [a.model_dump() for a in done])
                return True
        return False

    def _obtain_missing(self, feedback: str) -> None:
        """'cannot craft X: missing 3 oak_planks, 1 stick': get those first (siblings used them up)."""
        if "missing" not in feedback or self.nesting >= MAX_NESTING:
            return
        inventory = self.env.observe().inventory
        self.nesting += 1
        try:
            for amount, item in MISSING.findall(feedback.split("missing", 1)[1]):
                wanted = group_of(item)
                try:
                    tree = self.decomposer.decompose(wanted, int(amount) + held(inventory, wanted))
                except UnknownName:
                    continue
                for node in tree.post_order():
                    if held(self.env.observe().inventory, node.object) < node.count and not self.achieve(node):
                        return
        finally:
            self.nesting -= 1
