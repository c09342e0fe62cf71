"""Looking for a block (or a mob) underground: walk the caves the player can see into, tunnel
where there are none.

A block of the kind seen before (while looking for something else) and out of sight now is
remembered: the search first goes back to the nearest one within RECALL_RADIUS. Then, at each
stop, it walks (without digging) to the nearest known place to stand that has unseen cells
beside it, at about the level it searches, looking around on the way and there; when no such
place is in reach, it tunnels: depth-first over a grid of nodes TUNNEL_LEG blocks apart at that
level, digging a two-high tunnel to an unvisited neighbour node (the one with the most cells
never seen around it first, so a new search does not dig where an old one did), going on from
there, and walking back through its tunnels when a node has no way on. Tunnels never go towards
lava, water or a drop (a block dug out that opens onto lava is filled again: sealing.py);
one that stops at a cave opening walks the cave, and tunnelling goes on at the search level
(digging back down to it after a cave walk that climbed). A precious tool (iron or better) is not
dug below TOOL_RESERVE uses: the search stops there.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from envs.minecraft.sim.navigation import KnownGrid
from envs.minecraft.sim.sight import UNKNOWN

if TYPE_CHECKING:
    from envs.minecraft.sim.actions import StructuredActions

TUNNEL_LEG = 12
CAVE_RADIUS = 32  # how far away a cave opening may be to walk to
CAVE_LEVEL_BAND = 6  # cave floors this far above or below the search level count
CAVE_WALKS = 12  # walks to cave openings at one stop
CAVE_GOALS = 48  # nearest openings tried at once
CAVE_PATH_LIMIT = 3000
RECALL_RADIUS = 96  # how far back a remembered block is worth walking to
RECALL_HEIGHT = 16
RECALL_TRIES = 3
PRECIOUS = ("iron_", "diamond_", "netherite_")  # tools a search stops wearing at TOOL_RESERVE uses left
TOOL_RESERVE = 8  # uses kept on a precious tool: enough to mine a vein of what it was kept for


class UndergroundSearch:
    def __init__(self, actions: StructuredActions, object: str, names: list[str], budget: int):
        self.actions, self.object, self.names, self.budget = actions, object, names, budget
        self.engine = actions.engine
        self.level = actions.player.cell()[1]
        self.walked_to: set[tuple[int, int, int]] = set()
        self.tools_broken = len(self.engine.broken_tools)
        self.tool = actions.player.equipped

    @property
    def tool_broke(self) -> bool:
        return len(self.engine.broken_tools) > self.tools_broken

    @property
    def tool_kept(self) -> bool:
        """The search dug a precious tool (an iron pickaxe) down to TOOL_RESERVE uses: it stops there,
        so the tool can still mine what it was kept for."""
        tool = self.tool
        if not tool or not tool.startswith(PRECIOUS) or self.actions.player.inventory[tool] < 1:
            return False
        return self.engine.uses_left(tool) <= TOOL_RESERVE

    def run(self) -> tuple[bool, bool]:
        """The search; returns (found, got anywhere)."""
        headings = ((1, 0), (0, 1), (-1, 0), (0, -1))
        if self.go_to_remembered():
            return True, True
        start = self.actions.player.cell()
        if self.walk_caves():
            return True, True
        moved_any = self.actions.player.cell() != start
        stack = [(0, 0)]
        visited = {(0, 0)}
        while stack and self._time_left():
            i, j = stack[-1]
            options = [(i + dx, j + dz) for dx, dz in headings if (i + dx, j + dz) not in visited]
            self.engine.rng.shuffle(options)
            options.sort(key=lambda node: -self._unseen_around(start, node))  # new ground first (ties: shuffled)
            moved = False
            for node in options:
                visited.add(node)
                before = self.actions.player.cell()
                found, reached = self._tunnel_to(start, node)
                if found:
                    return True, True
                if reached:
                    stack.append(node)
                    moved = moved_any = True
                    if self.walk_caves():
                        return True, True
                    break
                if self.actions.player.cell() != before and self.walk_caves():
                    return True, True  # the tunnel stopped at an opening: a cave to walk
            if not moved:
                stack.pop()
                if stack:  # back through the tunnel already dug
                    self._tunnel_to(start, stack[-1])
        return False, moved_any

    def go_to_remembered(self) -> bool:
        """Go back to such a block seen earlier but out of sight now (passed while looking for something
        else): the nearest one remembered within RECALL_RADIUS, through the tunnels and caves known."""
        if not self.names:
            return False
        actions = self.actions
        for _ in range(RECALL_TRIES):
            target = actions.find(self.names, radius=RECALL_RADIUS, height=RECALL_HEIGHT, exclude=actions.unreachable)
            if target is None or not self._time_left():
                return False
            reached, _ = actions.go_next_to(target, self.object)
            if reached and actions._sees(self.object, self.names):
                return True
            actions.unreachable.add(target)
        return False

    def _unseen_around(self, start: tuple[int, int, int], node: tuple[int, int]) -> int:
        """How many cells the player has never seen around a node at the search level: an earlier
        search's tunnels (or a cave walked) there leave few, so the search heads for new ground."""
        x, z = start[0] + node[0] * TUNNEL_LEG, start[2] + node[1] * TUNNEL_LEG
        half = TUNNEL_LEG // 2
        box = self.engine.seen.box(x - half, self.level - 2, z - half, 2 * half + 1, 6, 2 * half + 1)
        return int(np.count_nonzero(box == UNKNOWN))

    def _time_left(self) -> bool:
        return self.engine.steps < self.budget and not self.engine.exhausted and not self.tool_broke and \
            not self.tool_kept

    def walk_caves(self) -> bool:
        """Walk to cave openings in sight, one after another; True when the block comes in sight."""
        nav = self.actions.nav
        for _ in range(CAVE_WALKS):
            if not self._time_left():
                return False
            x, y, z = self.actions.player.cell()
            cells = KnownGrid(self.engine, [(x, y, z)], margin=CAVE_RADIUS).frontier_cells()
            cells = [c for c in (tuple(int(v) for v in row) for row in cells)
                     if abs(c[1] - self.level) <= CAVE_LEVEL_BAND and c not in self.walked_to]
            if not cells:
                return False
            cells.sort(key=lambda c: math.dist(c, (x, y, z)))
            goals = set(cells[:CAVE_GOALS])
            path = nav.path_to(goals, dig=False, limit=CAVE_PATH_LIMIT)
            if path is None:
                self.walked_to.update(goals)
                continue
            self.walked_to.add(path[-1][0])
            arrived, _ = nav.follow(path)
            if self.actions._sees(self.object, self.names):
                return True
            if not arrived:
                continue
        return False

    def _back_to_level(self) -> None:
        """A cave walk (or a remembered block) can leave the player above the search level: dig back
        down to it before tunnelling on, so the tunnel's walls and floor stay where the ore is (a
        tunnel at 16 shows almost no diamond level). Where lava or water lies below, the tunnel
        goes on where the player is."""
        if self.actions.player.cell()[1] > self.level:
            self.actions._dig_down(self.level)

    def _tunnel_to(self, start: tuple[int, int, int], node: tuple[int, int]) -> tuple[bool, bool]:
        """Dig towards a node at the search level; returns (block in sight, node reached)."""
        target_x, target_z = start[0] + node[0] * TUNNEL_LEG, start[2] + node[1] * TUNNEL_LEG
        self._back_to_level()
        if self.actions._sees(self.object, self.names):
            return True, False
        while self._time_left():
            x, _, z = self.actions.player.cell()
            if (x, z) == (target_x, target_z):
                return False, True
            if not self.actions._step_towards(target_x, target_z, avoid_drops=True):
                return False, False  # never towards lava, water or a drop
            if self.actions._sees(self.object, self.names):
                return True, False
        return False, False
