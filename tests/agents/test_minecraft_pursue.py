"""Decomposer, rule planner, plan memory and the embedded world together: a diamond from scratch."""

from agents.minecraft.pursue import pursue
from envs.minecraft.contracts import MinecraftTask
from envs.minecraft.sim.env import EmbeddedMinecraft
from envs.minecraft.sim.rules import rules
from memory.plan_memory import PlanMemory
from planners.minecraft.decomposer import KnowledgeGraphDecomposer
from planners.minecraft.rule_planner import RuleBasedActionPlanner


def run(seed: int, memory: PlanMemory):
    env = EmbeddedMinecraft()
    env.reset(MinecraftTask(seed=seed))
    return pursue(env, "diamond", KnowledgeGraphDecomposer(rules()), RuleBasedActionPlanner(), memory)


def test_the_agent_obtains_a_diamond_and_remembers_how():
    memory = PlanMemory()
    report = run(4, memory)
    assert report.success and report.steps < 12_000
    assert report.obtained["wooden_pickaxe"] < report.obtained["stone_pickaxe"] < report.obtained["iron_pickaxe"]
    assert report.obtained["iron_pickaxe"] < report.obtained["diamond"]
    assert "- 1 diamond: mine diamond_ore with iron_pickaxe" in report.tree
    assert [a["name"] for a in memory.reference_plan("diamond")] == ["equip", "dig_down", "explore", "mine"]
    assert memory.reference_plan("wooden_pickaxe") == [
        {"name": "craft", "args": {"object": "wooden_pickaxe", "count": 1}, "expectation": "1 wooden_pickaxe"}]
    assert set(memory.goals()) >= {"log", "planks", "crafting_table", "wooden_pickaxe", "iron_ingot", "diamond"}
