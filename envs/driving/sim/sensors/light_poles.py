"""Where the traffic lights stand, for the camera: a pole at the curb of each approach (the lanes
one light controls), an arm over its lanes, and a lamp over each lane's stop line."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CURB_OFFSET_M = 0.8


@dataclass(frozen=True)
class LightPoles:

    pole_xy: np.ndarray  # (G, 2)
    arm_from: np.ndarray  # (G, 2)
    arm_to: np.ndarray  # (G, 2)
    direction: np.ndarray  # (G, 2) the approach's travel direction
    lamp_xy: np.ndarray  # (M, 2) over each stop line's centre
    lamp_direction: np.ndarray  # (M, 2)

    @classmethod
    def build(cls, left: np.ndarray, right: np.ndarray, direction: np.ndarray, groups: list[str]) -> LightPoles:
        poles, arm_from, arm_to, pole_direction = [], [], [], []
        for group in dict.fromkeys(groups):
            rows = [m for m, g in enumerate(groups) if g == group]
            heading = direction[rows[0]]
            normal = np.array([-heading[1], heading[0]])  # to the right (CARLA's y points right)
            outer = max(rows, key=lambda m: float(right[m] @ normal))
            inner = min(rows, key=lambda m: float(left[m] @ normal))
            poles.append(right[outer] + CURB_OFFSET_M * normal)
            arm_from.append(right[outer] + CURB_OFFSET_M * normal)
            arm_to.append(left[inner])
            pole_direction.append(heading)
        count = len(poles)
        return cls(np.array(poles).reshape(count, 2), np.array(arm_from).reshape(count, 2),
                   np.array(arm_to).reshape(count, 2), np.array(pole_direction).reshape(count, 2),
                   0.5 * (left + right), direction)

    @classmethod
    def empty(cls) -> LightPoles:
        return cls(*(np.zeros((0, 2)) for _ in range(6)))
