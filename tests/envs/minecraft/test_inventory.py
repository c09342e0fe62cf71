from envs.minecraft.sim.inventory import Inventory, craft, smelt
from envs.minecraft.sim.rules import rules


def test_the_wooden_tool_chain():
    inventory = Inventory({"oak_log": 3})
    assert craft(rules(), inventory, "oak_planks", 12, table_nearby=False).feedback == \
        "crafted 12 oak_planks from 3 oak_log"
    assert craft(rules(), inventory, "crafting_table", 1, table_nearby=False).success
    assert craft(rules(), inventory, "stick", 4, table_nearby=False).feedback == "crafted 4 stick from 2 oak_planks"
    result = craft(rules(), inventory, "wooden_pickaxe", 1, table_nearby=False)  # the table in the inventory counts
    assert result.success and result.inventory_delta == {"oak_planks": -3, "stick": -2, "wooden_pickaxe": 1}
    assert inventory.as_dict() == {"crafting_table": 1, "oak_planks": 3, "stick": 2, "wooden_pickaxe": 1}


def test_crafting_failures_say_exactly_why():
    inventory = Inventory({"oak_planks": 3, "stick": 1})
    assert craft(rules(), inventory, "wooden_pickaxe", 1, table_nearby=True).feedback == \
        "cannot craft wooden_pickaxe: missing 1 stick"
    inventory.add("stick")
    assert craft(rules(), inventory, "wooden_pickaxe", 1, table_nearby=False).feedback == \
        "cannot craft wooden_pickaxe: it needs a crafting table nearby or in the inventory"
    assert craft(rules(), inventory, "mithril_sword", 1, table_nearby=True).feedback == \
        "cannot craft mithril_sword: there is no item called 'mithril_sword' in Minecraft 1.16.5"
    assert craft(rules(), inventory, "cobblestone", 1, table_nearby=True).feedback == \
        "cannot craft cobblestone: it has no crafting recipe"
    assert inventory.as_dict() == {"oak_planks": 3, "stick": 2}  # nothing was spent


def test_smelting_iron_with_coal():
    inventory = Inventory({"iron_ore": 3, "coal": 1, "furnace": 1})
    result = smelt(rules(), inventory, "iron_ore", 3, furnace_nearby=False)
    assert result.feedback == "smelted 3 iron_ore into 3 iron_ingot using 1 coal"
    assert result.inventory_delta == {"iron_ore": -3, "coal": -1, "iron_ingot": 3} and result.steps == 600
    assert inventory.as_dict() == {"furnace": 1, "iron_ingot": 3}


def test_smelting_failures_say_exactly_why():
    assert smelt(rules(), Inventory({"iron_ore": 1, "furnace": 1}), "iron_ore", 1, False).feedback == \
        "cannot smelt iron_ore: no fuel in the inventory (coal, charcoal, logs or planks burn)"
    assert smelt(rules(), Inventory({"iron_ore": 1, "coal": 1}), "iron_ore", 1, False).feedback == \
        "cannot smelt iron_ore: it needs a furnace nearby or in the inventory"
    assert smelt(rules(), Inventory({"dirt": 1, "coal": 1}), "dirt", 1, True).feedback == \
        "cannot smelt dirt: it has no furnace recipe"
    assert smelt(rules(), Inventory({"iron_ore": 2, "stick": 1}), "iron_ore", 2, True, fuel="stick").feedback == \
        "cannot smelt iron_ore: stick is not a fuel or there is not enough of it"


def test_a_recipe_open_to_any_wood_takes_a_mix_of_kinds_but_an_oak_door_wants_oak():
    from envs.minecraft.sim.inventory import Inventory, craft
    from envs.minecraft.sim.rules import rules

    inventory = Inventory({"spruce_planks": 5, "birch_planks": 3, "diamond": 1})
    result = craft(rules(), inventory, "jukebox", 1, table_nearby=True)
    assert result.feedback == "crafted 1 jukebox from 3 birch_planks, 1 diamond, 5 spruce_planks"
    assert inventory.as_dict() == {"jukebox": 1}
    door = craft(rules(), Inventory({"spruce_planks": 5, "birch_planks": 3}), "oak_door", 1, table_nearby=True)
    assert door.feedback == "cannot craft oak_door: missing 6 oak_planks"
