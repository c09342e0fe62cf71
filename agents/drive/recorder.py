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
INFRACTION_SHOWN_S = 3.0  # an infraction stays marked on the video this long
INFRACTION_RGB = (220, 30, 30)


class EpisodeRecorder(EpisodeFiles):
    def __init__(self, folder: str | Path, name: str, first_tick: int = 0):
        super().__init__(folder, name, FPS, first_tick, "tick")
        self._decision: Decision | None = None
        self._status = ""
        self._marks: list[tuple[float, str]] = []  # (until time_s, what) of recent infractions

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
        for event in events:
            self._marks.append((observation.time_s + INFRACTION_SHOWN_S, f"{event.kind}: {event.message}"))
        self._marks = [(until, what) for until, what in self._marks if until >= observation.time_s]
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
        self._mark_infractions(row)
        self.frame(with_caption(row, lines, TEXT_ROWS, 0.45))

    def _mark_infractions(self, picture: np.ndarray) -> None:
        """A red frame and the infraction's words across the top while it is recent."""
        import cv2

        if not self._marks:
            return
        cv2.rectangle(picture, (0, 0), (picture.shape[1] - 1, picture.shape[0] - 1), INFRACTION_RGB, 4)
        for number, (_, what) in enumerate(self._marks[-3:]):
            y = 22 + 22 * number
            cv2.rectangle(picture, (4, y - 17), (picture.shape[1] - 5, y + 5), (20, 20, 20), -1)
            cv2.putText(picture, what[:90], (10, y), cv2.FONT_HERSHEY_SIMPLEX, 0.5, INFRACTION_RGB, 1, cv2.LINE_AA)
