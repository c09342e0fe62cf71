"""Minecraft episode recordings: an mp4 with one frame per executed action (the top-down view
with the sub-goal, the action and its feedback written under it) and a JSONL log of the
tree, the sub-goals, the plans and the actions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import cv2

from agents.video import EpisodeFiles, with_caption

FPS = 4
SCALE = 2
TEXT_ROWS = 5


class MinecraftRecorder(EpisodeFiles):
    def __init__(self, folder: str | Path, name: str, first_action: int = 0):
        super().__init__(folder, name, FPS, first_action, "action")
        self._subgoal = ""

    def event(self, kind: str, details: dict) -> None:
        self.write({"type": kind, **{k: v for k, v in details.items() if k != "observation"}})
        if kind == "subgoal":
            self._subgoal = f"sub-goal: {details['count']} {details['object']} ({details['method']})"
        elif kind == "action" and details.get("observation") is not None:
            self._frame(details)

    def _frame(self, details: dict) -> None:
        observation = details["observation"]
        if observation.image is None:
            return
        picture = cv2.resize(observation.image, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_NEAREST)
        action = details["action"]
        result = details["result"]
        lines = [f"step {details['step']:5d}  y={observation.y_level}  life {observation.life:.0f}  {self._subgoal}",
                 f"{action['name']}({', '.join(f'{k}={v}' for k, v in action['args'].items())}) -> "
                 f"{'ok' if result['success'] else 'FAILED'}"]
        lines += textwrap.wrap(result["feedback"], width=max(picture.shape[1] // 8, 20))
        self.frame(with_caption(picture, lines, TEXT_ROWS, 0.42))
