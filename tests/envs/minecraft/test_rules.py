"""Minecraft 1.16.5 rules read from minecraft-data, checked against minecraft-data itself and the game's numbers."""

import minecraft_data
import pytest

from envs.minecraft.sim.rules import Drop, UnknownName, rules

DATA = minecraft_data("1.16.5")


def raw_recipes(name: str) -> list[dict]:
    return DATA.recipes[str(DATA.items_name[name]["id"])]


@pytest.mark.parametrize("name, ingredients, count, needs_table", [
    ("crafting_table", {"oak_planks": 4}, 1, False),
    ("wooden_pickaxe", {"oak_planks": 3, "stick": 2}, 1, True),
    ("stone_pickaxe", {"cobblestone": 3, "stick": 2}, 1, True),
    ("iron_pickaxe", {"iron_ingot": 3, "stick": 2}, 1, True),
    ("diamond_pickaxe", {"diamond": 3, "stick": 2}, 1, True),
    ("furnace", {"cobblestone": 8}, 1, True),
    ("stick", {"oak_planks": 2}, 4, False),
    ("oak_planks", {"oak_log": 1}, 4, False),
])
def test_recipes_match_minecraft_data(name, ingredients, count, needs_table):
    recipes = rules().recipes_for(name)
    assert len(recipes) == len(raw_recipes(name))
    chosen = [r for r in recipes if r.needs() == ingredients]
    assert len(chosen) == 1
    assert (chosen[0].count, chosen[0].needs_table) == (count, needs_table)
    raw = raw_recipes(name)[recipes.index(chosen[0])]
    cells = [c for row in raw["inShape"] for c in row if c is not None] if "inShape" in raw else raw["ingredients"]
    assert sorted(DATA.items[c]["name"] for c in cells) == sorted(
        item for item, n in ingredients.items() for _ in range(n))


@pytest.mark.parametrize("block, tool, ticks, drops", [
    ("stone", None, 150, []),  # 7.5 s by hand, and no cobblestone
    ("stone", "wooden_pickaxe", 23, [Drop("cobblestone", 1, 1.0, 1)]),
    ("oak_log", None, 60, [Drop("oak_log", 1, 1.0)]),
    ("oak_log", "stone_axe", 15, [Drop("oak_log", 1, 1.0)]),
    ("iron_ore", "wooden_pickaxe", 150, []),  # wood cannot harvest iron: 7.5 s and nothing
    ("iron_ore", "stone_pickaxe", 23, [Drop("iron_ore", 1, 1.0)]),
    ("diamond_ore", "stone_pickaxe", 75, []),
    ("diamond_ore", "iron_pickaxe", 15, [Drop("diamond", 1, 1.0, 1)]),  # the game's table, no Fortune
    ("coal_ore", "wooden_pickaxe", 46, [Drop("coal", 1, 1.0, 1)]),
    ("redstone_ore", "iron_pickaxe", 15, [Drop("redstone", 4, 1.0, 5)]),
    ("gravel", None, 18, [Drop("flint", 1, 0.1, 1), Drop("gravel", 1, 1.0, 1, unless="flint")]),
    ("obsidian", "diamond_pickaxe", 188, [Drop("obsidian", 1, 1.0)]),
    ("dirt", None, 15, [Drop("dirt", 1, 1.0)]),
    ("grass_block", "wooden_shovel", 9, [Drop("dirt", 1, 1.0)]),  # 0.45 s
])
def test_mining_time_and_yield_by_tool_tier(block, tool, ticks, drops):
    assert rules().break_ticks(block, tool) == ticks
    assert rules().drops(block, tool) == drops


def test_bedrock_cannot_be_broken():
    assert rules().break_ticks("bedrock", "diamond_pickaxe") is None


def test_smelting_and_fuels_are_the_projects_table():
    assert rules().smelt_result("iron_ore") == "iron_ingot"
    assert rules().smelt_result("sand") == "glass"
    assert rules().smelt_result("oak_log") == "charcoal"
    assert rules().smelt_result("dirt") is None
    assert rules().fuel_value("coal") == 8.0 and rules().fuel_value("oak_planks") == 1.5
    assert rules().fuel_value("cobblestone") == 0.0
    for item in [*rules().smelting, *rules().smelting.values(), *rules().fuels]:
        assert rules().is_item(item), item


def test_unknown_names_are_user_errors():
    with pytest.raises(UnknownName, match="there is no item called 'diamond_pickaxe2' in Minecraft 1.16.5"):
        rules().recipes_for("diamond_pickaxe2")
    with pytest.raises(UnknownName, match="no block called 'mithril_ore'"):
        rules().break_ticks("mithril_ore", None)
