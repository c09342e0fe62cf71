"""GITM's decomposer, deterministic backend: a goal to a sub-goal tree over Minecraft's rules.

Each node says how to obtain an item: mine the block that drops it (with the weakest tool
that can harvest it), smelt it from its source, craft it from its recipe, or kill the mob
that drops it; its children are what that needs first. The tree runs in post-order.
Planks and logs are item groups: any wood will do, as in the game's recipes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pydantic import Field

from envs.contracts import Contract
from envs.minecraft.sim.mobs import HOSTILE, PASSIVE
from envs.minecraft.sim.palette import BLOCKS
from envs.minecraft.sim.rules import Rules, UnknownName

GROUPS = {"log": ("oak_log", "birch_log", "spruce_log"), "planks": ("oak_planks", "birch_planks", "spruce_planks")}
TOOL_TIERS = ("wooden", "stone", "iron", "diamond")
SMELTING_FUEL = "planks"
FUEL_PER_PLANK = 1.5
MAX_DEPTH = 12
# what the player builds or what rarely yields anything reliable is not a place to get items from
NOT_A_SOURCE = {"air", "water", "lava", "bedrock", "oak_planks", "spruce_planks", "birch_planks", "crafting_table",
                "furnace", "torch", "glass", "cobblestone", "oak_leaves", "birch_leaves", "spruce_leaves", "grass"}


def held(counts: dict[str, int], item: str) -> int:
    """How many of an item, or of an item group such as any log, the counts hold."""
    return sum(counts.get(name, 0) for name in GROUPS.get(item, (item,)))


def group_of(item: str) -> str:
    for group, members in GROUPS.items():
        if item in members:
            return group
    return item


@dataclass
class SubGoal:
    object: str
    count: int
    method: str  # mine, smelt, craft, attack
    source: str | None = None  # the block mined, the material smelted, the mob killed
    tool: str | None = None
    needs_table: bool = False
    children: list[SubGoal] = field(default_factory=list)

    def post_order(self) -> list[SubGoal]:
        return [node for child in self.children for node in child.post_order()] + [self]

    def gather_upfront(self) -> SubGoal:
        """Raise the first gathering sub-goal of each material (post-order) to the tree's total need of
        it, so that one trip gets all the logs or cobblestone siblings will use up; in place."""
        nodes = [node for node in self.post_order() if node.method in ("mine", "attack")]
        totals: dict[str, int] = {}
        for node in nodes:
            totals[node.object] = totals.get(node.object, 0) + node.count
        seen: set[str] = set()
        for node in nodes:
            if node.object not in seen:
                seen.add(node.object)
                node.count = totals[node.object]
        return self

    def render(self, depth: int = 0) -> str:
        how = {"mine": f"mine {self.source}" + (f" with {self.tool}" if self.tool else ""),
               "smelt": f"smelt {self.source}", "craft": "craft" + (" at a crafting table" if self.needs_table else ""),
               "attack": f"kill {self.source}"}[self.method]
        lines = [f"{'  ' * depth}- {self.count} {self.object}: {how}"]
        return "\n".join(lines + [child.render(depth + 1) for child in self.children])


class GoalRequest(Contract):
    """What a decomposer is asked (the planner protocol's context for decomposers)."""

    goal: str
    count: int = Field(1, ge=1)


class KnowledgeGraphDecomposer:
    """Planner[GoalRequest, SubGoal] over the rules."""

    name = "knowledge-graph"

    def __init__(self, rules: Rules):
        self.rules = rules
        self._mine_sources = self._index_mining()

    def _index_mining(self) -> dict[str, str]:
        """item -> a world block that drops it when harvested."""
        sources: dict[str, str] = {}
        for block in BLOCKS:
            if block in NOT_A_SOURCE or not self.rules.is_breakable(block):
                continue
            tools = self.rules.block(block).get("harvestTools")
            tool = self.weakest_tool(block) if tools else None
            for drop in self.rules.drops(block, tool):
                if drop.chance >= 0.99:
                    sources.setdefault(group_of(drop.item), block)
                    sources.setdefault(drop.item, block)
        return sources

    def any_wood_will_do(self, item: str, ingredient: str) -> bool:
        """An ingredient of a wood group may be any member when the item also has a recipe made from
        another member (the game's tags): sticks from any planks, but an oak door from oak planks."""
        group = group_of(ingredient)
        if group == ingredient:
            return False
        if item in GROUPS:  # planks from any log; the planner picks the log held
            return True
        return any(name != ingredient and name in GROUPS[group]
                   for recipe in self.rules.recipes_for(item) for name, _ in recipe.ingredients)

    def _animal_dropping(self, item: str) -> str | None:
        """A passive mob that always drops the item, if any."""
        for mob in sorted(PASSIVE):
            if any(d.item == item and d.expected >= 0.99 for d in self.rules.mob_drops(mob)):
                return mob
        return None

    def weakest_tool(self, block: str) -> str | None:
        tools = self.rules.block(block).get("harvestTools")
        if not tools:
            return None
        names = {self.rules.item_name(int(t)) for t in tools}
        for tier in TOOL_TIERS:
            for name in sorted(names):
                if name.startswith(tier + "_"):
                    return name
        return sorted(names)[0]

    def decide(self, request: GoalRequest) -> SubGoal:
        return self.decompose(request.goal, request.count)

    def decompose(self, goal: str, count: int = 1, held: dict[str, int] | None = None) -> SubGoal:
        """The sub-goal tree for `count` of `goal`, skipping what `held` already covers."""
        if goal not in GROUPS:
            self.rules.item(goal)  # raises UnknownName for hallucinated items
        return self._node(goal, count, dict(held or {}), depth=0)

    def _node(self, item: str, count: int, held: dict[str, int], depth: int) -> SubGoal:
        if depth > MAX_DEPTH:
            raise UnknownName(f"cannot plan {item}: its recipe chain is too deep")
        if item in self._mine_sources:
            block = self._mine_sources[item]
            tool = self.weakest_tool(block)
            node = SubGoal(item, count, "mine", source=block, tool=tool)
            if tool:
                node.children.append(self._node(tool, 1, held, depth + 1))
            return node
        source = next((s for s, product in sorted(self.rules.smelting.items()) if product == item
                       and group_of(s) in self._mine_sources), None)
        if source is not None:
            node = SubGoal(item, count, "smelt", source=group_of(source))
            node.children += [self._node(group_of(source), count, held, depth + 1),
                              self._node("furnace", 1, held, depth + 1),
                              self._node(SMELTING_FUEL, math.ceil(count / FUEL_PER_PLANK), held, depth + 1)]
            return node
        animal = self._animal_dropping(item)
        if animal is not None:  # a cow's leather rather than four rabbit hides
            return SubGoal(item, count, "attack", source=animal)
        recipes = self.rules.recipes_for(GROUPS[item][0] if item in GROUPS else item)
        if recipes:
            recipe = recipes[0]
            batches = math.ceil(count / recipe.count)
            node = SubGoal(item, count, "craft", needs_table=recipe.needs_table)
            for ingredient, n in recipe.ingredients:
                wanted = group_of(ingredient) if self.any_wood_will_do(item, ingredient) else ingredient
                node.children.append(self._node(wanted, n * batches, held, depth + 1))
            if recipe.needs_table:
                node.children.append(self._node("crafting_table", 1, held, depth + 1))
            return node
        for mob in sorted({**PASSIVE, **HOSTILE}):
            if any(drop.item == item for drop in self.rules.mob_drops(mob)):
                return SubGoal(item, count, "attack", source=mob)
        raise UnknownName(f"cannot plan {item}: it is not mined, smelted, crafted or dropped in this world")
