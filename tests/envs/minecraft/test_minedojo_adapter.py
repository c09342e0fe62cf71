"""The MineDojo adapter on observation dicts in MineDojo's documented format (docs.minedojo.org,
Observation Space): names, observations, and the MineDojo actions each structured action's
routine answers, step by step. minedojo itself is not installed here."""

import os
import subprocess
import sys

import numpy as np
import pytest

from envs.errors import UserInputError
from envs.minecraft.contracts import ActionResult, StructuredAction
from envs.minecraft.minedojo import controls
from envs.minecraft.minedojo.env import make_env, routine_for
from envs.minecraft.minedojo.names import VARIANTS, to_minedojo, to_ours
from envs.minecraft.minedojo.observation import observation_from_minedojo, sightings
from tests.conftest import REPO

CRAFT_ITEMS = ["crafting_table", "planks", "stick", "wooden_pickaxe", "furnace", "iron_ingot"]


def minedojo_obs(inventory=(), held="air", pos=(10.5, 64.0, -3.5), yaw=90.0, pitch=0.0, biome_id=4, voxels=None,
                 blocks=(), entities=()):
    """An observation dict as MineDojo gives it. inventory: (name, quantity, variant) for the first
    slots; blocks/entities: (name, distance, yaw, pitch) lidar hits."""
    names = np.array(["air"] * 36, dtype=object)
    quantity = np.zeros(36, dtype=np.float32)
    variant = np.zeros(36, dtype=np.int32)
    for slot, (name, count, kind) in enumerate(inventory):
        names[slot], quantity[slot], variant[slot] = name, count, kind
    if voxels is None:
        voxels = np.full((3, 3, 3), "air", dtype=object)
        voxels[:, 0, :] = "grass"
        voxels[2, 1, 1] = "log"
    hits = list(blocks) + list(entities)
    rays = {"ray_yaw": np.array([h[2] for h in hits], dtype=np.float32),
            "ray_pitch": np.array([h[3] for h in hits], dtype=np.float32),
            "block_name": np.array([h[0] for h in blocks] + ["air"] * len(entities), dtype=object),
            "block_distance": np.array([h[1] for h in blocks] + [99.0] * len(entities), dtype=np.float32),
            "entity_name": np.array(["null"] * len(blocks) + [h[0] for h in entities], dtype=object),
            "entity_distance": np.array([99.0] * len(blocks) + [h[1] for h in entities], dtype=np.float32)}
    return {
        "rgb": np.zeros((3, 16, 16), np.uint8),
        "inventory": {"name": names, "quantity": quantity, "variant": variant},
        "equipment": {"name": np.array([held, "air", "air", "air", "air", "air"], dtype=object),
                      "variant": np.zeros(6, dtype=np.int32), "quantity": np.array([1, 0, 0, 0, 0, 0])},
        "life_stats": {"life": np.array([18.0]), "food": np.array([17.0]), "oxygen": np.array([300.0])},
        "location_stats": {"pos": np.array(pos, dtype=np.float32), "yaw": np.array([yaw]), "pitch": np.array([pitch]),
                           "biome_id": np.array([biome_id])},
        "voxels": {"block_name": voxels},
        "rays": rays,
    }


def test_names_between_minecraft_versions():
    assert to_ours("log", 2) == "birch_log" and to_ours("log2", 1) == "dark_oak_log"
    assert to_ours("planks") == "oak_planks" and to_ours("minecraft:crafting table") == "crafting_table"
    assert to_ours("grass") == "grass_block" and to_ours("reeds") == "sugar_cane" and to_ours("iron ore") == "iron_ore"
    assert to_minedojo("birch_planks") == ("planks", 2) and to_minedojo("stick") == ("stick", 0)
    for old, new_names in VARIANTS.items():
        for variant, new in enumerate(new_names):
            assert to_ours(*to_minedojo(new)) == new, (old, variant)


def test_an_observation_dict_becomes_ours():
    obs = minedojo_obs(inventory=[("log", 3, 0), ("crafting table", 1, 0), ("wooden pickaxe", 1, 0),
                                  ("log", 2, 2), ("planks", 4, 1)], held="wooden pickaxe")
    observation = observation_from_minedojo(obs, step=42, time_of_day=1042)
    assert observation.inventory == {"oak_log": 3, "birch_log": 2, "crafting_table": 1, "wooden_pickaxe": 1,
                                     "spruce_planks": 4}
    assert observation.equipped == "wooden_pickaxe"
    assert (observation.life, observation.food) == (18.0, 17.0)
    assert observation.position == (10.5, 64.0, -3.5) and observation.y_level == 64
    assert (observation.yaw, observation.pitch, observation.biome) == (90.0, 0.0, "forest")
    assert observation.seen_blocks == {} and observation.seen_mobs == {}  # no lidar rays: nothing seen
    assert observation.on_ground and (observation.step, observation.time_of_day) == (42, 1042)


def test_lidar_hits_nearest_first_in_our_names():
    obs = minedojo_obs(blocks=[("stone", 6.0, 10.0, -5.0), ("log", 3.0, 30.0, 0.0)], entities=[("cow", 8.0, -45.0, 0)])
    assert [(s.name, s.distance) for s in sightings(obs)] == [("oak_log", 3.0), ("stone", 6.0)]
    assert [(s.name, s.yaw) for s in sightings(obs, "entity")] == [("cow", -45.0)]
    observation = observation_from_minedojo(obs, step=0, time_of_day=0)
    assert observation.seen_blocks == {"oak_log": 1, "stone": 1} and observation.seen_mobs == {"cow": 1}


