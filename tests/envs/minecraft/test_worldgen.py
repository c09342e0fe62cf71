import numpy as np
import pytest

from envs.minecraft.sim.palette import BLOCKS, ID
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.worldgen import BIOMES, CHUNK, LAVA_LEVEL, generate_chunk


def region(seed: int, radius: int = 3) -> tuple[np.ndarray, np.ndarray]:
    chunks = [generate_chunk(seed, cx, cz) for cx in range(-radius, radius) for cz in range(-radius, radius)]
    return np.concatenate([c[0] for c in chunks]), np.concatenate([c[1].ravel() for c in chunks])


def test_palette_is_made_of_minecraft_blocks():
    assert all(rules().is_block(name) for name in BLOCKS)
    assert len(BLOCKS) < 256


def test_same_seed_same_chunk_and_other_seeds_differ():
    first, biome = generate_chunk(5, 3, -2)
    again, biome_again = generate_chunk(5, 3, -2)
    assert first.shape == (CHUNK, 128, CHUNK) and first.dtype == np.uint8
    assert np.array_equal(first, again) and np.array_equal(biome, biome_again)
    assert not np.array_equal(first, generate_chunk(6, 3, -2)[0])


def test_layers_ores_and_fluids_sit_where_minecraft_puts_them():
    blocks, _ = region(11)
    y = np.arange(128)[None, :, None]
    assert (blocks[:, 0, :] == ID["bedrock"]).all()
    for ore, deepest_top in (("diamond_ore", 20), ("redstone_ore", 20), ("gold_ore", 36), ("iron_ore", 68)):
        layers = np.nonzero((blocks == ID[ore]).any(axis=(0, 2)))[0]
        assert len(layers) > 0 and layers.max() <= deepest_top, ore
    diamonds = np.nonzero(blocks == ID["diamond_ore"])[1]
    assert np.mean(diamonds < 16) > 0.8  # mostly below y = 16
    assert not ((blocks == ID["lava"]) & (y > LAVA_LEVEL)).any()
    coal, iron, diamond = ((blocks == ID[name]).sum() for name in ("coal_ore", "iron_ore", "diamond_ore"))
    assert min(coal, iron) > 5 * diamond > 0


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_surface_has_trees_or_cacti_and_caves_exist(seed):
    blocks, _ = region(seed)
    logs = sum((blocks == ID[name]).sum() for name in ("oak_log", "birch_log", "spruce_log", "cactus"))
    cave_air = (blocks[:, 5:40, :] == ID["air"]).sum()
    assert logs > 0 and cave_air > 100


def test_all_four_biomes_occur_across_the_world():
    seen = set()
    for seed in range(8):
        seen |= {BIOMES[i] for i in np.unique(region(seed, radius=2)[1])}
    assert seen == {"plains", "forest", "desert", "mountains"}
