"""Episode videos: a picture with lines of text written under it, appended to an mp4 that is
opened on the first frame (frames padded to the multiples of 16 codecs want), and the episode's
files: that mp4 beside a JSONL log."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

ROW_HEIGHT = 18


def with_caption(picture: np.ndarray, lines: list[str], rows: int, font_scale: float) -> np.ndarray:
    """The picture above a dark panel of `rows` text lines (only the first `rows` are written)."""
    text = np.full((rows * ROW_HEIGHT + 8, picture.shape[1], 3), 20, np.uint8)
    for number, line in enumerate(lines[:rows]):
        cv2.putText(text, line, (6, 16 + number * ROW_HEIGHT), cv2.FONT_HERSHEY_SIMPLEX, font_scale,
                    (235, 235, 235), 1, cv2.LINE_AA)
    return np.vstack([picture, text])


class Mp4Writer:
    def __init__(self, path: Path, fps: int):
        self.path, self.fps = path, fps
        self._writer = None

    def append(self, frame: np.ndarray) -> None:
        pad_h, pad_w = (-frame.shape[0]) % 16, (-frame.shape[1]) % 16
        frame = np.pad(frame, ((0, pad_h), (0, pad_w), (0, 0)))
        if self._writer is None:
            import imageio.v2 as imageio

            self._writer = imageio.get_writer(self.path, fps=self.fps, codec="libx264", quality=6,
                                              macro_block_size=16, ffmpeg_log_level="error")
        self._writer.append_data(frame)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class EpisodeFiles:
    """`name.mp4` and `name.jsonl` in a folder. A run resumed at `resumed_at` (a tick, an action)
    appends to the log and starts `name.from_<unit>_<n>.mp4`, keeping the first video."""

    def __init__(self, folder: str | Path, name: str, fps: int, resumed_at: int = 0, unit: str = "tick"):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        suffix = "" if resumed_at == 0 else f".from_{unit}_{resumed_at}"
        self.video_path = self.folder / f"{name}{suffix}.mp4"
        self.log_path = self.folder / f"{name}.jsonl"
        self._log = open(self.log_path, "a" if resumed_at else "w", encoding="utf-8")
        self._video = Mp4Writer(self.video_path, fps)

    def write(self, record: dict) -> None:
        self._log.write(json.dumps(record, default=str) + "\n")

    def frame(self, picture: np.ndarray) -> None:
        self._video.append(picture)

    def close(self) -> None:
        self._video.close()
        self._log.close()
