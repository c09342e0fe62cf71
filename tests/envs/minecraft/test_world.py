import numpy as np

from envs.minecraft.sim.palette import ID
from envs.minecraft.sim.world import VoxelWorld
from envs.minecraft.sim.worldgen import generate_chunk


def test_world_reads_generated_chunks_in_world_coordinates():
    world = VoxelWorld(9)
    chunk, _ = generate_chunk(9, -1, 2)
    assert world.get(-16 + 3, 40, 32 + 5) == chunk[3, 40, 5]
    assert world.get(0, 0, 0) == ID["bedrock"] and world.get(0, 500, 0) == ID["air"]
    world.set(5, 100, 5, ID["glass"])
    assert world.get(5, 100, 5) == ID["glass"]
    assert not world.passable(5, 100, 5)
    y = world.surface_y(-7, 11)
    assert not world.passable(-7, y, 11) and world.passable(-7, y + 1, 11) or world.get(-7, y + 1, 11) == ID["water"]
    assert world.biome(-7, 11) in ("plains", "forest", "desert", "mountains")


def test_box_spans_chunk_borders():
    world = VoxelWorld(4)
    box = world.box(-3, 50, 14, 6, 4, 5)
    expected = np.array([[[world.get(x, y, z) for z in range(14, 19)] for y in range(50, 54)] for x in range(-3, 3)])
    assert np.array_equal(box, expected)
    assert world.ensure_area(0, 0, 40) >= 25
