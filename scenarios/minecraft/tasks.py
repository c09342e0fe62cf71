"""Minecraft task definitions.

A task is a goal item (and count) within a step budget, with milestones: the items whose
first appearance in the inventory marks progress (GITM's ObtainDiamond table: crafting table,
wooden, stone and iron pickaxe, diamond). `tech_tree` is one task per item of the Overworld
tech tree this world can produce; any other name is a single-item task.
"""

from __future__ import annotations

from pydantic import Field

from envs.contracts import Contract
from envs.errors import UserInputError

OBTAIN_DIAMOND_MILESTONES = ("crafting_table", "wooden_pickaxe", "stone_pickaxe", "iron_pickaxe", "diamond")

# The Overworld tech tree as far as a daytime episode reaches in this world: wood, stone, iron,
# gold, redstone, lapis and diamond tiers with the tools, stations and parts of each, sand and
# animals. Left out: what only night-time mobs drop (string, and wool, bows and fishing rods made
# from it): an episode of 12,000 steps from dawn ends before the night begins at step 13,000.
TECH_TREE = (
    # wood
    "oak_planks", "stick", "crafting_table", "wooden_pickaxe", "wooden_axe", "wooden_shovel", "wooden_hoe",
    "wooden_sword", "bowl", "chest", "ladder", "oak_sign", "oak_door", "oak_trapdoor", "oak_fence", "oak_boat",
    "oak_pressure_plate", "oak_button", "oak_slab", "barrel",
    # stone
    "cobblestone", "furnace", "stone_pickaxe", "stone_axe", "stone_shovel", "stone_hoe", "stone_sword",
    "cobblestone_slab", "cobblestone_stairs", "cobblestone_wall", "lever", "stone", "stone_bricks",
    "charcoal", "coal", "torch",
    # iron
    "iron_ingot", "iron_pickaxe", "iron_axe", "iron_shovel", "iron_hoe", "iron_sword", "iron_helmet",
    "iron_chestplate", "iron_leggings", "iron_boots", "bucket", "shears", "iron_nugget", "iron_bars", "iron_door",
    "iron_trapdoor", "cauldron", "hopper", "minecart", "rail",
    # gold, redstone, lapis
    "gold_ingot", "golden_pickaxe", "golden_sword", "redstone", "compass", "clock", "lapis_lazuli",
    # diamond
    "diamond", "diamond_pickaxe", "diamond_sword", "diamond_shovel", "jukebox",
    # sand and animals
    "glass", "glass_pane", "sandstone", "leather", "item_frame",
)


class MinecraftTaskSpec(Contract):
    task_id: str
    goal: str
    count: int = Field(1, ge=1)
    milestones: tuple[str, ...]
    max_steps: int = Field(12_000, gt=0)
    start_time: int = Field(0, ge=0, lt=24_000, description="time of day at the start, in ticks (13000: dusk)")


def obtain_diamond(max_steps: int = 12_000) -> MinecraftTaskSpec:
    return MinecraftTaskSpec(task_id="obtain_diamond", goal="diamond", milestones=OBTAIN_DIAMOND_MILESTONES,
                             max_steps=max_steps)


def item_task(item: str, max_steps: int = 12_000) -> MinecraftTaskSpec:
    from envs.minecraft.sim.rules import rules

    known = rules()
    if not known.is_item(item):
        close = sorted(name for name in known.data.items_name if item and (item in name or name in item))[:5]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UserInputError(f"unknown task or item {item!r}: tasks are obtain_diamond, tech_tree or a Minecraft "
                             f"item name{hint}")
    return MinecraftTaskSpec(task_id=item, goal=item, milestones=(item,), max_steps=max_steps)


def resolve_tasks(name: str, max_steps: int = 12_000) -> list[MinecraftTaskSpec]:
    """obtain_diamond | tech_tree | ITEM -> the tasks an episode set runs."""
    if name == "obtain_diamond":
        return [obtain_diamond(max_steps)]
    if name == "tech_tree":
        return [item_task(item, max_steps) for item in TECH_TREE]
    return [item_task(name, max_steps)]
