"""GITM's interface: structured actions executed on any Minecraft env, with feedback.

The interface is the one place the agent touches an environment: it checks that the env
implements the protocol, executes an action, and returns the validated ActionResult (success,
feedback sentence, inventory change, steps spent) with the new observation. An env that answers
with something malformed gets its answer reported as a failed action, never a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from envs.errors import UserInputError
from envs.minecraft.contracts import ActionResult, MinecraftEnv, MinecraftObservation, StructuredAction

PROTOCOL_METHODS = ("reset", "step", "observe", "close")


def check_env(env: object, where: str = "the env") -> None:
    missing = [name for name in PROTOCOL_METHODS if not callable(getattr(env, name, None))]
    if missing or not isinstance(env, MinecraftEnv):
        raise UserInputError(f"{where} does not implement the Minecraft env protocol: missing "
                             f"{', '.join(missing)}")


@dataclass(frozen=True)
class Executed:
    result: ActionResult
    observation: MinecraftObservation
    terminated: bool
    truncated: bool


class ActionInterface:
    def __init__(self, env: MinecraftEnv):
        check_env(env)
        self.env = env

    def execute(self, action: StructuredAction) -> Executed:
        step = self.env.step(action)
        raw = (step.info or {}).get("result")
        try:
            result = raw if isinstance(raw, ActionResult) else ActionResult.model_validate(raw)
        except ValidationError as error:
            result = ActionResult(success=False, feedback=f"the environment's answer to {action.name} was malformed: "
                                                           f"{error.errors()[0]['msg']}")
        return Executed(result, step.observation, bool(step.terminated), bool(step.truncated))

    def observe(self) -> MinecraftObservation:
        return self.env.observe()