def run_until(routine, observations):
    """The decisions of a routine over a sequence of observations (the last may finish it)."""
    routine.start(observations[0])
    return [routine.next(obs) for obs in observations]


def test_craft_asks_the_craft_action_with_the_items_index_until_made():
    routine = routine_for(StructuredAction(name="craft", args={"object": "oak_planks", "count": 4}), CRAFT_ITEMS)
    before = minedojo_obs(inventory=[("log", 1, 0)])
    after = minedojo_obs(inventory=[("planks", 4, 0)])
    decisions = run_until(routine, [before, after])
    assert decisions[0] == [0, 0, 0, 12, 12, controls.CRAFT, 1, 0]
    assert decisions[1] == controls.Finished(True, "crafted 4 oak_planks")


def test_a_craft_that_never_lands_gives_up_with_a_reason():
    routine = routine_for(StructuredAction(name="craft", args={"object": "wooden_pickaxe"}), CRAFT_ITEMS)
    decisions = run_until(routine, [minedojo_obs()] * 5)
    assert decisions[:3] == [[0, 0, 0, 12, 12, controls.CRAFT, 3, 0]] * 3
    assert decisions[3] == controls.Finished(False, "could not craft wooden_pickaxe: missing ingredients or a "
                                                    "crafting table nearby")


def test_mine_walks_aims_attacks_and_stops_when_the_drop_arrives():
    far = minedojo_obs(blocks=[("log", 9.0, 0.0, 0.0)])
    aside = minedojo_obs(blocks=[("log", 3.0, 30.0, -15.0)])
    aimed = minedojo_obs(blocks=[("log", 3.0, 0.0, 0.0)])
    got = minedojo_obs(inventory=[("log", 1, 1)], blocks=[("log", 3.0, 0.0, 0.0)])
    routine = routine_for(StructuredAction(name="mine", args={"object": "log"}), CRAFT_ITEMS)
    decisions = run_until(routine, [far, aside, aimed, got])
    assert decisions[0] == [1, 0, 1, 12, 12, 0, 0, 0]  # forward with a jump
    assert decisions[1] == [0, 0, 0, 11, 14, 0, 0, 0]  # pitch -15, yaw +30
    assert decisions[2] == [0, 0, 0, 12, 12, controls.ATTACK, 0, 0]
    assert decisions[3] == controls.Finished(True, "mined and got 1 spruce_log")


def test_mine_without_a_sighting_says_explore_first():
    routine = routine_for(StructuredAction(name="mine", args={"object": "iron_ore"}), CRAFT_ITEMS)
    assert run_until(routine, [minedojo_obs(blocks=[("stone", 2.0, 0, 0)])]) == [
        controls.Finished(False, "no iron_ore in sight to mine; explore first")]


def test_explore_walks_turns_and_stops_at_the_target():
    routine = controls.Explore("cow", seed=3)
    empty = minedojo_obs()
    decisions = run_until(routine, [empty] * 40 + [minedojo_obs(entities=[("cow", 12.0, 20.0, 0.0)])])
    assert decisions[0] == [1, 0, 1, 12, 12, 0, 0, 0]
    assert decisions[39][4] in (6, 18, 24) and decisions[39][0] == 0  # a turn of -90, 90 or 180 degrees
    assert decisions[40] == controls.Finished(True, "found cow 12 blocks away")


def test_dig_down_looks_down_then_breaks_to_the_level():
    routine = routine_for(StructuredAction(name="dig_down", args={"ylevel": 12}), CRAFT_ITEMS)
    decisions = run_until(routine, [minedojo_obs(pitch=0.0), minedojo_obs(pitch=90.0),
                                    minedojo_obs(pitch=90.0, pos=(10.5, 12.0, -3.5))])
    assert decisions[0] == [0, 0, 0, 18, 12, 0, 0, 0]
    assert decisions[1] == [0, 0, 0, 12, 12, controls.ATTACK, 0, 0]
    assert decisions[2] == controls.Finished(True, "dug down to y=12")


def test_equip_uses_the_slot_holding_the_item():
    routine = routine_for(StructuredAction(name="equip", args={"object": "wooden_pickaxe"}), CRAFT_ITEMS)
    holding = [("log", 2, 0), ("wooden pickaxe", 1, 0)]
    decisions = run_until(routine, [minedojo_obs(inventory=holding),
                                    minedojo_obs(inventory=holding, held="wooden pickaxe")])
    assert decisions == [[0, 0, 0, 12, 12, controls.EQUIP, 0, 1], controls.Finished(True, "equipped wooden_pickaxe")]


@pytest.mark.parametrize("action, invalid, feedback", [
    (StructuredAction(name="teleport", args={"object": "diamond"}), True, "unknown action 'teleport'"),
    (StructuredAction(name="craft", args={"object": "mithril_sword"}), True, "no recipe called 'mithril_sword'"),
    (StructuredAction(name="mine", args={}), True, "mine needs an object"),
    (StructuredAction(name="go_up", args={}), False, "not available through the MineDojo adapter"),
])
def test_actions_without_a_routine_say_why(action, invalid, feedback):
    result = routine_for(action, CRAFT_ITEMS)
    assert isinstance(result, ActionResult) and not result.success
    assert result.invalid == invalid and feedback in result.feedback


def test_without_minedojo_one_clear_error():
    try:
        import minedojo  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("minedojo is installed here")
    with pytest.raises(UserInputError, match="MineDojo is not installed: pip install minedojo"):
        make_env()
    done = subprocess.run([sys.executable, "-m", "agents.minecraft", "--env", "envs.minecraft.minedojo.env:make_env",
                           "--task", "crafting_table"], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 2 and "MineDojo is not installed" in done.stderr and "Traceback" not in done.stderr
