"""The perception host: micro-batched features in process, as a Ray actor, and through the
driving graph's perceive node (oracle perception stays the default)."""

import numpy as np
import pytest

from agents.drive.runner import DriveOptions, run_route
from perception.service import PerceptionClient, PerceptionHost, start_perception_host
from planners.driving.rule_planner import RuleBasedPlanner

SMALL_T = {"depths": [1, 1, 1, 1]}


@pytest.fixture(scope="module")
def host():
    return PerceptionHost("flash_internimage_t", options=SMALL_T, max_wait_s=0.05)


def test_stage_features_per_camera(host):
    images = {"front": np.zeros((96, 160, 3), np.uint8), "left": np.full((64, 64, 3), 128, np.uint8)}
    features = PerceptionClient(host)(images)
    assert sorted(features) == ["front", "left"]
    assert [features["front"][f"stage_{i}"].shape for i in range(1, 5)] == [(64, 24, 40), (128, 12, 20), (256, 6, 10),
                                                                            (512, 3, 5)]
    assert features["left"]["stage_4"].shape == (512, 2, 2)


def test_concurrent_callers_share_batches(host):
    import threading

    before = host.stats()
    start = threading.Barrier(4)

    def call():
        start.wait()
        host.features([np.zeros((64, 64, 3), np.uint8)])

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after = host.stats()
    assert after["requests"] - before["requests"] == 4
    assert after["batches"] - before["batches"] < 4


def test_unknown_models_are_refused():
    with pytest.raises(ValueError, match="unknown perception model 'yolo'"):
        PerceptionHost("yolo")
    with pytest.raises(ValueError, match="internvit needs the path"):
        PerceptionHost("internvit")


def test_internvit_host_answers_pooled_features(random_internvl):
    host = PerceptionHost("internvit", str(random_internvl))
    answer = PerceptionClient(host)({"front": np.zeros((225, 400, 3), np.uint8)})["front"]
    assert answer["pooled"].shape == (32,) and answer["tiles"].shape == (3, 257, 32)


@pytest.mark.slow
def test_the_perceive_node_calls_a_ray_perception_actor(procedural_map, procedural_graph):
    import ray

    from agents.bench.parallel import start_ray
    from scenarios.generate import generate_routes

    route = generate_routes(procedural_graph, "Town05", 1, seed=21)[0]

    start_ray(None, 1)
    try:
        actor = start_perception_host("flash_internimage_t", options=SMALL_T)
        seen = []

        class Watching(RuleBasedPlanner):
            def decide(self, context):
                seen.append(sorted(context.features))
                return super().decide(context)

        outcome = run_route(procedural_map, route, DriveOptions(vehicles=0, pedestrians=0, max_time_s=1.5),
                            planner=Watching(), perception=PerceptionClient(actor))
    finally:
        ray.shutdown()
    assert outcome.result.metrics["decisions"] == 3
    assert seen == [["front"]] * 3  # the embedded simulator's front camera, through the actor
