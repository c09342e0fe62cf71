"""Minecraft task definitions.

A task is a goal item (and count) within a step budget, with milestones: the items whose
first appearance in the inventory marks progress (GITM's ObtainDiamond table: crafting table,
wooden, stone and iron pickaxe, diamond). `tech_tree` is one task per item of the Overworld
tech tree derived from minecraft-data (tech_tree.py); any other name is a single-item task.
"""

from __future__ import annotations

from pydantic import Field

from envs.contracts import Contract
from envs.errors import UserInputError

OBTAIN_DIAMOND_MILESTONES = ("crafting_table", "wooden_pickaxe", "stone_pickaxe", "iron_pickaxe", "diamond")

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
        from scenarios.minecraft.tech_tree import tech_tree

        return [item_task(item, max_steps) for item in tech_tree()]
    return [item_task(name, max_steps)]
