"""The nodes of the Minecraft graph: decompose -> plan -> execute -> feedback -> remember.

decompose builds the sub-goal tree and its post-order agenda; plan takes the next sub-goal not
yet held and asks the planner for structured actions (the remembered plan, the failures so far
and retrieved knowledge in its context; at most MAX_QUERIES queries per sub-goal); act executes
one action through the interface; feedback reads the result (a failure goes back to the planner,
a missing ingredient is obtained first); remember keeps the actions that reached a sub-goal.
Each node takes the state and the runtime (whose context is the MinecraftResources) and returns
the keys it changed.
"""

from __future__ import annotations

import logging
import re
import uuid

from langgraph.runtime import Runtime

from agents.minecraft import guarded
from agents.minecraft.state import MinecraftResources, MinecraftState
from envs.minecraft.contracts import StructuredAction
from envs.minecraft.sim.rules import UnknownName
from planners.minecraft.context import Feedback, PlanContext, SubGoalSpec
from planners.minecraft.decomposer import GROUPS, GoalRequest, SubGoal, group_of, held
from planners.minecraft.plan import MAX_PLAN_ACTIONS

log = logging.getLogger("mllm_pilot.minecraft")
MAX_QUERIES = 30  # planner queries per sub-goal (GITM)
MAX_NESTING = 3  # missing ingredients fetched inside missing ingredients, at most this deep
KNOWLEDGE_PER_QUERY = 3
MISSING = re.compile(r"(\d+) ([a-z_]+)")
NOT_FOUND = re.compile(r"(explored the surface|tunnelled) without finding [a-z_]+$|no such block or mob in this world")
SUBTREE_KEY = "{} with its sub-goals"  # memory key of the plan that reached a sub-goal and everything under it
MAX_FAILURES_TOLD = 20  # the planner is told the sub-goal's latest failures, at most this many
MAX_REMEMBERED = 2 * MAX_PLAN_ACTIONS  # actions of one sub-goal kept for memory (a longer plan is no plan)
TRAIL_LIMIT = 4 * MAX_PLAN_ACTIONS  # successful actions kept for whole-subtree memories


def initial_state(task_id: str, goal: str, count: int) -> MinecraftState:
    return MinecraftState(task_id=task_id, goal=goal, count=count, tree="", agenda=[], queries={}, failures=[],
                          plan=[], achieved_with=[], last_action=None, last_result={}, planner_queries=0, repairs=0,
                          fallbacks=0, invalid_actions=0, actions=0, steps=0, milestones={}, unfound=[], current=None,
                          reached=False, next_id=0, trail=[], trail_offset=0, trail_start={}, subtree_tried=[],
                          replay_gained={}, done=False, success=False, reason="", run_id=uuid.uuid4().hex)


def _entries(tree: SubGoal, nesting: int, first_id: int) -> list[dict]:
    """The tree's nodes in post-order as agenda entries. `opens` names the ancestors (top-most first)
    whose subtree starts with this node, `parent_of` says whether the node has children."""
    entries = [{"id": f"g{first_id + index}", "object": node.object, "count": node.count, "method": node.method,
                "source": node.source, "tool": node.tool,
                "per_action": node.per_action, "nesting": nesting, "parent_of": len(node.children),
                "opens": []} for index, node in enumerate(tree.post_order())]
    _mark_openings(tree, entries)
    return entries


def _mark_openings(tree: SubGoal, entries: list[dict]) -> None:
    """Entry i opens each ancestor whose post-order span starts at i (a node's span is itself plus
    the spans of its children, which come right before it)."""
    spans: list[tuple[int, int]] = []  # (start, end) per entry, end = the entry's own index

    def span(node: SubGoal) -> int:
        start = None
        for child in node.children:
            child_start = span(child)
            start = child_start if start is None else start
        index = len(spans)
        spans.append((index if start is None else start, index))
        return spans[-1][0]

    span(tree)
    for start, end in sorted(spans, key=lambda s: s[0] - s[1]):  # widest spans (ancestors) first
        if start != end:
            entries[start]["opens"].append(entries[end]["id"])


