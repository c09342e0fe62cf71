import json

import pytest

from memory.plan_memory import PlanMemory, merge_plans

MINE_LOG = [{"name": "mine", "args": {"object": "log"}, "expectation": "1 log"}]
EXPLORE_THEN_MINE = [{"name": "explore", "args": {"object": "log", "strategy": "surface"}, "expectation": ""},
                     *MINE_LOG]


def test_first_success_is_the_reference_and_five_make_a_summary(tmp_path):
    memory = PlanMemory(tmp_path / "memory.sqlite")
    assert memory.reference_plan("log") is None
    assert memory.record_success("log", EXPLORE_THEN_MINE) is None
    assert memory.reference_plan("log") == EXPLORE_THEN_MINE
    for plan in (MINE_LOG, MINE_LOG, EXPLORE_THEN_MINE):
        assert memory.record_success("log", plan) is None
    summary = memory.record_success("log", MINE_LOG)  # the fifth
    assert summary == MINE_LOG  # seen three times out of five
    assert memory.reference_plan("log") == MINE_LOG
    assert len(memory.successes("log")) == 5


def test_memory_persists_and_round_trips_through_json(tmp_path):
    path = tmp_path / "memory.sqlite"
    memory = PlanMemory(path, summarise_every=2)
    memory.record_success("stone", MINE_LOG)
    memory.record_success("stone", MINE_LOG)
    memory.close()
    again = PlanMemory(path, summarise_every=2)
    assert again.goals() == ["stone"] and again.reference_plan("stone") == MINE_LOG
    exported = json.loads(json.dumps(again.export_json()))
    fresh = PlanMemory()
    assert fresh.import_json(exported) == 3  # two successes and their summary
    assert fresh.reference_plan("stone") == MINE_LOG
    with pytest.raises(ValueError, match="not an mllm-pilot plan memory export"):
        fresh.import_json({"plans": []})


def test_merge_prefers_frequent_then_short_and_the_summariser_is_pluggable():
    assert merge_plans("g", [EXPLORE_THEN_MINE, MINE_LOG]) == MINE_LOG
    memory = PlanMemory(summarise_every=2, summariser=lambda goal, plans: plans[-1] + MINE_LOG)
    memory.record_success("g", MINE_LOG)
    assert memory.record_success("g", EXPLORE_THEN_MINE) == EXPLORE_THEN_MINE + MINE_LOG
