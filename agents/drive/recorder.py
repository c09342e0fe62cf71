"""Episode recordings: an mp4 of camera + BEV with the current decision and explanation
drawn on it, and a JSONL log of ticks and decisions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from agents.video import EpisodeFiles, with_caption
from envs.driving.sim.sensors.bev import bev_to_rgb
from planners.driving.decision import Decision

TEXT_ROWS = 4
FPS = 20


class EpisodeRecorder(EpisodeFiles):
    def __init__(self, folder: str | Path, name: str, first_tick: int = 0):
        super().__init__(folder, name, FPS, first_tick, "tick")
        self._decision: Decision | None = None
        self._status = ""

    def decision(self, tick: int, decision: Decision, status: str) -> None:
        self._decision, self._status = decision, status
        self.write({"type": "decision", "tick": tick, "speed": decision.speed.value, "path": decision.path.value,
                     "explanation": decision.explanation, "status": status})

    def tick(self, observation, control, decision: Decision, plan, events) -> None:
        ego = observation.ego
        self.write({"type": "tick", "tick": observation.tick, "time_s": round(observation.time_s, 2),
                     "x": round(ego.x, 3), "y": round(ego.y, 3), "yaw": round(ego.yaw, 2), "speed": round(ego.speed, 3),
                     "throttle": round(control.throttle, 3), "steer": round(control.steer, 3),
                     "brake": round(control.brake, 3), "route_completion": round(observation.route_completion, 2),
                     "target_speed": None if plan is None else round(plan.target_speed, 2),
                     "limited_by": None if plan is None else plan.limited_by,
                     "events": [event.kind for event in events]})
        if observation.bev is not None or observation.images:
            self._frame(observation, decision)

    def _frame(self, observation, decision: Decision) -> None:
        camera = observation.images.get("front")
        bev = bev_to_rgb(observation.bev) if observation.bev is not None else None
        panels = [p for p in (camera, bev) if p is not None]
        height = max(p.shape[0] for p in panels)
        row = np.zeros((height, sum(p.shape[1] for p in panels), 3), np.uint8)
        x = 0
        for panel in panels:
            row[:panel.shape[0], x:x + panel.shape[1]] = panel
            x += panel.shape[1]
        ego = observation.ego
        lines = [f"t {observation.time_s:6.1f} s  {ego.speed * 3.6:5.1f} km/h  "
                 f"route {observation.route_completion:5.1f}%  {decision.summary()}  [{self._status}]"]
        lines += textwrap.wrap(decision.explanation, width=max(row.shape[1] // 8, 20))
        self.frame(with_caption(row, lines, TEXT_ROWS, 0.45))