def decompose(state: MinecraftState, runtime: Runtime[MinecraftResources]) -> dict:
    resources = runtime.context
    try:
        request = GoalRequest(goal=state["goal"], count=state["count"])
        tree = guarded.decompose(resources.decomposer, request, resources.decision_timeout_s).gather_upfront()
    except UnknownName as error:
        return {"done": True, "success": False, "reason": f"cannot decompose {state['goal']}: {error}"}
    _emit(resources, "tree", {"tree": tree.render()})
    agenda = _entries(tree, 0, state["next_id"])
    return {"tree": tree.render(), "agenda": agenda, "next_id": state["next_id"] + len(agenda)}


def plan(state: MinecraftState, runtime: Runtime[MinecraftResources]) -> dict:
    resources = runtime.context
    observation = resources.interface.observe()
    agenda = list(state["agenda"])
    while agenda and held(observation.inventory, agenda[0]["object"]) >= agenda[0]["count"]:
        agenda.pop(0)
    if held(observation.inventory, state["goal"]) >= state["count"]:
        return {"agenda": agenda, "done": True, "success": True, "reason": f"obtained {state['goal']}"}
    if not agenda:
        return {"agenda": agenda, "done": True, "success": False, "reason": "every sub-goal was tried"}
    entry = agenda[0]
    if entry["tool"] and held(observation.inventory, entry["tool"]) == 0 and entry["nesting"] < MAX_NESTING:
        tree, first = _obtain_first(resources, entry["tool"], 1, entry["nesting"] + 1, state["next_id"])
        if tree is not None:  # the tool wore out (or was never made): make one first
            _emit(resources, "tree", {"tree": tree.render(), "reason": f"{entry['tool']} is gone"})
            return {"agenda": first + agenda, "next_id": state["next_id"] + len(first), "current": None,
                    "plan": []}
    queries = dict(state["queries"])
    current = state.get("current")
    changed = current is None or entry["id"] != current["id"]
    failures = [] if changed else state["failures"]
    achieved_with = [] if changed else state["achieved_with"]
    trail_start, tried = dict(state["trail_start"]), list(state["subtree_tried"])
    remembered = None
    if changed and current is not None and current.get("whole_subtree"):
        agenda = _past_the_replay(agenda, current, state.get("replay_gained", {}))
        entry = agenda[0]
    if changed:
        for opened in entry["opens"]:
            trail_start.setdefault(opened, state["trail_offset"] + len(state["trail"]))
        whole = _remembered_subtree(entry, agenda, tried, resources)
        if whole is not None:
            entry, remembered = whole
            tried.append(agenda[0]["id"])
    if queries.get(entry["object"], 0) >= MAX_QUERIES:
        return {"agenda": agenda, "done": True, "success": False,
                "reason": f"gave up on {entry['count']} {entry['object']} after {MAX_QUERIES} planner queries"}
    if changed:
        _emit(resources, "subgoal", entry)
    spec = SubGoalSpec(object=entry["object"], count=entry["count"], method=entry["method"], source=entry["source"],
                       tool=entry["tool"], per_action=entry.get("per_action", 1.0))
    remembered = remembered or resources.memory.reference_plan(entry["object"])
    knowledge = []
    if resources.knowledge is not None:
        question = f"{entry['method']} {entry['object']} {entry['source'] or ''}"
        knowledge = [hit.body for hit in resources.knowledge.search(question, KNOWLEDGE_PER_QUERY)]
    context = PlanContext(goal=state["goal"], sub_goal=spec, inventory=observation.inventory,
                          equipped=observation.equipped, life=observation.life, food=observation.food,
                          y_level=observation.y_level, biome=observation.biome,
                          seen_blocks=observation.seen_blocks, seen_mobs=observation.seen_mobs,
                          reference_plan=_actions(remembered) if remembered else None,
                          failures=[Feedback.model_validate(f) for f in failures], knowledge=knowledge)
    answer, status = guarded.plan(resources.planner, context, resources.decision_timeout_s)
    queries[entry["object"]] = queries.get(entry["object"], 0) + 1
    actions = [a.model_dump() for a in answer.action_list]
    _emit(resources, "plan", {"subgoal": entry, "explanation": answer.explanation, "actions": actions,
                              "status": status})
    return {"agenda": agenda, "current": entry, "queries": queries, "failures": failures, "replay_gained": {},
            "achieved_with": achieved_with, "trail_start": trail_start, "subtree_tried": tried,
            "plan": actions, "planner_queries": state["planner_queries"] + 1,
            "repairs": state["repairs"] + (status == "repaired"),
            "fallbacks": state["fallbacks"] + (status == "fallback")}


