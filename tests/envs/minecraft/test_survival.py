"""Survival rules: tools wear out, hunger and regeneration, mobs in the dark, fluids, loot rolls."""

import random

import pytest

from envs.minecraft.sim.engine import BREAK_PAUSE_TICKS, Primitive
from envs.minecraft.sim.fluids import EVERY_TICKS
from envs.minecraft.sim.mobs import HOSTILE, explosion_damage
from envs.minecraft.sim.palette import ID
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.survival import Hunger
from tests.envs.minecraft.helpers import FLOOR, carve, engine_at, flat_world, solid_world


def break_block_below(engine):
    """Look down and attack until the block under the feet breaks; the ticks it took."""
    engine.player.pitch = 90.0
    for ticks in range(1, 500):
        if engine.step(Primitive.ATTACK).feedback.startswith("broke"):
            return ticks
    raise AssertionError("the block did not break")


def test_a_wooden_pickaxe_breaks_after_59_blocks():
    world = flat_world()
    engine = engine_at(world, (0, FLOOR, 0), wooden_pickaxe=1)
    engine.step(Primitive.EQUIP, "wooden_pickaxe")
    assert rules().item("wooden_pickaxe")["maxDurability"] == 59
    for block in range(59):
        x = block % 7 - 3
        z = block // 7 - 4
        world.set(x, FLOOR + 1, z, ID["stone"])
        engine.player.x, engine.player.z = x + 0.5, z + 0.5
        engine.player.y = float(FLOOR + 2)
        engine.player.pitch = 90.0
        while True:
            result = engine.step(Primitive.ATTACK)
            if result.feedback.startswith("broke"):
                break
        assert ("the wooden_pickaxe broke" in result.feedback) == (block == 58)
    assert engine.player.inventory["wooden_pickaxe"] == 0 and engine.player.equipped is None
    assert engine.broken_tools == ["wooden_pickaxe"]


def test_the_next_block_waits_five_ticks_after_a_break():
    world = flat_world()
    engine = engine_at(world, (0, FLOOR, 0), diamond_pickaxe=1)
    engine.break_speed = 100.0  # every block breaks in one tick: only the pause is left
    engine.step(Primitive.EQUIP, "diamond_pickaxe")
    assert break_block_below(engine) == 1
    engine.player.y -= 1.0
    assert break_block_below(engine) == BREAK_PAUSE_TICKS + 1


def test_break_speed_multiplies_mining_damage():
    assert rules().break_ticks("stone", "wooden_pickaxe") == 23
    assert rules().break_ticks("stone", "wooden_pickaxe", break_speed=100.0) == 1
    assert rules().break_ticks("obsidian", "diamond_pickaxe", break_speed=100.0) == 2


def test_food_falls_with_work_and_health_regenerates_only_when_fed():
    hunger = Hunger()
    assert (hunger.food, hunger.saturation) == (20, 5.0)
    for _ in range(801):  # 800 blocks broken make 4 exhaustion: one point of saturation
        hunger.exhaust(0.005)
    assert (hunger.food, hunger.saturation) == (20, 4.0)
    for _ in range(6 * 4):  # jumping and fighting: the saturation runs out, then the food falls
        hunger.exhaust(1.0)
    assert (hunger.food, hunger.saturation) == (18, 0.0)

    fed, starving = Hunger(food=18, saturation=0.0), Hunger(food=17, saturation=0.0)
    fed_health = starving_health = 10.0
    for _ in range(800):
        fed_health += fed.tick(fed_health)
        starving_health += starving.tick(starving_health)
    assert starving_health == 10.0  # food 17: no regeneration
    assert fed_health > 10.0 and fed.food < 18  # healing spends 6 exhaustion a point

    empty = Hunger(food=0, saturation=0.0)
    health = 3.0
    for _ in range(80 * 5):
        health += empty.tick(health)
    assert health == 1.0  # starving stops at half a heart on normal difficulty


def test_eating_restores_food_from_minecraft_data():
    engine = engine_at(flat_world(), (0, FLOOR, 0), cooked_beef=1)
    engine.player.hunger.food = 10
    result = engine.step(Primitive.EAT, "cooked_beef")
    assert result.success and result.feedback == "ate cooked_beef: food 18/20" and result.steps == 32
    assert engine.step(Primitive.EAT, "stone").feedback == "cannot eat stone: it is not food"


def test_a_zombie_spawns_in_a_dark_cave_by_day():
    world = solid_world()
    carve(world, (-40, 40, -3), (40, 41, 3))  # a long dark gallery under the rock
    engine = engine_at(world, (0, 40, 0), seed=3, start_time=1000)
    engine.spend(3000)
    hostiles = [m for m in engine.mobs.mobs.values() if m.hostile] + \
        [kind for kind in engine.mobs.killed_by_player if kind in HOSTILE]
    assert hostiles  # by day, in the dark
    assert engine.player.health < 20.0 or engine.mobs.killed_by_player


def test_no_hostile_spawns_on_a_lit_surface_by_day():
    world = flat_world()
    engine = engine_at(world, (0, FLOOR, 0), seed=3, start_time=1000)
    engine.spend(3000)
    assert not any(m.hostile for m in engine.mobs.mobs.values()) and engine.player.health == 20.0


