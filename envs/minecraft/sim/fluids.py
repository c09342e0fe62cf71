"""Flowing water and lava, a simplified cellular rule of the game's.

A fluid moves when a block next to it changes (as in the game, generated fluids stay put until
then). Each update, a fluid cell flows down into air below it, and otherwise spreads sideways
into air one level weaker: water reaches 7 blocks from its source, lava 3 (the Overworld).
Water updates every 5 ticks, lava every 30. Flowing fluid keeps its block id (water, lava) with
its distance from the source kept aside. Lava flowing into water turns it to cobblestone, water
flowing into lava turns a lava source to obsidian and flowing lava to cobblestone. Flowing fluid
does not dry up when its source is taken (a simplification).
"""

from __future__ import annotations

from envs.minecraft.sim.palette import DISPLACED, ID, LAVA, WATER

REACH = {WATER: 7, LAVA: 3}
EVERY_TICKS = {WATER: 5, LAVA: 30}
SIDEWAYS = ((1, 0, 0), (-1, 0, 0), (0, 0, 1), (0, 0, -1))
NEIGHBOURS = SIDEWAYS + ((0, 1, 0), (0, -1, 0))

Cell = tuple[int, int, int]


class Fluids:
    def __init__(self, world):
        self.world = world
        self.distance: dict[Cell, int] = {}  # flowing cells: blocks from the source (0: falling)
        self.active: dict[int, set[Cell]] = {WATER: set(), LAVA: set()}

    def block_changed(self, x: int, y: int, z: int) -> None:
        """A block at (x, y, z) changed: the fluids beside it (and in it) may move."""
        for dx, dy, dz in NEIGHBOURS + ((0, 0, 0),):
            cell = (x + dx, y + dy, z + dz)
            block = self.world.get(*cell)
            if block in self.active:
                self.active[block].add(cell)

    def tick(self, step: int) -> list[Cell]:
        """Advance the fluids due on this tick; returns the cells that filled."""
        filled: list[Cell] = []
        for fluid, every in EVERY_TICKS.items():
            if step % every or not self.active[fluid]:
                continue
            cells, self.active[fluid] = self.active[fluid], set()
            for cell in sorted(cells):
                if self.world.get(*cell) == fluid:
                    filled += self._flow(fluid, cell)
        return filled

    def _flow(self, fluid: int, cell: Cell) -> list[Cell]:
        x, y, z = cell
        below = (x, y - 1, z)
        if self._enter(fluid, below, 0):
            return [below]
        level = self.distance.get(cell, 0)
        if self.world.get(*below) == fluid or level >= REACH[fluid]:
            return []  # a falling stream, or as far as it reaches
        return [n for n in ((x + dx, y + dy, z + dz) for dx, dy, dz in SIDEWAYS) if self._enter(fluid, n, level + 1)]

    def _enter(self, fluid: int, cell: Cell, level: int) -> bool:
        """Fluid reaches a cell: fills air (or grass, a torch), meets the other fluid, or stops."""
        block = self.world.get(*cell)
        other = LAVA if fluid == WATER else WATER
        if block == other:
            source = cell not in self.distance
            self.world.set(*cell, ID["obsidian"] if fluid == WATER and source else ID["cobblestone"])
            self.distance.pop(cell, None)
            return False
        if block == fluid and cell in self.distance and self.distance[cell] > level:
            self.distance[cell] = level
            self.active[fluid].add(cell)
            return False
        if block not in DISPLACED:
            return False
        self.world.set(*cell, fluid)
        self.distance[cell] = level
        self.active[fluid].add(cell)
        return True
