"""GITM's decomposer, deterministic backend: a goal to a sub-goal tree over Minecraft's rules.

Each node says how to obtain an item by its cheapest way in the Overworld (envs/minecraft/
obtaining.py): mine the block that drops it (with the weakest tool that can harvest it; a drop
that comes by chance, such as flint from gravel, says how many a break gives on average), kill
the mob that drops it, use a tool on a mob or block (shears on a sheep, a bucket on a cow), smelt
it from its source (a mined ore or a mob's meat), or craft it from its cheapest recipe; its
children are what that needs first. The tree runs in post-order. Planks and logs are item
groups: any wood will do, as in the game's recipes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from pydantic import Field

from envs.contracts import Contract
from envs.minecraft.obtaining import Ways
from envs.minecraft.sim.rules import Rules, UnknownName

WOODS = ("oak", "birch", "spruce", "jungle", "acacia", "dark_oak")
GROUPS = {"log": tuple(f"{wood}_log" for wood in WOODS), "planks": tuple(f"{wood}_planks" for wood in WOODS)}
SMELTING_FUEL = "planks"
FUEL_PER_PLANK = 1.5
MAX_DEPTH = 16
METHODS = ("mine", "smelt", "craft", "attack", "apply")


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
    method: str  # mine, smelt, craft, attack, apply
    source: str | None = None  # the block mined, the material smelted, the mob killed, the target used on
    tool: str | None = None
    needs_table: bool = False
    per_action: float = 1.0  # how many one break, kill or use gives on average (flint from gravel: 0.1)
    children: list[SubGoal] = field(default_factory=list)

    def post_order(self) -> list[SubGoal]:
        return [node for child in self.children for node in child.post_order()] + [self]

    def gather_upfront(self) -> SubGoal:
        """Raise the first gathering sub-goal of each material (post-order) to the tree's total need of
        it, so that one trip gets all the logs or cobblestone siblings will use up; in place."""
        nodes = [node for node in self.post_order() if node.method in ("mine", "attack", "apply")]
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
               "attack": f"kill {self.source}", "apply": f"use {self.tool} on {self.source}"}[self.method]
        if self.per_action < 1.0:
            how += f" ({self.per_action:g} a try)"
        lines = [f"{'  ' * depth}- {self.count} {self.object}: {how}"]
        return "\n".join(lines + [child.render(depth + 1) for child in self.children])


class GoalRequest(Contract):
    """What a decomposer is asked (the planner protocol's context for decomposers)."""

    goal: str
    count: int = Field(1, ge=1)
    avoid: list[str] = Field(default_factory=list, description="blocks and mobs looked for and not found")


class KnowledgeGraphDecomposer:
    """Planner[GoalRequest, SubGoal] over the rules and the Overworld."""

    name = "knowledge-graph"

    def __init__(self, rules: Rules, ways: Ways | None = None):
        self.rules = rules
        self.ways = ways or Ways(rules)
        self._avoiding: dict[frozenset[str], Ways] = {}

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

    def weakest_tool(self, block: str) -> str | None:
        return self.ways.weakest_tool(block)

    def decide(self, request: GoalRequest) -> SubGoal:
        return self.decompose(request.goal, request.count, avoid=request.avoid)

    def decompose(self, goal: str, count: int = 1, held: dict[str, int] | None = None,
                  avoid: Iterable[str] = ()) -> SubGoal:
        """The sub-goal tree for `count` of `goal`; `avoid` names blocks and mobs not to plan on (the
        player looked for them and found none)."""
        if goal not in GROUPS:
            self.rules.item(goal)  # raises UnknownName for hallucinated items
        avoided = frozenset(avoid)
        if avoided and avoided not in self._avoiding:
            world = self.ways.world
            self._avoiding[avoided] = Ways(self.rules, replace(
                world, blocks={k: v for k, v in world.blocks.items() if k not in avoided},
                mobs={k: v for k, v in world.mobs.items() if k not in avoided},
                uses=tuple(use for use in world.uses if use.target not in avoided)))
        return self._node(goal, count, 0, self._avoiding[avoided] if avoided else self.ways)

    def _cheapest(self, item: str, ways: Ways):
        """The cheapest way to the item, or for a group the cheapest way to any member."""
        members = GROUPS.get(item, (item,))
        found = [(ways.cost(m), index, ways.best(m)) for index, m in enumerate(members)]
        found = [entry for entry in found if entry[2] is not None]
        return min(found, key=lambda entry: entry[:2])[2] if found else None

    def _node(self, item: str, count: int, depth: int, ways: Ways) -> SubGoal:
        if depth > MAX_DEPTH:
            raise UnknownName(f"cannot plan {item}: its recipe chain is too deep")
        way = self._cheapest(item, ways)
        if way is None:
            raise UnknownName(f"cannot plan {item}: it cannot be mined, killed for, smelted or crafted from what "
                              "the Overworld offers")
        if way.method in ("mine", "attack", "apply"):
            node = SubGoal(item, count, way.method, source=way.source, tool=way.tool,
                           per_action=way.per_action)
            if way.tool:
                uses = math.ceil(count / way.per_action) if way.consumed else 1
                node.children.append(self._node(way.tool, uses, depth + 1, ways))
            return node
        if way.method == "smelt":
            source = group_of(way.source)
            node = SubGoal(item, count, "smelt", source=source)
            node.children += [self._node(source, count, depth + 1, ways), self._node("furnace", 1, depth + 1, ways),
                              self._node(SMELTING_FUEL, math.ceil(count / FUEL_PER_PLANK), depth + 1, ways)]
            return node
        target = way.item
        recipe = ways.best_recipe(target)
        assert recipe is not None
        batches = math.ceil(count / recipe.count)
        node = SubGoal(item, count, "craft", needs_table=recipe.needs_table)
        for ingredient, n in recipe.ingredients:
            wanted = group_of(ingredient) if self.any_wood_will_do(item if item in GROUPS else target, ingredient) \
                else ingredient
            node.children.append(self._node(wanted, n * batches, depth + 1, ways))
        if recipe.needs_table:
            node.children.append(self._node("crafting_table", 1, depth + 1, ways))
        return node
