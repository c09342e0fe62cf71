import math

from envs.minecraft.sim.engine import Engine, Player, Primitive
from envs.minecraft.sim.inventory import Inventory
from envs.minecraft.sim.palette import ID
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.world import VoxelWorld


def flat_world() -> VoxelWorld:
    """A world whose chunks around the origin are replaced by a flat stone floor at y = 63."""
    world = VoxelWorld(0)
    for cx in range(-1, 2):
        for cz in range(-1, 2):
            chunk = world.chunk(cx, cz)
            chunk[:] = ID["air"]
            chunk[:, :64, :] = ID["stone"]
    return world


def test_walking_takes_minecraft_speed_and_walls_block():
    world = flat_world()
    engine = Engine(world, rules(), Player(0.5, 64.0, 0.5))
    for _ in range(20):
        engine.step(Primitive.FORWARD)
    assert engine.player.x == 0.5 + 20 * 4.317 / 20 and engine.player.y == 64.0
    world.set(5, 64, 0, ID["stone"])
    world.set(5, 65, 0, ID["stone"])
    results = [engine.step(Primitive.FORWARD) for _ in range(20)]
    assert results[-1].feedback == "blocked" and math.floor(engine.player.x) == 4
    assert engine.steps == 40


def test_jump_and_fall():
    engine = Engine(flat_world(), rules(), Player(0.5, 64.0, 0.5))
    assert engine.step(Primitive.JUMP).success
    heights = [engine.player.y]
    for _ in range(15):
        engine.step(Primitive.NOOP)
        heights.append(engine.player.y)
    assert 65.0 < max(heights) < 65.3 and engine.player.y == 64.0 and engine.player.on_ground


def test_mining_stone_takes_the_formula_ticks_and_needs_a_pickaxe_for_loot():
    world = flat_world()
    engine = Engine(world, rules(), Player(0.5, 64.0, 0.5, pitch=90.0))  # looking straight down
    results = [engine.step(Primitive.ATTACK) for _ in range(150)]
    assert results[-1].feedback == "broke stone and got nothing" and results[-2].feedback == "mining stone (149/150)"
    engine.player.inventory = Inventory({"wooden_pickaxe": 1})
    assert engine.step(Primitive.EQUIP, "wooden_pickaxe").feedback == "holding wooden_pickaxe"
    engine.step(Primitive.NOOP)
    while not engine.player.on_ground:
        engine.step(Primitive.NOOP)
    results = [engine.step(Primitive.ATTACK) for _ in range(23)]
    assert results[-1].feedback == "broke stone and got 1 cobblestone"
    assert engine.player.inventory["cobblestone"] == 1


def test_place_craft_and_equip_failures_are_sentences():
    engine = Engine(flat_world(), rules(), Player(0.5, 64.0, 0.5, pitch=60.0))
    assert engine.step(Primitive.USE, "crafting_table").feedback == "cannot place crafting_table: none in the inventory"
    assert engine.step(Primitive.EQUIP, "laser").feedback == "cannot equip laser: there is no such item"
    engine.player.inventory = Inventory({"oak_planks": 7, "stick": 2})
    assert engine.step(Primitive.CRAFT, "wooden_pickaxe").feedback == \
        "cannot craft wooden_pickaxe: it needs a crafting table nearby or in the inventory"
    assert engine.step(Primitive.CRAFT, "crafting_table").success
    assert engine.step(Primitive.USE, "crafting_table").feedback == "placed crafting_table"
    assert engine.near_block("crafting_table")
    assert engine.step(Primitive.CRAFT, "wooden_pickaxe").feedback == \
        "crafted 1 wooden_pickaxe from 3 oak_planks, 2 stick"
