"""The GITM-style Minecraft graph end to end on the embedded world (real LangGraph, real SQLite)."""

import json
import os
import subprocess
import sys

import imageio.v3 as iio
import pytest

from agents.minecraft.graph import build_minecraft_graph
from agents.minecraft.nodes import SUBTREE_KEY, _entries, _past_the_replay
from agents.minecraft.runner import MinecraftOptions, run_task
from envs.minecraft.sim.rules import rules
from memory.plan_memory import PlanMemory
from planners.minecraft.decomposer import KnowledgeGraphDecomposer
from scenarios.minecraft.tasks import item_task, obtain_diamond
from tests.conftest import REPO

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def test_the_graph_reads_as_the_algorithm():
    graph = build_minecraft_graph().get_graph()
    assert [n for n in graph.nodes if not n.startswith("__")] == ["decompose", "plan", "execute", "feedback",
                                                                  "remember"]
    edges = {(e.source, e.target) for e in graph.edges}
    assert {("decompose", "plan"), ("plan", "execute"), ("execute", "feedback"), ("feedback", "remember"),
            ("feedback", "execute"), ("feedback", "plan"), ("remember", "plan"), ("plan", "__end__")} <= edges


def test_a_diamond_from_scratch_and_the_memory_it_leaves(tmp_path):
    memory_file = tmp_path / "plans.sqlite"
    record = run_task(obtain_diamond(), MinecraftOptions(seed=1, memory=memory_file)).record
    assert record["success"] and record["reason"] == "obtained diamond" and record["steps"] < 12_000
    steps = [record["milestones"][m] for m in ("crafting_table", "wooden_pickaxe", "stone_pickaxe", "iron_pickaxe",
                                               "diamond")]
    assert None not in steps and steps == sorted(steps)
    assert record["fallbacks"] == record["repairs"] == record["invalid_actions"] == 0
    assert "- 1 diamond: mine diamond_ore with iron_pickaxe" in record["tree"]
    assert "- 12 log: mine oak_log" in record["tree"] or "12 log" not in record["tree"]  # gathered once
    memory = PlanMemory(memory_file)
    diamond_plan = memory.reference_plan("diamond")  # dig and mine with the iron pickaxe
    names = [a["name"] for a in diamond_plan]
    assert names[-1] == "mine" and "equip" in names
    assert diamond_plan[names.index("equip")]["args"]["object"] == "iron_pickaxe"  # it tunnels with it too
    assert diamond_plan[-1]["args"]["tool"] == "iron_pickaxe"
    assert memory.reference_plan("wooden_pickaxe") == [
        {"name": "craft", "args": {"object": "wooden_pickaxe", "count": 1}, "expectation": "1 wooden_pickaxe"}]
    assert {"log", "planks", "crafting_table", "iron_ingot", SUBTREE_KEY.format("diamond")} <= set(memory.goals())
    whole = memory.reference_plan(SUBTREE_KEY.format("diamond"))
    assert whole[-1]["name"] == "mine" and whole[-1]["args"]["object"] == "diamond_ore"
    # memory keeps planks as planks, whatever wood this world had
    assert all(a["args"].get("object") != "spruce_planks" for a in whole)
    memory.close()


def test_a_warm_memory_needs_fewer_planner_queries(tmp_path):
    memory_file = tmp_path / "plans.sqlite"
    empty = run_task(obtain_diamond(), MinecraftOptions(seed=26)).record
    run_task(obtain_diamond(), MinecraftOptions(seed=12, memory=memory_file))
    warm = run_task(obtain_diamond(), MinecraftOptions(seed=26, memory=memory_file)).record
    assert empty["success"] and warm["success"]
    assert warm["planner_queries"] <= empty["planner_queries"] // 2  # the remembered plans did most of the work


