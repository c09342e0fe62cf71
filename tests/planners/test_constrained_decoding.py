"""Decoding under a JSON schema (xgrammar): in process, through planners.serve's response_format,
and from the OpenAI-compatible client with a fallback for servers that refuse it."""

import json

import numpy as np
import pytest

from planners.driving.decision import Decision
from planners.driving.llm_planner import DECISION_SCHEMA, LLMDrivingPlanner
from planners.driving.parser import parse_decision
from planners.minecraft.llm import PLAN_SCHEMA
from planners.minecraft.plan import ACTION_NAMES
from tests.planners.helpers import context

pytest.importorskip("xgrammar")


@pytest.fixture(scope="module")
def random_model(random_internvl):
    from planners.mllm.chat_model import InternVLChatModel

    return InternVLChatModel.load(str(random_internvl), max_new_tokens=160)


def test_a_model_of_random_weights_answers_valid_decisions_under_the_schema(random_model):
    free = random_model.complete("You are the behaviour planner.", "What now?")
    assert parse_decision(free).status.value == "fallback"  # noise without the schema
    planner = LLMDrivingPlanner(random_model)
    camera = np.random.default_rng(0).integers(0, 255, (60, 90, 3), dtype=np.uint8)
    for tick in (0, 10):
        decision = planner.decide(context(tick=tick, images={"front": camera}))
        assert isinstance(decision, Decision) and planner.last_status == "ok"  # no repair needed


def test_the_plan_schema_names_only_the_interfaces_actions(random_model):
    from planners.mllm.chat_model import ChatRequest

    result = random_model.generate([ChatRequest.from_prompt("plan", "obtain a log", schema=PLAN_SCHEMA,
                                                            max_new_tokens=400)])[0]
    if result.finish_reason == "stop":  # whole: valid JSON of the schema
        plan = json.loads(result.text)
        assert all(action["name"] in ACTION_NAMES for action in plan["action_list"])
    else:  # cut by the budget: still a prefix of a schema-valid answer
        assert result.text.startswith('{"explanation": "')


def test_decision_schema_is_the_contracts():
    assert set(DECISION_SCHEMA["properties"]) == {"speed", "path", "explanation"}
