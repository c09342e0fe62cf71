"""Getting around the voxel world: A* over walking, climbing one block, dropping up to three,
swimming, and digging through soft blocks in the way; then following the path through the
engine's clock, mining what the path said to dig, looking around as the player goes.

Paths are planned over what the player knows (Engine.known): the voxel window around it and
what it has seen; a cell nobody has seen is a wall to the planner.

A move is a step to one of the four neighbouring columns. Natural moves (nothing to break)
are preferred; a move that needs blocks broken costs the ticks breaking them takes with the
tool in hand, so the planner walks around a tree when that is cheaper and through the canopy
when it is not. Lava is never entered or dug next to; water is swum through at half speed.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from envs.minecraft.sim.engine import WALK_PER_TICK, Engine, Primitive
from envs.minecraft.sim.palette import BLOCKS, ID, LAVA, PASSABLE, TREE_BLOCKS, WATER
from envs.minecraft.sim.sight import UNKNOWN
from envs.minecraft.sim.worldgen import HEIGHT

Cell = tuple[int, int, int]
PATH_LIMIT = 6000  # A* node budget
TICKS_PER_BLOCK = math.ceil(1.0 / WALK_PER_TICK)
SWIM_FACTOR = 2  # swimming is half as fast as walking
MAX_DIG_TICKS = 80  # blocks slower than this to break (stone by hand) are walls
MAX_CLEARED_BLOCKS = 8  # blocks dug through to reach a block in sight
# what the player built is never dug through on the way somewhere else
NEVER_DUG = {ID[name] for name in ("crafting_table", "furnace", "bedrock", "water", "lava")}
HORIZONTAL = ((1, 0), (-1, 0), (0, 1), (0, -1))
WALL = ID["bedrock"]
OPEN = tuple(PASSABLE.tolist())  # PASSABLE as plain bools, for the search loop
LOOK_EVERY = 4  # blocks walked between looks around
MAX_TREE_HEIGHT = 10
TRAVEL_LEGS = 6  # walks to the edge of what is known, looking again after each, on the way somewhere unseen
TRAVEL_RADIUS = 32


class Navigator:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.world = engine.world
        self.player = engine.player

    # what a cell is

    def stand(self, x: int, y: int, z: int) -> bool:
        """As far as the player knows, a body fits here and stays: feet and head free of solid blocks
        and lava, with solid ground below or water to swim in."""
        known = self.engine.known
        feet, head, below = known(x, y, z), known(x, y + 1, z), known(x, y - 1, z)
        if not (PASSABLE[feet] and PASSABLE[head]) or LAVA in (feet, head):
            return False
        return feet == WATER or not (PASSABLE[below] or below == UNKNOWN)

    def dry_stand(self, x: int, y: int, z: int) -> bool:
        """Standing on solid ground out of water and lava."""
        return self.stand(x, y, z) and self.engine.known(x, y, z) != WATER

    def _dig_costs(self) -> np.ndarray:
        """Walking-block equivalents of breaking each block id with the tool in hand (inf: a wall)."""
        tool = self.player.equipped
        costs = np.full(256, np.inf)
        for index, name in enumerate(BLOCKS):
            if PASSABLE[index]:
                costs[index] = 0.0
            elif index not in NEVER_DUG:
                ticks = self.engine.break_ticks(name, tool)
                if ticks is not None and ticks <= MAX_DIG_TICKS:
                    costs[index] = ticks / TICKS_PER_BLOCK + 1.0
        costs[LAVA] = np.inf
        return costs

    # planning

    def path_to(self, goals: set[Cell], dig: bool = True,
                limit: int = PATH_LIMIT) -> list[tuple[Cell, tuple[Cell, ...]]] | None:
        """The cheapest way to any goal cell: a list of (cell, blocks to break before stepping there),
        starting with the player's own cell; None when there is none within `limit` expanded cells.
        A player stranded on a tree top with no way on breaks its way down through the tree first."""
        path = self._search(goals, dig, limit)
        if path is None and self.climb_down_tree():
            path = self._search(goals, dig, limit)
        return path

    def climb_down_tree(self) -> bool:
        """Break the leaves and logs under the feet until standing on the ground; True if it moved."""
        moved = False
        for _ in range(MAX_TREE_HEIGHT):
            x, y, z = self.player.cell()
            if self.world.get(x, y - 1, z) not in TREE_BLOCKS or not self.mine_cell((x, y - 1, z))[0]:
                break
            for _ in range(20):  # fall onto what is below
                self.engine.step(Primitive.NOOP)
                if self.player.on_ground:
                    break
            moved = True
        return moved

    def _search(self, goals: set[Cell], dig: bool, limit: int) -> list[tuple[Cell, tuple[Cell, ...]]] | None:
        start = self.player.cell()
        if start in goals:
            return [(start, ())]
        grid = KnownGrid(self.engine, [start, *goals])
        goals = {g for g in goals if grid.stand(*g)}
        if not goals:
            return None
        costs = self._dig_costs().tolist() if dig else None
        gx = float(np.mean([g[0] for g in goals]))
        gy = float(np.mean([g[1] for g in goals]))
        gz = float(np.mean([g[2] for g in goals]))
        frontier: list[tuple[float, int, Cell]] = [(0.0, 0, start)]
        came: dict[Cell, tuple[Cell | None, tuple[Cell, ...]]] = {start: (None, ())}
        best = {start: 0.0}
        expanded = 0
        while frontier and expanded < limit:
            _, _, cell = heapq.heappop(frontier)
            if cell in goals:
                return self._unwind(came, cell)
            expanded += 1
            for nxt, cost, broken in _moves(grid, cell, costs):
                total = best[cell] + cost
                if total < best.get(nxt, math.inf):
                    best[nxt], came[nxt] = total, (cell, broken)
                    estimate = abs(nxt[0] - gx) + abs(nxt[2] - gz) + 0.5 * abs(nxt[1] - gy)
                    heapq.heappush(frontier, (total + estimate, len(came), nxt))
        return None

    @staticmethod
    def _unwind(came: dict, cell: Cell) -> list[tuple[Cell, tuple[Cell, ...]]]:
        path = []
        while cell is not None:
            previous, broken = came[cell]
            path.append((cell, broken))
            cell = previous
        return path[::-1]

    # moving

    def follow(self, path: list[tuple[Cell, tuple[Cell, ...]]]) -> tuple[bool, str]:
        """Walk a planned path: break what each move needs, then spend the ticks walking (or swimming)
        takes, looking around every few blocks and on arrival. Stops with the reason when a block
        cannot be broken after all, or the way turns out to be shut."""
        for walked, ((previous, _), (cell, broken)) in enumerate(zip(path, path[1:]), start=1):
            for block in broken:
                if not self.world.passable(*block):
                    done, feedback = self.mine_cell(block)
                    if not done:
                        return False, feedback
            if self.engine.exhausted:
                return False, "the episode is over (step budget spent or the player died)"
            if not self._can_step(cell):
                self.engine.look()
                return False, f"the way through {cell} is shut"
            water = self.world.get(*cell) == WATER or self.world.get(*previous) == WATER
            ticks = TICKS_PER_BLOCK * (SWIM_FACTOR if water else 1) + (1 if cell[1] > previous[1] else 0)
            self.player.yaw = math.degrees(math.atan2(cell[2] - previous[2], cell[0] - previous[0])) % 360.0
            self.engine.spend(ticks)
            self.player.x, self.player.y, self.player.z = cell[0] + 0.5, float(cell[1]), cell[2] + 0.5
            self.player.vy, self.player.on_ground = 0.0, True
            if walked % LOOK_EVERY == 0:
                self.engine.look()
        self.engine.look()
        return True, "arrived"

    def _can_step(self, cell: Cell) -> bool:
        """The true world has room for the body there, out of lava (what was seen may have changed)."""
        feet, head = self.world.get(*cell), self.world.get(cell[0], cell[1] + 1, cell[2])
        return bool(PASSABLE[feet] and PASSABLE[head]) and LAVA not in (feet, head)

    def travel_towards(self, x: int, z: int, near: float = 3.0) -> tuple[bool, str]:
        """Get to the column (x, z) through country the player does not know yet: walk to the known
        place to stand nearest it, look around, and go on from there (at most TRAVEL_LEGS walks)."""
        for _ in range(TRAVEL_LEGS):
            px, py, pz = self.player.cell()
            if math.hypot(px - x, pz - z) <= near:
                return True, "arrived"
            grid = KnownGrid(self.engine, [(px, py, pz)], margin=TRAVEL_RADIUS)
            spots = grid.standing_cells()
            if len(spots) == 0:
                return False, "nowhere known to stand on the way"
            distance = np.hypot(spots[:, 0] - x, spots[:, 2] - z)
            best = float(distance.min())
            if best >= math.hypot(px - x, pz - z) - 1.0:
                return False, f"no known way on towards ({x}, {z})"
            goals = {tuple(int(v) for v in c) for c in spots[distance <= best + 1.5][:64]}
            path = self.path_to(goals, limit=PATH_LIMIT // 2)
            if path is None:
                return False, f"no way on towards ({x}, {z})"
            arrived, feedback = self.follow(path)
            if not arrived:
                return False, feedback
        px, _, pz = self.player.cell()
        return math.hypot(px - x, pz - z) <= near, "arrived" if math.hypot(px - x, pz - z) <= near else \
            f"still {math.hypot(px - x, pz - z):.0f} blocks from ({x}, {z})"

    def go_to(self, goals: set[Cell], what: str) -> tuple[bool, str]:
        path = self.path_to(goals)
        if path is None:
            return False, f"cannot get to {what}: no way there within the search budget"
        return self.follow(path)

    # breaking blocks

    def look_at(self, cell: Cell) -> None:
        aim_at(self.engine, (cell[0] + 0.5, cell[1] + 0.5, cell[2] + 0.5))

    def mine_cell(self, cell: Cell) -> tuple[bool, str]:
        """Look at the block and mine it, clearing what stands in the line of sight first."""
        for _ in range(MAX_CLEARED_BLOCKS):
            self.look_at(cell)
            hit = self.engine.target()[0]
            if hit == cell:
                break
            if hit is None:
                return False, f"cannot reach the block at {cell}: it is out of reach"
            in_the_way = self.world.get(*hit)
            if in_the_way in (LAVA, WATER) or self.engine.break_ticks(BLOCKS[in_the_way],
                                                                      self.player.equipped) is None:
                return False, f"cannot reach the block at {cell}: {BLOCKS[in_the_way]} is in the way"
            cleared, feedback = self.break_target()
            if not cleared:
                return False, feedback
        else:
            return False, f"cannot reach the block at {cell}: too much is in the way"
        return self.break_target()

    def break_target(self) -> tuple[bool, str]:
        """Attack the block in sight until it breaks; gives up when it does not break in twice the
        time it should (the player kept moving, e.g. sinking in water)."""
        cell = self.engine.target()[0]
        block = BLOCKS[self.world.get(*cell)]
        needed = self.engine.break_ticks(block, self.player.equipped) or 1
        for _ in range(2 * needed + 10):
            if self.engine.exhausted:
                return False, f"ran out of steps while mining {block}"
            result = self.engine.step(Primitive.ATTACK)
            if not result.success:
                return False, result.feedback
            if result.feedback.startswith("broke"):
                return True, result.feedback
        return False, f"could not keep {block} in sight long enough to break it"


class KnownGrid:
    """The blocks around a search as the player knows them, copied once (reads outside are walls;
    so are cells nobody has seen)."""

    MARGIN = 24

    def __init__(self, engine: Engine, cells: list[Cell], margin: int = MARGIN):
        xs, ys, zs = zip(*cells)
        self.x0, self.z0 = min(xs) - margin, min(zs) - margin
        self.y0 = max(min(ys) - 8, 0)
        size = (max(xs) + margin - self.x0 + 1, min(max(ys) + 8, HEIGHT - 1) - self.y0 + 1,
                max(zs) + margin - self.z0 + 1)
        self.size = size
        self.array = engine.known_box(self.x0, self.y0, self.z0, *size)
        self.blocks = self.array.tolist()

    def frontier_cells(self) -> np.ndarray:
        """Known places to stand (M, 3) with an unseen cell beside the body or over the head: where
        walking on shows something new."""
        a = self.array
        unknown = np.pad(a == UNKNOWN, 1, constant_values=False)
        beside = np.zeros_like(unknown)
        for axis in (0, 2):
            beside |= np.roll(unknown, 1, axis) | np.roll(unknown, -1, axis)
        beside = beside[1:-1, 1:-1, 1:-1]
        unknown = unknown[1:-1, 1:-1, 1:-1]
        cells = self.standing_cells()
        if len(cells) == 0:
            return cells
        i, j, k = (cells - [self.x0, self.y0, self.z0]).T
        head_up = np.minimum(j + 2, a.shape[1] - 1)
        near = beside[i, j, k] | beside[i, j + 1, k] | unknown[i, head_up, k]
        return cells[near]

    def standing_cells(self) -> np.ndarray:
        """World cells (M, 3) a body stands in on known dry ground, out of lava."""
        a = self.array
        open_ = PASSABLE[a]
        ground = ~open_ & (a != UNKNOWN)
        fits = open_[:, 1:-1, :] & open_[:, 2:, :] & ground[:, :-2, :] & (a[:, 1:-1, :] != LAVA) & \
            (a[:, 2:, :] != LAVA) & (a[:, 1:-1, :] != WATER)
        cells = np.argwhere(fits)
        return cells + [self.x0, self.y0 + 1, self.z0]

    def get(self, x: int, y: int, z: int) -> int:
        i, j, k = x - self.x0, y - self.y0, z - self.z0
        if 0 <= i < self.size[0] and 0 <= j < self.size[1] and 0 <= k < self.size[2]:
            return self.blocks[i][j][k]
        return WALL

    def stand(self, x: int, y: int, z: int) -> bool:
        feet, head = self.get(x, y, z), self.get(x, y + 1, z)
        if not (OPEN[feet] and OPEN[head]) or LAVA in (feet, head):
            return False
        below = self.get(x, y - 1, z)
        return feet == WATER or not (OPEN[below] or below == UNKNOWN)


def aim_at(engine: Engine, point: tuple[float, float, float]) -> None:
    """Turn the player's eye towards a point."""
    eye = engine.eye()
    dx, dy, dz = point[0] - eye[0], point[1] - eye[1], point[2] - eye[2]
    engine.player.yaw = math.degrees(math.atan2(dz, dx)) % 360.0
    engine.player.pitch = -math.degrees(math.atan2(dy, math.hypot(dx, dz)))


