"""A Minecraft agent on an environment of your own: a tiny text world that implements the
Minecraft env protocol (reset, step, observe, close), driven by the same GITM-style graph.

In this world every structured action takes a fixed number of steps: trees are always near,
stone is always below, crafting follows Minecraft's recipes (through the same rules the
embedded world uses). It is what a user would write to put another simulator behind the agent.

    python examples/tiny_minecraft_env.py
    python -m agents.minecraft --env examples.tiny_minecraft_env:TinyWorld --task stone_pickaxe --memory none
"""

from __future__ import annotations

import numpy as np

from envs.contracts import StepResult
from envs.minecraft.contracts import ActionResult, MinecraftObservation, MinecraftTask, StructuredAction
from envs.minecraft.sim.inventory import Inventory, craft, smelt
from envs.minecraft.sim.rules import rules

STEPS = {"explore": 40, "approach": 10, "mine": 30, "craft": 1, "smelt": 200, "equip": 1, "dig_down": 60,
         "go_up": 60}
GIVES = {"log": "oak_log", "oak_log": "oak_log", "stone": "cobblestone", "iron_ore": "iron_ore",
         "coal_ore": "coal"}
NEEDS_PICKAXE = {"stone", "iron_ore", "coal_ore"}


class TinyWorld:
    """MinecraftEnv: the protocol is four methods; observations and results are our contracts."""

    def __init__(self):
        self.rules = rules()

    def reset(self, task: MinecraftTask) -> MinecraftObservation:
        self.task, self.steps = task, 0
        self.inventory = Inventory(dict(task.initial_inventory))
        self.equipped: str | None = None
        return self.observe()

    def step(self, action: StructuredAction) -> StepResult[MinecraftObservation]:
        before = dict(self.inventory.counts)
        success, feedback = self._do(action)
        self.steps += STEPS.get(action.name, 5)
        after = dict(self.inventory.counts)
        delta = {k: after.get(k, 0) - before.get(k, 0) for k in set(before) | set(after)
                 if after.get(k, 0) != before.get(k, 0)}
        result = ActionResult(success=success, feedback=feedback, inventory_delta=delta,
                              steps=STEPS.get(action.name, 5), invalid=action.name not in STEPS)
        return StepResult[MinecraftObservation](observation=self.observe(), terminated=False,
                                                truncated=self.steps >= self.task.max_steps,
                                                info={"result": result.model_dump()})

    def _do(self, action: StructuredAction) -> tuple[bool, str]:
        args = action.args
        target = str(args.get("object", ""))
        if action.name in ("explore", "approach", "dig_down", "go_up"):
            return True, f"{action.name} done"
        if action.name == "equip":
            if self.inventory[target] < 1:
                return False, f"cannot equip {target}: none in the inventory"
            self.equipped = target
            return True, f"holding {target}"
        if action.name == "mine":
            if target not in GIVES:
                return False, f"cannot mine {target}: there is none in this world"
            if target in NEEDS_PICKAXE and not (self.equipped or "").endswith("_pickaxe"):
                return False, f"cannot mine {target} without a pickaxe in hand"
            self.inventory.add(GIVES[target])
            return True, f"mined {target} and got 1 {GIVES[target]}"
        if action.name == "craft":
            result = craft(self.rules, self.inventory, target, int(args.get("count") or 1), table_nearby=True)
            return result.success, result.feedback
        if action.name == "smelt":
            source = str(args.get("materials") or "")
            result = smelt(self.rules, self.inventory, source, int(args.get("count") or 1), furnace_nearby=True)
            return result.success, result.feedback
        return False, f"this world has no {action.name!r} action"

    def observe(self) -> MinecraftObservation:
        return MinecraftObservation(
            step=self.steps, time_of_day=self.steps % 24_000, inventory=self.inventory.as_dict(),
            equipped=self.equipped, life=20.0, food=20.0, position=(0.0, 64.0, 0.0), yaw=0.0, pitch=0.0,
            biome="forest", y_level=64, on_ground=True, voxels=np.zeros((1, 1, 1), np.uint8), voxel_names=("air",))

    def close(self) -> None:
        pass


def main() -> dict:
    from agents.minecraft.runner import MinecraftOptions, run_task
    from scenarios.minecraft.tasks import item_task

    record = run_task(item_task("stone_pickaxe"), MinecraftOptions(seed=0), env=TinyWorld()).record
    summary = {k: record[k] for k in ("success", "steps", "actions", "planner_queries")}
    print(summary)
    return summary


if __name__ == "__main__":
    main()
