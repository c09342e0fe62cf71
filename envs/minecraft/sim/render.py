"""The colour each block is drawn in (RGB), for the first-person pictures."""

from __future__ import annotations

import numpy as np

from envs.minecraft.sim.palette import BLOCKS

COLORS = {
    "air": (0, 0, 0), "stone": (125, 125, 125), "dirt": (134, 96, 67), "grass_block": (95, 159, 53),
    "sand": (219, 207, 163), "sandstone": (216, 203, 155), "gravel": (136, 126, 126), "water": (50, 90, 200),
    "lava": (230, 100, 20), "bedrock": (40, 40, 40), "oak_log": (102, 81, 51), "oak_leaves": (60, 130, 40),
    "birch_log": (215, 210, 195), "birch_leaves": (100, 150, 70), "spruce_log": (60, 45, 25),
    "spruce_leaves": (40, 90, 50), "coal_ore": (60, 60, 60), "iron_ore": (200, 170, 150), "gold_ore": (240, 210, 60),
    "redstone_ore": (190, 40, 40), "lapis_ore": (40, 70, 170), "diamond_ore": (90, 220, 220),
    "snow_block": (245, 250, 250), "cactus": (60, 140, 50), "grass": (110, 170, 70), "clay": (160, 165, 180),
    "granite": (150, 105, 85), "andesite": (135, 135, 135), "diorite": (190, 190, 190),
    "cobblestone": (110, 110, 110), "oak_planks": (160, 130, 80), "spruce_planks": (115, 85, 50),
    "birch_planks": (195, 180, 125), "crafting_table": (140, 95, 55), "furnace": (90, 90, 90),
    "torch": (250, 220, 100), "glass": (200, 230, 240), "obsidian": (20, 15, 30), "sugar_cane": (140, 190, 90),
    "pumpkin": (220, 130, 30), "emerald_ore": (60, 200, 110), "tall_grass": (100, 160, 60),
    "oak_sapling": (70, 120, 40), "birch_sapling": (110, 150, 70), "spruce_sapling": (50, 90, 50),
    "white_wool": (235, 235, 235),
    "dandelion": (240, 220, 40), "poppy": (200, 30, 30), "azure_bluet": (210, 215, 230),
    "oxeye_daisy": (230, 230, 210), "cornflower": (80, 110, 210), "red_tulip": (210, 50, 40),
    "orange_tulip": (230, 130, 40), "white_tulip": (230, 235, 230), "pink_tulip": (230, 160, 190),
    "lily_of_the_valley": (240, 245, 240), "lilac": (190, 140, 200), "rose_bush": (170, 40, 50),
    "peony": (220, 170, 210), "brown_mushroom": (150, 110, 80), "red_mushroom": (200, 40, 40),
    "fern": (80, 130, 60), "dead_bush": (140, 100, 50), "sweet_berry_bush": (60, 100, 50),
    "jungle_log": (85, 68, 25), "jungle_leaves": (45, 140, 30), "acacia_log": (105, 100, 90),
    "acacia_leaves": (90, 130, 40), "dark_oak_log": (60, 45, 25), "dark_oak_leaves": (40, 95, 30),
    "vine": (50, 120, 30), "cocoa": (150, 90, 40), "melon": (120, 170, 40), "bamboo": (110, 160, 50),
    "blue_orchid": (40, 160, 220), "allium": (180, 110, 220), "sunflower": (250, 200, 30), "lily_pad": (30, 110, 40),
    "brown_mushroom_block": (150, 110, 80), "red_mushroom_block": (190, 40, 40), "mushroom_stem": (200, 195, 180),
    "red_sand": (190, 100, 40), "terracotta": (150, 90, 65), "white_terracotta": (210, 180, 160),
    "orange_terracotta": (160, 85, 40), "yellow_terracotta": (185, 130, 35), "brown_terracotta": (75, 50, 35),
    "red_terracotta": (145, 60, 45), "light_gray_terracotta": (135, 105, 95), "snow": (245, 250, 250),
    "ice": (150, 180, 250), "seagrass": (60, 130, 50), "kelp": (70, 120, 40), "kelp_plant": (70, 120, 40),
    "sea_pickle": (100, 110, 50), "tube_coral_block": (50, 90, 210), "brain_coral_block": (210, 90, 160),
    "bubble_coral_block": (160, 30, 170), "fire_coral_block": (200, 40, 50), "horn_coral_block": (210, 200, 60),
    "jungle_planks": (160, 115, 80), "acacia_planks": (170, 90, 50), "dark_oak_planks": (65, 45, 20),
}
PALETTE_RGB = np.array([COLORS[name] for name in BLOCKS], dtype=np.uint8)
