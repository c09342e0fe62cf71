"""The default Minecraft planner: rules that turn a sub-goal into structured actions, and
adjust the plan after a failure the way GITM's feedback loop does."""

from __future__ import annotations

import math

from envs.minecraft.contracts import StructuredAction
from planners.minecraft.context import PlanContext
from planners.minecraft.decomposer import GROUPS, held
from planners.minecraft.plan import MAX_PLAN_ACTIONS, MinecraftPlan

# the depth to dig to before looking for an ore (a little above where it is densest)
ORE_DEPTH = {"diamond_ore": 11, "redstone_ore": 11, "gold_ore": 28, "lapis_ore": 20, "iron_ore": 11,
             "coal_ore": 50, "granite": 50, "diorite": 50, "andesite": 50}
UNDERGROUND = set(ORE_DEPTH) | {"stone"}
# how far above ORE_DEPTH a search may start without digging down first: 4 blocks, but 1 for the ores
# that end at y=16 in 1.16 (a tunnel at 15 shows only its floor at their levels)
DEPTH_SLACK = {"diamond_ore": 1, "redstone_ore": 1}
# tunnelling wears a pickaxe out (a block a use): tunnel with the better one (faster) until the search
# stops at the uses it keeps for the ore, then with a cheap one
DIGGING_PICKAXE = "stone_pickaxe"
KEPT_FOR_THE_ORE = {"iron_pickaxe", "golden_pickaxe", "diamond_pickaxe", "netherite_pickaxe"}
MOST_BREAKS = 64  # breaks one plan asks for (a sapling at 5 % a leaf: 20)
MOST_KILLS = 8
HUNTING_DEPTH = 40  # where caves are common


def _concrete(value, inventory: dict[str, int]):
    """'planks' made concrete for the inventory: the planks of a log kind held (or planks held; oak when
    none); other values as they are ('log' stays any log)."""
    if value == "planks":
        logs = [log for log in GROUPS["log"] if inventory.get(log, 0) > 0]
        planks = [p for p in GROUPS["planks"] if inventory.get(p, 0) > 0]
        return logs[0].replace("_log", "_planks") if logs else planks[0] if planks else GROUPS["planks"][0]
    return value


def _held_kind(group: str | None, inventory: dict[str, int]) -> str | None:
    """For a group ('log'), the member the inventory holds most of (smelting takes one real item)."""
    if group not in GROUPS:
        return group
    return max(GROUPS[group], key=lambda member: inventory.get(member, 0))


def _tries(context: PlanContext, most: int = MOST_BREAKS) -> int:
    """How many breaks, kills or uses should give the items still missing, on average (at most `most`
    a plan: the next plan goes on)."""
    goal = context.sub_goal
    still_needed = max(goal.count - held(context.inventory, goal.object), 1)
    return min(math.ceil(still_needed / goal.per_action), most)


def _act(name: str, expectation: str = "", **args) -> StructuredAction:
    return StructuredAction(name=name, args=args, expectation=expectation)


def _dug_down_from_here(actions: list[StructuredAction], context: PlanContext) -> list[StructuredAction]:
    """A remembered plan's digging down was to levels of another world (its surface, where its player
    stood): drop it, and dig down as this player needs before the first search or mining of each
    underground target: to an ore's depth when well above it, 4 blocks when no stone is in sight. A
    remembered dig that collected an ore on the way (all the ore that run needed, maybe) counts as a
    search for it: this player digs to the ore's depth collecting it, or, already there, looks for it."""
    y_level, below_ground = context.y_level, context.seen_blocks.get("stone", 0) > 0
    tool = context.equipped
    adapted = []
    for action in actions:
        if action.name == "equip":
            tool = action.args.get("object", tool)
        collected = action.args.get("collect") if action.name == "dig_down" else None
        target = collected or action.args.get("object")
        if (action.name in ("explore", "mine") or collected) and target in UNDERGROUND:
            depth = ORE_DEPTH.get(target)
            if depth is not None and y_level > depth + DEPTH_SLACK.get(target, 4):
                adapted.append(_act("dig_down", f"at y={depth}", ylevel=depth, tool=tool, collect=target,
                                    count=action.args.get("count", 1)))
                y_level, below_ground = depth, True
            elif collected:
                adapted.append(_act("explore", f"{target} in sight", object=target, strategy="underground"))
                adapted += [_act("mine", f"1 more {target}", object=target, tool=tool)] * \
                    int(action.args.get("count", 1))
            elif not below_ground:
                adapted.append(_act("dig_down", "reach stone", ylevel=y_level - 4, tool=tool))
                y_level, below_ground = y_level - 4, True
        if action.name != "dig_down":
            adapted.append(action)
    return adapted


