"""Survival rules of Minecraft 1.16.5 (Java, normal difficulty): hunger and health, tool wear.

Hunger: exhaustion builds up from work (0.005 a block broken, 0.05 a jump, 0.01 a block swum,
0.1 an attack or a hit taken, 6 a health point healed); each 4 of it takes a point of
saturation, or of food once saturation is gone. Health regenerates when fed: with food at 20
and saturation left, every 10 ticks by min(saturation, 6) / 6; with food >= 18, a point every
80 ticks. At food 0 the player starves: a point every 80 ticks, down to 1 health (normal).
A player starts with 20 food and 5 saturation. Eating takes 32 ticks and gives the food's
points and saturation from minecraft-data.

Wear: a tool with a maxDurability (minecraft-data) loses 1 use a block broken (2 for a sword)
and 2 an attack (1 for a sword); at its maxDurability it breaks and is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_FOOD = 20
START_SATURATION = 5.0
EXHAUSTION_PER_POINT = 4.0
EXHAUSTION = {"break": 0.005, "jump": 0.05, "swim_block": 0.01, "attack": 0.1, "damage": 0.1, "heal": 6.0}
SLOW_HEAL_TICKS = 80
FAST_HEAL_TICKS = 10
STARVE_TICKS = 80
STARVE_FLOOR = 1.0  # normal difficulty: starving stops at half a heart
EAT_TICKS = 32


@dataclass
class Hunger:
    food: float = MAX_FOOD
    saturation: float = START_SATURATION
    exhaustion: float = 0.0
    timer: int = 0  # ticks towards the next heal or starvation hit

    def exhaust(self, amount: float) -> None:
        self.exhaustion += amount
        while self.exhaustion >= EXHAUSTION_PER_POINT:
            self.exhaustion -= EXHAUSTION_PER_POINT
            if self.saturation > 0:
                self.saturation = max(self.saturation - 1.0, 0.0)
            else:
                self.food = max(self.food - 1.0, 0.0)

    def tick(self, health: float, max_health: float = 20.0) -> float:
        """One game tick; returns the change in health (healing positive, starving negative)."""
        self.timer += 1
        if self.food >= MAX_FOOD and self.saturation > 0 and health < max_health:
            if self.timer >= FAST_HEAL_TICKS:
                self.timer = 0
                spent = min(self.saturation, 6.0)
                self.exhaust(spent)
                return min(spent / 6.0, max_health - health)
        elif self.food >= 18 and health < max_health:
            if self.timer >= SLOW_HEAL_TICKS:
                self.timer = 0
                self.exhaust(EXHAUSTION["heal"])
                return 1.0
        elif self.food <= 0:
            if self.timer >= STARVE_TICKS:
                self.timer = 0
                return -1.0 if health > STARVE_FLOOR else 0.0
        else:
            self.timer = 0
        return 0.0

    def eat(self, points: float, saturation: float) -> None:
        self.food = min(self.food + points, MAX_FOOD)
        self.saturation = min(self.saturation + saturation, self.food)


@dataclass
class ToolWear:
    """Uses spent on the tool of each kind in use (the next one of a stack starts fresh)."""

    spent: dict[str, int] = field(default_factory=dict)

    def use(self, tool: str, uses: int, durability: int) -> bool:
        """Wear the tool; True when it broke (the caller takes it out of the inventory)."""
        self.spent[tool] = self.spent.get(tool, 0) + uses
        if self.spent[tool] >= durability:
            del self.spent[tool]
            return True
        return False

    def left(self, tool: str, durability: int) -> int:
        return durability - self.spent.get(tool, 0)


def break_wear(tool: str) -> int:
    return 2 if tool.endswith("_sword") else 1


def attack_wear(tool: str) -> int:
    return 1 if tool.endswith("_sword") else 2