def test_an_interrupted_run_resumes_from_its_checkpoint_and_ends_the_same(tmp_path):
    task = item_task("stone_pickaxe")
    reference = run_task(task, MinecraftOptions(seed=5)).record
    checkpoint = tmp_path / "checkpoints.sqlite"
    seen = []

    def interrupt_after_ten(kind, details):
        if kind == "action":
            seen.append(details["step"])
            if len(seen) == 10:
                raise KeyboardInterrupt

    cut = run_task(task, MinecraftOptions(seed=5, checkpoint=checkpoint), on_event=interrupt_after_ten).record
    assert cut["interrupted"] and not cut["success"] and cut["reason"] == "interrupted by the user"
    resumed = run_task(task, MinecraftOptions(seed=5, checkpoint=checkpoint)).record
    assert resumed["resumed_from_action"] == 9  # the tenth action's node did not finish: it runs again
    for key in ("success", "steps", "actions", "planner_queries", "milestones", "inventory"):
        assert resumed[key] == reference[key], key
    again = run_task(task, MinecraftOptions(seed=5, checkpoint=checkpoint)).record  # finished: starts over
    assert again["resumed_from_action"] == 0 and again["steps"] == reference["steps"]


def run_cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "agents.minecraft", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO, env=ENV)


def test_cli_runs_a_task_records_it_and_prints_json_last(tmp_path):
    done = run_cli("--task", "wooden_pickaxe", "--seed", "3", "--memory", "none", "--record", str(tmp_path / "rec"),
                   "--checkpoint", str(tmp_path / "c.sqlite"), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["success"] and result["task"] == "wooden_pickaxe" and result["milestones"]["wooden_pickaxe"] > 0
    assert {"success", "steps", "planner_queries", "milestones"} <= set(result)
    assert "sub-goal tree" in done.stderr and "milestones" in done.stderr
    assert f"actions ({result['actions']}):" in done.stderr and "craft(object=wooden_pickaxe" in done.stderr
    frames = list(iio.imiter(tmp_path / "rec" / "wooden_pickaxe_seed3.mp4"))
    assert len(frames) == result["actions"] + result["steps"] // 40 and frames[0].ndim == 3  # + 1 every 2 s
    log = [json.loads(line) for line in (tmp_path / "rec" / "wooden_pickaxe_seed3.jsonl").read_text().splitlines()]
    assert log[0]["type"] == "tree" and sum(entry["type"] == "action" for entry in log) == result["actions"]


def test_cli_memory_export_and_import(tmp_path):
    exported = tmp_path / "memory.json"
    first = run_cli("--task", "crafting_table", "--seed", "2", "--memory", str(tmp_path / "a.sqlite"),
                    "--export-memory", str(exported), "--checkpoint", str(tmp_path / "c.sqlite"))
    assert first.returncode == 0, first.stderr
    data = json.loads(exported.read_text())
    assert {p["goal"] for p in data["plans"]} >= {"log", "planks", "crafting_table"}
    second = run_cli("--task", "crafting_table", "--seed", "2", "--memory", str(tmp_path / "b.sqlite"),
                     "--import-memory", str(exported), "--checkpoint", str(tmp_path / "c.sqlite"), "--json")
    assert json.loads(second.stdout.strip().splitlines()[-1])["planner_queries"] == 1


@pytest.mark.parametrize("args, message", [
    (["--task", "mithril"], "unknown task or item 'mithril'"),
    (["--task", "tech_tree"], "run it with python -m agents.bench minecraft"),
    (["--planner", "gpt9"], "unknown planner 'gpt9'; available: rule"),
    (["--max-steps", "0"], "--max-steps must be at least 1"),
    (["--import-memory", "/nonexistent/memory.json"], "no such file"),
    (["--seed", "x"], "argument --seed: 'x' is not an integer"),
    (["--seed", "-1"], "expected a seed in 0..2147483647"),
])
def test_cli_user_errors(args, message):
    done = run_cli(*args, timeout=120)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_cli_rejects_a_malformed_memory_export(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"plans": []}))
    done = run_cli("--import-memory", str(bad), "--memory", str(tmp_path / "m.sqlite"), timeout=120)
    assert done.returncode == 2 and "not an mllm-pilot plan memory export" in done.stderr


