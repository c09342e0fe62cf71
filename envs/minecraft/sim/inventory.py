"""The player's inventory, and crafting and smelting on it with Minecraft's recipes.

Failures are results with an exact feedback sentence, never exceptions: the planner reads
them and replans.
"""

from __future__ import annotations

import math
from collections import Counter

from envs.minecraft.contracts import ActionResult
from envs.minecraft.sim.rules import Recipe, Rules, UnknownName


class Inventory:
    def __init__(self, items: dict[str, int] | None = None):
        self.counts: Counter[str] = Counter({k: v for k, v in (items or {}).items() if v > 0})

    def __getitem__(self, item: str) -> int:
        return self.counts.get(item, 0)

    def add(self, item: str, count: int = 1) -> None:
        self.counts[item] += count

    def remove(self, item: str, count: int = 1) -> None:
        if self.counts[item] < count:
            raise ValueError(f"only {self.counts[item]} {item} in the inventory, not {count}")
        self.counts[item] -= count
        if self.counts[item] == 0:
            del self.counts[item]

    def missing(self, needs: dict[str, int]) -> dict[str, int]:
        return {item: count - self[item] for item, count in needs.items() if self[item] < count}

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.counts.items()))


def _list(counts: dict[str, int]) -> str:
    return ", ".join(f"{count} {item}" for item, count in sorted(counts.items()))


def craft(rules: Rules, inventory: Inventory, item: str, count: int, table_nearby: bool) -> ActionResult:
    """Craft at least `count` of `item` with the first recipe the inventory can pay for."""
    if count < 1:
        return ActionResult(success=False, feedback=f"cannot craft {item}: the count must be at least 1")
    try:
        recipes = rules.recipes_for(item)
    except UnknownName as error:
        return ActionResult(success=False, feedback=f"cannot craft {item}: {error}")
    if not recipes:
        return ActionResult(success=False, feedback=f"cannot craft {item}: it has no crafting recipe")
    table = table_nearby or inventory["crafting_table"] > 0
    best: tuple[Recipe, dict[str, int]] | None = None
    for recipe in recipes:
        batches = math.ceil(count / recipe.count)
        needs = {ingredient: n * batches for ingredient, n in recipe.ingredients}
        missing = inventory.missing(needs)
        if not missing and (table or not recipe.needs_table):
            return _apply_recipe(inventory, recipe, batches, needs)
        if best is None or sum(missing.values()) < sum(best[1].values()):
            best = (recipe, missing)
    mixed = _mixed_wood_payment(recipes, inventory, count)
    if mixed is not None and (table or not mixed[0].needs_table):
        return _apply_recipe(inventory, mixed[0], mixed[1], mixed[2])
    recipe, missing = best
    if not missing:
        return ActionResult(success=False, feedback=f"cannot craft {item}: it needs a crafting table nearby or in "
                                                    "the inventory")
    return ActionResult(success=False, feedback=f"cannot craft {item}: missing {_list(missing)}")


WOOD_TAGS = ("_planks", "_log")  # the game's #planks and #logs: recipes that take one kind take any mix


def _mixed_wood_payment(recipes: list[Recipe], inventory: Inventory, count: int):
    """(recipe, batches, payment) paying a wood ingredient with a mix of kinds, when the item has
    variants for several kinds of that wood (as the game's tags allow); None when it cannot pay."""
    accepted = {tag for tag in WOOD_TAGS
                if len({i for r in recipes for i, _ in r.ingredients if i.endswith(tag)}) > 1}
    if not accepted:
        return None
    recipe = recipes[0]
    batches = math.ceil(count / recipe.count)
    payment: Counter[str] = Counter()
    for ingredient, n in recipe.ingredients:
        tag = next((t for t in accepted if ingredient.endswith(t)), None)
        if tag is None:
            payment[ingredient] += n * batches
            continue
        remaining = n * batches
        for member in sorted((m for m in inventory.counts if m.endswith(tag)), key=lambda m: -inventory[m]):
            take = min(remaining, inventory[member] - payment[member])
            if take > 0:
                payment[member] += take
                remaining -= take
        if remaining:
            return None
    if inventory.missing(dict(payment)):
        return None
    return recipe, batches, dict(payment)


def _apply_recipe(inventory: Inventory, recipe: Recipe, batches: int, needs: dict[str, int]) -> ActionResult:
    for ingredient, n in needs.items():
        inventory.remove(ingredient, n)
    made = recipe.count * batches
    inventory.add(recipe.result, made)
    delta = {ingredient: -n for ingredient, n in needs.items()}
    delta[recipe.result] = delta.get(recipe.result, 0) + made
    return ActionResult(success=True, feedback=f"crafted {made} {recipe.result} from {_list(needs)}",
                        inventory_delta=delta)


def smelt(rules: Rules, inventory: Inventory, material: str, count: int, furnace_nearby: bool,
          fuel: str | None = None) -> ActionResult:
    """Smelt `count` of `material` in a furnace, burning the given fuel (or the best one held)."""
    try:
        product = rules.smelt_result(material)
    except UnknownName as error:
        return ActionResult(success=False, feedback=f"cannot smelt {material}: {error}")
    if product is None:
        return ActionResult(success=False, feedback=f"cannot smelt {material}: it has no furnace recipe")
    if count < 1:
        return ActionResult(success=False, feedback=f"cannot smelt {material}: the count must be at least 1")
    if not (furnace_nearby or inventory["furnace"] > 0):
        return ActionResult(success=False, feedback=f"cannot smelt {material}: it needs a furnace nearby or in the "
                                                    "inventory")
    if inventory[material] < count:
        return ActionResult(success=False, feedback=f"cannot smelt {material}: missing {count - inventory[material]} "
                                                    f"{material}")
    candidates = [fuel] if fuel else sorted((f for f in rules.fuels if inventory[f] > 0 and f != material),
                                            key=lambda f: -rules.fuel_value(f))
    for name in candidates:
        value = rules.fuel_value(name)
        needed = math.ceil(count / value) if value > 0 else 0
        if value > 0 and inventory[name] >= needed:
            inventory.remove(material, count)
            inventory.remove(name, needed)
            inventory.add(product, count)
            return ActionResult(success=True, feedback=f"smelted {count} {material} into {count} {product} using "
                                                        f"{needed} {name}",
                                inventory_delta={material: -count, name: -needed, product: count},
                                steps=rules.smelt_ticks * count)
    if fuel:
        return ActionResult(success=False, feedback=f"cannot smelt {material}: {fuel} is not a fuel or there is not "
                                                    "enough of it")
    return ActionResult(success=False, feedback=f"cannot smelt {material}: no fuel in the inventory (coal, charcoal, "
                                                "logs or planks burn)")
