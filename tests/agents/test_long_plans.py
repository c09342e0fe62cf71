"""However many actions a run executes, its checkpoint stays small: the actions go to an
append-only journal, old checkpoints are pruned; plans are bounded and every action takes time."""

import sqlite3

import pytest
from pydantic import ValidationError

from agents.minecraft.runner import MinecraftOptions, run_task
from envs.minecraft.contracts import StructuredAction
from planners.minecraft.plan import MAX_PLAN_ACTIONS, MinecraftPlan
from scenarios.minecraft.tasks import item_task

EXPLORE = StructuredAction(name="explore", args={"object": "oak_log"})


class ExploreForever:
    """A schema-valid plan of the longest length, of an action that achieves nothing."""

    name = "explore-forever"

    def decide(self, context):
        return MinecraftPlan(explanation="look", action_list=[EXPLORE] * MAX_PLAN_ACTIONS)


def test_a_plan_longer_than_the_bound_is_refused():
    with pytest.raises(ValidationError, match=f"at most {MAX_PLAN_ACTIONS} items"):
        MinecraftPlan(action_list=[EXPLORE] * (MAX_PLAN_ACTIONS + 1))


def test_hundreds_of_actions_keep_the_checkpoint_small(tmp_path):
    checkpoint = tmp_path / "checkpoint.sqlite"
    task = item_task("diamond", max_steps=250)
    record = run_task(task, MinecraftOptions(seed=3, checkpoint=checkpoint), planner=ExploreForever()).record
    assert not record["success"] and record["reason"] == "the step budget is spent"
    assert record["actions"] >= 150 and len(record["action_log"]) == record["actions"]
    with sqlite3.connect(checkpoint) as db:
        assert db.execute("SELECT COUNT(*) FROM minecraft_actions").fetchone()[0] == record["actions"]
        assert db.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0] <= 2
    assert checkpoint.stat().st_size < 2_000_000  # (before: every checkpoint held every action so far)
