"""Whatever a planner, a decomposer or a text model does, the Minecraft agent goes on: the
deterministic backend's answer instead, counted as a fallback."""

import pytest

from agents.minecraft.runner import MinecraftOptions, run_task
from planners.minecraft.llm import LLMActionPlanner, LLMDecomposer
from planners.text_model import TextModelError
from scenarios.minecraft.tasks import item_task

NESTED = '{"explanation": ' * 50_000 + '"x"' + "}" * 50_000


class Always:
    """A text model that always answers the same thing (or raises it)."""

    name = "always"

    def __init__(self, answer):
        self.answer = answer

    def complete(self, system, user, images=None):
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


class BrokenPlanner:
    name = "broken"

    def __init__(self, answer):
        self.answer = answer

    def decide(self, context):
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer


def crafting_table(**run) -> dict:
    return run_task(item_task("crafting_table"), MinecraftOptions(seed=0), **run).record


@pytest.mark.parametrize("answer", [None, b'{"action_list": []}', {"action_list": []}, ValueError("bad"),
                                    KeyError("x"), TextModelError("down"), NESTED],
                         ids=["none", "bytes", "dict", "value-error", "key-error", "model-error", "nested-json"])
def test_a_text_model_that_misbehaves_is_a_counted_fallback(answer):
    record = crafting_table(planner=LLMActionPlanner(Always(answer)))
    assert record["success"] and record["fallbacks"] == record["planner_queries"] > 0


@pytest.mark.parametrize("answer", [RuntimeError("plug-in bug"), None, "mine a tree", {"action_list": []}],
                         ids=["raises", "none", "string", "dict"])
def test_a_planner_plug_in_that_misbehaves_is_a_counted_fallback(answer):
    record = crafting_table(planner=BrokenPlanner(answer))
    assert record["success"] and record["fallbacks"] == record["planner_queries"] > 0


@pytest.mark.parametrize("answer", [None, ZeroDivisionError("oops"), NESTED], ids=["none", "raises", "nested-json"])
def test_a_decomposer_that_misbehaves_falls_back_to_the_knowledge_graph(answer):
    from envs.minecraft.sim.rules import rules

    record = crafting_table(decomposer=LLMDecomposer(Always(answer), rules()))
    assert record["success"] and "crafting_table" in record["tree"]
    plug_in = crafting_table(decomposer=BrokenPlanner(answer))
    assert plug_in["success"]


def test_nested_json_gets_the_driving_planners_repair_round_trip():
    from planners.driving.decision import SpeedDecision
    from planners.driving.llm_planner import LLMDrivingPlanner
    from tests.planners.helpers import context
    from tests.planners.test_minecraft_llm import ScriptedModel

    good = '{"speed": "STOP", "path": "FOLLOW_LANE", "explanation": "a red light"}'
    model = ScriptedModel([NESTED, good])
    planner = LLMDrivingPlanner(model)
    assert planner.decide(context()).speed == SpeedDecision.STOP and planner.last_status == "repaired"
    assert len(model.prompts) == 2