def _moves(grid: KnownGrid, cell: Cell, costs: list[float] | None):
    """The moves out of a cell: (next cell, cost in walking blocks, blocks to break first)."""
    x, y, z = cell
    get = grid.get
    swimming = get(x, y, z) == WATER
    for dx, dz in HORIZONTAL:
        nx, nz = x + dx, z + dz
        natural = False
        for dy in (0, 1, -1, -2, -3):
            if dy == 1 and not OPEN[get(x, y + 2, z)]:
                continue  # no head room to jump
            column = range(y + dy, y + 2) if dy < 0 else range(y + dy, y + dy + 2)
            if all(OPEN[get(nx, cy, nz)] for cy in column) and grid.stand(nx, y + dy, nz):
                water = swimming or get(nx, y + dy, nz) == WATER
                yield (nx, y + dy, nz), (SWIM_FACTOR if water else 1) + (1 if dy == 1 else 0), ()
                natural = True
                break
        if natural or costs is None:
            continue
        # dig through: straight ahead, or up onto the block ahead
        for dy, body in ((0, ((nx, y, nz), (nx, y + 1, nz))),
                         (1, ((x, y + 2, z), (nx, y + 1, nz), (nx, y + 2, nz)))):
            if dy == 0 and OPEN[get(nx, y - 1, nz)]:
                continue  # nothing to stand on there
            if dy == 1 and OPEN[get(nx, y, nz)]:
                continue  # no block to step up onto
            blocks = [get(*c) for c in body]
            dig = sum(costs[b] for b in blocks)
            if not dig < math.inf or _next_to_fluid(grid, body):
                continue
            broken = tuple(c for c, b in zip(body, blocks) if not OPEN[b])
            yield (nx, y + dy, nz), 1 + dy + dig, broken
            break


def _next_to_fluid(grid: KnownGrid, cells: tuple[Cell, ...]) -> bool:
    """Digging would open a cell to lava or water beside or above it."""
    for x, y, z in cells:
        for dx, dy, dz in ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, -1)):
            if grid.get(x + dx, y + dy, z + dz) in (LAVA, WATER):
                return True
    return False
