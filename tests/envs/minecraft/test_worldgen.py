import numpy as np
import pytest

from envs.minecraft.sim.carvers import FLAT_FLOOR, LAVA_LEVEL, Spheres, carved_mask, chunk_worms
from envs.minecraft.sim.palette import BLOCKS, ID
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.worldgen import BIOMES, CHUNK, generate_chunk


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
    lava = blocks == ID["lava"]
    assert (lava & (y > LAVA_LEVEL)).sum() < 0.1 * lava.sum()  # caves fill with lava below y = 11; lava lakes
    coal, iron, diamond = ((blocks == ID[name]).sum() for name in ("coal_ore", "iron_ore", "diamond_ore"))
    assert min(coal, iron) > 5 * diamond > 0


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_surface_has_trees_or_cacti_and_caves_exist(seed):
    blocks, _ = region(seed)
    logs = sum((blocks == ID[name]).sum() for name in ("oak_log", "birch_log", "spruce_log", "cactus"))
    cave_air = (blocks[:, 5:40, :] == ID["air"]).sum()
    assert logs > 0 and cave_air > 100


def test_every_biome_occurs_across_the_world():
    from envs.minecraft.sim.worldgen import column_fields

    seen = set()
    for seed in (0, 1):
        _, biome = column_fields(seed, -160, -160, size=320)  # 20 x 20 chunks around the spawn
        seen |= {BIOMES[i] for i in np.unique(biome)}
    assert seen == {"plains", "forest", "desert", "mountains", "jungle", "savanna", "dark_forest", "swamp",
                    "badlands", "snowy_tundra", "flower_forest"}


def test_ore_blobs_per_chunk_as_1_16_oregen_gives():
    from benchmarks.minecraft_sim import ore_per_chunk
    from envs.minecraft.sim.world import VoxelWorld

    counts = [ore_per_chunk(VoxelWorld(seed), 64) for seed in (0, 1)]  # 2 x 81 chunks
    diamond = sum(c["diamond_ore_per_chunk"] for c in counts) / 2
    assert 3.7 * 0.85 <= diamond <= 4.0 * 1.15  # 1.16.5: about 3.7-4.0 a chunk
    iron = sum(c["iron_ore_per_chunk"] for c in counts) / 2
    coal = sum(c["coal_ore_per_chunk"] for c in counts) / 2
    assert 20 * diamond < iron < coal  # 20 size-9 iron blobs, 20 size-17 coal blobs, 1 size-8 diamond blob


def test_an_oregen_blob_follows_the_1_16_rule_and_crosses_chunk_edges():
    from envs.minecraft.sim.ore_features import blob_shapes, chunk_blobs
    from envs.minecraft.sim.worldgen import _blobs

    sizes = [len(shape) for shape in blob_shapes(8)]
    assert max(sizes) <= 16 and 4.5 < np.mean(sizes) < 6.5  # a size-8 blob: a few blocks (some none at all)
    extent = np.concatenate(blob_shapes(33))
    assert extent.min() >= -7 and extent.max() <= 7  # a segment 33/4 blocks long, spheres of radius <= 2.6
    blobs = chunk_blobs(3, 0, 0, "plains")
    assert [block for block, _ in blobs][:5] == ["dirt", "gravel", "granite", "diorite", "andesite"]
    assert "emerald_ore" not in {b for b, _ in blobs} and "emerald_ore" in {b for b, _ in chunk_blobs(3, 0, 0,
                                                                                                     "mountains")}
    reached = 0
    for seed in range(4):  # the blocks of chunk (0, 0)'s ore blobs that reach into chunk (1, 0) are ore there
        own, _ = generate_chunk(seed, 1, 0)
        for block, cells in _blobs(seed, 0, 0):
            inside = cells[(cells[:, 0] >= CHUNK) & (cells[:, 0] < 2 * CHUNK) & (cells[:, 2] >= 0) &
                           (cells[:, 2] < CHUNK) & (cells[:, 1] >= 0) & (cells[:, 1] < 128)]
            if block.endswith("_ore") and len(inside):
                there = own[inside[:, 0] - CHUNK, inside[:, 1], inside[:, 2]]
                reached += int((there == ID[block]).sum())
                assert not np.isin(there, [ID[n] for n in ("stone", "granite", "diorite", "andesite")]).any()
    assert reached > 0


def test_a_carved_ellipsoid_has_a_flat_floor_and_counts_height_from_half_a_block_below():
    # One tunnel ellipsoid at (8.5, 20, 8.5), radius 3: the central column carves y - 0.5 - 20 in (-0.7 * 3, 3),
    # so y = 19..23 (a full sphere would reach y = 18); a ravine's (no flat floor) reaches y = 18.
    one = np.array([[8.5, 20.0, 8.5]]), np.array([3.0]), np.array([3.0])
    tunnel = carved_mask(Spheres(*one, np.array([FLAT_FLOOR])), 0, 0, 64)
    ravine = carved_mask(Spheres(*one, np.array([-1.0])), 0, 0, 64)
    assert np.nonzero(tunnel[8, :, 8])[0].tolist() == [19, 20, 21, 22, 23]
    assert np.nonzero(ravine[8, :, 8])[0].tolist() == [18, 19, 20, 21, 22, 23]
    assert not tunnel[:, :19].any() and tunnel[:, 19].sum() < tunnel[:, 20].sum()


def test_cave_rooms_are_as_wide_as_the_games():
    # 1.16: a room's radius is 1.5 + (1 + 6 rand), its height half of it; spheres that tall and that wide
    # are rooms (a tunnel's are as tall as they are wide).
    rooms = []
    for cx in range(200):
        worms = chunk_worms(7, cx, 0)
        flat = np.isclose(worms.height, worms.radius * 0.5)
        rooms += worms.radius[flat].tolist()
    assert len(rooms) == 8 and min(rooms) >= 2.5 and max(rooms) <= 8.5
