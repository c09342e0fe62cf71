"""Small hand-built worlds for the Minecraft tests: generated chunks overwritten with a layout."""

from __future__ import annotations

from envs.minecraft.sim.engine import Engine, Player
from envs.minecraft.sim.inventory import Inventory
from envs.minecraft.sim.palette import ID
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.world import VoxelWorld

FLOOR = 64  # the feet level on the flat floor


def flat_world(solid_to: int = FLOOR, radius_chunks: int = 3) -> VoxelWorld:
    """Stone up to y = solid_to - 1 and air above, in the chunks around the origin."""
    world = VoxelWorld(0)
    for cx in range(-radius_chunks, radius_chunks + 1):
        for cz in range(-radius_chunks, radius_chunks + 1):
            chunk = world.chunk(cx, cz)
            chunk[:] = ID["air"]
            chunk[:, :solid_to, :] = ID["stone"]
            chunk[:, 0, :] = ID["bedrock"]
    return world


def solid_world() -> VoxelWorld:
    """Stone everywhere (but bedrock at y = 0) in the chunks around the origin: a sealed underground."""
    return flat_world(solid_to=128)


def carve(world: VoxelWorld, lo: tuple[int, int, int], hi: tuple[int, int, int], block: str = "air") -> None:
    """Fill the box lo..hi (inclusive) with a block."""
    for x in range(lo[0], hi[0] + 1):
        for y in range(lo[1], hi[1] + 1):
            for z in range(lo[2], hi[2] + 1):
                world.set(x, y, z, ID[block])


def engine_at(world: VoxelWorld, cell: tuple[int, int, int], seed: int = 0, start_time: int = 0,
              **inventory: int) -> Engine:
    player = Player(cell[0] + 0.5, float(cell[1]), cell[2] + 0.5, inventory=Inventory(inventory))
    return Engine(world, rules(), player, seed=seed, start_time=start_time)
