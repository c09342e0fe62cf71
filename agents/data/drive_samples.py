"""Recording driving samples as a route is driven: at every decision the expert makes, the camera
image and the BEV as PNG files, and one line of InternVL's fine-tuning JSONL:

    {"id": ..., "image": ["images/<route>/<tick>_front.png", ".../<tick>_bev.png"],
     "conversations": [{"from": "human", "value": "<image>\\n<image>\\n<prompt>"},
                       {"from": "gpt", "value": "<the decision as JSON>"}],
     "meta": {...}}

The human turn is the prompt the MLLM planner is given at inference (the scene description from
privileged truth, `images+scene`); `meta.prompts.images` is the one without it (`images`: the
images, the ego's speed and the route command). `meta` also holds the ego state, the route
command, the light, the active route scenario and the decision's two heads, for the dataset card
and for balancing. Paths are relative to the data folder (InternVL's meta file takes it as root).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
from PIL import Image

from planners.driving.context import DrivingContext
from planners.driving.decision import Decision, PathDecision, SpeedDecision
from planners.driving.prompt import sensor_message, system_prompt, user_message

SCENARIO_REACH_M = 60.0  # a triggered route scenario labels the samples this far past its trigger


def decision_json(decision: Decision) -> str:
    return json.dumps({"speed": decision.speed.value, "path": decision.path.value,
                       "explanation": decision.explanation})


def is_majority(decision: Decision) -> bool:
    """The decision most ticks get (keep the speed, follow the lane): what balancing thins out."""
    return decision.speed == SpeedDecision.KEEP and decision.path == PathDecision.FOLLOW_LANE


class SampleWriter:
    """One route's samples: images under images/<route>/, lines in shards/<route>.jsonl (written to a
    .part file and renamed when the route is done, so a shard on disk is always whole)."""

    def __init__(self, out: Path, route_id: str, keep_majority: float = 1.0, seed: int = 0):
        self.out, self.route_id = out, route_id
        self.images = out / "images" / route_id
        self.images.mkdir(parents=True, exist_ok=True)
        (out / "shards").mkdir(parents=True, exist_ok=True)
        self.part = out / "shards" / f"{route_id}.jsonl.part"
        self._file = self.part.open("w")
        self.keep_majority = keep_majority
        self._rng = random.Random(f"{seed}:{route_id}")
        self.samples = 0

    def write(self, context: DrivingContext, decision: Decision, labels: dict) -> bool:
        """The sample of this decision; False when balancing leaves it out."""
        if is_majority(decision) and self._rng.random() >= self.keep_majority:
            return False
        stem = f"{context.tick:06d}"
        paths, names = [], []
        for name in sorted(context.images):
            paths.append(self._save(f"{stem}_{name}.png", context.images[name]))
            names.append(name)
        if context.bev is not None:
            from envs.driving.sim.sensors.bev import bev_to_rgb

            paths.append(self._save(f"{stem}_bev.png", bev_to_rgb(context.bev)))
            names.append("bev")
        placeholders = "<image>\n" * len(paths)
        line = {"id": f"{self.route_id}/{stem}", "image": paths,
                "conversations": [{"from": "human", "value": placeholders + user_message(context, names)},
                                  {"from": "gpt", "value": decision_json(decision)}],
                "meta": {"route_id": self.route_id, "tick": context.tick, "time_s": round(context.time_s, 2),
                         "speed": decision.speed.value, "path": decision.path.value,
                         "ego_speed": round(context.speed, 3), "speed_limit": round(context.speed_limit, 3),
                         "route_command": context.route_command,
                         "route_command_distance_m": context.route_command_distance_m,
                         "light": context.light.color.value if context.light is not None else "none",
                         "prompts": {"images": placeholders + sensor_message(context, names)},
                         "system": system_prompt(context.rules), **labels}}
        self._file.write(json.dumps(line) + "\n")
        self.samples += 1
        return True

    def _save(self, name: str, image: np.ndarray) -> str:
        Image.fromarray(np.ascontiguousarray(image)).save(self.images / name, compress_level=1)
        return f"images/{self.route_id}/{name}"

    def finish(self) -> Path:
        self._file.close()
        shard = self.part.with_suffix("")  # .jsonl
        self.part.replace(shard)
        return shard

    def abandon(self) -> None:
        self._file.close()


class RecordingPlanner:
    """Planner[DrivingContext, Decision]: the expert decides, the writer records; `labeler` (DAgger)
    is the expert whose decision is recorded while `driver` drives."""

    needs_images = True

    def __init__(self, driver, writer: SampleWriter, labeler=None, scenario_of=None):
        self.driver, self.labeler, self.writer = driver, labeler, writer
        self.scenario_of = scenario_of or (lambda context: "none")
        self.name = f"recording:{getattr(driver, 'name', 'planner')}"
        self.last_status = "ok"

    def decide(self, context: DrivingContext) -> Decision:
        decision = self.driver.decide(context)
        self.last_status = getattr(self.driver, "last_status", "ok")
        label = decision if self.labeler is None else self.labeler.decide(context)
        if isinstance(label, Decision):
            self.writer.write(context, label, {"scenario": self.scenario_of(context),
                                               "driver": getattr(self.driver, "name", "?"),
                                               "agrees": (label.speed, label.path) == (decision.speed, decision.path)})
        return decision


def active_scenario(env, context: DrivingContext) -> str:
    """The type of the route scenario the ego is in: the last one triggered whose trigger lies at most
    SCENARIO_REACH_M behind it along the route; "none" otherwise."""
    player = getattr(env, "route_scenarios", None)
    route = getattr(env, "route", None)
    criteria = getattr(env, "criteria", None)
    if player is None or route is None or criteria is None:
        return "none"
    here = float(route.cumulative_m[criteria.route_index])
    best, best_at = "none", -1.0
    for scenario in player.scenarios:
        at = float(route.cumulative_m[scenario.matched.route_index])
        if scenario.triggered and 0.0 <= here - at <= SCENARIO_REACH_M and at > best_at:
            best, best_at = scenario.matched.scenario_type, at
    return best
