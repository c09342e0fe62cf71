import pytest

from envs.minecraft.sim.rules import UnknownName, rules
from planners.minecraft.decomposer import KnowledgeGraphDecomposer


def steps(tree) -> list[tuple[str, str]]:
    return [(node.object, node.method) for node in tree.post_order()]


def test_diamond_decomposes_into_the_tech_tree_in_post_order():
    tree = KnowledgeGraphDecomposer(rules()).decompose("diamond")
    order = steps(tree)
    assert order[-1] == ("diamond", "mine") and tree.tool == "iron_pickaxe" and tree.source == "diamond_ore"
    firsts = {item: order.index((item, method)) for item, method in (
        ("log", "mine"), ("planks", "craft"), ("stick", "craft"), ("crafting_table", "craft"),
        ("wooden_pickaxe", "craft"), ("cobblestone", "mine"), ("stone_pickaxe", "craft"), ("iron_ore", "mine"),
        ("furnace", "craft"), ("iron_ingot", "smelt"), ("iron_pickaxe", "craft"))}
    assert firsts["log"] < firsts["planks"] < firsts["crafting_table"] < firsts["wooden_pickaxe"]
    assert firsts["wooden_pickaxe"] < firsts["cobblestone"] < firsts["stone_pickaxe"] < firsts["iron_ore"]
    assert firsts["furnace"] < firsts["iron_ingot"] < firsts["iron_pickaxe"]
    assert "- 1 diamond: mine diamond_ore with iron_pickaxe" in tree.render()


def test_counts_scale_with_recipes():
    tree = KnowledgeGraphDecomposer(rules()).decompose("stick", count=8)
    assert (tree.method, tree.count) == ("craft", 8)
    assert [(c.object, c.count) for c in tree.children] == [("planks", 4)]  # 2 planks make 4 sticks
    assert [(c.object, c.count) for c in tree.children[0].children] == [("log", 1)]


def test_hallucinated_items_are_refused():
    with pytest.raises(UnknownName, match="there is no item called 'adamantium_pickaxe'"):
        KnowledgeGraphDecomposer(rules()).decompose("adamantium_pickaxe")


def test_any_wood_will_do_unless_the_recipe_names_one():
    decomposer = KnowledgeGraphDecomposer(rules())
    assert steps(decomposer.decompose("stick")) == [("log", "mine"), ("planks", "craft"), ("stick", "craft")]
    door = decomposer.decompose("oak_door")
    assert [(c.object, c.count) for c in door.children] == [("oak_planks", 6), ("crafting_table", 1)]
    assert (door.children[0].children[0].object, door.children[0].children[0].source) == ("oak_log", "oak_log")


def test_gathering_upfront_raises_the_first_trip_to_the_whole_need():
    tree = KnowledgeGraphDecomposer(rules()).decompose("wooden_pickaxe").gather_upfront()
    logs = [node.count for node in tree.post_order() if node.object == "log"]
    assert logs == [3, 1, 1]  # one trip for the three logs planks, sticks and the table need
