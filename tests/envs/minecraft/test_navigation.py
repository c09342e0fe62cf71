"""A* over walking, climbing, dropping, swimming and digging, on a real generated world with
hand-built obstacles."""

from envs.minecraft.sim.engine import Engine, Player
from envs.minecraft.sim.navigation import SWIM_FACTOR, TICKS_PER_BLOCK, Navigator
from envs.minecraft.sim.palette import AIR, BLOCKS, ID, WATER
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.world import VoxelWorld


def flat_stage(seed: int = 6):
    """A 21 x 21 floor of stone with air above it around the spawn column, and a navigator on it."""
    world = VoxelWorld(seed)
    x0, y0, z0 = world.spawn_point()
    for x in range(x0 - 10, x0 + 11):
        for z in range(z0 - 10, z0 + 11):
            world.set(x, y0 - 1, z, ID["stone"])
            for y in range(y0, y0 + 6):
                world.set(x, y, z, AIR)
    engine = Engine(world, rules(), Player(x0 + 0.5, float(y0), z0 + 0.5), seed=seed)
    return engine, Navigator(engine), (x0, y0, z0)


def test_the_spawn_is_open_ground_not_a_canopy_or_a_lake():
    for seed in (10, 16):  # a lake at (0, 0) in world 10, a tree top in world 16
        world = VoxelWorld(seed)
        x, y, z = world.spawn_point()
        assert BLOCKS[world.get(x, y - 1, z)] in ("grass_block", "dirt", "sand", "snow_block", "stone", "gravel")
        assert world.get(x, y, z) == AIR and world.get(x, y + 1, z) == AIR


def test_a_wall_of_dirt_is_dug_through_and_a_wall_of_bedrock_walked_around():
    engine, nav, (x0, y0, z0) = flat_stage()
    for z in range(z0 - 10, z0 + 11):  # a dirt wall two high across the whole stage at x0 + 3
        for y in (y0, y0 + 1, y0 + 2):
            engine.world.set(x0 + 3, y, z, ID["dirt"])
    path = nav.path_to({(x0 + 6, y0, z0)})
    dug = [cell for _, broken in path for cell in broken]
    assert dug == [(x0 + 3, y0, z0), (x0 + 3, y0 + 1, z0)] and len(path) == 7
    arrived, _ = nav.follow(path)
    assert arrived and engine.player.cell() == (x0 + 6, y0, z0)
    assert engine.player.inventory["dirt"] == 2
    for y in (y0, y0 + 1, y0 + 2):  # bedrock cannot be dug: around it, through the gap left at the far end
        for z in range(z0 - 10, z0 + 10):
            engine.world.set(x0 + 8, y, z, ID["bedrock"])
    around = nav.path_to({(x0 + 10, y0, z0)})
    assert around is not None and not any(broken for _, broken in around)
    assert any(cell[2] == z0 + 10 for cell, _ in around)


def test_water_is_swum_at_half_speed_and_lava_never_entered():
    engine, nav, (x0, y0, z0) = flat_stage()
    for x in range(x0 + 1, x0 + 5):
        engine.world.set(x, y0 - 1, z0, WATER)  # a channel one deep, swum across at floor level
        engine.world.set(x, y0 - 2, z0, ID["stone"])
    for z in range(z0 - 10, z0 + 11):  # bedrock across the stage but for the channel
        for x in range(x0 + 1, x0 + 5):
            if z != z0:
                engine.world.set(x, y0, z, ID["bedrock"])
                engine.world.set(x, y0 + 1, z, ID["bedrock"])
    for x in range(x0 + 1, x0 + 5):
        engine.world.set(x, y0, z0, WATER)
    path = nav.path_to({(x0 + 5, y0, z0)}, dig=False)
    assert [cell for cell, _ in path][1:] == [(x, y0, z0) for x in range(x0 + 1, x0 + 6)]
    before = engine.steps
    nav.follow(path)
    assert engine.steps - before == TICKS_PER_BLOCK * SWIM_FACTOR * 5  # every move in or out of water
    engine2, nav2, (x1, y1, z1) = flat_stage()
    for x in range(x1 - 2, x1 + 3):
        for z in range(z1 - 2, z1 + 3):
            if max(abs(x - x1), abs(z - z1)) == 2:
                engine2.world.set(x, y1, z, ID["lava"])
                engine2.world.set(x, y1 + 1, z, ID["lava"])
    assert nav2.path_to({(x1 + 6, y1, z1)}) is None  # a ring of lava: no way out, not even by digging


def test_a_player_stranded_on_a_tree_top_breaks_its_way_down():
    engine, nav, (x0, y0, z0) = flat_stage()
    for y in range(y0, y0 + 5):  # a trunk five high with a crown of leaves round its top
        engine.world.set(x0 + 4, y, z0, ID["oak_log"])
    for dx in (-1, 0, 1):
        for dz in (-1, 0, 1):
            engine.world.set(x0 + 4 + dx, y0 + 5, z0 + dz, ID["oak_leaves"])
    engine.player.x, engine.player.y, engine.player.z = x0 + 4.5, float(y0 + 6), z0 + 0.5
    engine.look()
    path = nav.path_to({(x0 - 4, y0, z0)})  # a six-block drop: no way down but through the tree
    assert path is not None and engine.player.cell()[1] == y0
    assert engine.world.get(x0 + 4, y0 + 5, z0) == AIR and engine.world.get(x0 + 4, y0, z0) == AIR
    assert engine.world.get(x0 + 5, y0 + 5, z0) == ID["oak_leaves"]  # only the column under the feet went
