"""MineDojo observation dicts (docs.minedojo.org, "Observation Space") as MinecraftObservations.

Used keys: inventory {name (36,), quantity (36,), variant (36,)}, equipment {name, variant} with
the main hand first, life_stats {life, food}, location_stats {pos (3,), yaw, pitch, biome_id},
voxels {block_name (X, Y, Z)} around the player, and, when lidar is on, rays {ray_yaw, ray_pitch,
block_name, block_distance, entity_name, entity_distance}.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from envs.minecraft.contracts import MinecraftObservation
from envs.minecraft.minedojo.names import to_ours

# Minecraft 1.11 biome ids -> the project's biome names (the rest keep their Minecraft name)
BIOMES = {0: "ocean", 1: "plains", 2: "desert", 3: "mountains", 4: "forest", 5: "taiga", 6: "swamp", 7: "river",
          12: "snowy_tundra", 16: "beach", 17: "desert", 18: "forest", 19: "taiga", 21: "jungle", 24: "ocean",
          27: "forest", 29: "forest", 34: "mountains", 35: "savanna", 129: "plains", 132: "forest"}


def _first(value, default=0.0) -> float:
    array = np.asarray(value).reshape(-1)
    return float(array[0]) if array.size else default


def stat(obs: dict, group: str, key: str, index: int = 0, default: float = 0.0) -> float:
    """One number of a stats group, e.g. stat(obs, "location_stats", "pos", 1) is the height."""
    value = (obs.get(group) or {}).get(key)
    if value is None:
        return default
    array = np.asarray(value, dtype=float).reshape(-1)
    return float(array[index]) if array.size > index else default


def inventory_of(obs: dict) -> dict[str, int]:
    inventory = obs.get("inventory") or {}
    names = np.asarray(inventory.get("name", []), dtype=object).reshape(-1)
    quantities = np.asarray(inventory.get("quantity", np.zeros(len(names)))).reshape(-1)
    variants = np.asarray(inventory.get("variant", np.zeros(len(names), dtype=int))).reshape(-1)
    counts: dict[str, int] = {}
    for name, quantity, variant in zip(names, quantities, variants):
        ours = to_ours(str(name), int(variant))
        if ours != "air" and quantity > 0:
            counts[ours] = counts.get(ours, 0) + int(quantity)
    return counts


def slot_of(obs: dict, item: str) -> int | None:
    """The inventory slot holding our `item`, if any."""
    inventory = obs.get("inventory") or {}
    names = np.asarray(inventory.get("name", []), dtype=object).reshape(-1)
    variants = np.asarray(inventory.get("variant", np.zeros(len(names), dtype=int))).reshape(-1)
    quantities = np.asarray(inventory.get("quantity", np.ones(len(names)))).reshape(-1)
    for slot, (name, variant, quantity) in enumerate(zip(names, variants, quantities)):
        if quantity > 0 and to_ours(str(name), int(variant)) == item:
            return slot
    return None


def voxel_palette(obs: dict) -> tuple[np.ndarray, tuple[str, ...]]:
    """(X, Y, Z) palette ids and the palette (our names), from voxels.block_name."""
    names = np.asarray((obs.get("voxels") or {}).get("block_name", np.full((1, 1, 1), "air")), dtype=object)
    ours = np.vectorize(lambda n: to_ours(str(n)), otypes=[object])(names)
    palette, ids = np.unique(ours.reshape(-1), return_inverse=True)
    return ids.reshape(ours.shape).astype(np.int32), tuple(str(p) for p in palette)


@dataclass(frozen=True)
class Sighting:
    name: str
    distance: float
    yaw: float  # degrees, relative to where the player looks
    pitch: float


def sightings(obs: dict, kind: str = "block") -> list[Sighting]:
    """What the lidar rays hit (kind "block" or "entity"), nearest first."""
    rays = obs.get("rays")
    if not rays:
        return []
    names = np.asarray(rays.get(f"{kind}_name", []), dtype=object).reshape(-1)
    distances = np.asarray(rays.get(f"{kind}_distance", []), dtype=float).reshape(-1)
    yaws = np.asarray(rays.get("ray_yaw", np.zeros(len(names))), dtype=float).reshape(-1)
    pitches = np.asarray(rays.get("ray_pitch", np.zeros(len(names))), dtype=float).reshape(-1)
    seen = [Sighting(to_ours(str(n)), float(d), float(y), float(p))
            for n, d, y, p in zip(names, distances, yaws, pitches) if str(n) not in ("", "air", "null", "None")]
    return sorted(seen, key=lambda s: s.distance)


def observation_from_minedojo(obs: dict, step: int, time_of_day: int) -> MinecraftObservation:
    location = obs.get("location_stats") or {}
    life = obs.get("life_stats") or {}
    position = np.asarray(location.get("pos", [0.0, 0.0, 0.0]), dtype=float).reshape(-1)
    equipment = obs.get("equipment") or {}
    held_names = np.asarray(equipment.get("name", ["air"]), dtype=object).reshape(-1)
    held_variants = np.asarray(equipment.get("variant", [0]), dtype=int).reshape(-1)
    held = to_ours(str(held_names[0]), int(held_variants[0])) if len(held_names) else "air"
    voxels, palette = voxel_palette(obs)
    below = voxels[voxels.shape[0] // 2, voxels.shape[1] // 2 - 1, voxels.shape[2] // 2] \
        if voxels.shape[1] > 1 else None
    biome_id = int(_first(location.get("biome_id", -1), -1))
    return MinecraftObservation(
        step=step, time_of_day=time_of_day % 24_000, inventory=inventory_of(obs),
        equipped=None if held == "air" else held, life=_first(life.get("life", 20.0), 20.0),
        food=_first(life.get("food", 20.0), 20.0),
        position=(round(float(position[0]), 3), round(float(position[1]), 3), round(float(position[2]), 3)),
        yaw=_first(location.get("yaw", 0.0)), pitch=_first(location.get("pitch", 0.0)),
        biome=BIOMES.get(biome_id, f"biome_{biome_id}"), y_level=math.floor(float(position[1])),
        on_ground=below is None or palette[int(below)] not in ("air", "water", "lava"),
        voxels=voxels, voxel_names=palette, seen_blocks=_counts(sightings(obs, "block")),
        seen_mobs=_counts(sightings(obs, "entity")))


def _counts(seen: list[Sighting]) -> dict[str, int]:
    """How many rays met each thing: what the lidar shows (MineDojo without lidar shows nothing)."""
    counts: dict[str, int] = {}
    for sighting in seen:
        counts[sighting.name] = counts.get(sighting.name, 0) + 1
    return dict(sorted(counts.items()))