def _past_the_replay(agenda: list[dict], replayed: dict, gained: dict[str, int]) -> list[dict]:
    """A remembered whole-subtree plan that failed part-way: the leading sub-goals whose items it already
    obtained in full (used up since, maybe, as logs become planks) are not obtained again; planning goes
    on sub-goal by sub-goal from the first one it did not get to (never past the subtree's own goal)."""
    skip = 0
    while skip < len(agenda) - 1 and agenda[skip]["id"] != replayed["id"] and \
            gained.get(agenda[skip]["object"], 0) >= agenda[skip]["count"]:
        skip += 1
    return agenda[skip:]


def _remembered_subtree(entry: dict, agenda: list[dict], tried: list[str],
                        resources: MinecraftResources) -> tuple[dict, list[dict]] | None:
    """At the start of subtrees, the widest one memory has a whole plan for: (its entry, the plan)."""
    if entry["id"] in tried:
        return None  # tried once from here and it did not get there: plan sub-goal by sub-goal
    by_id = {e["id"]: e for e in agenda}
    for opened in entry["opens"]:
        ancestor = by_id.get(opened)
        plan = resources.memory.reference_plan(SUBTREE_KEY.format(ancestor["object"])) if ancestor else None
        if plan:
            return {**ancestor, "whole_subtree": True}, plan
    return None


def _actions(raw: list[dict]) -> list[StructuredAction] | None:
    try:
        return [StructuredAction.model_validate(a) for a in raw]
    except ValueError:
        return None  # a memory entry from another version: no reference plan


def execute(state: MinecraftState, runtime: Runtime[MinecraftResources]) -> dict:
    resources = runtime.context
    action = StructuredAction.model_validate(state["plan"][0])
    executed = resources.interface.execute(action)
    result = executed.result.model_dump()
    observation = executed.observation
    milestones = dict(state["milestones"])
    for item in observation.inventory:
        milestones.setdefault(item, observation.step)
    result.update(terminated=executed.terminated, truncated=executed.truncated)
    _emit(resources, "action", {"action": action.model_dump(), "result": result, "step": observation.step,
                                "observation": observation})
    args = ", ".join(f"{k}={v}" for k, v in action.args.items() if v is not None)
    line = f"{observation.step:5d} {action.name}({args}) -> {'ok' if result['success'] else 'FAILED'}: " \
           f"{result['feedback']}"
    resources.journal.append(state["actions"], action.model_dump(), line)
    gained = dict(state.get("replay_gained", {}))
    if (state.get("current") or {}).get("whole_subtree"):  # what a remembered whole-subtree plan has got so far
        for item, delta in (result.get("inventory_delta") or {}).items():
            for name in {item, group_of(item)} if delta > 0 else ():
                gained[name] = gained.get(name, 0) + delta
    return {"plan": state["plan"][1:], "last_action": action.model_dump(), "last_result": result,
            "replay_gained": gained,
            "actions": state["actions"] + 1, "steps": observation.step, "milestones": milestones,
            "invalid_actions": state["invalid_actions"] + bool(result.get("invalid"))}


