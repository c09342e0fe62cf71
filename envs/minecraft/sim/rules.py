"""Minecraft 1.16.5 rules from the minecraft-data package, plus the project's smelting table.

Items, blocks, hardness and harvest tools, block loot, crafting recipes and foods come from
minecraft-data; smelting and fuels (which it lacks) from smelting.yaml beside this file.
Conventions of this world, stated once:
- Mining uses Minecraft's formula: per-tick damage = speed / hardness / 30 when the tool
  can harvest the block (100 when it cannot), speed being the tool's multiplier for the
  block's material (1 by hand or with the wrong tool); a block breaks when damage reaches 1.
- Loot: there is no Silk Touch, Fortune or Looting. Where the game's loot table differs from
  minecraft-data's folded view (leaves, grass, gravel, ores with ranges, mobs), loot.yaml
  beside this file gives the game's rolls; elsewhere a block drops its no-silk-touch entries,
  the chances renormalised (minecraft-data splits each chance between the two cases), one of
  each. A block whose harvest tools exclude the tool in hand drops nothing. Each entry is
  rolled on its own: its chance, then a count uniform in its range.
- A recipe needs a crafting table when its shape is larger than 2x2 or it has more than 4
  ingredients; as in GITM, a crafting table in the inventory or placed within reach counts.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from envs.errors import UserInputError

VERSION = "1.16.5"
SMELTING_FILE = Path(__file__).with_name("smelting.yaml")
LOOT_FILE = Path(__file__).with_name("loot.yaml")


class UnknownName(UserInputError):
    """An item or block name that Minecraft 1.16.5 does not have."""


@dataclass(frozen=True)
class Recipe:
    result: str
    count: int
    ingredients: tuple[tuple[str, int], ...]  # (item, count), sorted by item
    needs_table: bool
    shaped: bool

    def needs(self) -> dict[str, int]:
        return dict(self.ingredients)


@dataclass(frozen=True)
class Drop:
    item: str
    count: int  # the fewest a roll gives
    chance: float
    most: int = 0  # the most a roll gives (0: as many as count)
    tool: str | None = None  # a drop only this tool in hand gives (shears)
    unless: str | None = None  # rolled only when this item did not drop (the game's alternatives)

    def roll(self, rng: random.Random) -> int:
        """How many a break or a kill gives: the chance, then a count uniform in [count, most]."""
        if rng.random() >= self.chance:
            return 0
        return rng.randint(self.count, max(self.most, self.count))

    @property
    def expected(self) -> float:
        return self.chance * (self.count + max(self.most, self.count)) / 2


class Rules:
    def __init__(self, version: str = VERSION):
        import minecraft_data

        self.data = minecraft_data(version)
        self.version = version
        smelting = yaml.safe_load(SMELTING_FILE.read_text())
        self.smelting: dict[str, str] = smelting["recipes"]
        self.fuels: dict[str, float] = {name: float(value) for name, value in smelting["fuels"].items()}
        self.smelt_ticks: int = int(smelting["smelt_ticks"])
        loot = yaml.safe_load(LOOT_FILE.read_text())
        self.block_loot = {name: [_drop(e) for e in entries] for name, entries in loot["blocks"].items()}
        self.mob_loot = {name: [_drop(e) for e in entries] for name, entries in loot["mobs"].items()}

    # names

    def item(self, name: str) -> dict:
        found = self.data.items_name.get(name)
        if found is None:
            raise UnknownName(f"there is no item called {name!r} in Minecraft {self.version}")
        return found

    def block(self, name: str) -> dict:
        found = self.data.blocks_name.get(name)
        if found is None:
            raise UnknownName(f"there is no block called {name!r} in Minecraft {self.version}")
        return found

    def is_item(self, name: str) -> bool:
        return name in self.data.items_name

    def is_block(self, name: str) -> bool:
        return name in self.data.blocks_name

    def item_name(self, item_id: int) -> str:
        return self.data.items[item_id]["name"]

    def stack_size(self, name: str) -> int:
        return int(self.item(name)["stackSize"])

    def food_points(self, name: str) -> int:
        food = self.data.foods_name.get(name)
        return int(food["foodPoints"]) if food else 0

    # crafting

    @cached_property
    def _recipes(self) -> dict[str, list[Recipe]]:
        table: dict[str, list[Recipe]] = {}
        for result_id, variants in self.data.recipes.items():
            name = self.item_name(int(result_id))
            for variant in variants:
                table.setdefault(name, []).append(self._recipe(name, variant))
        return table

    def _recipe(self, name: str, variant: dict) -> Recipe:
        if "inShape" in variant:
            cells = [cell for row in variant["inShape"] for cell in row if cell is not None]
            rows = variant["inShape"]
            needs_table = len(rows) > 2 or any(len(row) > 2 for row in rows)
            shaped = True
        else:
            cells = list(variant["ingredients"])
            needs_table = len(cells) > 4
            shaped = False
        counts = Counter(self.item_name(cell) for cell in cells)
        return Recipe(name, int(variant["result"]["count"]), tuple(sorted(counts.items())), needs_table, shaped)

    def recipes_for(self, name: str) -> list[Recipe]:
        self.item(name)
        return list(self._recipes.get(name, []))

    # mining

    def is_breakable(self, block: str) -> bool:
        return bool(self.block(block)["diggable"])

    def can_harvest(self, block: str, tool: str | None) -> bool:
        tools = self.block(block).get("harvestTools")
        if not tools:
            return True
        return tool is not None and str(self.item(tool)["id"]) in tools

    def tool_speed(self, block: str, tool: str | None) -> float:
        if tool is None:
            return 1.0
        material = self.data.materials.get(self.block(block).get("material", ""), {})
        return float(material.get(str(self.item(tool)["id"]), 1.0))

    def break_ticks(self, block: str, tool: str | None, break_speed: float = 1.0) -> int | None:
        """Ticks (1/20 s) to break the block with the tool in hand; None if it cannot be broken.
        `break_speed` multiplies the damage per tick (1: the game; GITM ran at 100)."""
        if not self.is_breakable(block):
            return None
        hardness = float(self.block(block)["hardness"] or 0.0)
        if hardness <= 0.0:
            return 1
        damage = break_speed * self.tool_speed(block, tool) / hardness / \
            (30.0 if self.can_harvest(block, tool) else 100.0)
        return 1 if damage > 1.0 else math.ceil(1.0 / damage)

    def drops(self, block: str, tool: str | None) -> list[Drop]:
        """What breaking the block with the tool may give (no Silk Touch, no Fortune)."""
        if not self.can_harvest(block, tool):
            return []
        if block in self.block_loot:
            table = self.block_loot[block]
            with_tool = [d for d in table if d.tool is not None and d.tool == tool]
            return with_tool or [d for d in table if d.tool is None]
        entries = self.data.blockLoot.get(block, [])
        if not entries:
            return []
        plain = [e for e in entries if not e.get("silkTouch")]
        if any(e.get("silkTouch") for e in entries):
            total = sum(e["dropChance"] for e in plain) or 1.0
            shares = [min(e["dropChance"] / total, 1.0) if len(plain) > 1 else 1.0 for e in plain]
        else:
            shares = [e["dropChance"] for e in plain]
        return [Drop(e["item"], int(e["stackSizeRange"][0] or 1), float(share)) for e, share in zip(plain, shares)
                if e["stackSizeRange"][0] is not None]

    def mob_drops(self, mob: str) -> list[Drop]:
        """What killing the mob may give (no Looting)."""
        if mob in self.mob_loot:
            return list(self.mob_loot[mob])
        return [Drop(e["item"], int(e["stackSizeRange"][0] or 0), float(e["dropChance"]),
                     int(e["stackSizeRange"][1] or 1)) for e in self.data.entityLoot.get(mob, [])]

    @staticmethod
    def roll(drops: list[Drop], rng: random.Random) -> dict[str, int]:
        """One roll of each drop: item -> count gained (items rolled to none left out)."""
        gained: dict[str, int] = {}
        for drop in drops:
            if drop.unless is not None and drop.unless in gained:
                continue
            count = drop.roll(rng)
            if count:
                gained[drop.item] = gained.get(drop.item, 0) + count
        return gained

    # smelting

    def smelt_result(self, name: str) -> str | None:
        self.item(name)
        return self.smelting.get(name)

    def fuel_value(self, name: str) -> float:
        """How many items one of this fuel smelts (0 for no fuel)."""
        self.item(name)
        return self.fuels.get(name, 0.0)


def _drop(entry: dict) -> Drop:
    return Drop(entry["item"], int(entry["min"]), float(entry["chance"]), int(entry["max"]), entry.get("tool"),
                entry.get("unless"))


_rules: dict[str, Rules] = {}


def rules(version: str = VERSION) -> Rules:
    """One shared Rules per version: loading minecraft-data takes a moment."""
    if version not in _rules:
        _rules[version] = Rules(version)
    return _rules[version]
