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
}
PALETTE_RGB = np.array([COLORS[name] for name in BLOCKS], dtype=np.uint8)
