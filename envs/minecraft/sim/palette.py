"""The blocks the embedded world stores, as small integer ids (one uint8 per voxel).

Every name is a Minecraft 1.16.5 block; the world holds ids, the rules speak names.
"""

from __future__ import annotations

import numpy as np

BLOCKS: tuple[str, ...] = (
    "air", "stone", "dirt", "grass_block", "sand", "sandstone", "gravel", "water", "lava", "bedrock",
    "oak_log", "oak_leaves", "birch_log", "birch_leaves", "spruce_log", "spruce_leaves",
    "coal_ore", "iron_ore", "gold_ore", "redstone_ore", "lapis_ore", "diamond_ore",
    "snow_block", "cactus", "grass", "clay", "granite", "andesite", "diorite",
    "cobblestone", "oak_planks", "spruce_planks", "birch_planks", "crafting_table", "furnace", "torch", "glass",
    "obsidian", "sugar_cane", "pumpkin", "emerald_ore", "tall_grass", "oak_sapling", "birch_sapling", "spruce_sapling",
    "white_wool",
    "dandelion", "poppy", "azure_bluet", "oxeye_daisy", "cornflower", "red_tulip", "orange_tulip", "white_tulip",
    "pink_tulip", "lily_of_the_valley", "lilac", "rose_bush", "peony", "brown_mushroom", "red_mushroom", "fern",
    "dead_bush", "sweet_berry_bush",
    "jungle_log", "jungle_leaves", "acacia_log", "acacia_leaves", "dark_oak_log", "dark_oak_leaves", "vine", "cocoa",
    "melon", "bamboo", "blue_orchid", "allium", "sunflower", "lily_pad", "brown_mushroom_block", "red_mushroom_block",
    "mushroom_stem", "red_sand", "terracotta", "white_terracotta", "orange_terracotta", "yellow_terracotta",
    "brown_terracotta", "red_terracotta", "light_gray_terracotta", "snow", "ice", "seagrass", "kelp", "kelp_plant",
    "sea_pickle", "tube_coral_block", "brain_coral_block", "bubble_coral_block", "fire_coral_block",
    "horn_coral_block", "jungle_planks", "acacia_planks", "dark_oak_planks",
)
PLANTS = ("grass", "tall_grass", "sugar_cane", "oak_sapling", "birch_sapling", "spruce_sapling", "dandelion", "poppy",
          "azure_bluet", "oxeye_daisy", "cornflower", "red_tulip", "orange_tulip", "white_tulip", "pink_tulip",
          "lily_of_the_valley", "lilac", "rose_bush", "peony", "brown_mushroom", "red_mushroom", "fern", "dead_bush",
          "sweet_berry_bush", "vine", "blue_orchid", "allium", "sunflower", "lily_pad", "snow", "seagrass", "kelp",
          "kelp_plant", "sea_pickle")
ID: dict[str, int] = {name: index for index, name in enumerate(BLOCKS)}
AIR, WATER, LAVA = ID["air"], ID["water"], ID["lava"]

# blocks you walk through and see through
PASSABLE = np.zeros(256, dtype=bool)
for _name in ("air", "water", "lava", "torch") + PLANTS:
    PASSABLE[ID[_name]] = True
# blocks a ray of sight passes through (it still sees them: water, a plant, a torch)
TRANSPARENT = np.zeros(256, dtype=bool)
for _name in ("air", "water", "torch", "glass", "ice") + PLANTS:
    TRANSPARENT[ID[_name]] = True
# the blocks of trees: logs and leaves
TREE_BLOCKS = frozenset(ID[name] for name in BLOCKS if name.endswith(("_log", "_leaves")))
# nothing to aim at: the line of sight to a block passes through these
EMPTY = np.zeros(256, dtype=bool)
EMPTY[[AIR, ID["water"], ID["lava"]]] = True
# what flowing water or lava and falling sand or gravel take the place of
DISPLACED = (AIR, ID["torch"]) + tuple(ID[name] for name in PLANTS)
FLUID = np.zeros(256, dtype=bool)
FLUID[[WATER, LAVA]] = True
