"""The Overworld tech tree, derived from minecraft-data instead of written by hand.

The rule: an item is on the tree when a survival player can obtain it in the Overworld starting
from nothing, from what the Overworld generates outside structures (envs/minecraft/overworld.yaml:
its natural blocks and mobs), by breaking a block (the game's loot without Silk Touch or Fortune;
shears where the loot asks for them), killing a mob (no Looting), using a tool on a mob or block
(shears on a sheep, a bucket on a cow or on water, an axe on a log, concrete powder in water),
smelting, or crafting by minecraft-data's recipes, each step from items already on the tree
(envs/minecraft/obtaining.py computes this closure). Left out by the rule, so not on the tree:
what needs growth, breeding or waiting (wheat, eggs, scutes, honey), brewing and enchanting,
fishing, chest loot and structure-only blocks, the Nether and the End, villagers and raids, and
creative-only items (overworld.yaml `excluded` says each with examples).
"""

from __future__ import annotations

from functools import lru_cache

from envs.minecraft.obtaining import Ways
from envs.minecraft.overworld import overworld
from envs.minecraft.sim.rules import rules


@lru_cache(maxsize=1)
def tech_tree() -> tuple[str, ...]:
    """The tree's items in minecraft-data's item order."""
    known = rules()
    obtainable = Ways(known).obtainable()
    return tuple(item["name"] for item in known.data.items_list if item["name"] in obtainable)


def exclusions() -> dict[str, str]:
    """What the rule leaves out, by kind."""
    return dict(overworld().excluded)