def feedback(state: MinecraftState, runtime: Runtime[MinecraftResources]) -> dict:
    resources = runtime.context
    result = state["last_result"]
    action = state["last_action"]
    if result.get("terminated") or result.get("truncated"):
        observation = resources.interface.observe()
        success = held(observation.inventory, state["goal"]) >= state["count"]
        reason = "the player died" if result.get("terminated") else "the step budget is spent"
        return {"done": True, "success": success, "reason": f"obtained {state['goal']}" if success else reason}
    entry = state["current"]
    if not result["success"]:
        failures = [*state["failures"], {"action": action, "success": False, "message": result["feedback"]}]
        failures = failures[-MAX_FAILURES_TOLD:]
        around = _plan_around(state, action, result["feedback"], resources)
        if around is not None:
            return around
        agenda, next_id = _with_missing_ingredients(state, result["feedback"], resources)
        return {"failures": failures, "plan": [], "agenda": agenda, "next_id": next_id, "reached": False}
    achieved_with = state["achieved_with"] + [action] if len(state["achieved_with"]) < MAX_REMEMBERED else \
        state["achieved_with"]
    trail, offset = [*state["trail"], general_action(action)], state["trail_offset"]
    if len(trail) > TRAIL_LIMIT:
        trail, offset = trail[1:], offset + 1
    update = {"achieved_with": achieved_with, "trail": trail, "trail_offset": offset, "reached": False}
    if held(resources.interface.observe().inventory, entry["object"]) >= entry["count"]:
        update.update(plan=[], reached=True)  # the rest of the plan is not needed
    elif not state["plan"]:
        update["failures"] = [*state["failures"], {"action": action, "success": False,
                                                   "message": f"the plan ended without {entry['count']} "
                                                              f"{entry['object']}"}][-MAX_FAILURES_TOLD:]
    return update


def _plan_around(state: MinecraftState, action: dict, message: str, resources: MinecraftResources) -> dict | None:
    """An exploration that found none of what the current sub-goal is mined, hunted or used from:
    plan the goal again without it (another recipe, another source), as GITM's decomposer does
    with feedback. None when it was something else, or there is no other way."""
    found_none = NOT_FOUND.search(message)
    entry = state["current"]
    if action["name"] != "explore" or found_none is None or entry is None:
        return None
    missing = str(action["args"].get("object", ""))
    unfound = list(state.get("unfound", []))
    if missing in unfound or missing not in (entry["source"], entry["object"]):
        return None
    unfound.append(missing)
    try:
        request = GoalRequest(goal=state["goal"], count=state["count"], avoid=unfound)
        tree = guarded.decompose(resources.decomposer, request, resources.decision_timeout_s).gather_upfront()
    except UnknownName:
        return {"unfound": unfound}  # no other way: keep trying this one
    if tree.render() == state["tree"]:
        return {"unfound": unfound}
    _emit(resources, "tree", {"tree": tree.render(), "reason": f"no {missing} found"})
    agenda = _entries(tree, 0, state["next_id"])
    return {"unfound": unfound, "tree": tree.render(), "agenda": agenda, "next_id": state["next_id"] + len(agenda),
            "current": None, "plan": [], "failures": [], "reached": False}


