"""Minecraft episode recordings: an mp4 with one frame per executed action (the top-down view
with the sub-goal, the action and its feedback written under it) and a JSONL log of the
tree, the sub-goals, the plans and the actions."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import cv2

from agents.video import Mp4Writer, with_caption

FPS = 4
SCALE = 2
TEXT_ROWS = 5


class MinecraftRecorder:
    def __init__(self, folder: str | Path, name: str, first_action: int = 0):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        suffix = "" if first_action == 0 else f".from_action_{first_action}"
        self.video_path = self.folder / f"{name}{suffix}.mp4"
        self.log_path = self.folder / f"{name}.jsonl"
        self._log = open(self.log_path, "a" if first_action else "w", encoding="utf-8")
        self._video = Mp4Writer(self.video_path, FPS)
        self._subgoal = ""

    def event(self, kind: str, details: dict) -> None:
        record = {"type": kind, **{k: v for k, v in details.items() if k != "observation"}}
        self._log.write(json.dumps(record, default=str) + "\n")
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
        self._video.append(with_caption(picture, lines, TEXT_ROWS, 0.42))

    def close(self) -> None:
        self._video.close()
        self._log.close()