def test_cli_prints_the_graph_as_mermaid():
    done = run_cli("--mermaid", timeout=120)
    assert done.returncode == 0 and "execute --> feedback;" in done.stdout


class GarbleThenScript:
    """A text model whose first answers are given, then never anything usable."""

    name = "garbled"

    def __init__(self, answers):
        self.answers = list(answers)

    def complete(self, system, user, images=None):
        return self.answers.pop(0) if self.answers else "Sure! First, punch a tree."


def test_bad_planner_output_is_feedback_counted_never_a_crash():
    from planners.minecraft.llm import LLMActionPlanner

    mithril = json.dumps({"explanation": "x", "thoughts": "y",
                          "action_list": [{"name": "mine", "args": {"object": "mithril_ore"}}]})
    half = '{"explanation": "trees", "action_list": [{"name": "explore", "args": {"object": "log", ' \
           '"strategy": "surface"}}, {"name": "mine", "args": {"object": "log"}}'  # cut off mid-answer
    planner = LLMActionPlanner(GarbleThenScript([mithril, half]))
    record = run_task(item_task("crafting_table"), MinecraftOptions(seed=2), planner=planner).record
    assert record["success"] and record["planner"] == "llm:garbled"
    assert record["invalid_actions"] == 1  # mithril_ore: told to the planner, counted
    assert record["repairs"] == 1  # the cut-off answer was repaired
    assert record["fallbacks"] == record["planner_queries"] - 2  # everything after: the rule planner


def test_task_names_are_checked():
    from envs.errors import UserInputError
    from scenarios.minecraft.tasks import resolve_tasks
    from scenarios.minecraft.tech_tree import tech_tree

    assert [t.task_id for t in resolve_tasks("tech_tree")] == list(tech_tree())
    assert resolve_tasks("obtain_diamond")[0].milestones == ("crafting_table", "wooden_pickaxe", "stone_pickaxe",
                                                             "iron_pickaxe", "diamond")
    with pytest.raises(UserInputError, match="did you mean .*diamond_pickaxe"):
        resolve_tasks("diamond_pick")


def test_a_source_explored_for_in_vain_is_planned_around():
    events = []
    record = run_task(item_task("light_blue_dye"), MinecraftOptions(seed=0),
                      on_event=lambda kind, details: events.append((kind, details))).record
    assert record["success"]
    reasons = [details.get("reason") for kind, details in events if kind == "tree" and details.get("reason")]
    assert reasons[0] == "no cornflower found"  # then another recipe: a blue orchid, or lapis and a white dye
    assert not any("broke cornflower" in line for line in record["action_log"])


def test_an_env_without_the_protocol_is_refused_by_name():
    from agents.minecraft.interface import check_env
    from envs.errors import UserInputError

    class HalfEnv:
        def reset(self, task): ...

        def step(self, action): ...

    with pytest.raises(UserInputError, match="missing observe, close"):
        check_env(HalfEnv())


def test_a_failed_whole_subtree_replay_goes_on_from_the_first_sub_goal_it_did_not_get_to():
    tree = KnowledgeGraphDecomposer(rules()).decompose("iron_pickaxe", 1).gather_upfront()
    agenda = _entries(tree, 0, 0)
    replayed = {**agenda[-1], "whole_subtree": True}
    # the replay got the logs (made into planks since), the wooden and stone pickaxes and 1 of 3 iron ore
    gained = {"log": 12, "oak_log": 12, "planks": 40, "oak_planks": 40, "stick": 8, "crafting_table": 1,
              "wooden_pickaxe": 1, "cobblestone": 11, "stone_pickaxe": 1, "iron_ore": 1}
    rest = _past_the_replay(agenda, replayed, gained)
    assert (rest[0]["object"], rest[0]["count"]) == ("iron_ore", 3) and rest[-1] == agenda[-1]
    assert _past_the_replay(agenda, replayed, {}) == agenda  # it failed at once: everything is still to do
    everything = {e["object"]: 99 for e in agenda}
    assert _past_the_replay(agenda, replayed, everything) == [agenda[-1]]  # never past the subtree's own goal
