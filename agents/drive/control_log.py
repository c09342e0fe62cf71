"""Every control sent to the simulator, in the checkpoint database.

The simulator is deterministic, so a run killed at any point is rebuilt by resetting
the same scenario and replaying the logged controls up to the last checkpoint.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from envs.driving.contracts import VehicleControl


class ControlLog:
    def __init__(self, path: str | Path | None, thread_id: str):
        self.thread_id = thread_id
        self._db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS drive_controls (thread_id TEXT, tick INTEGER, throttle REAL, "
                         "steer REAL, brake REAL, hand_brake INTEGER, reverse INTEGER, PRIMARY KEY (thread_id, tick))")
        self._db.commit()

    def append(self, first_tick: int, controls: list[VehicleControl]) -> None:
        rows = [(self.thread_id, first_tick + i, c.throttle, c.steer, c.brake, int(c.hand_brake), int(c.reverse))
                for i, c in enumerate(controls)]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO drive_controls VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def controls(self, until_tick: int) -> list[VehicleControl]:
        """Controls of ticks 0 .. until_tick - 1, in order."""
        rows = self._db.execute("SELECT tick, throttle, steer, brake, hand_brake, reverse FROM drive_controls "
                                "WHERE thread_id = ? AND tick < ? ORDER BY tick",
                                (self.thread_id, until_tick)).fetchall()
        if len(rows) != until_tick or (rows and rows[-1][0] != until_tick - 1):
            raise RuntimeError(f"control log of {self.thread_id} has {len(rows)} of {until_tick} ticks")
        return [VehicleControl.model_construct(throttle=r[1], steer=r[2], brake=r[3], hand_brake=bool(r[4]),
                                               reverse=bool(r[5])) for r in rows]

    def clear(self) -> None:
        with self._db:
            self._db.execute("DELETE FROM drive_controls WHERE thread_id = ?", (self.thread_id,))

    def close(self) -> None:
        self._db.close()
