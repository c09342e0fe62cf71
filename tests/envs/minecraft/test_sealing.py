"""Tunnelling into a lava lake: the opened cells are filled again before the lava flows in."""

import pytest

from envs.minecraft.sim.actions import StructuredActions
from envs.minecraft.sim.palette import ID
from envs.minecraft.sim.sealing import lava_seen_beside, seal
from tests.envs.minecraft.helpers import carve, engine_at, solid_world


def tunnel(lava_cells: list[tuple[int, int, int]], cobblestone: int = 5):
    """The player in a 2-high pocket at (0, 40, 0) in solid stone, a stone pickaxe in hand,
    tunnelling towards +x; lava hidden behind the rock."""
    world = solid_world()
    carve(world, (0, 40, 0), (0, 41, 0))
    for cell in lava_cells:
        world.set(*cell, ID["lava"])
    engine = engine_at(world, (0, 40, 0), stone_pickaxe=1, cobblestone=cobblestone)
    engine.player.equipped = "stone_pickaxe"
    return world, engine, StructuredActions(engine)


LAKE = [(x, y, z) for x in range(3, 6) for y in (40, 41) for z in (-1, 0, 1)]


@pytest.mark.parametrize("lava", [LAKE, [(2, 42, 0)]], ids=["lake ahead", "lava above"])
def test_a_cell_opened_onto_lava_is_sealed_and_the_tunnel_turns_back(lava):
    world, engine, actions = tunnel(lava)
    assert actions._step_towards(10, 0, avoid_drops=True)  # x=1: rock all round
    assert engine.player.cell() == (1, 40, 0)
    assert not actions._step_towards(10, 0, avoid_drops=True)  # x=2 opens onto the lava
    assert [world.get(2, y, 0) for y in (40, 41)] == [ID["cobblestone"]] * 2
    assert engine.player.cell() == (1, 40, 0)
    engine.spend(300)  # lava flows every 30 ticks: none reaches the player
    assert engine.player.health == 20.0 and world.get(1, 40, 0) == world.get(1, 41, 0) == ID["air"]
    placed = engine.player.inventory["cobblestone"]
    assert not actions._step_towards(10, 0, avoid_drops=True)  # the lava seen there keeps it shut
    assert world.get(2, 40, 0) == ID["cobblestone"] and engine.player.inventory["cobblestone"] == placed


def test_seal_places_only_what_the_inventory_holds_against_a_solid_face():
    world, engine, _ = tunnel([])
    carve(world, (1, 41, 0), (1, 41, 0))
    assert not seal(engine, (1, 41, 0), ["dirt"])  # no dirt
    assert seal(engine, (1, 41, 0), ["dirt", "cobblestone"])
    assert world.get(1, 41, 0) == ID["cobblestone"] and engine.player.inventory["cobblestone"] == 4
    assert not seal(engine, (0, 41, 0), ["cobblestone"])  # the player's head is there


def test_lava_is_judged_by_what_the_player_has_seen():
    world, engine, _ = tunnel(LAKE)
    engine.look()
    assert not lava_seen_beside(engine, [(2, 40, 0)])  # the lake behind the rock is unseen
    engine.seen.set(3, 40, 0, ID["lava"])
    assert lava_seen_beside(engine, [(2, 40, 0)])
    assert not lava_seen_beside(engine, [(2, 40, 0)], ignore=[(3, 40, 0)])
