"""A top-down picture of the world around the player, for MLLM prompts and episode videos."""

from __future__ import annotations

import cv2
import numpy as np

from envs.minecraft.sim.palette import BLOCKS, PASSABLE
from envs.minecraft.sim.world import VoxelWorld
from envs.minecraft.sim.worldgen import HEIGHT

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
}
PALETTE_RGB = np.array([COLORS[name] for name in BLOCKS], dtype=np.uint8)


def top_down(world: VoxelWorld, x: int, y: int, z: int, radius: int = 32, pixels_per_block: int = 4) -> np.ndarray:
    """The top visible block of every column within `radius`, shaded by height; the player in red."""
    size = 2 * radius
    box = world.box(x - radius, 0, z - radius, size, HEIGHT, size)
    solid = ~PASSABLE[box] | (box == 7) | (box == 8)  # water and lava show from above
    top = HEIGHT - 1 - np.argmax(solid[:, ::-1, :], axis=1)  # (size, size) highest visible block
    ids = np.take_along_axis(box, top[:, None, :], axis=1)[:, 0, :]
    shade = np.clip(0.6 + (top - y) * 0.02, 0.4, 1.2)[..., None]
    image = np.clip(PALETTE_RGB[ids] * shade, 0, 255).astype(np.uint8).transpose(1, 0, 2)  # rows: z, columns: x
    image = cv2.resize(image, (size * pixels_per_block, size * pixels_per_block), interpolation=cv2.INTER_NEAREST)
    center = radius * pixels_per_block + pixels_per_block // 2
    cv2.circle(image, (center, center), max(pixels_per_block, 3), (230, 30, 30), -1)
    return image