def test_lava_flows_into_a_dug_pocket_and_reaches_the_player():
    world = solid_world()
    carve(world, (0, 40, 0), (3, 41, 0))  # a short tunnel, the player at its end
    world.set(5, 40, 0, ID["lava"])  # a lava source behind one block of stone
    engine = engine_at(world, (0, 40, 0), iron_pickaxe=1)
    engine.set_block(4, 40, 0, ID["air"])  # the stone between them is dug out
    engine.spend(EVERY_TICKS[ID["lava"]] * 6)
    assert world.get(4, 40, 0) == ID["lava"] and world.get(2, 40, 0) == ID["lava"]
    assert world.get(1, 40, 0) == ID["air"]  # three blocks from its source: as far as lava reaches
    engine.set_block(1, 41, 0, ID["air"])
    water_world = solid_world()
    carve(water_world, (0, 40, 0), (9, 40, 0))
    water_world.set(10, 40, 0, ID["water"])
    water = engine_at(water_world, (0, 40, 0))
    water.set_block(9, 40, 0, ID["air"])
    water.spend(EVERY_TICKS[ID["water"]] * 10)
    assert water_world.get(3, 40, 0) == ID["water"] and water_world.get(2, 40, 0) == ID["air"]  # 7 blocks


def test_lava_hurts_the_player_standing_in_it():
    world = flat_world()
    engine = engine_at(world, (0, FLOOR, 0))
    engine.player.hunger = Hunger(food=17, saturation=0.0)  # no regeneration in between
    world.set(0, FLOOR, 0, ID["lava"])
    engine.spend(40)
    assert engine.player.health == 20.0 - 4 * 4.0


def test_gravel_falls_when_the_block_under_it_is_dug():
    world = flat_world()
    world.set(2, FLOOR, 0, ID["stone"])
    world.set(2, FLOOR + 1, 0, ID["gravel"])
    engine = engine_at(world, (0, FLOOR, 0))
    engine.set_block(2, FLOOR, 0, ID["air"])
    assert world.get(2, FLOOR, 0) == ID["gravel"] and world.get(2, FLOOR + 1, 0) == ID["air"]


def test_loot_is_rolled_as_the_game_rolls_it():
    known = rules()
    rng = random.Random(0)
    rolls = [known.roll(known.drops("oak_leaves", None), rng) for _ in range(20_000)]
    share = {item: sum(item in r for r in rolls) / len(rolls) for item in ("stick", "oak_sapling", "apple")}
    assert share["stick"] == pytest.approx(0.02, abs=0.004) and share["oak_sapling"] == pytest.approx(0.05, abs=0.006)
    assert share["apple"] == pytest.approx(0.005, abs=0.002)
    assert not any("oak_leaves" in r for r in rolls)  # the block itself only with shears
    assert known.roll(known.drops("oak_leaves", "shears"), rng) == {"oak_leaves": 1}
    gravel = [known.roll(known.drops("gravel", None), rng) for _ in range(10_000)]
    assert all(len(r) == 1 for r in gravel)  # flint or gravel, never both
    assert sum("flint" in r for r in gravel) / len(gravel) == pytest.approx(0.1, abs=0.015)
    assert known.roll(known.drops("diamond_ore", "iron_pickaxe"), rng) == {"diamond": 1}
    assert known.roll(known.mob_drops("sheep"), random.Random(1))["white_wool"] == 1
    seeds = [known.roll(known.drops("grass", None), rng) for _ in range(8_000)]
    assert sum("wheat_seeds" in r for r in seeds) / len(seeds) == pytest.approx(0.125, abs=0.015)


def test_a_creeper_blast_follows_the_game_s_explosion_formula():
    assert explosion_damage(0.0) == 43  # power 3, normal difficulty, at the centre
    assert explosion_damage(1.0) == 33
    assert explosion_damage(6.0) == 0.0


def test_a_creeper_swells_for_30_ticks_and_explodes_where_the_player_is_then():
    world = solid_world()
    carve(world, (-12, 40, -1), (12, 41, 1))  # a dark gallery
    engine = engine_at(world, (0, 40, 0), start_time=1000)
    creeper = engine.mobs._spawn("creeper", 2, 40, 0)  # two blocks away: it sees the player and swells
    engine.spend(29)
    assert creeper.swell == 29 and engine.damage_taken == 0.0 and (creeper.x, creeper.z) == (2, 0)
    engine.spend(1)
    assert creeper.id not in engine.mobs.mobs and engine.damage_taken == explosion_damage(2.0) == 24
    assert engine.death_cause == "creeper" and engine.player.health == 0.0


def test_a_creeper_shrinks_back_when_the_player_gets_more_than_7_blocks_away():
    world = solid_world()
    carve(world, (-12, 40, -1), (12, 41, 1))
    engine = engine_at(world, (0, 40, 0), start_time=1000)
    creeper = engine.mobs._spawn("creeper", 2, 40, 0)
    engine.spend(20)
    engine.player.x = -8.5  # 10.5 blocks from it
    engine.spend(15)
    assert creeper.swell == 5 and engine.damage_taken == 0.0  # 20 up, 15 back down
