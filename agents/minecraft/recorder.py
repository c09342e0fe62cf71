"""Minecraft episode recordings: an mp4 of the env's pictures (the embedded world's first-person
view with its heads-up panel: a frame every 2 s of game time during an action, and one when
it ends) with the sub-goal, the action and its feedback written under each, and a JSONL log of
the tree, the sub-goals, the plans and the actions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import cv2

from agents.video import EpisodeFiles, with_caption

FPS = 4
SCALE = 2
TEXT_ROWS = 5


class MinecraftRecorder(EpisodeFiles):
    def __init__(self, folder: str | Path, name: str, first_action: int = 0, frames=None):
        """`frames`: a callable returning the pictures the env rendered during the last action."""
        super().__init__(folder, name, FPS, first_action, "action")
        self._subgoal = ""
        self._frames = frames

    def event(self, kind: str, details: dict) -> None:
        self.write({"type": kind, **{k: v for k, v in details.items() if k != "observation"}})
        if kind == "subgoal":
            self._subgoal = f"sub-goal: {details['count']} {details['object']} ({details['method']})"
        elif kind == "action" and details.get("observation") is not None:
            self._frame(details)

    def _frame(self, details: dict) -> None:
        observation = details["observation"]
        action = details["action"]
        call = f"{action['name']}({', '.join(f'{k}={v}' for k, v in action['args'].items())})"
        for during in (self._frames() if self._frames else []):
            self._captioned(during, [self._subgoal, f"{call} ..."])
        if observation.image is None:
            return
        result = details["result"]
        lines = [f"step {details['step']:5d}  y={observation.y_level}  life {observation.life:.0f}  {self._subgoal}",
                 f"{call} -> {'ok' if result['success'] else 'FAILED'}"]
        self._captioned(observation.image, lines + textwrap.wrap(result["feedback"], width=60))

    def _captioned(self, image, lines: list[str]) -> None:
        picture = cv2.resize(image, None, fx=SCALE, fy=SCALE, interpolation=cv2.INTER_NEAREST)
        self.frame(with_caption(picture, lines, TEXT_ROWS, 0.42))
