"""What the player can see: rays from the eye, no X-ray."""

import numpy as np

from envs.minecraft.contracts import StructuredAction
from envs.minecraft.sim.actions import StructuredActions
from envs.minecraft.sim.palette import ID
from envs.minecraft.sim.sight import DIRECTIONS, UNKNOWN, cast, in_view
from tests.envs.minecraft.helpers import carve, engine_at, solid_world


def cave_engine():
    """The player in a dug-out room (x -2..2, y 40..42, z -2..2) inside solid stone."""
    world = solid_world()
    carve(world, (-2, 40, -2), (2, 42, 2))
    return world, engine_at(world, (0, 40, 0), iron_pickaxe=1)


def test_rays_every_five_degrees_stop_at_the_first_solid_block():
    assert DIRECTIONS.shape == (72 * 37, 3)
    np.testing.assert_allclose(np.linalg.norm(DIRECTIONS, axis=1), 1.0)
    blocks = np.zeros((9, 9, 9), np.uint8)
    blocks[7, 4, 4] = ID["stone"]
    blocks[8, 4, 4] = ID["diamond_ore"]  # behind the stone
    blocks[4, 4, 6] = ID["glass"]  # see-through
    blocks[4, 4, 8] = ID["iron_ore"]
    rays = cast(blocks, np.array([4.5, 4.5, 4.5]), np.array([[1.0, 0, 0], [0, 0, 1.0]]), reach=10)
    assert rays.hits.tolist() == [[7, 4, 4], [4, 4, 8]] and rays.face.tolist() == [0, 2]
    assert rays.distance.tolist() == [2.5, 3.5]
    assert rays.seen[7, 4, 4] and not rays.seen[8, 4, 4] and rays.seen[4, 4, 6] and rays.seen[4, 4, 8]


def test_a_diamond_sealed_in_stone_three_blocks_away_is_not_found():
    world, engine = cave_engine()
    world.set(5, 41, 0, ID["diamond_ore"])  # two blocks of stone between the room's wall and it
    actions = StructuredActions(engine)
    result = actions.execute(StructuredAction(name="mine", args={"object": "diamond_ore", "tool": "iron_pickaxe"}))
    assert not result.success and result.feedback == \
        "cannot mine diamond_ore: none seen within 32 blocks; explore first"
    assert engine.seen.get(5, 41, 0) == UNKNOWN and engine.seen.get(2, 41, 0) == ID["air"]
    assert engine.seen.get(3, 41, 0) == ID["stone"]  # the wall is seen, not what is inside it


def test_a_diamond_in_the_cave_wall_in_view_is_found_and_mined():
    world, engine = cave_engine()
    world.set(3, 41, 1, ID["diamond_ore"])  # in the room's wall
    actions = StructuredActions(engine)
    result = actions.execute(StructuredAction(name="mine", args={"object": "diamond_ore", "tool": "iron_pickaxe"}))
    assert result.success and result.inventory_delta == {"diamond": 1}


def test_the_planner_sees_what_the_eyes_saw_not_the_voxel_window():
    from envs.minecraft.contracts import MinecraftTask
    from envs.minecraft.sim.env import EmbeddedMinecraft

    env = EmbeddedMinecraft()
    env.reset(MinecraftTask(seed=7))
    world, (x, y, z) = env.engine.world, env.engine.player.cell()
    world.set(x, y - 6, z, ID["diamond_ore"])  # under the feet, inside the voxel window
    observation = env.observe()
    assert (observation.voxels == ID["diamond_ore"]).any()  # the window has it (for getting around only)
    assert "diamond_ore" not in observation.seen_blocks


def test_a_mob_behind_a_wall_is_out_of_view():
    world, engine = cave_engine()
    eye = engine.eye()
    assert in_view(world, eye, (2.5, 41.0, 2.5))
    assert not in_view(world, eye, (6.5, 41.0, 0.5))


def test_a_diamond_seen_earlier_and_left_behind_is_walked_back_to():
    """The seen map is the player's memory: a diamond passed in a tunnel wall while looking for
    something else, 45 blocks back, is out of sight (mine refuses) but explore goes back to it
    through the tunnel already dug, breaking nothing on the way."""
    world = solid_world()
    carve(world, (-1, 40, -1), (50, 41, 0))  # a straight two-high tunnel
    world.set(45, 41, 1, ID["diamond_ore"])  # in its wall
    engine = engine_at(world, (0, 40, 0), iron_pickaxe=1, stone_pickaxe=1)
    for x in range(0, 48, 4):  # walked along it, looking around
        engine.player.x = x + 0.5
        engine.look()
    assert engine.seen.get(45, 41, 1) == ID["diamond_ore"]
    engine.player.x = 0.5  # and back to its start
    actions = StructuredActions(engine)
    refused = actions.execute(StructuredAction(name="mine", args={"object": "diamond_ore", "tool": "iron_pickaxe"}))
    assert refused.feedback == "cannot mine diamond_ore: none seen within 32 blocks; explore first"
    actions.execute(StructuredAction(name="equip", args={"object": "stone_pickaxe"}))
    found = actions.execute(StructuredAction(name="explore", args={"object": "diamond_ore",
                                                                    "strategy": "underground"}))
    assert found.success and found.inventory_delta == {}  # walked, dug nothing
    assert abs(engine.player.cell()[0] - 45) <= 4
    mined = actions.execute(StructuredAction(name="mine", args={"object": "diamond_ore", "tool": "iron_pickaxe"}))
    assert mined.success and mined.inventory_delta["diamond"] == 1


def test_tunnelling_stops_with_uses_kept_on_an_iron_pickaxe_and_wears_a_stone_one_out():
    world, engine = cave_engine()  # solid stone all round: nothing to find
    engine.player.wear.spent["iron_pickaxe"] = 250 - 14  # 14 uses left
    actions = StructuredActions(engine)
    actions.execute(StructuredAction(name="equip", args={"object": "iron_pickaxe"}))
    result = actions.execute(StructuredAction(name="explore", args={"object": "diamond_ore",
                                                                    "strategy": "underground"}))
    assert not result.success and result.feedback == ("tunnelled without finding diamond_ore until the iron_pickaxe "
                                                       "was down to 8 uses (kept for what it mines)")
    assert engine.player.inventory["iron_pickaxe"] == 1 and engine.uses_left("iron_pickaxe") == 8
    engine.player.inventory.add("stone_pickaxe", 1)
    engine.player.wear.spent["stone_pickaxe"] = 131 - 6
    actions.execute(StructuredAction(name="equip", args={"object": "stone_pickaxe"}))
    result = actions.execute(StructuredAction(name="explore", args={"object": "diamond_ore",
                                                                    "strategy": "underground"}))
    assert result.feedback == "tunnelled without finding diamond_ore until the stone_pickaxe broke"
    assert engine.player.inventory["stone_pickaxe"] == 0 and engine.broken_tools == ["stone_pickaxe"]
