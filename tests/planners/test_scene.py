"""What counts as in the ego's way: the corridor along the path, now and over the next 3 s."""

import numpy as np
import pytest

from envs.driving.contracts import ActorArrays
from planners.driving.scene import Path, clears_first, obstacles_on_path

PATH = Path.from_points(np.stack([np.arange(0.0, 60.0), np.zeros(60)], axis=1))


def actors(*entries) -> ActorArrays:
    """entries: (id, kind, x, y, yaw, speed, half length, half width)."""
    return ActorArrays(tuple(e[0] for e in entries), np.array([e[1] for e in entries], np.int8),
                       np.array([[e[2], e[3]] for e in entries], float), np.array([e[4] for e in entries], float),
                       np.array([e[5] for e in entries], float), np.array([[e[6], e[7]] for e in entries], float))


def found(world) -> list[str]:
    return [world.ids[o.index] for o in obstacles_on_path(PATH, world, 2.45, 1.3)]


def test_a_pedestrian_waiting_at_the_curb_is_not_in_the_way_but_one_walking_in_is():
    waiting = ("pedestrian:w", ActorArrays.KIND_PEDESTRIAN, 20.0, 2.0, 90.0, 0.0, 0.25, 0.25)
    walking = ("pedestrian:x", ActorArrays.KIND_PEDESTRIAN, 25.0, 3.0, -90.0, 1.3, 0.25, 0.25)
    assert found(actors(waiting)) == []
    assert found(actors(walking)) == ["pedestrian:x"]


def test_a_bicycle_across_the_road_is_as_wide_as_it_is_long():
    across = ("cyclist:c", ActorArrays.KIND_CYCLIST, 20.0, 1.9, 90.0, 0.0, 0.8, 0.35)
    along = ("cyclist:d", ActorArrays.KIND_CYCLIST, 20.0, 1.9, 0.0, 0.0, 0.8, 0.35)
    assert found(actors(across)) == ["cyclist:c"]  # 1.9 - 0.8 reaches into the 1.3 m corridor; 1.9 - 0.35 not
    assert found(actors(along)) == []


def test_debris_is_driven_over():
    assert found(actors(("scenario1_0:debris0", ActorArrays.KIND_DEBRIS, 15.0, 0.0, 0.0, 0.0, 0.9, 0.9))) == []


@pytest.mark.parametrize("distance, enters_s, speed, expected", [
    (8.5, 1.75, 13.7, True),  # cannot stop in 8.5 m from 13.7 m/s, and is past in 1.1 s
    (8.5, 1.0, 13.7, False),  # it would be there first
    (20.0, 1.75, 13.7, False),  # room to stop: stop
    (8.5, 0.0, 13.7, False),  # already in the way
])
def test_keep_going_only_when_stopping_is_impossible_and_clearing_is_sure(distance, enters_s, speed, expected):
    assert clears_first(distance, enters_s, speed, 4.9, 0.25) is expected