class RuleBasedActionPlanner:
    name = "rule"

    def decide(self, context: PlanContext) -> MinecraftPlan:
        goal = context.sub_goal
        if context.reference_plan and not context.failures:
            return MinecraftPlan(explanation=f"Reusing the plan that worked for {goal.object} before.",
                                 thoughts="A remembered plan is the cheapest start; its general names are made "
                                          "concrete for this inventory and its mining repeated as often as needed.",
                                 action_list=self._adapt(context))
        method = {"mine": self._mine, "craft": self._craft, "smelt": self._smelt, "attack": self._attack,
                  "apply": self._apply}
        return method[goal.method](context)

    def _adapt(self, context: PlanContext) -> list[StructuredAction]:
        """A remembered plan for this inventory and this place: a group name ('planks') becomes the kind
        the logs held make, digging down goes to the levels this player needs (the remembered run's
        were another world's), and the final mining action repeats until the sub-goal's count is
        reached."""
        goal = context.sub_goal
        actions = [a.model_copy(update={"args": {k: _concrete(v, context.inventory) for k, v in a.args.items()}})
                   for a in context.reference_plan]
        actions = _dug_down_from_here(actions, context)
        last = actions[-1]
        if goal.method == "mine" and last.name == "mine":
            have = held(context.inventory, goal.object)
            planned = sum(1 for a in actions if a.name == "mine")
            actions += [last] * max(goal.count - have - planned, 0)
        return actions[:MAX_PLAN_ACTIONS]

    def _mine(self, context: PlanContext) -> MinecraftPlan:
        goal = context.sub_goal
        source = goal.source or goal.object
        target = "log" if goal.object == "log" else source  # any wood, unless one kind was asked for
        actions = []
        failures = [f.message for f in context.failures]
        underground = target in UNDERGROUND
        digger = goal.tool
        if underground and goal.tool in KEPT_FOR_THE_ORE and any("kept for what it mines" in m for m in failures):
            digger = DIGGING_PICKAXE
            if context.inventory.get(DIGGING_PICKAXE, 0) == 0:
                actions.append(_act("craft", "a pickaxe to tunnel with", object=DIGGING_PICKAXE, count=1))
        if digger:
            actions.append(_act("equip", f"holding {digger}", object=digger))
        depth = ORE_DEPTH.get(target)
        if depth is not None and context.y_level > depth + DEPTH_SLACK.get(target, 4) and \
                not any("stopped digging" in m for m in failures):
            actions.append(_act("dig_down", f"at y={depth}", ylevel=depth, tool=digger, collect=target,
                                count=max(goal.count - held(context.inventory, goal.object), 1)))
        elif target == "stone" and context.seen_blocks.get("stone", 0) == 0 and not failures:
            actions.append(_act("dig_down", "reach stone", ylevel=context.y_level - 4, tool=digger))
        in_sight = held(context.seen_blocks, target)
        if in_sight == 0 or failures:
            actions.append(_act("explore", f"{target} in sight", object=target,
                                strategy="underground" if underground else "surface"))
        actions += [_act("mine", f"{goal.object} by chance" if goal.per_action < 1 else f"1 more {goal.object}",
                         object=target, tool=goal.tool)] * _tries(context)
        why = f"mine {target}" + (f" with {goal.tool}" if goal.tool else "")
        thoughts = "; ".join(failures[-2:]) if failures else "first attempt"
        return MinecraftPlan(explanation=f"I need {goal.count} {goal.object}: {why}.", thoughts=thoughts,
                             action_list=actions)

    def _craft(self, context: PlanContext) -> MinecraftPlan:
        goal = context.sub_goal
        item = goal.object
        if item in GROUPS:  # the wood the inventory has decides the kind of planks
            logs = [log for log in GROUPS["log"] if context.inventory.get(log, 0) > 0]
            item = logs[0].replace("_log", "_planks") if logs else GROUPS[item][0]
        missing = max(goal.count - held(context.inventory, goal.object), 1)
        return MinecraftPlan(explanation=f"Craft {missing} {item} from what I carry.", thoughts="materials are ready",
                             action_list=[_act("craft", f"{missing} {item}", object=item, count=missing)])

    def _smelt(self, context: PlanContext) -> MinecraftPlan:
        goal = context.sub_goal
        missing = max(goal.count - context.inventory.get(goal.object, 0), 1)
        return MinecraftPlan(explanation=f"Smelt {goal.source} into {goal.object} in a furnace.",
                             thoughts="the furnace and fuel are in the inventory",
                             action_list=[_act("smelt", f"{missing} {goal.object}", object=goal.object,
                                               materials=_held_kind(goal.source, context.inventory),
                                               count=missing)])

    def _attack(self, context: PlanContext) -> MinecraftPlan:
        goal = context.sub_goal
        if goal.tool:  # a hostile mob: by day it keeps to the dark caves, dig in and hunt there
            first = [_act("equip", f"holding {goal.tool}", object=goal.tool)]
            if context.y_level > HUNTING_DEPTH + 4:
                first.append(_act("dig_down", f"at y={HUNTING_DEPTH}", ylevel=HUNTING_DEPTH, tool=goal.tool))
            hunt = [_act("explore", f"a {goal.source}", object=goal.source, strategy="underground"),
                    _act("attack", f"{goal.object}", object=goal.source)]
            return MinecraftPlan(explanation=f"Hunt a {goal.source} in the caves for {goal.object}.",
                                 thoughts="hostile mobs spawn where it is dark", action_list=first + hunt * _tries(
                                     context, MOST_KILLS))
        hunt = [_act("explore", f"a {goal.source}", object=goal.source, strategy="surface"),
                _act("attack", f"{goal.object}", object=goal.source)]
        return MinecraftPlan(explanation=f"Hunt a {goal.source} for {goal.object}.", thoughts="mobs wander",
                             action_list=hunt * _tries(context, MOST_KILLS))

    def _apply(self, context: PlanContext) -> MinecraftPlan:
        goal = context.sub_goal
        strategy = "underground" if goal.source in ("lava",) else "surface"
        use = [_act("explore", f"{goal.source} in sight", object=goal.source, strategy=strategy),
               _act("apply", f"{goal.object} from the {goal.source}", object=goal.source, tool=goal.tool)]
        return MinecraftPlan(explanation=f"Use {goal.tool} on {goal.source} for {goal.object}.",
                             thoughts="; ".join(f.message for f in context.failures[-2:]) or "first attempt",
                             action_list=use * _tries(context, MOST_KILLS))
