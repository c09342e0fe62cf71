"""Primitive actions at 20 Hz: move, turn, jump, attack/mine, use/place/eat, craft, smelt, equip.

The player is a point with a 1.8-block-tall body (feet and head cells); walking moves it
0.216 blocks a tick (4.317 blocks/s), gravity and a jump follow Minecraft's constants, and
a block breaks after the ticks Minecraft's mining formula gives for the tool in hand (times
the world's break speed), then the next break waits 5 ticks, as in survival. Tools wear out,
work makes the player hungry, health regenerates only when fed (survival.py); fluids flow
(fluids.py); mobs act (mobs.py). Every primitive, and every tick of a longer routine, spends
one step of the episode budget (12,000 steps: GITM's 10 minutes).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from envs.minecraft.contracts import ActionResult
from envs.minecraft.sim.first_person import VIEW_RANGE, draw_hud, render_view
from envs.minecraft.sim.fluids import Fluids
from envs.minecraft.sim.inventory import Inventory, craft, smelt
from envs.minecraft.sim.mobs import ATTACK_COOLDOWN_TICKS, WEAPON_DAMAGE, Mob, MobManager
from envs.minecraft.sim.palette import AIR, BLOCKS, DISPLACED, EMPTY, ID, LAVA, PASSABLE, WATER
from envs.minecraft.sim.rules import Rules
from envs.minecraft.sim.sight import SeenMap, look
from envs.minecraft.sim.survival import EAT_TICKS, EXHAUSTION, Hunger, ToolWear, attack_wear, break_wear
from envs.minecraft.sim.world import VoxelWorld

MAX_STEPS = 12_000
WALK_PER_TICK = 4.317 / 20
GRAVITY = 0.08
DRAG = 0.98
JUMP_VELOCITY = 0.42
EYE_HEIGHT = 1.62
REACH = 4.5
STATION_RANGE = 4  # a crafting table or furnace this close counts as nearby
VOXEL_RADIUS = 10  # GITM's voxel window: the blocks this close are known, for getting around only
BREAK_PAUSE_TICKS = 5  # survival: after a block breaks, the next one starts 5 ticks later
LAVA_DAMAGE, LAVA_EVERY_TICKS = 4.0, 10
FALLING = (ID["sand"], ID["gravel"])
MAX_KEPT_FRAMES = 300


class Primitive(StrEnum):
    NOOP = "noop"
    FORWARD = "forward"
    BACK = "back"
    LEFT = "left"
    RIGHT = "right"
    JUMP = "jump"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"
    LOOK_UP = "look_up"
    LOOK_DOWN = "look_down"
    ATTACK = "attack"
    USE = "use"
    CRAFT = "craft"
    SMELT = "smelt"
    EQUIP = "equip"
    EAT = "eat"


@dataclass
class Player:
    x: float
    y: float  # feet
    z: float
    yaw: float = 0.0  # degrees; 0 looks along +x, 90 along +z
    pitch: float = 0.0  # degrees; positive looks down
    vy: float = 0.0
    on_ground: bool = True
    health: float = 20.0
    hunger: Hunger = field(default_factory=Hunger)
    wear: ToolWear = field(default_factory=ToolWear)
    fall_start: float | None = None
    inventory: Inventory = field(default_factory=Inventory)
    equipped: str | None = None

    @property
    def food(self) -> float:
        return self.hunger.food

    def cell(self) -> tuple[int, int, int]:
        return math.floor(self.x), math.floor(self.y), math.floor(self.z)


class Engine:
    def __init__(self, world: VoxelWorld, rules: Rules, player: Player, seed: int = 0, max_steps: int = MAX_STEPS,
                 start_time: int = 0, break_speed: float = 1.0):
        self.world, self.rules, self.player = world, rules, player
        self.rng = random.Random(seed)
        self.steps = 0
        self.max_steps = max_steps
        self.start_time = start_time
        self.break_speed = break_speed
        self.seen = SeenMap()  # what the player's eyes have shown it: all that finding may read
        self.fluids = Fluids(world)
        self.mobs = MobManager(world, seed)
        self.mobs.populate_around(math.floor(player.x), math.floor(player.z))
        self._mining: tuple[tuple[int, int, int], int] | None = None  # target and ticks spent
        self._next_break = 0  # the first tick the next block may take damage on (the pause after a break)
        self.broken_tools: list[str] = []  # tools that wore out, in order
        self.damage_taken = 0.0
        self.death_cause: str | None = None  # what dealt the last blow: a mob's kind, lava, falling, starving
        self.frame_every: int | None = None  # ticks between first-person frames kept for a video (None: none)
        self.frames: list[np.ndarray] = []

    @property
    def exhausted(self) -> bool:
        """The episode is over: the step budget is spent or the player died."""
        return self.steps >= self.max_steps or self.player.health <= 0

    @property
    def time_of_day(self) -> int:
        return (self.start_time + self.steps) % 24_000

    def step(self, action: Primitive, argument: str | None = None, count: int = 1) -> ActionResult:
        self.steps += 1
        result = self._act(Primitive(action), argument, count)
        self._physics()
        self._tick_world()
        return result

    def spend(self, ticks: int) -> None:
        """Let `ticks` steps pass in one go (a walk along a path, a furnace burning); the world goes on."""
        for _ in range(ticks):
            if self.exhausted:
                return
            self.steps += 1
            self._tick_world()

    def _tick_world(self) -> None:
        """One tick of everything but the player's own action: mobs, fluids, lava, hunger."""
        player = self.player
        for kind, damage in self.mobs.tick(self.steps, self.time_of_day, player).items():
            self.hurt(damage, kind)
        if self.steps % ATTACK_COOLDOWN_TICKS == 0 and player.health > 0:
            attackers = self.mobs.attackers(*player.cell())
            if attackers:
                self.strike(attackers[0])
        for cell in self.fluids.tick(self.steps):
            self.seen_if_near(cell)
        feet = player.cell()
        if LAVA in (self.world.get(*feet), self.world.get(feet[0], feet[1] + 1, feet[2])) and \
                self.steps % LAVA_EVERY_TICKS == 0:
            self.hurt(LAVA_DAMAGE, "lava")
        if player.health > 0:
            change = player.hunger.tick(player.health)
            if change < 0:
                self.hurt(-change, "starving", exhausts=False)
            else:
                player.health = min(player.health + change, 20.0)
        if self.frame_every and self.steps % self.frame_every == 0:
            self.frames = self.frames[-(MAX_KEPT_FRAMES - 1):] + [self.picture()]

    def picture(self) -> np.ndarray:
        """The first-person view with the heads-up panel."""
        player = self.player
        mobs = [m for m in self.mobs.mobs.values() if math.dist((m.x, m.y, m.z), player.cell()) <= VIEW_RANGE]
        view = render_view(self.world, self.eye(), player.yaw, player.pitch, self.time_of_day, mobs)
        return draw_hud(view, player.health, player.food, player.equipped, player.inventory.as_dict())

    def strike(self, mob: Mob) -> dict[str, int] | None:
        """One hit at a mob with what the player holds; the loot when it dies (None while it lives)."""
        tool = self.player.equipped
        mob.health -= WEAPON_DAMAGE.get(tool, 1.0)
        self.player.hunger.exhaust(EXHAUSTION["attack"])
        if tool is not None:
            self.wear(tool, attack_wear(tool))
        if mob.health > 0:
            return None
        del self.mobs.mobs[mob.id]
        self.mobs.killed_by_player.append(mob.kind)
        loot = self.rules.roll(self.rules.mob_drops(mob.kind), self.rng)
        for item, count in loot.items():
            self.player.inventory.add(item, count)
        return loot

    def hurt(self, damage: float, cause: str, exhausts: bool = True) -> None:
        if damage > 0 and self.player.health > 0:
            self.damage_taken += damage
            self.player.health = max(self.player.health - damage, 0.0)
            if exhausts:
                self.player.hunger.exhaust(EXHAUSTION["damage"])
            if self.player.health <= 0:
                self.death_cause = cause

    def seen_if_near(self, cell: tuple[int, int, int]) -> None:
        """A change next to the player is seen at once (fluid pouring in)."""
        if math.dist(cell, self.player.cell()) <= 3:
            self.seen.set(*cell, self.world.get(*cell))

    # what the player knows

    def eye(self) -> tuple[float, float, float]:
        return self.player.x, self.player.y + EYE_HEIGHT, self.player.z

    def look(self) -> None:
        """Look around: cast the rays of sight and remember what they show."""
        look(self.world, self.seen, self.eye())

    def in_window(self, x: int, y: int, z: int) -> bool:
        px, py, pz = self.player.cell()
        return abs(x - px) <= VOXEL_RADIUS and abs(y - py) <= VOXEL_RADIUS and abs(z - pz) <= VOXEL_RADIUS

    def known(self, x: int, y: int, z: int) -> int:
        """The block as the player knows it: the voxel window near the player, what it has seen
        elsewhere (UNKNOWN where nothing was seen); for finding ways, never for finding things."""
        return self.world.get(x, y, z) if self.in_window(x, y, z) else self.seen.get(x, y, z)

    def known_box(self, x0: int, y0: int, z0: int, size_x: int, size_y: int, size_z: int) -> np.ndarray:
        """known() for a box at once."""
        seen = self.seen.box(x0, y0, z0, size_x, size_y, size_z)
        px, py, pz = self.player.cell()
        lo = np.maximum(np.array([px, py, pz]) - VOXEL_RADIUS - [x0, y0, z0], 0)
        hi = np.minimum(np.array([px, py, pz]) + VOXEL_RADIUS + 1 - [x0, y0, z0], [size_x, size_y, size_z])
        if np.all(hi > lo):
            seen[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] = self.world.box(
                x0 + int(lo[0]), y0 + int(lo[1]), z0 + int(lo[2]), *(int(v) for v in hi - lo))
        return seen

    def set_block(self, x: int, y: int, z: int, block: int) -> None:
        """Change a block by the player's hand: the world changes, the player knows it, fluids next
        to it may flow."""
        self.world.set(x, y, z, block)
        self.seen.set(x, y, z, block)
        self.fluids.block_changed(x, y, z)
        if PASSABLE[block]:
            self._let_fall(x, y + 1, z)

    def _let_fall(self, x: int, y: int, z: int) -> None:
        """Sand and gravel above an emptied cell fall down the column until they rest on something."""
        while self.world.get(x, y, z) in FALLING:
            block = self.world.get(x, y, z)
            floor = y - 1
            while floor > 0 and self.world.get(x, floor, z) in DISPLACED:
                floor -= 1
            if floor + 1 >= y:
                return
            self.world.set(x, y, z, AIR)
            self.world.set(x, floor + 1, z, block)
            for cell in ((x, y, z), (x, floor + 1, z)):
                self.seen_if_near(cell)
                self.fluids.block_changed(*cell)
            y += 1

    def break_ticks(self, block: str, tool: str | None = None) -> int | None:
        return self.rules.break_ticks(block, tool, self.break_speed)

    # actions

    def _act(self, action: Primitive, argument: str | None, count: int) -> ActionResult:
        if action != Primitive.ATTACK:
            self._mining = None
        player = self.player
        if action in (Primitive.FORWARD, Primitive.BACK, Primitive.LEFT, Primitive.RIGHT):
            turn = {Primitive.FORWARD: 0.0, Primitive.BACK: 180.0, Primitive.LEFT: -90.0, Primitive.RIGHT: 90.0}[action]
            return self._walk(math.radians(player.yaw + turn))
        if action == Primitive.JUMP:
            if player.on_ground:
                player.vy, player.on_ground = JUMP_VELOCITY, False
                player.hunger.exhaust(EXHAUSTION["jump"])
                return ActionResult(success=True, feedback="jumped", steps=1)
            return ActionResult(success=False, feedback="cannot jump in the air", steps=1)
        if action in (Primitive.TURN_LEFT, Primitive.TURN_RIGHT):
            player.yaw = (player.yaw + (-15.0 if action == Primitive.TURN_LEFT else 15.0)) % 360.0
            return ActionResult(success=True, feedback=f"facing {player.yaw:.0f} degrees", steps=1)
        if action in (Primitive.LOOK_UP, Primitive.LOOK_DOWN):
            player.pitch = min(max(player.pitch + (-15.0 if action == Primitive.LOOK_UP else 15.0), -90.0), 90.0)
            return ActionResult(success=True, feedback=f"looking at pitch {player.pitch:.0f}", steps=1)
        if action == Primitive.ATTACK:
            return self._mine()
        if action == Primitive.USE:
            return self._place(argument)
        if action == Primitive.CRAFT:
            return self._with_steps(craft(self.rules, player.inventory, argument or "", count,
                                          self.near_block("crafting_table")))
        if action == Primitive.SMELT:
            return self._with_steps(smelt(self.rules, player.inventory, argument or "", count,
                                          self.near_block("furnace")))
        if action == Primitive.EQUIP:
            return self._equip(argument)
        if action == Primitive.EAT:
            return self._eat(argument)
        return ActionResult(success=True, feedback="waited", steps=1)

    @staticmethod
    def _with_steps(result: ActionResult) -> ActionResult:
        return result.model_copy(update={"steps": max(result.steps, 1)})

    def _walk(self, heading: float) -> ActionResult:
        player = self.player
        x = player.x + WALK_PER_TICK * math.cos(heading)
        z = player.z + WALK_PER_TICK * math.sin(heading)
        feet = math.floor(player.y)
        if self.world.passable(math.floor(x), feet, math.floor(z)) and \
                self.world.passable(math.floor(x), feet + 1, math.floor(z)):
            player.x, player.z = x, z
            return ActionResult(success=True, feedback="moved", steps=1)
        return ActionResult(success=False, feedback="blocked", steps=1)

    def target(self) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
        """The first solid block on the line of sight within reach, and the cell in front of it."""
        player = self.player
        yaw, pitch = math.radians(player.yaw), math.radians(player.pitch)
        dx, dy, dz = math.cos(yaw) * math.cos(pitch), -math.sin(pitch), math.sin(yaw) * math.cos(pitch)
        x, y, z = player.x, player.y + EYE_HEIGHT, player.z
        previous = None
        for step in range(1, int(REACH / 0.1) + 1):
            cell = (math.floor(x + dx * step * 0.1), math.floor(y + dy * step * 0.1), math.floor(z + dz * step * 0.1))
            if cell == previous:
                continue
            if not EMPTY[self.world.get(*cell)]:  # plants and torches have a shape to aim at, as in the game
                return cell, previous
            previous = cell
        return None, previous

    def _mine(self) -> ActionResult:
        cell, _ = self.target()
        if cell is None:
            self._mining = None
            return ActionResult(success=False, feedback="nothing in reach to mine", steps=1)
        block = BLOCKS[self.world.get(*cell)]
        needed = self.break_ticks(block, self.player.equipped)
        if needed is None:
            return ActionResult(success=False, feedback=f"{block} cannot be broken", steps=1)
        if self.steps < self._next_break:
            return ActionResult(success=True, feedback=f"mining {block} (0/{needed}): the last break's pause", steps=1)
        spent = self._mining[1] + 1 if self._mining and self._mining[0] == cell else 1
        if spent < needed:
            self._mining = (cell, spent)
            return ActionResult(success=True, feedback=f"mining {block} ({spent}/{needed})", steps=1)
        self._mining = None
        self._next_break = self.steps + BREAK_PAUSE_TICKS + 1
        tool = self.player.equipped
        self.set_block(*cell, AIR)
        gained = self.rules.roll(self.rules.drops(block, tool), self.rng)
        for item, count in gained.items():
            self.player.inventory.add(item, count)
        self.player.hunger.exhaust(EXHAUSTION["break"])
        what = ", ".join(f"{n} {item}" for item, n in gained.items()) or "nothing"
        worn = ""
        hard = float(self.rules.block(block)["hardness"] or 0.0) > 0  # blocks that break at once wear nothing
        if tool is not None and hard and self.wear(tool, break_wear(tool)):
            worn = f"; the {tool} broke"
        return ActionResult(success=True, feedback=f"broke {block} and got {what}{worn}", inventory_delta=gained,
                            steps=1)

    def _durability(self, tool: str) -> int | None:
        """The tool's maxDurability in minecraft-data (None for what does not wear)."""
        durability = self.rules.item(tool).get("maxDurability")
        return int(durability) if durability else None

    def uses_left(self, tool: str) -> int:
        """Uses left on the tool of this kind in use (a large number for what does not wear)."""
        durability = self._durability(tool)
        return self.player.wear.left(tool, durability) if durability else 1 << 30

    def wear(self, tool: str, uses: int) -> bool:
        """Wear the tool in hand; True when it broke (gone from the inventory, the hand emptied
        when it was the last)."""
        durability = self._durability(tool)
        if not durability or not self.player.wear.use(tool, uses, durability):
            return False
        self.player.inventory.remove(tool)
        self.broken_tools.append(tool)
        if self.player.inventory[tool] == 0 and self.player.equipped == tool:
            self.player.equipped = None
        return True

    def _eat(self, item: str | None) -> ActionResult:
        food = self.rules.data.foods_name.get(item or "")
        if food is None:
            return ActionResult(success=False, feedback=f"cannot eat {item}: it is not food", steps=1)
        if self.player.inventory[item] < 1:
            return ActionResult(success=False, feedback=f"cannot eat {item}: none in the inventory", steps=1)
        if self.player.hunger.food >= 20:
            return ActionResult(success=False, feedback=f"cannot eat {item}: not hungry", steps=1)
        self.player.inventory.remove(item)
        self.player.hunger.eat(float(food["foodPoints"]), float(food["saturation"]))
        return ActionResult(success=True, feedback=f"ate {item}: food {self.player.hunger.food:g}/20",
                            inventory_delta={item: -1}, steps=EAT_TICKS)

    def _place(self, item: str | None) -> ActionResult:
        if not item or item not in ID or item == "air":
            return ActionResult(success=False, feedback=f"cannot place {item}: it is not a placeable block here",
                                steps=1)
        if self.player.inventory[item] < 1:
            return ActionResult(success=False, feedback=f"cannot place {item}: none in the inventory", steps=1)
        cell, front = self.target()
        if cell is None or front is None:
            return ActionResult(success=False, feedback=f"cannot place {item}: no block in reach to place it against",
                                steps=1)
        if front in (self.player.cell(), (self.player.cell()[0], self.player.cell()[1] + 1, self.player.cell()[2])):
            return ActionResult(success=False, feedback=f"cannot place {item}: the player is standing there", steps=1)
        self.set_block(*front, ID[item])
        self.player.inventory.remove(item)
        return ActionResult(success=True, feedback=f"placed {item}", inventory_delta={item: -1}, steps=1)

    def _equip(self, item: str | None) -> ActionResult:
        if item in (None, "", "hand"):
            self.player.equipped = None
            return ActionResult(success=True, feedback="holding nothing", steps=1)
        if not self.rules.is_item(item):
            return ActionResult(success=False, feedback=f"cannot equip {item}: there is no such item", steps=1)
        if self.player.inventory[item] < 1:
            return ActionResult(success=False, feedback=f"cannot equip {item}: none in the inventory", steps=1)
        self.player.equipped = item
        return ActionResult(success=True, feedback=f"holding {item}", steps=1)

    def near_block(self, name: str) -> bool:
        x, y, z = self.player.cell()
        box = self.world.box(x - STATION_RANGE, y - STATION_RANGE, z - STATION_RANGE, 2 * STATION_RANGE + 1,
                             2 * STATION_RANGE + 2, 2 * STATION_RANGE + 1)
        return bool((box == ID[name]).any())

    # physics

    def _physics(self) -> None:
        player, world = self.player, self.world
        x, z = math.floor(player.x), math.floor(player.z)
        below = world.passable(x, math.floor(player.y - 0.001), z)
        if player.vy == 0.0 and not below:
            player.on_ground = True
        else:
            if player.fall_start is None:
                player.fall_start = player.y
            new_y = player.y + player.vy  # Minecraft moves first, then applies gravity and drag
            player.vy = (player.vy - GRAVITY) * DRAG
            if new_y < player.y and not world.passable(x, math.floor(new_y), z):
                new_y = math.floor(new_y) + 1.0
                player.vy, player.on_ground = 0.0, True
                fall = (player.fall_start or new_y) - new_y
                if fall > 3.0 and world.get(x, math.floor(new_y), z) != WATER:
                    self.hurt(math.ceil(fall - 3.0), "falling")
                player.fall_start = None
            elif new_y > player.y and not world.passable(x, math.floor(new_y + 1.8), z):
                player.vy = 0.0
                new_y = player.y
            else:
                player.on_ground = False
            player.y = new_y
