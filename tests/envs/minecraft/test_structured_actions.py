"""GITM's structured actions on the embedded world, real rules, real world generation."""

from envs.minecraft.contracts import StructuredAction
from envs.minecraft.sim.actions import StructuredActions
from envs.minecraft.sim.engine import Engine, Player
from envs.minecraft.sim.inventory import Inventory
from envs.minecraft.sim.palette import ID
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.world import VoxelWorld

DIAMOND_SEED = 10  # a world whose start has trees, stone, iron and a diamond within a day's tunnelling


def start(seed: int) -> tuple[Engine, StructuredActions]:
    world = VoxelWorld(seed)
    engine = Engine(world, rules(), Player(0.5, float(world.surface_y(0, 0) + 1), 0.5), seed=seed)
    return engine, StructuredActions(engine)


def test_a_scripted_plan_obtains_a_diamond_within_the_step_budget():
    engine, actions = start(DIAMOND_SEED)
    inventory = engine.player.inventory

    def do(name, **args):
        result = actions.execute(StructuredAction(name=name, args=args))
        assert result.success, f"{name}{args}: {result.feedback}"
        assert result.steps > 0
        return result

    for _ in range(6):
        do("mine", object="log")
    logs = {item: n for item, n in inventory.as_dict().items() if item.endswith("_log")}
    assert sum(logs.values()) >= 6  # (a log in the way of another counts too)
    for log, n in logs.items():
        do("craft", object=log.replace("_log", "_planks"), count=4 * n)
    do("craft", object="crafting_table")
    do("craft", object="stick", count=16)  # pickaxes of wood, iron and stone (they wear out)
    delta = do("craft", object="wooden_pickaxe").inventory_delta
    assert delta["wooden_pickaxe"] == 1 and delta["stick"] == -2
    assert sorted(delta.values()) == [-3, -2, 1]  # three planks of one wood
    do("dig_down", ylevel=int(engine.player.y) - 8, tool="wooden_pickaxe")
    while inventory["cobblestone"] < 11:
        do("mine", object="stone", tool="wooden_pickaxe")
    do("craft", object="stone_pickaxe")
    do("craft", object="furnace")
    do("dig_down", ylevel=30, tool="stone_pickaxe")
    while inventory["iron_ore"] < 3:
        seen_one = actions.execute(StructuredAction(name="mine", args={"object": "iron_ore", "tool": "stone_pickaxe"}))
        if not seen_one.success:  # only what the rays have shown can be mined: look for more
            assert seen_one.feedback.endswith("explore first")
            do("explore", object="iron_ore", strategy="underground")
    smelted = do("smelt", object="iron_ingot", materials="iron_ore", count=3)
    assert smelted.inventory_delta["iron_ingot"] == 3 and smelted.steps == 600
    do("craft", object="iron_pickaxe")
    do("dig_down", ylevel=11, tool="stone_pickaxe")  # tunnel with stone, keep the iron for the ore
    while True:
        if inventory["stone_pickaxe"] == 0:
            do("craft", object="stone_pickaxe")
        do("equip", object="stone_pickaxe")
        search = actions.execute(StructuredAction(name="explore", args={"object": "diamond_ore",
                                                                        "strategy": "underground"}))
        if search.success:
            break
        assert search.feedback.startswith("tunnelled without finding diamond_ore") and engine.steps < 12_000
    do("mine", object="diamond_ore", tool="iron_pickaxe")
    assert inventory["diamond"] == 1
    assert engine.steps < 12_000


def test_impossible_actions_fail_with_a_sentence():
    engine, actions = start(DIAMOND_SEED)

    def feedback(name, **args):
        result = actions.execute(StructuredAction(name=name, args=args))
        assert not result.success and result.inventory_delta == {}
        return result.feedback

    assert feedback("teleport", object="diamond").startswith("unknown action 'teleport'; actions are:")
    assert feedback("mine", object="mithril") == \
        "cannot mine mithril: no item, block or mob of this world is called 'mithril'"
    assert feedback("mine", object="diamond_sword") == "cannot mine diamond_sword: no such block in this world"
    assert actions.execute(StructuredAction(name="craft", args={"object": "mithril_ingot"})).invalid
    assert feedback("mine", object="log", tool="diamond_pickaxe") == \
        "cannot mine log with diamond_pickaxe: no diamond_pickaxe in the inventory"
    assert feedback("craft", object="furnace") == "cannot craft furnace: missing 8 cobblestone"
    assert feedback("smelt", object="iron_ingot") == "cannot smelt iron_ingot: nothing in the inventory smelts into it"
    assert feedback("explore", object="log", strategy="sideways") == \
        "cannot explore with strategy 'sideways': use 'surface' or 'underground'"
    assert feedback("dig_down", depth=3) == \
        "invalid arguments for dig_down: unknown argument depth; it takes ylevel, tool (optional), collect (optional), count (optional)"
    assert feedback("mine") == "invalid arguments for mine: missing object; it takes object, tool (optional)"
    assert feedback("dig_down", ylevel="deep") == \
        "invalid arguments for dig_down: invalid literal for int() with base 10: 'deep'"


def test_mining_diamond_ore_with_a_wooden_pickaxe_is_refused():
    engine, actions = start(DIAMOND_SEED)
    engine.player.inventory = Inventory({"wooden_pickaxe": 1})
    x, y, z = engine.player.cell()
    engine.world.set(x + 2, y, z, ID["diamond_ore"])
    result = actions.execute(StructuredAction(name="mine", args={"object": "diamond_ore", "tool": "wooden_pickaxe"}))
    assert not result.success
    assert result.feedback == ("cannot mine diamond_ore with wooden_pickaxe: it needs one of diamond_pickaxe, "
                               "iron_pickaxe, netherite_pickaxe")


def test_dig_down_then_go_up_returns_to_the_surface():
    engine, actions = start(3)  # dry ground under the start
    engine.player.inventory = Inventory({"stone_pickaxe": 1, "cobblestone": 4})  # (caves may take blocks)
    surface = int(engine.player.y)
    down = actions.execute(StructuredAction(name="dig_down", args={"ylevel": surface - 10, "tool": "stone_pickaxe"}))
    assert down.success and down.feedback == f"dug down to y={surface - 10}"
    assert engine.player.inventory["cobblestone"] + engine.player.inventory["dirt"] >= 8
    up = actions.execute(StructuredAction(name="go_up", args={"tool": "stone_pickaxe"}))
    assert up.success and up.feedback.startswith("reached the surface at y=")
    assert int(engine.player.y) >= surface


def test_explore_the_surface_then_approach_with_a_star():
    engine, actions = start(3)
    explored = actions.execute(StructuredAction(name="explore", args={"object": "sand", "strategy": "surface"}))
    assert explored.success and explored.steps > 0
    approached = actions.execute(StructuredAction(name="approach", args={"object": "sand"}))
    assert approached.success and approached.feedback.startswith("reached sand at")
    target = actions.find(["sand"])
    assert actions.distance_to(engine.player.cell(), target) <= 4.0
