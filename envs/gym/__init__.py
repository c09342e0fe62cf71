"""Gymnasium wrappers of both embedded worlds (optional: `pip install mllm-pilot[gym]`).

    import gymnasium as gym
    env = gym.make("envs.gym:mllm_pilot/Minecraft-v0", goal="diamond")  # or "...:mllm_pilot/Drive-v0"

The ids are registered when this package is imported; gymnasium's "module:id" form imports it,
so `gym.make` works from a fresh interpreter (after `import envs.gym`, the bare id does too).
"""

from __future__ import annotations

MINECRAFT_ID = "mllm_pilot/Minecraft-v0"
DRIVE_ID = "mllm_pilot/Drive-v0"


def register_envs() -> None:
    """Register the ids with gymnasium (again is harmless)."""
    from gymnasium.envs.registration import register, registry

    if MINECRAFT_ID not in registry:
        register(id=MINECRAFT_ID, entry_point="envs.gym.minecraft:MinecraftGymEnv")
    if DRIVE_ID not in registry:
        register(id=DRIVE_ID, entry_point="envs.gym.driving:DrivingGymEnv")


try:
    register_envs()
except ImportError:  # gymnasium is optional; the wrappers need it, nothing else does
    pass
