"""GITM's structured actions on top of the primitive engine.

Each action validates its arguments, then works through primitives (walking, turning,
mining, placing), so it spends the episode's primitive steps; it returns success or
failure, one feedback sentence and the inventory change.
"""

from __future__ import annotations

import heapq
import inspect
import math
from collections import Counter, deque

import numpy as np

from envs.minecraft.contracts import ActionResult, StructuredAction
from envs.minecraft.sim.engine import WALK_PER_TICK, Engine, Primitive
from envs.minecraft.sim.mobs import ATTACK_COOLDOWN_TICKS, HOSTILE, PASSIVE, WEAPON_DAMAGE
from envs.minecraft.sim.palette import AIR, BLOCKS, ID, LAVA, PASSABLE, WATER

SEARCH_RADIUS = 16
PATH_LIMIT = 4000  # A* node budget
TICKS_PER_BLOCK = math.ceil(1.0 / WALK_PER_TICK)
EXPLORE_CELL = 8  # the chessboard's cells are 8 x 8 blocks
EXPLORE_BOARD = 20
TUNNEL_LEG = 12
ACTION_STEP_LIMIT = 4000
MAX_CLEARED_BLOCKS = 8  # blocks dug through to reach a block in sight
MINE_CANDIDATES = 4  # blocks tried, nearest first, before mining gives up
SAFE_DROP = 3  # falls longer than this hurt


def _argument_problem(handler, arguments: dict) -> str | None:
    """A sentence saying what is wrong with the arguments, naming the ones the action takes."""
    parameters = inspect.signature(handler).parameters
    required = [name for name, p in parameters.items() if p.default is inspect.Parameter.empty]
    takes = ", ".join(name if name in required else f"{name} (optional)" for name in parameters)
    unknown = sorted(set(arguments) - set(parameters))
    missing = [name for name in required if name not in arguments]
    if unknown:
        return f"unknown argument {', '.join(unknown)}; it takes {takes}"
    if missing:
        return f"missing {', '.join(missing)}; it takes {takes}"
    return None


def block_names(object_name: str) -> list[str]:
    """Blocks an object name stands for: itself, or the blocks it is part of ('log' -> all logs)."""
    if object_name in ID:
        return [object_name]
    return [name for name in BLOCKS if name.endswith("_" + object_name) or name.startswith(object_name + "_")]


