"""Resume takes up only the same run: the checkpoint thread and the benchmark's results know the
route's points and the settings; a resumed Minecraft run does not learn the same thing twice."""

import json
import sqlite3

import pytest

from agents.bench.results import load_saved
from agents.bench.routes import RouteSet
from agents.drive.runner import DriveOptions, thread_id
from agents.minecraft.runner import MinecraftOptions, run_task
from envs.driving.contracts import Pose
from envs.errors import UserInputError
from memory.plan_memory import PlanMemory
from scenarios.minecraft.tasks import item_task


def test_the_thread_knows_the_routes_points_and_the_time_limit(procedural_map, short_routes):
    route = short_routes[0]
    moved = route.model_copy(update={"waypoints": [*route.waypoints[:-1], Pose(x=route.waypoints[-1].x + 5.0,
                                                                                   y=route.waypoints[-1].y)]})
    options = DriveOptions()
    base = thread_id(procedural_map, route, options, (10, 0), None)
    assert thread_id(procedural_map, route, options, (10, 0), None) == base
    assert thread_id(procedural_map, moved, options, (10, 0), None) != base  # same id, other points
    assert thread_id(procedural_map, route, DriveOptions(max_time_s=30.0), (10, 0), None) != base


def test_route_sets_are_told_apart_by_their_routes_not_their_names(short_routes):
    same_name = RouteSet("short.xml", short_routes, "Town05", None)
    other = RouteSet("short.xml", short_routes[:1], "Town05", None)
    assert same_name.digest() == RouteSet("short.xml", list(short_routes), "Town05", None).digest()
    assert other.digest() != same_name.digest()
    twice = [short_routes[0], short_routes[0]]
    with pytest.raises(UserInputError, match="route id 'short_0' is used twice"):
        RouteSet("dup.xml", twice, "Town05", None)


@pytest.mark.parametrize("content", ["garbage {", "[1, 2]", '{"_checkpoint": []}', "\udcff"])
def test_a_results_file_that_is_not_ours_is_one_line(tmp_path, content):
    path = tmp_path / "results.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(UserInputError, match="results.json: not"):
        load_saved(path, {"routes": "x"})


def test_a_source_is_remembered_once(tmp_path):
    memory = PlanMemory(tmp_path / "m.sqlite")
    plan = [{"name": "mine", "args": {"object": "log"}}]
    memory.record_success("log", plan, source="run-1@3:0")
    memory.record_success("log", plan, source="run-1@3:0")
    memory.record_success("log", plan, source="run-2@3:0")
    assert len(memory.successes("log")) == 2


def test_an_old_memory_file_gets_the_source_column(tmp_path):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE plans (id INTEGER PRIMARY KEY AUTOINCREMENT, goal TEXT NOT NULL, kind TEXT NOT NULL "
                   "CHECK (kind IN ('success', 'summary')), actions TEXT NOT NULL)")
        db.execute("INSERT INTO plans (goal, kind, actions) VALUES ('log', 'success', ?)",
                   (json.dumps([{"name": "mine", "args": {}}]),))
    memory = PlanMemory(path)
    assert memory.reference_plan("log") == [{"name": "mine", "args": {}}]
    memory.record_success("log", [], source="s")
    assert len(memory.successes("log")) == 2


def test_a_resumed_run_leaves_the_memory_an_uninterrupted_one_leaves(tmp_path):
    task = item_task("stone_pickaxe")
    reference_memory = tmp_path / "reference.sqlite"
    run_task(task, MinecraftOptions(seed=5, memory=reference_memory))
    memory, checkpoint = tmp_path / "resumed.sqlite", tmp_path / "checkpoint.sqlite"
    reached = []

    def interrupt_while_remembering(kind, details):
        if kind == "reached":  # emitted after the memory is written, before the node's checkpoint
            reached.append(details)
            if len(reached) == 2:
                raise KeyboardInterrupt

    cut = run_task(task, MinecraftOptions(seed=5, memory=memory, checkpoint=checkpoint),
                   on_event=interrupt_while_remembering).record
    assert cut["interrupted"]
    resumed = run_task(task, MinecraftOptions(seed=5, memory=memory, checkpoint=checkpoint)).record
    assert resumed["success"] and resumed["resumed_from_action"] > 0

    def rows(path):
        with sqlite3.connect(path) as db:
            return sorted(db.execute("SELECT goal, kind, actions FROM plans").fetchall())

    assert rows(memory) == rows(reference_memory)
