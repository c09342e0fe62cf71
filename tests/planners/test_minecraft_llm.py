"""The LLM backends of the Minecraft planner and decomposer over a scripted text model: answers
are validated, repaired once, and replaced by the deterministic backend when still unusable."""

import json

from envs.minecraft.knowledge import knowledge_documents
from envs.minecraft.sim.rules import rules
from memory.knowledge import KnowledgeStore
from planners.minecraft.context import PlanContext, SubGoalSpec
from planners.minecraft.decomposer import KnowledgeGraphDecomposer
from planners.minecraft.llm import LLMActionPlanner, LLMDecomposer
from planners.minecraft.prompt import ACTION_INTERFACE, INTERACTION_GUIDELINE, QUERY_ILLUSTRATION, RESPONSE_FORMAT
from planners.text_model import TextModel, TextModelError


class ScriptedModel:
    """Answers from a list, in order; records the prompts it was given."""

    name = "scripted"

    def __init__(self, answers):
        self.answers = list(answers)
        self.prompts: list[tuple[str, str]] = []

    def complete(self, system, user, images=None):
        self.prompts.append((system, user))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


CONTEXT = PlanContext(goal="diamond", sub_goal=SubGoalSpec(object="log", count=3, method="mine", source="oak_log"),
                      inventory={}, y_level=64, biome="forest", seen_blocks={"oak_log": 4})
GOOD = json.dumps({"explanation": "trees are near", "thoughts": "mine three",
                   "action_list": [{"name": "mine", "args": {"object": "log"}, "expectation": "1 log"}]})


def test_a_valid_answer_is_used_and_the_prompt_has_gitm_s_four_parts():
    model = ScriptedModel([GOOD])
    assert isinstance(model, TextModel)
    planner = LLMActionPlanner(model)
    plan = planner.decide(CONTEXT)
    assert [a.name for a in plan.action_list] == ["mine"] and planner.last_status == "ok"
    system, user = model.prompts[0]
    for part in (ACTION_INTERFACE, QUERY_ILLUSTRATION, RESPONSE_FORMAT, INTERACTION_GUIDELINE):
        assert part in system
    assert "Sub-goal: obtain 3 log (mine oak_log)" in user


def test_an_unusable_answer_gets_one_repair_round_trip():
    model = ScriptedModel(["I would mine some trees.", GOOD])
    planner = LLMActionPlanner(model)
    assert planner.decide(CONTEXT).action_list[0].name == "mine" and planner.last_status == "repaired"
    assert "could not be used" in model.prompts[1][1]


def test_unknown_actions_twice_or_a_dead_server_fall_back_to_the_rule_planner():
    teleport = json.dumps({"action_list": [{"name": "teleport", "args": {"object": "diamond"}}]})
    planner = LLMActionPlanner(ScriptedModel([teleport, teleport]))
    plan = planner.decide(CONTEXT)
    assert planner.last_status == "fallback" and "unknown action 'teleport'" in planner.last_problem
    assert [a.name for a in plan.action_list] == ["mine", "mine", "mine"]  # the rule plan: logs in sight
    down = LLMActionPlanner(ScriptedModel([TextModelError("connection refused")]))
    assert down.decide(CONTEXT).action_list and down.last_status == "fallback"
    assert "connection refused" in down.last_problem


def test_the_llm_decomposer_validates_names_and_falls_back():
    store = KnowledgeStore()
    store.add(knowledge_documents(rules()))
    tree = {"object": "stick", "count": 4, "method": "craft",
            "children": [{"object": "planks", "count": 2, "method": "craft",
                          "children": [{"object": "log", "count": 1, "method": "mine", "source": "oak_log"}]}]}
    model = ScriptedModel([json.dumps(tree)])
    decomposer = LLMDecomposer(model, rules(), store)
    answer = decomposer.decompose("stick", 4)
    assert [(n.object, n.method) for n in answer.post_order()] == [("log", "mine"), ("planks", "craft"),
                                                                   ("stick", "craft")]
    assert "Craft 4 stick from 2 oak_planks" in model.prompts[0][1]  # retrieved knowledge in the prompt
    hallucinated = {**tree, "children": [{"object": "mithril_planks", "count": 2, "method": "craft"}]}
    fallback = LLMDecomposer(ScriptedModel([json.dumps(hallucinated), "{}"]), rules(), store)
    tree_back = fallback.decompose("stick", 4)
    assert fallback.last_status == "fallback"
    assert tree_back.render() == KnowledgeGraphDecomposer(rules()).decompose("stick", 4).render()


def test_every_fifth_success_is_summarised_by_the_model_or_merged():
    from memory.plan_memory import PlanMemory
    from planners.minecraft.llm import llm_summariser

    plan = [{"name": "explore", "args": {"object": "log", "strategy": "surface"}, "expectation": ""},
            {"name": "mine", "args": {"object": "log"}, "expectation": ""}]
    general = json.dumps({"explanation": "trees first", "thoughts": "",
                          "action_list": [{"name": "mine", "args": {"object": "log"}, "expectation": "logs"}]})
    model = ScriptedModel([general])
    memory = PlanMemory(summarise_every=5, summariser=llm_summariser(model))
    summaries = [memory.record_success("log", plan) for _ in range(5)]
    assert summaries[:4] == [None] * 4
    assert summaries[4] == [{"name": "mine", "args": {"object": "log"}, "expectation": "logs"}]
    assert memory.reference_plan("log") == summaries[4] and "5. explore" in model.prompts[0][1]
    broken = PlanMemory(summarise_every=5, summariser=llm_summariser(ScriptedModel(["no idea"])))
    merged = [broken.record_success("log", plan) for _ in range(5)][-1]
    assert merged == plan  # the deterministic merge