class StructuredActions:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.world = engine.world
        self.player = engine.player

    # dispatch

    def execute(self, action: StructuredAction) -> ActionResult:
        handler = getattr(self, f"_{action.name}", None)
        if handler is None or action.name.startswith("_"):
            return ActionResult(success=False, feedback=f"unknown action {action.name!r}; actions are: equip, "
                                                        "explore, approach, mine, attack, dig_down, go_up, craft, "
                                                        "smelt, apply, place, build")
        if self.engine.exhausted:
            return ActionResult(success=False, feedback="the episode is over (step budget spent or the player died)")
        before = Counter(self.player.inventory.counts)
        steps = self.engine.steps
        arguments = {k: v for k, v in action.args.items() if v is not None}
        problem = _argument_problem(handler, arguments)
        if problem:
            return ActionResult(success=False, feedback=f"invalid arguments for {action.name}: {problem}")
        try:
            success, feedback = handler(**arguments)
        except ValueError as error:  # e.g. a number argument that is not a number
            return ActionResult(success=False, feedback=f"invalid arguments for {action.name}: {error}")
        after = Counter(self.player.inventory.counts)
        delta = {item: after[item] - before[item] for item in set(before) | set(after) if after[item] != before[item]}
        return ActionResult(success=success, feedback=feedback, inventory_delta=delta,
                            steps=self.engine.steps - steps)

    # simple ones

    def _equip(self, object: str) -> tuple[bool, str]:
        result = self.engine.step(Primitive.EQUIP, object)
        return result.success, result.feedback

    def _craft(self, object: str, materials: str | None = None, tool: str | None = None,
               count: int = 1) -> tuple[bool, str]:
        result = self.engine.step(Primitive.CRAFT, object, int(count))
        return result.success, result.feedback

    def _smelt(self, object: str, materials: str | None = None, tool: str | None = None,
               count: int = 1) -> tuple[bool, str]:
        """smelt(object=product, materials=input): e.g. smelt(iron_ingot, iron_ore)."""
        source = materials or next((k for k, v in self.engine.rules.smelting.items() if v == object
                                    and self.player.inventory[k] > 0), None)
        if source is None:
            return False, f"cannot smelt {object}: nothing in the inventory smelts into it"
        result = self.engine.step(Primitive.SMELT, source, int(count))
        if result.success:
            self.engine.spend(result.steps - 1)  # the furnace's time passes on the episode's clock
        return result.success, result.feedback

    def _place(self, object: str, tool: str | None = None) -> tuple[bool, str]:
        """Place a block on the ground beside the player."""
        for yaw in (0.0, 90.0, 180.0, 270.0):
            self.player.yaw, self.player.pitch = yaw, 60.0
            result = self.engine.step(Primitive.USE, object)
            if result.success or "none in the inventory" in result.feedback or "not a placeable" in result.feedback:
                return result.success, result.feedback
        return False, f"cannot place {object}: no free spot next to the player"

    # finding and moving

    def find(self, names: list[str], radius: int = SEARCH_RADIUS,
             exclude: set[tuple[int, int, int]] | frozenset = frozenset()) -> tuple[int, int, int] | None:
        """The nearest such block; height differences count triple (climbing is dearer than walking)."""
        x, y, z = self.player.cell()
        box = self.world.box(x - radius, y - radius, z - radius, 2 * radius + 1, 2 * radius + 1, 2 * radius + 1)
        cells = np.argwhere(np.isin(box, [ID[n] for n in names]))
        if len(cells) == 0:
            return None
        offsets = cells - radius
        cost = offsets[:, 0] ** 2 + offsets[:, 2] ** 2 + 9 * offsets[:, 1] ** 2
        for index in np.argsort(cost, kind="stable"):
            cell = (int(cells[index, 0]) + x - radius, int(cells[index, 1]) + y - radius,
                    int(cells[index, 2]) + z - radius)
            if cell not in exclude:
                return cell
        return None

    def _standable(self, x: int, y: int, z: int) -> bool:
        """The world's standable, and not in water or lava (lava below is never solid ground)."""
        return self.world.standable(x, y, z) and self.world.get(x, y, z) not in (LAVA, WATER)

    def path_to(self, goals: set[tuple[int, int, int]]) -> list[tuple[int, int, int]] | None:
        """A* over standable cells: 4 neighbours, one block up, up to three down."""
        start = self.player.cell()
        if start in goals:
            return [start]
        gx = np.mean([g[0] for g in goals])
        gz = np.mean([g[2] for g in goals])
        frontier = [(0.0, 0, start)]
        came: dict[tuple[int, int, int], tuple[int, int, int] | None] = {start: None}
        cost = {start: 0}
        expanded = 0
        while frontier and expanded < PATH_LIMIT:
            _, _, cell = heapq.heappop(frontier)
            if cell in goals:
                path = [cell]
                while came[path[-1]] is not None:
                    path.append(came[path[-1]])
                return path[::-1]
            expanded += 1
            x, y, z = cell
            for dx, dz in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                for dy in (0, 1, -1, -2, -3):
                    nxt = (x + dx, y + dy, z + dz)
                    if dy == 1 and not self.world.passable(x, y + 2, z):
                        continue  # no head room to jump
                    if not self._standable(*nxt):
                        continue
                    new_cost = cost[cell] + 1 + (1 if dy == 1 else 0)
                    if new_cost < cost.get(nxt, math.inf):
                        cost[nxt], came[nxt] = new_cost, cell
                        estimate = abs(nxt[0] - gx) + abs(nxt[2] - gz)
                        heapq.heappush(frontier, (new_cost + estimate, len(came), nxt))
                    break
        return None

    def _walk_path(self, path: list[tuple[int, int, int]]) -> None:
        """Follow a path cell by cell; each block costs the ticks walking it takes (a jump adds one)."""
        for previous, cell in zip(path, path[1:]):
            ticks = TICKS_PER_BLOCK + (1 if cell[1] > previous[1] else 0)
            self.player.yaw = math.degrees(math.atan2(cell[2] - previous[2], cell[0] - previous[0])) % 360.0
            self.engine.spend(ticks)
            self.player.x, self.player.y, self.player.z = cell[0] + 0.5, float(cell[1]), cell[2] + 0.5
            self.player.vy, self.player.on_ground = 0.0, True

    def _approach(self, object: str, tool: str | None = None) -> tuple[bool, str]:
        names = block_names(object)
        if not names:
            return False, f"cannot approach {object}: no such block in this world"
        target = self.find(names)
        if target is None:
            return False, f"cannot approach {object}: none within {SEARCH_RADIUS} blocks; explore first"
        return self._go_next_to(target, object)

    def _go_next_to(self, target: tuple[int, int, int], what: str) -> tuple[bool, str]:
        x, y, z = target
        goals = {(x + dx, y + dy, z + dz) for dx in range(-3, 4) for dy in range(-3, 2) for dz in range(-3, 4)
                 if (dx, dz) != (0, 0) or dy < 0}
        goals = {g for g in goals if self._standable(*g) and self._distance_to(g, target) <= 4.0}
        if not goals:
            return False, f"cannot approach {what}: no place to stand next to it"
        path = self.path_to(goals)
        if path is None:
            return False, f"cannot approach {what} at {target}: no walkable path"
        self._walk_path(path)
        return True, f"reached {what} at {target}"

    @staticmethod
    def _distance_to(cell, target) -> float:
        return math.dist((cell[0] + 0.5, cell[1] + 1.62, cell[2] + 0.5), (target[0] + 0.5, target[1] + 0.5,
                                                                         target[2] + 0.5))

    # mining

    def look_at(self, cell: tuple[int, int, int]) -> None:
        player = self.player
        dx, dz = cell[0] + 0.5 - player.x, cell[2] + 0.5 - player.z
        dy = cell[1] + 0.5 - (player.y + 1.62)
        player.yaw = math.degrees(math.atan2(dz, dx)) % 360.0
        player.pitch = -math.degrees(math.atan2(dy, math.hypot(dx, dz)))

    def mine_cell(self, cell: tuple[int, int, int]) -> tuple[bool, str]:
        """Look at the block and mine it, clearing what stands in the line of sight first."""
        for _ in range(MAX_CLEARED_BLOCKS):
            self.look_at(cell)
            hit = self.engine.target()[0]
            if hit == cell:
                break
            if hit is None:
                return False, f"cannot reach the block at {cell}: it is out of reach"
            if self.world.get(*hit) in (LAVA, WATER) or self.engine.rules.break_ticks(BLOCKS[self.world.get(*hit)],
                                                                                      self.player.equipped) is None:
                return False, f"cannot reach the block at {cell}: {BLOCKS[self.world.get(*hit)]} is in the way"
            cleared, feedback = self._break_target()
            if not cleared:
                return False, feedback
        else:
            return False, f"cannot reach the block at {cell}: too much is in the way"
        return self._break_target()

    def _break_target(self) -> tuple[bool, str]:
        cell = self.engine.target()[0]
        block = BLOCKS[self.world.get(*cell)]
        while not self.engine.exhausted:
            result = self.engine.step(Primitive.ATTACK)
            if not result.success:
                return False, result.feedback
            if result.feedback.startswith("broke"):
                return True, result.feedback
        return False, f"ran out of steps while mining {block}"

    def _mine(self, object: str, tool: str | None = None) -> tuple[bool, str]:
        names = block_names(object)
        if not names:
            return False, f"cannot mine {object}: no such block in this world"
        if tool:
            if self.player.inventory[tool] < 1:
                return False, f"cannot mine {object} with {tool}: no {tool} in the inventory"
            self.engine.step(Primitive.EQUIP, tool)
        unreachable: set[tuple[int, int, int]] = set()
        feedback = ""
        while len(unreachable) < MINE_CANDIDATES:
            target = self.find(names, exclude=unreachable)
            if target is None:
                break
            if self._distance_to(self.player.cell(), target) <= 4.0:
                break
            reached, feedback = self._go_next_to(target, object)
            if reached or self._dig_towards(target):
                break
            unreachable.add(target)
        else:
            return False, feedback
        if target is None:
            if feedback:
                return False, feedback
            return False, f"cannot mine {object}: none within {SEARCH_RADIUS} blocks; explore first"
        block = BLOCKS[self.world.get(*target)]
        if not self.engine.rules.can_harvest(block, self.player.equipped):
            needed = sorted(self.engine.rules.item_name(int(i)) for i in self.engine.rules.block(block)["harvestTools"])
            return False, f"cannot mine {block} with {self.player.equipped or 'bare hands'}: it needs one of " \
                          f"{', '.join(needed)}"
        return self.mine_cell(target)

    def _dig_towards(self, target: tuple[int, int, int]) -> bool:
        """Reach a buried block: dig down to its level, then tunnel towards it until it is in reach."""
        if target[1] < math.floor(self.player.y):
            self._dig_down(target[1])
        for _ in range(64):
            if self._distance_to(self.player.cell(), target) <= 4.0 or self.engine.exhausted:
                return self._distance_to(self.player.cell(), target) <= 4.0
            if not self._step_towards(target[0], target[2], avoid_drops=False):
                return False
        return False

    def _step_towards(self, target_x: int, target_z: int, avoid_drops: bool) -> bool:
        """One block towards (target_x, target_z) at this level, digging a two-high tunnel; False when
        already there, or when lava or water (or, with avoid_drops, a drop) is ahead, or the way is shut."""
        x, y, z = self.player.cell()
        dx = (target_x > x) - (target_x < x)
        dz = 0 if dx else (target_z > z) - (target_z < z)
        if dx == dz == 0:
            return False
        ahead = [(x + dx, y, z + dz), (x + dx, y + 1, z + dz)]
        if any(self.world.get(*c) in (LAVA, WATER) for c in ahead):
            return False
        if avoid_drops and self.world.get(x + dx, y - 1, z + dz) in (LAVA, WATER, AIR):
            return False
        for cell in ahead:
            if not self.world.passable(*cell) and not self.mine_cell(cell)[0]:
                return False
        if not self._standable(x + dx, y, z + dz):
            return False
        self._walk_path([(x, y, z), (x + dx, y, z + dz)])
        return True

    def _dig_down(self, ylevel: int, tool: str | None = None) -> tuple[bool, str]:
        ylevel = int(ylevel)
        if tool:
            if self.player.inventory[tool] < 1:
                return False, f"cannot dig down with {tool}: no {tool} in the inventory"
            self.engine.step(Primitive.EQUIP, tool)
        while math.floor(self.player.y) > ylevel:
            x, y, z = self.player.cell()
            below = (x, y - 1, z)
            landing = y - 2
            while landing > 0 and self.world.get(x, landing, z) == AIR:  # a cave under the floor: where it ends
                landing -= 1
            for depth in (y - 1, landing):
                if self.world.get(x, depth, z) in (LAVA, WATER):
                    return False, f"stopped digging at y={y}: {BLOCKS[self.world.get(x, depth, z)]} below"
            if y - 2 - landing > SAFE_DROP:
                return False, f"stopped digging at y={y}: a cave drops {y - 2 - landing} blocks below"
            if self.world.get(*below) == ID["bedrock"]:
                return False, f"stopped digging at y={y}: bedrock below"
            self.player.pitch = 90.0
            mined, feedback = self.mine_cell(below) if not self.world.passable(*below) else (True, "")
            if not mined:
                return False, f"stopped digging at y={y}: {feedback}"
            while not self.player.on_ground or self.world.passable(x, math.floor(self.player.y) - 1, z):
                self.engine.step(Primitive.NOOP)
                if self.engine.exhausted:
                    if self.player.health <= 0:
                        return False, f"the player died digging down at y={math.floor(self.player.y)}"
                    return False, "the episode's step budget is used up"
        return True, f"dug down to y={math.floor(self.player.y)}"

    def _go_up(self, tool: str | None = None) -> tuple[bool, str]:
        """Pillar up to the surface: mine what is above, jump, place a block below."""
        fillers = [name for name in ("cobblestone", "dirt", "stone", "oak_planks") if self.player.inventory[name] > 0]
        while True:
            x, y, z = self.player.cell()
            ground = max(self.world.surface_y(x + dx, z + dz) for dx in (-1, 0, 1) for dz in (-1, 0, 1)
                         if (dx, dz) != (0, 0))
            if y > ground and all(PASSABLE[v] for v in self.world.box(x, y, z, 1, 128 - y, 1).ravel()):
                return True, f"reached the surface at y={y}"
            if not fillers or self.player.inventory[fillers[0]] == 0:
                fillers = [n for n in fillers if self.player.inventory[n] > 0]
                if not fillers:
                    return False, f"stuck at y={y}: no blocks left to pillar up with"
            for above in ((x, y + 2, z), (x, y + 1, z)):
                if not self.world.passable(*above):
                    mined, feedback = self.mine_cell(above)
                    if not mined:
                        return False, f"stuck at y={y}: {feedback}"
            self.player.y += 1.0
            self.world.set(x, y, z, ID[fillers[0]])
            self.player.inventory.remove(fillers[0])
            self.engine.spend(6)  # a jump and a placement

    # mobs

    def _attack(self, object: str, tool: str | None = None) -> tuple[bool, str]:
        if object not in PASSIVE and object not in HOSTILE:
            mobs = ", ".join(sorted({**PASSIVE, **HOSTILE}))
            return False, f"cannot attack {object}: not a mob of this world ({mobs})"
        if tool:
            if self.player.inventory[tool] < 1:
                return False, f"cannot attack {object} with {tool}: no {tool} in the inventory"
            self.engine.step(Primitive.EQUIP, tool)
        x, y, z = self.player.cell()
        self.engine.mobs.populate_around(x, z)
        mob = self.engine.mobs.nearest(object, x, y, z)
        if mob is None:
            return False, f"cannot attack {object}: none within 16 blocks; explore first"
        damage = WEAPON_DAMAGE.get(self.player.equipped, 1.0)
        for _ in range(40):
            px, py, pz = self.player.cell()
            if abs(mob.x - px) + abs(mob.z - pz) > 1 or abs(mob.y - py) > 1:
                goals = {(mob.x + dx, mob.y + dy, mob.z + dz) for dx, dz in ((1, 0), (-1, 0), (0, 1), (0, -1))
                         for dy in (0, 1, -1)}
                path = self.path_to({g for g in goals if self._standable(*g)})
                if path is None:
                    return False, f"cannot reach the {object}"
                self._walk_path(path)
            self.engine.spend(ATTACK_COOLDOWN_TICKS)
            mob.health -= damage
            if mob.health <= 0:
                del self.engine.mobs.mobs[mob.id]
                gained = []
                for entry in self.engine.rules.data.entityLoot.get(object, []):
                    if self.engine.rng.random() < entry["dropChance"]:
                        count = int(entry["stackSizeRange"][0] or 1)
                        self.player.inventory.add(entry["item"], count)
                        gained.append(f"{count} {entry['item']}")
                return True, f"killed the {object} and got {', '.join(gained) or 'nothing'}"
            if self.engine.exhausted:
                break
        return False, f"the {object} got away"

    # using items

    def _apply(self, object: str, tool: str) -> tuple[bool, str]:
        """Use a tool on something: a bucket on water or lava (or a cow, for milk)."""
        if tool != "bucket":
            return False, f"cannot apply {tool} to {object}: only a bucket can be applied here"
        if self.player.inventory["bucket"] < 1:
            return False, f"cannot apply bucket to {object}: no bucket in the inventory"
        filled = {"water": "water_bucket", "lava": "lava_bucket", "cow": "milk_bucket"}.get(object)
        if filled is None:
            return False, f"cannot apply bucket to {object}: a bucket takes water, lava or milk from a cow"
        if object == "cow":
            x, y, z = self.player.cell()
            if self.engine.mobs.nearest("cow", x, y, z, radius=2) is None:
                return False, "cannot apply bucket to cow: no cow next to the player"
        else:
            source = self.find([object])
            if source is None:
                return False, f"cannot apply bucket to {object}: none within {SEARCH_RADIUS} blocks"
            if self._distance_to(self.player.cell(), source) > 4.0:
                reached, feedback = self._go_next_to(source, object)
                if not reached:
                    return False, feedback
            self.world.set(*source, AIR)
        self.engine.step(Primitive.USE, None)
        self.player.inventory.remove("bucket")
        self.player.inventory.add(filled)
        return True, f"filled a bucket: got 1 {filled}"

    def _build(self, blueprint: str) -> tuple[bool, str]:
        """Place blocks by a blueprint 'dx,dy,dz:block; ...' relative to the player's feet."""
        try:
            parts = [item.split(":") for item in blueprint.split(";") if item.strip()]
            placements = [(tuple(int(v) for v in where.split(",")), block.strip()) for where, block in parts]
            assert all(len(offset) == 3 for offset, _ in placements)
        except (ValueError, AssertionError):
            return False, "cannot build: a blueprint is 'dx,dy,dz:block; dx,dy,dz:block; ...'"
        needs = Counter(block for _, block in placements)
        unknown = sorted(block for block in needs if block not in ID)
        if unknown:
            return False, f"cannot build: {', '.join(unknown)} cannot be placed in this world"
        missing = self.player.inventory.missing(dict(needs))
        if missing:
            return False, "cannot build: missing " + ", ".join(f"{n} {b}" for b, n in sorted(missing.items()))
        x, y, z = self.player.cell()
        placed = 0
        for (dx, dy, dz), block in placements:
            cell = (x + dx, y + dy, z + dz)
            if cell in ((x, y, z), (x, y + 1, z)) or not self.world.passable(*cell):
                continue
            self.world.set(*cell, ID[block])
            self.player.inventory.remove(block)
            self.engine.spend(5)
            placed += 1
        return placed > 0, f"built {placed} of {len(placements)} blocks"

    # exploring

    def _explore(self, object: str, strategy: str = "surface") -> tuple[bool, str]:
        names = block_names(object)
        if not names and object not in PASSIVE and object not in HOSTILE:
            return False, f"cannot explore for {object}: no such block or mob in this world"
        if strategy not in ("surface", "underground"):
            return False, f"cannot explore with strategy {strategy!r}: use 'surface' or 'underground'"
        budget = self.engine.steps + ACTION_STEP_LIMIT
        self.engine.step(Primitive.NOOP)  # a look around
        if self._sees(object, names):
            return True, f"found {object} nearby"
        if strategy == "surface":
            return self._explore_surface(object, names, budget)
        return self._explore_underground(object, names, budget)

    def _sees(self, object: str, names: list[str]) -> bool:
        if names:
            return self.find(names) is not None
        x, y, z = self.player.cell()
        self.engine.mobs.populate_around(x, z)
        return self.engine.mobs.nearest(object, x, y, z) is not None

    def _explore_surface(self, object: str, names: list[str], budget: int) -> tuple[bool, str]:
        """Breadth-first over a 20 x 20 chessboard of 8-block cells around the start."""
        ox, _, oz = self.player.cell()
        half = EXPLORE_BOARD // 2
        queue, seen = deque([(0, 0)]), {(0, 0)}
        while queue and self.engine.steps < budget:
            i, j = queue.popleft()
            cx, cz = ox + i * EXPLORE_CELL, oz + j * EXPLORE_CELL
            y = self.world.surface_y(cx, cz) + 1
            if self._standable(cx, y, cz):
                path = self.path_to({(cx, y, cz)})
                if path is not None:
                    self._walk_path(path)
                    if self._sees(object, names):
                        return True, f"found {object} near {self.player.cell()}"
            for di, dj in ((1, 0), (0, 1), (-1, 0), (0, -1)):
                nxt = (i + di, j + dj)
                if nxt not in seen and abs(nxt[0]) <= half and abs(nxt[1]) <= half:
                    seen.add(nxt)
                    queue.append(nxt)
        return False, f"explored the surface without finding {object}"

    def _explore_underground(self, object: str, names: list[str], budget: int) -> tuple[bool, str]:
        """Depth-first tunnelling over a grid of nodes TUNNEL_LEG blocks apart at the current level:
        dig a two-high tunnel to an unvisited neighbour node, go deeper from there, and walk back
        through the tunnels when a node has no way on."""
        headings = ((1, 0), (0, 1), (-1, 0), (0, -1))
        start = self.player.cell()
        stack = [(0, 0)]
        visited = {(0, 0)}
        while stack and self.engine.steps < budget:
            i, j = stack[-1]
            options = [(i + dx, j + dz) for dx, dz in headings if (i + dx, j + dz) not in visited]
            self.engine.rng.shuffle(options)
            moved = False
            for node in options:
                visited.add(node)
                found, reached = self._tunnel_to(start, node, names)
                if found:
                    return True, f"found {object} near {self.player.cell()}"
                if reached:
                    stack.append(node)
                    moved = True
                    break
            if not moved:
                stack.pop()
                if stack:  # back through the tunnel already dug
                    self._tunnel_to(start, stack[-1], names)
        return False, f"tunnelled without finding {object}"

    def _tunnel_to(self, start: tuple[int, int, int], node: tuple[int, int],
                   names: list[str]) -> tuple[bool, bool]:
        """Dig towards a node; returns (object in sight, node reached)."""
        target_x, target_z = start[0] + node[0] * TUNNEL_LEG, start[2] + node[1] * TUNNEL_LEG
        while not self.engine.exhausted:
            x, _, z = self.player.cell()
            if (x, z) == (target_x, target_z):
                return False, True
            if not self._step_towards(target_x, target_z, avoid_drops=True):
                return False, False  # never towards lava, water or a drop
            if self.find(names, radius=6) is not None:
                return True, False
        return False, False
