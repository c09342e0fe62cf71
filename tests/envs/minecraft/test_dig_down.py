"""dig_down(collect=...): the ore dug down for is mined where the shaft's walls show it."""

from envs.minecraft.contracts import StructuredAction
from envs.minecraft.sim.actions import StructuredActions
from envs.minecraft.sim.palette import ID
from tests.envs.minecraft.helpers import carve, engine_at, solid_world

WALL_ORE = [(1, 55, 0), (0, 54, -1), (-1, 53, 0)]  # faces of the shaft at x = z = 0
BESIDE_LAVA = (0, 50, 1)
SEALED = (3, 56, 0)  # two blocks of stone between it and the shaft


def dig(count: int | None = None, lava: bool = True):
    """A sealed stone world, the player in a 2-high pocket at y=60 digging down to 48 for iron ore."""
    world = solid_world()
    carve(world, (0, 60, 0), (0, 61, 0))
    for cell in WALL_ORE + [BESIDE_LAVA, SEALED]:
        world.set(*cell, ID["iron_ore"])
    if lava:
        world.set(0, 50, 2, ID["lava"])
    engine = engine_at(world, (0, 60, 0), stone_pickaxe=1)
    args = {"ylevel": 48, "tool": "stone_pickaxe", "collect": "iron_ore"}
    if count is not None:
        args["count"] = count
    result = StructuredActions(engine).execute(StructuredAction(name="dig_down", args=args))
    return world, engine, result


def test_ore_in_the_shaft_walls_is_mined_on_the_way_but_not_beside_lava_or_behind_rock():
    world, engine, result = dig()
    assert result.success and result.feedback == "dug down to y=48, mining 3 iron_ore beside the shaft"
    assert result.inventory_delta == {"cobblestone": 15, "iron_ore": 3}
    assert engine.player.cell() == (0, 48, 0)
    assert [world.get(*cell) for cell in WALL_ORE] == [ID["air"]] * 3
    assert world.get(*BESIDE_LAVA) == world.get(*SEALED) == ID["iron_ore"]


def test_without_lava_beside_it_the_fourth_ore_is_mined_too():
    world, _, result = dig(lava=False)
    assert result.feedback == "dug down to y=48, mining 4 iron_ore beside the shaft"
    assert world.get(*BESIDE_LAVA) == ID["air"] and world.get(*SEALED) == ID["iron_ore"]


def test_count_caps_the_ore_collected():
    world, _, result = dig(count=2)
    assert result.success and result.feedback == "dug down to y=48, mining 2 iron_ore beside the shaft"
    assert result.inventory_delta["iron_ore"] == 2
    assert [world.get(*cell) for cell in WALL_ORE] == [ID["air"], ID["air"], ID["iron_ore"]]


def test_bad_collect_arguments_fail_with_a_sentence_and_change_nothing():
    world, engine, result = dig(count=0)
    assert not result.success and result.inventory_delta == {}
    assert result.feedback == "cannot collect 0 iron_ore: count must be 1 or more"
    assert engine.player.cell() == (0, 60, 0)
    actions = StructuredActions(engine)
    no_block = actions.execute(StructuredAction(name="dig_down", args={"ylevel": 48, "collect": "stick"}))
    assert not no_block.success and no_block.feedback == "cannot collect stick while digging down: it is not a block"
    lone_count = actions.execute(StructuredAction(name="dig_down", args={"ylevel": 48, "count": 3}))
    assert not lone_count.success and lone_count.feedback == \
        "cannot dig down collecting 3: count goes with collect, the block to mine"


def dig_into_cave(health: float):
    """Digging down from y=60 over a cave 6 blocks high (y 50-55) wider than the shaft's sidesteps reach."""
    world = solid_world()
    carve(world, (0, 60, 0), (0, 61, 0))
    carve(world, (-6, 50, -6), (6, 55, 6))
    engine = engine_at(world, (0, 60, 0), stone_pickaxe=1)
    engine.player.health = health
    engine.player.hunger.food, engine.player.hunger.saturation = 17.0, 0.0  # no healing on the way
    result = StructuredActions(engine).execute(
        StructuredAction(name="dig_down", args={"ylevel": 48, "tool": "stone_pickaxe"}))
    return engine, result


def test_a_fall_into_a_cave_is_taken_only_when_it_leaves_enough_health():
    engine, result = dig_into_cave(20.0)
    assert result.success and result.feedback == "dug down to y=48"
    assert engine.damage_taken == 4.0  # a fall of 7 blocks (57 to 50) costs 7 - 3
    engine, result = dig_into_cave(13.0)  # 13 - 4 would leave less than FALL_HEALTH_KEPT (10)
    assert not result.success
    assert result.feedback == "stopped digging at y=57: a cave drops 6 blocks below, and no safe column nearby"
    assert engine.player.cell() == (0, 57, 0) and engine.damage_taken == 0.0
