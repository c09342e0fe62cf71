import pytest

from envs.minecraft.obtaining import Ways
from envs.minecraft.overworld import overworld
from envs.minecraft.sim.rules import UnknownName, rules
from planners.minecraft.decomposer import KnowledgeGraphDecomposer
from scenarios.minecraft.tech_tree import exclusions, tech_tree


def leaves(tree):
    return [node for node in tree.post_order() if not node.children or node.method in ("mine", "attack", "apply")]


def test_the_tree_is_derived_from_minecraft_data_by_the_rule():
    tree = tech_tree()
    assert len(tree) == 601 and len(set(tree)) == len(tree)
    for item in ("apple", "oak_sapling", "wheat_seeds", "milk_bucket", "cooked_beef", "cooked_mutton", "flint",
                 "paper", "brick", "white_wool", "red_bed", "diamond_pickaxe", "jukebox", "stripped_birch_log",
                 "black_concrete", "cyan_glazed_terracotta", "ender_pearl", "carrot_on_a_stick"):
        assert item in tree, item
    # left out by the rule: growth, structures, fishing, brewing, the Nether and the End, villagers, creative
    for item in ("wheat", "bread", "egg", "honeycomb", "saddle", "name_tag", "nautilus_shell", "potion",
                 "enchanted_book", "blaze_rod", "netherite_ingot", "quartz", "ender_eye", "bell",
                 "bedrock", "cow_spawn_egg", "command_block", "ice", "grass_block"):
        assert item not in tree, item
    assert set(exclusions()) == {"time", "brewing_and_enchanting", "structures", "fishing", "nether_and_end",
                                 "villagers", "creative"}


def test_every_tree_item_has_a_way_from_items_already_on_the_tree():
    ways, tree = Ways(rules()), set(tech_tree())
    world = overworld()
    for item in tree:
        way = ways.best(item)
        if way.method == "craft":
            assert {name for name, _ in way.recipe.ingredients} <= tree, item
        elif way.method == "smelt":
            assert way.source in tree, item
        elif way.method == "mine":
            assert way.source in world.blocks and (way.tool is None or way.tool in tree), item
        elif way.method == "attack":
            assert way.source in world.mobs, item
        else:
            assert way.method == "apply" and way.tool in tree, item


def test_every_derived_item_has_a_plan_down_to_natural_sources():
    decomposer = KnowledgeGraphDecomposer(rules())
    world = overworld()
    for item in tech_tree():
        tree = decomposer.decompose(item)
        assert tree.object == item
        for node in leaves(tree):
            if node.method == "mine":
                assert node.source in world.blocks, (item, node.source)
            elif node.method in ("attack", "apply"):
                assert node.source in world.mobs or node.source in world.blocks, (item, node.source)
    with pytest.raises(UnknownName, match="cannot plan wheat"):
        decomposer.decompose("wheat")


def test_the_new_sources_are_planned_as_the_game_gives_them():
    decomposer = KnowledgeGraphDecomposer(rules())
    flint = decomposer.decompose("flint", 2)
    assert (flint.method, flint.source, flint.tool, flint.per_action) == ("mine", "gravel", None, 0.1)
    sapling = decomposer.decompose("oak_sapling")
    assert (sapling.method, sapling.source, sapling.per_action) == ("mine", "oak_leaves", 0.05)
    seeds = decomposer.decompose("wheat_seeds")
    assert (seeds.source, seeds.per_action) == ("grass", 0.125)
    milk = decomposer.decompose("milk_bucket")
    assert (milk.method, milk.source, milk.tool) == ("apply", "cow", "bucket")
    assert [c.object for c in milk.children] == ["bucket"]
    beef = decomposer.decompose("cooked_beef")
    assert (beef.method, beef.source) == ("smelt", "beef")
    assert [(c.object, c.method, c.source) for c in beef.children] == [
        ("beef", "attack", "cow"), ("furnace", "craft", None), ("planks", "craft", None)]
    mutton = decomposer.decompose("cooked_mutton")
    assert (mutton.children[0].method, mutton.children[0].source) == ("attack", "sheep")
    paper = decomposer.decompose("paper", 3)
    assert [(c.object, c.count, c.source) for c in paper.children] == [("sugar_cane", 3, "sugar_cane"),
                                                                       ("crafting_table", 1, None)]
    brick = decomposer.decompose("brick")
    assert (brick.children[0].object, brick.children[0].source) == ("clay_ball", "clay")
    carved = decomposer.decompose("carved_pumpkin")
    assert (carved.method, carved.source, carved.tool) == ("apply", "pumpkin", "shears")
    assert "- 1 flint: mine gravel (0.1 a try)" in flint.render().replace("2 flint", "1 flint")


def test_the_cheapest_way_weighs_rarity_and_chance():
    ways = Ways(rules())
    assert ways.best("stick").method == "craft"  # not a dead bush's sticks
    assert ways.best("white_wool").source == "sheep"  # a kill is cheaper than shears made of iron
    assert ways.best("torch").recipe.needs() == {"coal": 1, "stick": 1}  # charcoal needs a furnace first
    assert ways.best("white_dye").recipe.needs() == {"lily_of_the_valley": 1}
    assert ways.cost("apple") == pytest.approx(200.0)  # 0.5 % a leaf
    assert ways.best("wheat") is None and ways.cost("wheat") == float("inf")


def test_a_source_not_found_is_planned_around():
    decomposer = KnowledgeGraphDecomposer(rules())
    sources = [leaf.source for leaf in leaves(decomposer.decompose("light_blue_dye"))]
    assert sources == ["cornflower", "lily_of_the_valley"]
    assert [leaf.source for leaf in leaves(decomposer.decompose("light_blue_dye", avoid=["cornflower"]))] == \
        ["blue_orchid"]
    around = decomposer.decompose("light_blue_dye", avoid=["cornflower", "blue_orchid"])
    assert [leaf.source for leaf in leaves(around) if leaf.method == "mine" and leaf.object != "log"][-2:] == \
        ["lapis_ore", "lily_of_the_valley"]
    wool = decomposer.decompose("white_wool", avoid=["sheep"])
    assert (wool.method, [(c.object, c.count, c.source) for c in wool.children]) == ("craft", [("string", 4, "spider")])
    with pytest.raises(UnknownName):
        decomposer.decompose("poppy", avoid=["poppy"])


def test_hostile_drops_are_hunted_in_the_caves_with_a_pickaxe():
    from planners.minecraft.context import PlanContext, SubGoalSpec
    from planners.minecraft.rule_planner import RuleBasedActionPlanner

    string = KnowledgeGraphDecomposer(rules()).decompose("string")
    assert (string.method, string.source, string.tool) == ("attack", "spider", "stone_pickaxe")
    assert [c.object for c in string.children] == ["stone_pickaxe"]
    context = PlanContext(goal="string", sub_goal=SubGoalSpec(object="string", count=1, method="attack",
                                                              source="spider", tool="stone_pickaxe"),
                          inventory={"stone_pickaxe": 1}, y_level=70, biome="plains", seen_blocks={})
    plan = RuleBasedActionPlanner().decide(context)
    assert [(a.name, a.args.get("strategy")) for a in plan.action_list[:4]] == [
        ("equip", None), ("dig_down", None), ("explore", "underground"), ("attack", None)]
