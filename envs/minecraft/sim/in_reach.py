"""Mining what shows within arm's reach without taking a step: an ore seen in the wall of a shaft
while digging down is broken from the shaft, as a player does, instead of being left for a later
search that cannot climb back to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envs.minecraft.sim.fluids import NEIGHBOURS
from envs.minecraft.sim.palette import BLOCKS, LAVA, WATER

if TYPE_CHECKING:
    from envs.minecraft.sim.actions import StructuredActions

REACH = 4.0  # from the eye to the block's centre, as `mine` counts it
MOST_IN_REACH = 16  # blocks broken at one stop (a vein opens onto the next block of it)


def mine_in_reach(actions: StructuredActions, names: list[str], most: int = MOST_IN_REACH) -> int:
    """Break the blocks of these kinds the player has seen within reach (`most` of them at most),
    nearest first, while the held tool harvests them; one beside lava or water is left (breaking it
    lets the fluid in). Returns how many were broken."""
    engine, rules = actions.engine, actions.engine.rules
    broken = 0
    skipped: set[tuple[int, int, int]] = set()
    while broken < min(most, MOST_IN_REACH) and not engine.exhausted:
        engine.look()
        target = actions.find(names, radius=5, height=5, exclude=actions.unreachable | skipped)
        if target is None or actions.distance_to(actions.player.cell(), target) > REACH:
            return broken
        block = BLOCKS[actions.world.get(*target)]
        if not rules.can_harvest(block, actions.player.equipped) or _beside_fluid(actions, target):
            skipped.add(target)
            continue
        mined, _ = actions.nav.mine_cell(target)
        if not mined:
            skipped.add(target)
            continue
        broken += 1
    return broken


def _beside_fluid(actions: StructuredActions, cell: tuple[int, int, int]) -> bool:
    x, y, z = cell
    return any(actions.world.get(x + dx, y + dy, z + dz) in (LAVA, WATER) for dx, dy, dz in NEIGHBOURS)
