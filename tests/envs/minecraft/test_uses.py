import numpy as np

from envs.minecraft.contracts import MinecraftTask, StructuredAction
from envs.minecraft.sim.env import EmbeddedMinecraft
from envs.minecraft.sim.palette import AIR, BLOCKS, ID
from envs.minecraft.sim.worldgen import generate_chunk


def start(seed: int, **inventory) -> EmbeddedMinecraft:
    env = EmbeddedMinecraft()
    env.reset(MinecraftTask(seed=seed, initial_inventory=inventory))
    return env


def act(env, name, **args):
    return env.step(StructuredAction(name=name, args=args)).info["result"]


def test_shears_on_a_sheep_give_wool_once_and_wear():
    env = start(7, shears=1)
    engine = env.engine
    engine.mobs.mobs.clear()
    x, y, z = engine.player.cell()
    sheep = engine.mobs._spawn("sheep", x + 1, y, z)
    result = act(env, "apply", object="sheep", tool="shears")
    assert result["success"] and sheep.sheared and sheep.id in engine.mobs.mobs  # shorn, not killed
    assert 1 <= result["inventory_delta"]["white_wool"] <= 3 and "shears" not in result["inventory_delta"]
    assert engine.player.wear.spent == {"shears": 1}
    again = act(env, "apply", object="sheep", tool="shears")
    assert again["feedback"] == "cannot apply shears to sheep: an unsheared sheep is not in sight; explore first"


def test_a_bucket_on_a_cow_gives_milk_and_an_axe_strips_a_log():
    env = start(7, bucket=1, wooden_axe=1)
    engine = env.engine
    engine.mobs.mobs.clear()
    x, y, z = engine.player.cell()
    engine.mobs._spawn("cow", x, y, z + 1)
    milk = act(env, "apply", object="cow", tool="bucket")
    assert milk["inventory_delta"] == {"bucket": -1, "milk_bucket": 1}
    engine.set_block(x + 2, y, z, ID["oak_log"])
    stripped = act(env, "apply", object="oak_log", tool="wooden_axe")
    assert stripped["success"] and stripped["inventory_delta"] == {"stripped_oak_log": 1}
    assert engine.world.get(x + 2, y, z) == AIR
    refused = act(env, "apply", object="cow", tool="wooden_axe")
    assert refused["feedback"].startswith("cannot apply wooden_axe to cow: wooden_axe can be applied to acacia_log")


def test_each_biome_grows_its_own_trees_plants_and_ground():
    from envs.minecraft.sim.worldgen import BIOMES

    found: dict[str, set[str]] = {name: set() for name in BIOMES}
    for cx in range(-12, 13, 2):
        for cz in range(-12, 13, 2):
            blocks, biome = generate_chunk(0, cx, cz)
            dominant = BIOMES[int(np.bincount(biome.ravel(), minlength=len(BIOMES)).argmax())]
            found[dominant] |= {name for name in np.unique(blocks).tolist() for name in [BLOCKS[name]]}
    assert {"dandelion", "poppy", "oak_log"} <= found["plains"]
    assert {"jungle_log", "jungle_leaves", "cocoa", "vine"} <= found["jungle"]
    assert {"acacia_log", "acacia_leaves"} <= found["savanna"]
    assert {"dark_oak_log", "dark_oak_leaves"} <= found["dark_forest"]
    assert {"blue_orchid", "lily_pad", "vine", "clay"} <= found["swamp"]
    assert {"red_sand", "terracotta", "orange_terracotta"} <= found["badlands"]
    assert {"snow", "spruce_log"} <= found["snowy_tundra"]
    assert {"allium", "cornflower", "white_tulip", "peony"} <= found["flower_forest"]
    assert "jungle_log" not in set().union(*(blocks for name, blocks in found.items() if name != "jungle"))


def test_a_flower_is_mined_by_hand_and_flint_comes_by_chance():
    env = start(7)
    engine = env.engine
    x, y, z = engine.player.cell()
    engine.set_block(x + 1, y, z, ID["poppy"])
    result = act(env, "mine", object="poppy")
    assert result["success"] and result["inventory_delta"] == {"poppy": 1}
    flint = 0
    for index in range(20):
        engine.set_block(x - 1, y, z + (index % 2), ID["gravel"])
        flint += act(env, "mine", object="gravel")["inventory_delta"].get("flint", 0)
    assert 0 < flint < 20  # seeded rolls: about one break in ten gives flint instead of gravel


def test_nothing_is_tunnelled_to_by_hand_and_trees_never():
    from envs.minecraft.sim.actions import StructuredActions
    from tests.envs.minecraft.helpers import carve, engine_at, flat_world

    world = flat_world()
    carve(world, (0, 60, 6), (0, 60, 6), "sand")  # sand sealed in the stone floor, six blocks away
    engine = engine_at(world, (0, 64, 0), wooden_pickaxe=1)
    engine.seen.set(0, 60, 6, ID["sand"])  # as if seen before it was covered
    actions = StructuredActions(engine)
    assert not actions._can_tunnel_to((0, 60, 6))  # bare hands
    engine.player.equipped = "wooden_pickaxe"
    assert actions._can_tunnel_to((0, 60, 6))
    world.set(0, 64, 6, ID["oak_leaves"])
    assert not actions._can_tunnel_to((0, 64, 6))  # a tree stands in the open
    steps = engine.steps
    engine.player.equipped = None
    result = actions.execute(StructuredAction(name="mine", args={"object": "sand"}))
    assert not result.success and engine.steps - steps < 100  # refused without a long dig by hand


def test_every_block_the_actions_place_is_one_the_world_stores():
    from envs.minecraft.sim.actions import FILLERS, StructuredActions
    from envs.minecraft.sim.palette import BLOCKS as STORED
    from tests.envs.minecraft.helpers import engine_at, flat_world

    assert set(FILLERS) <= set(STORED)
    world = flat_world()
    world.set(0, 70, 0, ID["stone"])  # a roof, so the climb does not stop at the open sky
    engine = engine_at(world, (0, 64, 0), acacia_planks=3)  # a pillar of the only planks held
    climbed, _ = StructuredActions(engine)._pillar_up(None, blocks=2)
    assert climbed and engine.player.cell()[1] == 66 and engine.world.get(0, 64, 0) == ID["acacia_planks"]
