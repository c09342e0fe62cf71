import numpy as np
import pytest

from envs.contracts import Env
from envs.errors import SimulatorError
from envs.minecraft.contracts import MinecraftTask, StructuredAction
from envs.minecraft.sim.env import EmbeddedMinecraft

PLAN = [StructuredAction(name="mine", args={"object": "log"}),
        StructuredAction(name="mine", args={"object": "log"}),
        StructuredAction(name="craft", args={"object": "birch_planks", "count": 8}),
        StructuredAction(name="explore", args={"object": "stone", "strategy": "surface"})]


def play(seed: int):
    env = EmbeddedMinecraft(render=True)
    observations = [env.reset(MinecraftTask(seed=seed, start_time=1000))]
    for action in PLAN:
        observations.append(env.step(action).observation)
    return env, observations


def test_observations_are_gitms():
    env, observations = play(7)
    assert isinstance(env, Env)
    first, last = observations[0], observations[-1]
    assert first.step == 0 and first.time_of_day == 1000 and first.life == 20.0 and first.food == 20.0
    assert first.biome == "forest" and first.on_ground and first.voxels.shape == (21, 21, 21)
    assert first.seen_blocks["birch_log"] > 0 and "diamond_ore" not in first.seen_blocks
    assert last.inventory["birch_planks"] == 8 and last.step > 100
    assert last.time_of_day == (1000 + last.step) % 24_000
    assert last.image.shape == (160 + 34, 256, 3) and last.image.dtype == np.uint8  # first person + panel


def test_same_seed_same_episode():
    _, first = play(3)
    _, second = play(3)
    for a, b in zip(first, second):
        assert a.model_dump(exclude={"voxels", "image"}) == b.model_dump(exclude={"voxels", "image"})
        assert np.array_equal(a.voxels, b.voxels)


def test_failures_are_results_and_misuse_is_an_error():
    env = EmbeddedMinecraft()
    with pytest.raises(SimulatorError, match="step\\(\\) before reset"):
        env.step(PLAN[0])
    env.reset(MinecraftTask(seed=7))
    result = env.step(StructuredAction(name="craft", args={"object": "diamond_pickaxe"}))
    assert not result.terminated and result.info["result"]["success"] is False
    assert result.info["result"]["feedback"] == "cannot craft diamond_pickaxe: missing 3 diamond, 2 stick"
