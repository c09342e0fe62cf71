"""What the Overworld offers a survival player: its natural blocks and mobs, and the uses of a tool
on them (overworld.yaml beside this file). The tech tree and the decomposer start from here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

OVERWORLD_FILE = Path(__file__).with_name("overworld.yaml")


@dataclass(frozen=True)
class Natural:
    """A block or mob that is there without the player making it."""

    name: str
    where: str
    rarity: float  # 1 wherever the player starts ... 8 in very rare biomes


@dataclass(frozen=True)
class Use:
    """Using `tool` on `target` (a mob or a block) gives `gives` (min..max), and `also` with it."""

    tool: str
    target: str
    gives: str
    min: int = 1
    max: int = 1
    also: str | None = None
    consumed: bool = False  # the tool is used up (a filled bucket takes the empty one's place)
    removes: bool = False  # the target block is taken away

    @property
    def expected(self) -> float:
        return (self.min + self.max) / 2


@dataclass(frozen=True)
class Overworld:
    blocks: dict[str, Natural]
    mobs: dict[str, Natural]
    uses: tuple[Use, ...]
    excluded: dict[str, str]

    def uses_giving(self, item: str) -> list[Use]:
        return [use for use in self.uses if use.gives == item or use.also == item]

    def uses_on(self, target: str, tool: str | None) -> list[Use]:
        """The uses of this tool on this target; an axe entry stands for any axe."""
        return [use for use in self.uses if use.target == target and tool is not None
                and (use.tool == tool or (use.tool.endswith("_axe") and tool.endswith("_axe")))]


def _natural(entries: dict) -> dict[str, Natural]:
    return {name: Natural(name, str(entry["where"]), float(entry["rarity"])) for name, entry in entries.items()}


@lru_cache(maxsize=1)
def overworld(path: Path = OVERWORLD_FILE) -> Overworld:
    data = yaml.safe_load(path.read_text())
    return Overworld(blocks=_natural(data["blocks"]), mobs=_natural(data["mobs"]),
                     uses=tuple(Use(**entry) for entry in data["uses"]),
                     excluded={key: " ".join(str(value).split()) for key, value in data["excluded"].items()})
