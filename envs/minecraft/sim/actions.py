"""GITM's structured actions on top of the primitive engine.

Each action validates its arguments, then works through primitives (walking, turning,
mining, placing), so it spends the episode's primitive steps; it returns success or
failure, one feedback sentence and the inventory change. Things are found only where the
player's rays of sight have shown them (Engine.seen), never through rock.
"""

from __future__ import annotations

import inspect
import math
from collections import Counter

import numpy as np

from envs.minecraft.contracts import ActionResult, StructuredAction
from envs.minecraft.sim.engine import VOXEL_RADIUS, Engine, Primitive
from envs.minecraft.sim.in_reach import mine_in_reach
from envs.minecraft.sim.mobs import ATTACK_COOLDOWN_TICKS, HOSTILE, PASSIVE
from envs.minecraft.sim.navigation import Navigator
from envs.minecraft.sim.palette import AIR, BLOCKS, ID, LAVA, PASSABLE, PLANTS, TREE_BLOCKS, WATER
from envs.minecraft.sim.sealing import lava_seen_beside, seal
from envs.minecraft.sim.sight import SIGHT_RANGE, in_view
from envs.minecraft.sim.underground import UndergroundSearch
from envs.minecraft.sim.uses import apply
from envs.minecraft.sim.worldgen import HEIGHT

SEARCH_RADIUS = SIGHT_RANGE  # how far from the player remembered sightings count
EXPLORE_CELL = 12  # the surface chessboard's cells are 12 x 12 blocks, aligned to the world's grid
EXPLORE_BOARD = 20
EXPLORE_DEAD_ENDS = 8  # cells in a row with no way there end a surface exploration
EXPLORE_DEAD_END_TICKS = 20
ACTION_STEP_LIMIT = 4000
DIG_TOWARDS_STEPS = 1500  # tunnelling to a buried block gives up after this
MINE_CANDIDATES = 4  # blocks tried, nearest first, before mining gives up
BEST_PICKAXE_FIRST = ("diamond_pickaxe", "iron_pickaxe", "stone_pickaxe", "wooden_pickaxe")
FILLERS = ("cobblestone", "dirt", "stone", "oak_planks", "spruce_planks", "birch_planks", "jungle_planks",
           "acacia_planks", "dark_oak_planks")
# trees and plants stand in the open: walk to them, never tunnel
IN_THE_OPEN = TREE_BLOCKS | {ID[name] for name in PLANTS} | {ID["pumpkin"], ID["cactus"]}
SAFE_DROP = 3
FALL_HEALTH_KEPT = 10  # dig down into a deeper cave only where the fall leaves this much health
LOWEST_DIG_LEVEL = 5  # below this lava lakes and bedrock make digging down to an ore unsafe
UNDERGROUND_CLIMB = 4  # blocks climbed when boxed in underground before searching again
UNDERGROUND_CLIMBS = 3
MOST_COLLECTED = 64  # blocks dig_down(collect=...) mines beside its shaft when no count is given
DIG_SIDESTEPS = 12  # blocks dig_down may tunnel aside around caves and lava  # falls longer than this hurt


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


def spiral(size: int) -> list[tuple[int, int]]:
    """The cells of a size x size board around (0, 0) in a square spiral: each next to the last."""
    cells, x, z, dx, dz = [], 0, 0, 1, 0
    leg, walked, turns = 1, 0, 0
    half = size // 2
    while len(cells) < (2 * half + 1) ** 2:
        if abs(x) <= half and abs(z) <= half:
            cells.append((x, z))
        x, z, walked = x + dx, z + dz, walked + 1
        if walked == leg:
            dx, dz, walked, turns = -dz, dx, 0, turns + 1
            if turns % 2 == 0:
                leg += 1
    return cells


