"""Both worlds as Gymnasium envs: registered ids, gymnasium's own checker, its wrappers."""

import os
import subprocess
import sys

import numpy as np
import pytest

gym = pytest.importorskip("gymnasium")

from gymnasium.utils.env_checker import check_env  # noqa: E402

from envs.gym import DRIVE_ID, MINECRAFT_ID  # noqa: E402
from envs.gym.minecraft import ACTIONS, OBJECTS, to_structured_action  # noqa: E402
from tests.conftest import REPO  # noqa: E402


def _action(name: str, object: str | None = None, **values) -> dict:
    action = {"name": ACTIONS.index(name), "object": 0 if object is None else OBJECTS.index(object) + 1, "tool": 0,
              "materials": 0, "count": 0, "strategy": 0, "ylevel": 0, "blueprint": ""}
    return {**action, **values}


def test_a_fresh_interpreter_makes_the_registered_ids():
    code = ("import gymnasium as gym; env = gym.make('envs.gym:mllm_pilot/Minecraft-v0', goal='stick'); "
            "obs, info = env.reset(seed=1); print(env.spec.id, info['goal'], obs['voxels'].shape)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["mllm_pilot/Minecraft-v0", "stick", "(21,", "21,", "21)"]
    from gymnasium.envs.registration import registry

    assert registry[DRIVE_ID].entry_point == "envs.gym.driving:DrivingGymEnv"


def test_minecraft_passes_gymnasiums_checker():
    env = gym.make(MINECRAFT_ID, goal="oak_log", max_steps=2000)
    check_env(env.unwrapped)
    env.close()


def test_minecraft_actions_map_to_structured_actions():
    craft = to_structured_action(_action("craft", "oak_planks", count=3, strategy=1))
    assert craft.name == "craft" and craft.args == {"object": "oak_planks", "count": 4}  # count is value + 1
    explore = to_structured_action(_action("explore", "diamond_ore", strategy=1))
    assert explore.args == {"object": "diamond_ore", "strategy": "underground"}
    assert to_structured_action(_action("go_up")).args == {}


def test_minecraft_reward_termination_and_time_limit(tmp_path):
    env = gym.make(MINECRAFT_ID, goal="oak_planks", count=4, max_steps=12_000)
    obs, info = env.reset(seed=3, options={"initial_inventory": {"oak_log": 1}})
    assert info["seed"] == 3 and obs["inventory"].sum() == 1
    obs, reward, terminated, truncated, info = env.step(_action("craft", "oak_planks", count=3))
    assert (reward, terminated, truncated) == (1.0, True, False) and info["result"]["success"]
    limited = gym.wrappers.TimeLimit(gym.make(MINECRAFT_ID, goal="diamond"), max_episode_steps=2)
    limited.reset(seed=3)
    outcomes = [limited.step(_action("eat", "apple"))[2:4] for _ in range(2)]  # nothing to eat: fails, goes on
    assert outcomes == [(False, False), (False, True)]
    with pytest.raises(ValueError, match="unknown reset options colour"):
        env.reset(seed=0, options={"colour": "red"})


def test_minecraft_records_video_with_gymnasiums_wrapper(tmp_path):
    pytest.importorskip("moviepy")
    env = gym.wrappers.RecordVideo(gym.make(MINECRAFT_ID, goal="oak_log", render_mode="rgb_array"),
                                   str(tmp_path / "videos"), episode_trigger=lambda episode: True)
    env.reset(seed=3)
    for _ in range(3):
        env.step(_action("explore", "oak_log"))
    env.close()
    videos = list((tmp_path / "videos").glob("*.mp4"))
    assert len(videos) == 1 and videos[0].stat().st_size > 1000


def test_driving_passes_gymnasiums_checker_and_drives():
    env = gym.make(DRIVE_ID, vehicles=3, pedestrians=2, bev=True, route_length_m=(150.0, 300.0))
    check_env(env.unwrapped)
    obs, info = env.reset(seed=5)
    assert obs["bev"].shape[1:] == (256, 256) and obs["ego"][0] == 0.0
    assert np.allclose(obs["route"][:, 0], 2.0 * np.arange(1, 11), atol=0.5)  # the route runs straight ahead
    total = 0.0
    for _ in range(60):  # 3 s of throttle down the lane
        obs, reward, terminated, truncated, info = env.step(np.array([0.0, 0.6, 0.0], np.float32))
        total += reward
    assert obs["ego"][0] > 2.0 and info["route_completion"] > 0.0
    assert total == pytest.approx(info["route_completion"] / 100.0, abs=1e-6)  # progress, no infraction yet
    env.close()
