"""Every way an item can be obtained in the Overworld, and the cheapest.

A way is one of: mine a natural block (with the weakest tool that harvests it, or shears for what
only shears take), kill a natural mob (a hostile one in the dark caves: a pickaxe digs the way),
use a tool on a mob or a block (overworld.yaml), smelt an item, or craft a recipe. Each has a
cost in rough units of work: a break, a kill or a use weighs the target's rarity divided by the
items one action gives on average (a sapling at 5 % costs 20 breaks), plus what its tool, source
or ingredients cost. Costs are the fixed point of cost(item) = min over its ways; an item with
no finite cost cannot be obtained from the Overworld.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from envs.minecraft.overworld import Overworld, overworld
from envs.minecraft.sim.rules import Recipe, Rules

TOOL_TIERS = ("wooden", "stone", "iron", "diamond")
BREAK_COST = 1.0
KILL_COST = 3.0
HOSTILE_KILL_COST = 6.0
USE_COST = 2.0
SMELT_COST = 1.0
CRAFT_COST = 0.1
TABLE_COST = 0.5
HUNTING_PICKAXE = "stone_pickaxe"  # hostile mobs are hunted in the caves: a pickaxe digs the way in
HOSTILE = {"zombie", "husk", "drowned", "skeleton", "stray", "spider", "creeper", "slime", "witch", "enderman"}


@dataclass(frozen=True)
class Way:
    item: str
    method: str  # mine, attack, apply, smelt, craft
    source: str | None = None  # the block mined, the mob killed, the target used on, the item smelted
    tool: str | None = None
    per_action: float = 1.0  # items one break, kill, use or craft gives on average
    recipe: Recipe | None = None
    consumed: bool = False  # the tool is used up by each use (a bucket filled)


class Ways:
    """The ways to every item and their costs, over the rules and the Overworld."""

    def __init__(self, rules: Rules, world: Overworld | None = None):
        self.rules = rules
        self.world = world or overworld()

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

    @cached_property
    def all(self) -> dict[str, list[Way]]:
        ways: dict[str, list[Way]] = {}

        def add(way: Way) -> None:
            if way.per_action > 0:
                ways.setdefault(way.item, []).append(way)

        for block in self.world.blocks:
            if not self.rules.is_block(block) or not self.rules.is_breakable(block):
                continue
            for tool in dict.fromkeys((self.weakest_tool(block), "shears")):
                drops = self.rules.drops(block, tool)
                if tool == "shears" and not any(d.tool == "shears" for d in drops):
                    continue
                for item, expected in _expected(drops).items():
                    add(Way(item, "mine", source=block, tool=tool, per_action=expected))
        for mob in self.world.mobs:
            tool = HUNTING_PICKAXE if mob in HOSTILE else None  # by day they are in the dark caves
            for item, expected in _expected(self.rules.mob_drops(mob)).items():
                add(Way(item, "attack", source=mob, tool=tool, per_action=expected))
        for use in self.world.uses:
            add(Way(use.gives, "apply", source=use.target, tool=use.tool, per_action=use.expected,
                    consumed=use.consumed))
            if use.also:
                add(Way(use.also, "apply", source=use.target, tool=use.tool, per_action=1.0, consumed=use.consumed))
        for source, product in sorted(self.rules.smelting.items()):
            if self.rules.is_item(source) and self.rules.is_item(product):
                add(Way(product, "smelt", source=source))
        for item in sorted(self.rules._recipes):
            for recipe in self.rules.recipes_for(item):
                add(Way(item, "craft", per_action=recipe.count, recipe=recipe))
        return ways

    def _way_cost(self, way: Way, cost: dict[str, float]) -> float:
        inf = math.inf
        if way.method == "craft":
            assert way.recipe is not None
            total = sum(n * cost.get(name, inf) for name, n in way.recipe.ingredients)
            return total / way.per_action + CRAFT_COST + (TABLE_COST if way.recipe.needs_table else 0.0)
        if way.method == "smelt":  # the furnace is charged in full, as a tool is
            return cost.get(way.source, inf) + SMELT_COST + cost.get("furnace", inf)
        tool = cost.get(way.tool, inf) if way.tool else 0.0
        if way.method == "mine":
            return self.world.blocks[way.source].rarity * BREAK_COST / way.per_action + tool
        if way.method == "attack":
            weight = HOSTILE_KILL_COST if way.source in HOSTILE else KILL_COST
            return self.world.mobs[way.source].rarity * weight / way.per_action + tool
        target = self.world.mobs.get(way.source) or self.world.blocks.get(way.source)
        rarity = target.rarity if target else 1.0
        return rarity * USE_COST / way.per_action + (tool / way.per_action if way.consumed else tool)

    @cached_property
    def _solved(self) -> tuple[dict[str, float], dict[str, Way]]:
        cost: dict[str, float] = {}
        best: dict[str, Way] = {}
        ways = [way for item in self.all for way in self.all[item]]
        changed = True
        while changed:
            changed = False
            for way in ways:
                value = self._way_cost(way, cost)
                if value < cost.get(way.item, math.inf) - 1e-9:
                    cost[way.item], best[way.item] = value, way
                    changed = True
        return cost, best

    def cost(self, item: str) -> float:
        return self._solved[0].get(item, math.inf)

    def best(self, item: str) -> Way | None:
        return self._solved[1].get(item)

    def obtainable(self) -> set[str]:
        return set(self._solved[0])

    def best_recipe(self, item: str) -> Recipe | None:
        """The cheapest recipe of the item whose ingredients can all be obtained."""
        costed = [(self._way_cost(way, self._solved[0]), index, way.recipe)
                  for index, way in enumerate(self.all.get(item, [])) if way.method == "craft"]
        finite = [entry for entry in costed if math.isfinite(entry[0])]
        return min(finite, key=lambda entry: entry[:2])[2] if finite else None


def _expected(drops) -> dict[str, float]:
    """Items a break or a kill gives on average, by item."""
    expected: dict[str, float] = {}
    for drop in drops:
        expected[drop.item] = expected.get(drop.item, 0.0) + drop.expected
    return expected