class StructuredActions:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.world = engine.world
        self.player = engine.player
        self.nav = Navigator(engine)
        self.unreachable: set[tuple[int, int, int]] = set()  # blocks no way was found to
        self.explored: set[tuple[int, int]] = set()  # surface chessboard cells already visited
        self._collected = 0  # blocks dig_down mined beside its shaft
        self._collect_left = 0

    # dispatch

    def execute(self, action: StructuredAction) -> ActionResult:
        handler = getattr(self, f"_{action.name}", None)
        if handler is None or action.name.startswith("_"):
            return ActionResult(success=False, invalid=True,
                                feedback=f"unknown action {action.name!r}; actions are: equip, explore, approach, "
                                         "mine, attack, dig_down, go_up, craft, smelt, apply, place, build, eat")
        if self.engine.exhausted:
            return ActionResult(success=False, feedback="the episode is over (step budget spent or the player died)")
        before = Counter(self.player.inventory.counts)
        steps = self.engine.steps
        arguments = {k: v for k, v in action.args.items() if v is not None}
        problem = _argument_problem(handler, arguments)
        if problem:
            return ActionResult(success=False, invalid=True, feedback=f"invalid arguments for {action.name}: {problem}")
        unknown = [str(arguments[key]) for key in ("object", "tool", "materials")
                   if key in arguments and not self._names_something(str(arguments[key]))]
        if unknown:
            return ActionResult(success=False, invalid=True,
                                feedback=f"cannot {action.name} {unknown[0]}: no item, block or mob of this world is "
                                         f"called {unknown[0]!r}")
        try:
            success, feedback = handler(**arguments)
        except ValueError as error:  # e.g. a number argument that is not a number
            return ActionResult(success=False, invalid=True, feedback=f"invalid arguments for {action.name}: {error}")
        if self.engine.steps == steps:
            self.engine.spend(1)  # every action takes the player a tick at least: a plan cannot run in no time
        after = Counter(self.player.inventory.counts)
        delta = {item: after[item] - before[item] for item in set(before) | set(after) if after[item] != before[item]}
        return ActionResult(success=success, feedback=feedback, inventory_delta=delta,
                            steps=self.engine.steps - steps)

    def _names_something(self, name: str) -> bool:
        rules = self.engine.rules
        return (rules.is_item(name) or rules.is_block(name) or name in PASSIVE or name in HOSTILE
                or name in ("hand", "water", "lava") or bool(block_names(name)))

    # simple ones

    def _equip(self, object: str) -> tuple[bool, str]:
        result = self.engine.step(Primitive.EQUIP, object)
        return result.success, result.feedback

    def _eat(self, object: str) -> tuple[bool, str]:
        result = self.engine.step(Primitive.EAT, object)
        if result.success:
            self.engine.spend(result.steps - 1)  # eating takes 32 ticks
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
             exclude: set[tuple[int, int, int]] | frozenset = frozenset(),
             height: int | None = None) -> tuple[int, int, int] | None:
        """The nearest such block the player has seen within `radius` (and `height` up or down: the
        radius unless given); height differences count triple (climbing is dearer than walking)."""
        x, y, z = self.player.cell()
        up = radius if height is None else height
        box = self.engine.seen.box(x - radius, y - up, z - radius, 2 * radius + 1, 2 * up + 1, 2 * radius + 1)
        cells = np.argwhere(np.isin(box, [ID[n] for n in names]))
        if len(cells) == 0:
            return None
        offsets = cells - (radius, up, radius)
        cost = offsets[:, 0] ** 2 + offsets[:, 2] ** 2 + 9 * offsets[:, 1] ** 2
        for index in np.argsort(cost, kind="stable"):
            cell = (int(cells[index, 0]) + x - radius, int(cells[index, 1]) + y - up,
                    int(cells[index, 2]) + z - radius)
            if cell not in exclude:
                return cell
        return None

    def _approach(self, object: str, tool: str | None = None) -> tuple[bool, str]:
        names = block_names(object)
        if not names:
            return False, f"cannot approach {object}: no such block in this world"
        self.engine.look()
        feedback = f"cannot approach {object}: none seen within {SEARCH_RADIUS} blocks; explore first"
        for _ in range(MINE_CANDIDATES):  # the nearest first; one with no known way is not tried again
            target = self.find(names, exclude=self.unreachable)
            if target is None:
                break
            reached, feedback = self.go_next_to(target, object)
            if reached:
                return True, feedback
            self.unreachable.add(target)
        return False, feedback

    def go_next_to(self, target: tuple[int, int, int], what: str) -> tuple[bool, str]:
        x, y, z = target
        goals = {(x + dx, y + dy, z + dz) for dx in range(-3, 4) for dy in range(-3, 2) for dz in range(-3, 4)
                 if (dx, dz) != (0, 0) or dy < 0}
        goals = {g for g in goals if self.distance_to(g, target) <= 4.0}
        path = self.nav.path_to(goals)
        if path is None and self.nav.travel_towards(x, z, near=6.0)[0]:  # through country not seen yet
            path = self.nav.path_to(goals)
        if path is None:
            return False, f"cannot approach {what} at {target}: no known way there within the search budget"
        arrived, feedback = self.nav.follow(path)
        if not arrived:
            return False, f"cannot approach {what} at {target}: {feedback}"
        return True, f"reached {what} at {target}"

    @staticmethod
    def distance_to(cell, target) -> float:
        return math.dist((cell[0] + 0.5, cell[1] + 1.62, cell[2] + 0.5), (target[0] + 0.5, target[1] + 0.5,
                                                                         target[2] + 0.5))

    # mining

    def _mine(self, object: str, tool: str | None = None) -> tuple[bool, str]:
        names = block_names(object)
        if not names:
            return False, f"cannot mine {object}: no such block in this world"
        if tool:
            if self.player.inventory[tool] < 1:
                return False, f"cannot mine {object} with {tool}: no {tool} in the inventory"
            self.engine.step(Primitive.EQUIP, tool)
        feedback = ""
        self.engine.look()
        budget = self.engine.steps + DIG_TOWARDS_STEPS
        for _ in range(MINE_CANDIDATES):
            target = self.find(names, exclude=self.unreachable)
            if target is None:
                break
            if self.distance_to(self.player.cell(), target) <= 4.0:
                break
            reached, feedback = self.go_next_to(target, object)
            if reached or (self._can_tunnel_to(target) and self._dig_towards(target, budget)):
                break
            self.unreachable.add(target)  # not tried again in this episode
        else:
            return False, feedback
        if target is None:
            if feedback:
                return False, feedback
            return False, f"cannot mine {object}: none seen within {SEARCH_RADIUS} blocks; explore first"
        block = BLOCKS[self.world.get(*target)]
        if not self.engine.rules.can_harvest(block, self.player.equipped):
            needed = sorted(self.engine.rules.item_name(int(i)) for i in self.engine.rules.block(block)["harvestTools"])
            return False, f"cannot mine {block} with {self.player.equipped or 'bare hands'}: it needs one of " \
                          f"{', '.join(needed)}"
        return self.nav.mine_cell(target)

    def _can_tunnel_to(self, target: tuple[int, int, int]) -> bool:
        """Tunnel only to what lies in rock, and only with a pickaxe: trees and plants stand in the
        open, and nobody digs through stone by hand."""
        return self.world.get(*target) not in IN_THE_OPEN and (self.player.equipped or "").endswith("_pickaxe")

    def _dig_towards(self, target: tuple[int, int, int], budget: int) -> bool:
        """Reach a buried block: dig down to its level, then tunnel towards it until it is in reach
        (or the step budget is spent)."""
        if target[1] < math.floor(self.player.y):
            self._dig_down(max(target[1], LOWEST_DIG_LEVEL))
        for _ in range(64):
            if self.distance_to(self.player.cell(), target) <= 4.0 or self.engine.exhausted or \
                    self.engine.steps >= budget:
                return self.distance_to(self.player.cell(), target) <= 4.0
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
        here = [(x, y, z), (x, y + 1, z)]
        shut = [cell for cell in ahead if not self.world.passable(*cell)]
        if shut and lava_seen_beside(self.engine, ahead, here):
            return False
        for cell in shut:
            if self.world.passable(*cell):
                continue  # broken on the way to the other
            if not self.nav.mine_cell(cell)[0]:
                return False
            self.engine.look()
            if lava_seen_beside(self.engine, ahead, here):  # it opened onto lava: shut it again
                for opened in ahead:
                    if self.world.passable(*opened):
                        seal(self.engine, opened, FILLERS)
                return False
        if not self.nav.dry_stand(x + dx, y, z + dz):
            return False
        self.nav.follow([((x, y, z), ()), ((x + dx, y, z + dz), ())])
        return True

    def _dig_down(self, ylevel: int, tool: str | None = None, collect: str | None = None,
                  count: int | None = None) -> tuple[bool, str]:
        """Dig straight down; where lava, water or a long drop into a cave lies below, tunnel a few
        blocks aside and dig on from there (at most DIG_SIDESTEPS blocks aside in all). With
        `collect`, blocks of that kind seen in the shaft's walls within reach are mined on the way
        (`count` of them at most)."""
        ylevel = int(ylevel)
        wanted = block_names(collect) if collect else []
        if collect and not wanted:
            return False, f"cannot collect {collect} while digging down: it is not a block"
        if count is not None and not collect:
            return False, f"cannot dig down collecting {count}: count goes with collect, the block to mine"
        self._collect_left = MOST_COLLECTED if count is None else int(count)
        if self._collect_left < 1:
            return False, f"cannot collect {count} {collect}: count must be 1 or more"
        if tool:
            if self.player.inventory[tool] < 1:
                return False, f"cannot dig down with {tool}: no {tool} in the inventory"
            self.engine.step(Primitive.EQUIP, tool)
        done, feedback = self._dig_down_to(ylevel, wanted)
        if wanted and self._collected:
            feedback += f", mining {self._collected} {collect} beside the shaft"
        return done, feedback

    def _dig_down_to(self, ylevel: int, wanted: list[str]) -> tuple[bool, str]:
        self._collected = 0
        self._collect_beside(wanted)
        sidesteps = 0
        while math.floor(self.player.y) > ylevel:
            x, y, z = self.player.cell()
            hazard = self._hazard_below(x, y, z)
            if hazard is not None:
                moved = self._step_aside(DIG_SIDESTEPS - sidesteps)
                if not moved:
                    return False, f"stopped digging at y={y}: {hazard}, and no safe column nearby"
                sidesteps += moved
                continue
            below = (x, y - 1, z)
            self.player.pitch = 90.0
            mined, feedback = self.nav.mine_cell(below) if not self.world.passable(*below) else (True, "")
            if not mined:
                return False, f"stopped digging at y={y}: {feedback}"
            self.engine.look()
            while not self.player.on_ground or self.world.passable(x, math.floor(self.player.y) - 1, z):
                self.engine.step(Primitive.NOOP)
                if self.engine.exhausted:
                    if self.player.health <= 0:
                        return False, f"the player died digging down at y={math.floor(self.player.y)}"
                    return False, "the episode's step budget is used up"
            self._collect_beside(wanted)
        return True, f"dug down to y={math.floor(self.player.y)}"

    def _collect_beside(self, wanted: list[str]) -> None:
        if wanted and self._collected < self._collect_left:
            self._collected += mine_in_reach(self, wanted, self._collect_left - self._collected)

    def _hazard_below(self, x: int, y: int, z: int) -> str | None:
        """Why digging the block under (x, y, z) is unsafe, or None (as far as the voxel window shows)."""
        landing = y - 2
        floor = max(y - VOXEL_RADIUS, 0)
        while landing > floor and self.world.get(x, landing, z) == AIR:  # a cave under the floor: where it ends
            landing -= 1
        for depth in (y - 1, landing):
            if self.world.get(x, depth, z) in (LAVA, WATER):
                return f"{BLOCKS[self.world.get(x, depth, z)]} below"
        drop = y - 2 - landing
        unknown_floor = self.world.get(x, landing, z) == AIR  # deeper than the window shows
        if drop > SAFE_DROP and (unknown_floor or self.player.health - (drop - 2) < FALL_HEALTH_KEPT):
            return f"a cave drops {drop} blocks below"  # (a fall of drop + 1 blocks costs drop - 2 health)
        if self.world.get(x, y - 1, z) == ID["bedrock"]:
            return "bedrock below"
        return None

    def _step_aside(self, allowance: int) -> int:
        """Tunnel up to `allowance` blocks sideways to the nearest column that is safe to dig down;
        returns the blocks moved (0: none found)."""
        x, y, z = self.player.cell()
        for distance in range(1, min(allowance, 4) + 1):
            for dx, dz in ((1, 0), (0, 1), (-1, 0), (0, -1)):
                tx, tz = x + dx * distance, z + dz * distance
                if self._hazard_below(tx, y, tz) is not None:
                    continue
                start = self.player.cell()
                for _ in range(distance):
                    if not self._step_towards(tx, tz, avoid_drops=True):
                        break
                if self.player.cell()[::2] == (tx, tz):
                    return distance
                if self.player.cell() != start:  # came part of the way: walk back and try elsewhere
                    for _ in range(distance):
                        self._step_towards(start[0], start[2], avoid_drops=True)
                    if self.player.cell() != start:
                        return max(abs(self.player.cell()[0] - x) + abs(self.player.cell()[2] - z), 1)
        return 0

    def _go_up(self, tool: str | None = None) -> tuple[bool, str]:
        """Pillar up to the surface: mine what is above (with the best pickaxe carried unless a tool is
        given), jump, place a block below."""
        return self._pillar_up(tool, blocks=None)

    def _pillar_up(self, tool: str | None, blocks: int | None) -> tuple[bool, str]:
        """Pillar up `blocks` blocks, or to the surface when None."""
        tool = tool or next((p for p in BEST_PICKAXE_FIRST if self.player.inventory[p] > 0), None)
        if tool:
            if self.player.inventory[tool] < 1:
                return False, f"cannot go up with {tool}: no {tool} in the inventory"
            self.engine.step(Primitive.EQUIP, tool)
        fillers = [name for name in FILLERS if self.player.inventory[name] > 0]
        start_y = self.player.cell()[1]
        while True:
            x, y, z = self.player.cell()
            if blocks is not None and y - start_y >= blocks:
                return True, f"climbed to y={y}"
            ground = max(self.world.surface_y(x + dx, z + dz) for dx in (-1, 0, 1) for dz in (-1, 0, 1)
                         if (dx, dz) != (0, 0))
            if y > ground and all(PASSABLE[v] for v in self.world.box(x, y, z, 1, 128 - y, 1).ravel()):
                return True, f"reached the surface at y={y}"
            if not fillers or self.player.inventory[fillers[0]] == 0:
                fillers = [n for n in fillers if self.player.inventory[n] > 0]
                if not fillers:
                    return False, f"stuck at y={y}: no blocks left to pillar up with"
            for above in ((x, y + 2, z), (x, y + 1, z)):
                if self.world.get(*above) in (LAVA, WATER):
                    return False, f"stuck at y={y}: {BLOCKS[self.world.get(*above)]} above"
                if not self.world.passable(*above):
                    mined, feedback = self.nav.mine_cell(above)
                    if not mined:
                        return False, f"stuck at y={y}: {feedback}"
            self.player.y += 1.0
            self.engine.set_block(x, y, z, ID[fillers[0]])
            self.player.inventory.remove(fillers[0])
            self.engine.spend(6)  # a jump and a placement
            if self.engine.exhausted:
                return False, "the episode is over (step budget spent or the player died)"

    # mobs

    def _attack(self, object: str, tool: str | None = None) -> tuple[bool, str]:
        if object not in PASSIVE and object not in HOSTILE:
            mobs = ", ".join(sorted({**PASSIVE, **HOSTILE}))
            return False, f"cannot attack {object}: not a mob of this world ({mobs})"
        if tool:
            if self.player.inventory[tool] < 1:
                return False, f"cannot attack {object} with {tool}: no {tool} in the inventory"
            self.engine.step(Primitive.EQUIP, tool)
        mob = self.mob_in_view(object)
        if mob is None:
            return False, f"cannot attack {object}: none in sight; explore first"
        for _ in range(40):
            if not self.next_to(mob):
                problem = self.step_to_mob(mob, object)
                if problem:
                    return False, problem
                if not self.next_to(mob):
                    continue
            self.engine.spend(ATTACK_COOLDOWN_TICKS)
            if mob.id not in self.engine.mobs.mobs:  # the interface's own strike back finished it
                return True, f"killed the {object}"
            loot = self.engine.strike(mob)
            if loot is not None:
                gained = ", ".join(f"{count} {item}" for item, count in loot.items()) or "nothing"
                return True, f"killed the {object} and got {gained}"
            if self.engine.exhausted:
                break
        return False, f"the {object} got away"

    def next_to(self, mob) -> bool:
        px, py, pz = self.player.cell()
        return abs(mob.x - px) + abs(mob.z - pz) <= 1 and abs(mob.y - py) <= 1

    def step_to_mob(self, mob, object: str) -> str | None:
        """One move towards the mob (a known path, or a walk towards it looking): None, or why it
        cannot be reached."""
        goals = {(mob.x + dx, mob.y + dy, mob.z + dz) for dx, dz in ((1, 0), (-1, 0), (0, 1), (0, -1))
                 for dy in (0, 1, -1)}
        path = self.nav.path_to(goals)
        if path is None:  # not known all the way: walk towards it, looking, and plan again
            before = self.player.cell()
            self.nav.travel_towards(mob.x, mob.z, near=2.0)
            return f"cannot reach the {object}" if self.player.cell() == before else None
        self.nav.follow(path)  # when the way was not as seen it looked again: plan again next move
        return None

    # using items

    def _apply(self, object: str, tool: str) -> tuple[bool, str]:
        """Use a tool on a mob or a block (uses.py): shears on a sheep, a bucket on a cow or water..."""
        return apply(self, object, tool)

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
            self.engine.set_block(*cell, ID[block])
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
        if strategy == "surface" and not self._under_open_sky():
            self._go_up()  # out of a pit or a cave first; stuck under an overhang, walk out instead
        self.engine.step(Primitive.NOOP)  # a look around
        if self._sees(object, names):
            return True, f"found {object} nearby"
        if strategy == "surface":
            return self._explore_surface(object, names, budget)
        return self._explore_underground(object, names, budget)

    def _sees(self, object: str, names: list[str]) -> bool:
        """Look around: is such a block (seen now or before, not given up on) or mob in sight?"""
        self.engine.look()
        if names:
            return self.find(names, exclude=self.unreachable) is not None
        return self.mob_in_view(object) is not None

    def mobs_in_view(self) -> dict[str, int]:
        """How many mobs of each kind the player can see."""
        x, y, z = self.player.cell()
        counts: dict[str, int] = {}
        for mob in self.engine.mobs.mobs.values():
            if max(abs(mob.x - x), abs(mob.y - y), abs(mob.z - z)) <= SIGHT_RANGE and self._sees_mob(mob):
                counts[mob.kind] = counts.get(mob.kind, 0) + 1
        return dict(sorted(counts.items()))

    def _sees_mob(self, mob) -> bool:
        """A clear line from the eye to the mob's body."""
        return in_view(self.world, self.engine.eye(), (mob.x + 0.5, mob.y + 1.0, mob.z + 0.5))

    def mob_in_view(self, kind: str, wanted=None):
        """The nearest mob of this kind the player can see (and `wanted` accepts), or None."""
        x, y, z = self.player.cell()
        self.engine.mobs.populate_around(x, z)
        return next((m for m in self.engine.mobs.around(kind, x, y, z, radius=SIGHT_RANGE)
                     if (wanted is None or wanted(m)) and self._sees_mob(m)), None)

    def _explore_surface(self, object: str, names: list[str], budget: int) -> tuple[bool, str]:
        """A square spiral over a 20 x 20 chessboard of cells around the player: travel (walk, swim,
        dig) to the middle of each cell not visited yet in this episode through what the player sees
        on the way, looking around as it goes; cells with no known way in are skipped."""
        x, _, z = self.player.cell()
        oi, oj = x // EXPLORE_CELL, z // EXPLORE_CELL
        dead_ends = 0
        for i, j in spiral(EXPLORE_BOARD):
            if self.engine.steps >= budget or self.engine.exhausted or dead_ends >= EXPLORE_DEAD_ENDS:
                break
            board_cell = (oi + i, oj + j)
            if board_cell in self.explored:
                continue  # looked around there already in this episode
            self.explored.add(board_cell)
            arrived, _ = self.nav.travel_towards(board_cell[0] * EXPLORE_CELL + EXPLORE_CELL // 2,
                                                 board_cell[1] * EXPLORE_CELL + EXPLORE_CELL // 2)
            if self._sees(object, names):
                return True, f"found {object} near {self.player.cell()}"
            if arrived:
                dead_ends = 0
            else:
                dead_ends += 1
                self.engine.spend(EXPLORE_DEAD_END_TICKS)  # looking for a way on, and turning back
        return False, f"explored the surface without finding {object}"

    def _under_open_sky(self) -> bool:
        """Nothing but air, plants and tree tops above the player (the sky's light on it)."""
        x, y, z = self.player.cell()
        above = self.world.box(x, y, z, 1, HEIGHT - y, 1).ravel()
        return bool(np.all(PASSABLE[above] | np.isin(above, list(TREE_BLOCKS))))

    def _explore_underground(self, object: str, names: list[str], budget: int) -> tuple[bool, str]:
        """Walk the caves in sight and tunnel where there are none (underground.py); boxed in where
        it started, climb a little and search again."""
        tool = self.player.equipped
        if not (tool or "").endswith("_pickaxe"):
            return False, f"cannot explore underground for {object}: hold a pickaxe to tunnel with"
        for _ in range(UNDERGROUND_CLIMBS + 1):
            search = UndergroundSearch(self, object, names, budget)
            found, moved = search.run()
            if found:
                return True, f"found {object} near {self.player.cell()}"
            if search.tool_broke:
                return False, f"tunnelled without finding {object} until the {tool} broke"
            if search.tool_kept:
                return False, (f"tunnelled without finding {object} until the {tool} was down to "
                               f"{self.engine.uses_left(tool)} uses (kept for what it mines)")
            if moved or self.engine.steps >= budget or not self._pillar_up(None, blocks=UNDERGROUND_CLIMB)[0]:
                break  # searched and found nothing; or boxed in here, so climb a little and try again
        return False, f"tunnelled without finding {object}"
