"""The biomes of the embedded Overworld: where each is, its ground, its trees and its animals.

Chosen per column from temperature, humidity and mountain noise as before (plains, forest,
desert, mountains), and where a large-scale variety noise is high, from the rest of 1.16's
biome families by the same two climate values: hot and humid jungle, hot and dry badlands,
hot savanna, cold and humid dark forest, cold snowy tundra, mild and humid swamp, and the
flower forest. Tree kinds, counts and the animals of each follow the game's biome features
(per chunk, by the chunk's most common biome).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PLAINS, FOREST, DESERT, MOUNTAINS, JUNGLE, SAVANNA, DARK_FOREST, SWAMP, BADLANDS, SNOWY_TUNDRA, FLOWER_FOREST = \
    range(11)
NAMES = ("plains", "forest", "desert", "mountains", "jungle", "savanna", "dark_forest", "swamp", "badlands",
         "snowy_tundra", "flower_forest")
VARIETY_THRESHOLD = 0.12  # variety noise above this: one of the other biome families
FARM_ANIMALS = ("chicken", "cow", "pig", "sheep")


@dataclass(frozen=True)
class BiomeLife:
    trees: int  # tree attempts per chunk
    kinds: tuple[tuple[str, float], ...]  # tree kind and weight
    animals: tuple[str, ...]  # passive mobs on its ground
    ground: tuple[str, ...] = ("grass_block",)  # what its animals stand on


LIFE = {
    PLAINS: BiomeLife(1, (("oak", 1.0),), FARM_ANIMALS),
    FOREST: BiomeLife(7, (("oak", 0.7), ("birch", 0.3)), FARM_ANIMALS),
    DESERT: BiomeLife(0, (), ("rabbit",), ("sand",)),
    MOUNTAINS: BiomeLife(2, (("spruce", 1.0),), FARM_ANIMALS),
    JUNGLE: BiomeLife(10, (("jungle", 0.7), ("oak", 0.3)), ("chicken", "parrot", "pig")),
    SAVANNA: BiomeLife(1, (("acacia", 0.8), ("oak", 0.2)), FARM_ANIMALS + ("donkey", "horse", "llama")),
    DARK_FOREST: BiomeLife(8, (("dark_oak", 0.8), ("birch", 0.1), ("oak", 0.1)), FARM_ANIMALS),
    SWAMP: BiomeLife(2, (("swamp_oak", 1.0),), FARM_ANIMALS),
    BADLANDS: BiomeLife(0, (), ()),
    SNOWY_TUNDRA: BiomeLife(1, (("spruce", 1.0),), ("rabbit",)),
    FLOWER_FOREST: BiomeLife(6, (("oak", 0.7), ("birch", 0.3)), FARM_ANIMALS + ("rabbit",)),
}
# the bands of terracotta under the badlands' red sand, by height
BADLANDS_BANDS = ("terracotta", "orange_terracotta", "terracotta", "yellow_terracotta", "terracotta",
                  "brown_terracotta", "red_terracotta", "terracotta", "white_terracotta", "light_gray_terracotta",
                  "orange_terracotta", "terracotta", "red_terracotta", "terracotta")
WARM = (DESERT, JUNGLE, SAVANNA, BADLANDS)  # their waters are warm: coral, sea pickles, tropical fish


def choose(temperature: np.ndarray, humidity: np.ndarray, mountain: np.ndarray, variety: np.ndarray) -> np.ndarray:
    """The biome index of each column."""
    biome = np.where(humidity > 0.05, FOREST, PLAINS)
    biome = np.where((temperature > 0.08) & (humidity < 0.0), DESERT, biome)
    other = np.select(
        [(temperature > 0.1) & (humidity > 0.1), (temperature > 0.1) & (humidity < -0.1), temperature > 0.1,
         (temperature < -0.1) & (humidity > 0.05), temperature < -0.1, humidity > 0.05],
        [JUNGLE, BADLANDS, SAVANNA, DARK_FOREST, SNOWY_TUNDRA, SWAMP], FLOWER_FOREST)
    biome = np.where(variety > VARIETY_THRESHOLD, other, biome)
    return np.where(mountain > 0.4, MOUNTAINS, biome)
