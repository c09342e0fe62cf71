"""The Ray planner host: one actor with the tiny model, reached by name from concurrent
episodes; requests are batched; a dead actor or a wrong directory is a clear error."""

import threading

import pytest

from envs.errors import UserInputError
from planners.driving.decision import SpeedDecision
from planners.driving.llm_planner import LLMDrivingPlanner
from planners.mllm.tiny import TEACH_ANSWER
from planners.ray_host import RayTextModel, start_planner_host
from planners.text_model import TextModelError
from tests.planners.helpers import context

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def ray_cluster():
    from agents.bench.parallel import start_ray

    start_ray(None, 2)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def host(ray_cluster, tiny_internvl):
    actor = start_planner_host(str(tiny_internvl), max_batch=4)
    yield actor
    ray.kill(actor)


def test_episodes_reach_the_host_by_name_and_get_the_answer(host):
    model = RayTextModel()  # by name, as episodes on other workers do
    assert model.complete("rules", "decide") == TEACH_ANSWER


def test_concurrent_episodes_are_batched(host):
    before = ray.get(host.stats.remote())
    decisions = []
    start = threading.Barrier(4)

    def episode():
        planner = LLMDrivingPlanner(RayTextModel(host))
        start.wait()
        for _ in range(3):
            decisions.append(planner.decide(context()).speed)

    threads = [threading.Thread(target=episode) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = ray.get(host.stats.remote())
    assert decisions == [SpeedDecision.ACCELERATE] * 12
    requests, batches = after["requests"] - before["requests"], after["batches"] - before["batches"]
    assert requests >= 12  # repairs ask again
    assert batches < requests and after["largest_batch"] >= 2


def test_a_ray_text_model_travels_to_a_task_and_asks_from_there(host):
    @ray.remote(num_cpus=0)
    def ask(model):
        return model.complete("rules", "decide from a worker")

    assert ray.get(ask.remote(RayTextModel(timeout_s=60))) == TEACH_ANSWER


def test_a_missing_host_is_a_model_error(ray_cluster):
    with pytest.raises(TextModelError, match="no planner host named 'nobody'"):
        RayTextModel(name="nobody").complete("s", "u")


def test_a_wrong_directory_fails_before_an_actor_starts(ray_cluster, tmp_path):
    with pytest.raises(UserInputError, match="has no config.json"):
        start_planner_host(str(tmp_path), name="broken")


def test_a_dead_host_is_a_model_error_and_the_planner_falls_back(ray_cluster, tiny_internvl):
    actor = start_planner_host(str(tiny_internvl), name="short-lived")
    planner = LLMDrivingPlanner(RayTextModel(actor, name="short-lived"))
    ray.kill(actor)
    planner.decide(context())
    assert planner.last_status == "fallback"
    assert "planner host is gone" in planner.last_problem
