from envs.minecraft.contracts import MinecraftTask, StructuredAction
from envs.minecraft.sim.env import EmbeddedMinecraft
from envs.minecraft.sim.palette import ID


def start(seed: int, start_time: int = 0, **inventory) -> EmbeddedMinecraft:
    env = EmbeddedMinecraft()
    env.reset(MinecraftTask(seed=seed, start_time=start_time, initial_inventory=inventory))
    return env


def act(env, name, **args):
    return env.step(StructuredAction(name=name, args=args)).info["result"]


def test_animals_graze_by_day_and_give_their_loot():
    env = start(13)  # cows in sight of the spawn
    kinds = {mob.kind for mob in env.engine.mobs.mobs.values()}
    assert "cow" in kinds and not any(mob.hostile for mob in env.engine.mobs.mobs.values())  # by day: no monsters
    result = act(env, "attack", object="cow")
    assert result["success"] and result["feedback"].startswith("killed the cow and got")
    delta = result["inventory_delta"]
    assert 1 <= delta["beef"] <= 3 and 0 <= delta.get("leather", 0) <= 2 and result["steps"] >= 10 * 13
    dragon = act(env, "attack", object="dragon")
    assert dragon["feedback"] == "cannot attack dragon: no item, block or mob of this world is called 'dragon'"
    assert dragon["invalid"] and not dragon["success"]


def test_hostile_mobs_spawn_in_the_dark_only():
    day, night = start(9, 0), start(9, 13_000)
    day.engine.spend(3000)
    night.engine.spend(3000)
    for env, time_of_day in ((day, 0), (night, 13_000)):
        for mob in env.engine.mobs.mobs.values():
            if mob.hostile and time_of_day == 0:  # by day only under a roof: caves
                assert not env.engine.mobs._under_sky(mob)
    assert day.engine.damage_taken == 0.0  # on the sunlit surface
    assert sum(mob.hostile for mob in night.engine.mobs.mobs.values()) > 0
    assert night.engine.damage_taken > 0.0


def test_a_lost_fight_ends_the_episode():
    env = start(9, 13_000)
    env.engine.spend(5000)
    assert env.engine.player.health == 0.0 and env.engine.exhausted
    step = env.step(StructuredAction(name="mine", args={"object": "log"}))
    assert step.terminated and step.info["result"]["feedback"].startswith("the episode is over")


def test_bucket_and_blueprint():
    env = start(7, bucket=1, cobblestone=3)
    x, y, z = env.engine.player.cell()
    env.engine.world.set(x + 1, y - 1, z, ID["water"])
    result = act(env, "apply", object="water", tool="bucket")
    assert result["feedback"] == "used bucket on water: got 1 water_bucket"
    assert result["inventory_delta"] == {"bucket": -1, "water_bucket": 1}
    assert act(env, "apply", object="water", tool="shears")["feedback"] == \
        "cannot apply shears to water: shears can be applied to pumpkin, sheep"
    x, y, z = env.engine.player.cell()
    result = act(env, "build", blueprint="2,0,0:cobblestone; 2,1,0:cobblestone")
    assert result["success"] and result["feedback"] == "built 2 of 2 blocks"
    assert env.engine.world.get(x + 2, y + 1, z) == ID["cobblestone"]
    assert act(env, "build", blueprint="2,2,0:cobblestone; 3,0,0:cobblestone")["feedback"] == \
        "cannot build: missing 1 cobblestone"
    assert act(env, "build", blueprint="up:stone")["feedback"] == \
        "cannot build: a blueprint is 'dx,dy,dz:block; dx,dy,dz:block; ...'"


def test_each_biome_spawns_its_own_kinds_and_fish_stay_in_the_water():
    from envs.minecraft.sim.mobs import MobManager
    from envs.minecraft.sim.world import VoxelWorld

    desert, snowy = MobManager(VoxelWorld(1), 1), MobManager(VoxelWorld(0), 0)
    x, z = -87, -79
    y = desert.world.surface_y(x, z) + 1
    assert desert.world.biome(x, z) == "desert"
    assert desert._variant("zombie", x, y, z) == "husk" and desert._variant("zombie", x, 20, z) == "zombie"
    x, z = -70, 134
    assert snowy.world.biome(x, z) == "snowy_tundra"
    assert snowy._variant("skeleton", x, snowy.world.surface_y(x, z) + 2, z) == "stray"
    assert snowy._variant("creeper", x, 70, z) == "creeper"
    env = start(0)
    engine = env.engine
    engine.mobs.populate_around(0, 0, radius=96)
    fish = [m for m in engine.mobs.mobs.values() if m.kind in ("squid", "cod", "salmon", "tropical_fish",
                                                                "pufferfish")]
    assert fish and all(engine.world.get(m.x, m.y, m.z) == ID["water"] for m in fish)
    for step in range(0, 2000, 20):
        engine.mobs.tick(step, 6000, engine.player)
    assert all(engine.world.get(m.x, m.y, m.z) == ID["water"] for m in fish if m.id in engine.mobs.mobs)