def _with_missing_ingredients(state: MinecraftState, message: str,
                              resources: MinecraftResources) -> tuple[list[dict], int]:
    """'cannot craft X: missing 3 oak_planks, 1 stick': obtain those first (a sibling used them up).
    When a remembered whole-subtree plan failed so, the sub-goals it already got done go first (they
    are not to come back once the missing things are obtained)."""
    agenda = state["agenda"]
    if "missing" not in message:
        return agenda, state["next_id"]
    current = state.get("current") or {}
    if current.get("whole_subtree"):
        agenda = _past_the_replay(agenda, current, state.get("replay_gained", {}))
    if not agenda or agenda[0]["nesting"] >= MAX_NESTING:
        return agenda, state["next_id"]
    inventory = resources.interface.observe().inventory
    first: list[dict] = []
    next_id = state["next_id"]
    for amount, item in MISSING.findall(message.split("missing", 1)[1]):
        wanted = group_of(item)
        crafted = str(state["last_action"]["args"].get("object", "")) if state.get("last_action") else ""
        if wanted != item and not resources.decomposer_any_wood(crafted, item):
            wanted = item  # the recipe wants this very wood
        elif wanted != item and held(inventory, wanted) - inventory.get(item, 0) >= int(amount):
            continue  # other kinds of the same wood cover it: the plan named the wrong kind, not too few
        first += _obtain_first(resources, wanted, int(amount) + held(inventory, wanted), agenda[0]["nesting"] + 1,
                               next_id + len(first))[1]
    return first + agenda, next_id + len(first)


def _obtain_first(resources: MinecraftResources, item: str, count: int, nesting: int,
                  first_id: int) -> tuple[SubGoal | None, list[dict]]:
    """The sub-goal tree and agenda entries that obtain `count` of `item` before the current
    sub-goal; (None, []) when the decomposer cannot plan it."""
    try:
        tree = guarded.decompose(resources.decomposer, GoalRequest(goal=item, count=count),
                                 resources.decision_timeout_s)
    except UnknownName:
        return None, []
    return tree, _entries(tree, nesting, first_id)


def remember(state: MinecraftState, runtime: Runtime[MinecraftResources]) -> dict:
    """Keep how the sub-goal was reached: its own actions, and for a sub-goal with children every
    successful action since its subtree began (reused whole when the same subtree comes up again)."""
    resources = runtime.context
    entry = state["current"]
    source = f"{state['run_id']}@{state['actions']}:{entry['id']}" if state.get("run_id") else None
    if state["achieved_with"] and not entry.get("whole_subtree"):
        resources.memory.record_success(entry["object"], [general_action(a) for a in state["achieved_with"]],
                                        source)
    start = state["trail_start"].get(entry["id"])
    offset = state["trail_offset"]
    if entry["parent_of"] and start is not None and start >= offset and state["trail"][start - offset:]:
        # (a subtree that began before the trail's window took too many actions to be a plan worth keeping)
        resources.memory.record_success(SUBTREE_KEY.format(entry["object"]), state["trail"][start - offset:],
                                        source and f"{source}/subtree")
    _emit(resources, "reached", entry)
    agenda = list(state["agenda"])
    ids = [e["id"] for e in agenda]
    if entry["id"] in ids:  # a whole subtree reached at once: its pending entries go too
        agenda = agenda[ids.index(entry["id"]) + 1:] if entry.get("whole_subtree") else \
            [e for e in agenda if e["id"] != entry["id"]]
    return {"agenda": agenda, "current": None, "achieved_with": [], "failures": [], "plan": [], "reached": False}


def general_action(action: dict) -> dict:
    """An action as memory keeps it: planks of one wood are just planks (the next world may grow
    other trees); logs stay 'log' already, as the planner names them."""
    args = {k: ("planks" if isinstance(v, str) and v in GROUPS["planks"] else v) for k, v in action["args"].items()}
    return {**action, "args": args}


# edges

def after_decompose(state: MinecraftState) -> str:
    return "end" if state["done"] else "plan"


def after_plan(state: MinecraftState) -> str:
    if state["done"]:
        return "end"
    return "act" if state["plan"] else "plan"  # no plan: sub-goals were put first (a worn-out tool)


def after_feedback(state: MinecraftState) -> str:
    if state["done"]:
        return "end"
    if state["reached"]:
        return "remember"
    return "act" if state["plan"] else "plan"


def _emit(resources: MinecraftResources, kind: str, details: dict) -> None:
    if resources.recorder is not None:
        resources.recorder.event(kind, details)
    if resources.on_event is not None:
        resources.on_event(kind, details)
