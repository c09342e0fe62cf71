"""The lights a planner sees on its route, for a route that passes one light twice."""

import numpy as np

from envs.driving.light_view import GREEN, RED, LightView, route_passes
from envs.driving.routing import DenseRoute


def square_loop(laps: int = 2, side: int = 50) -> DenseRoute:
    """Round a 50 m square, clockwise in CARLA's frame (+x, then +y...), `laps` times, a point a metre."""
    corners = [(0, 0), (side, 0), (side, side), (0, side)]
    points = []
    for _ in range(laps):
        for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1]):
            for t in range(side):
                points.append((x0 + (x1 - x0) * t / side, y0 + (y1 - y0) * t / side))
    xy = np.array(points, dtype=float)
    step = np.diff(xy, axis=0, append=xy[:1])
    yaw = np.degrees(np.arctan2(step[:, 1], step[:, 0]))
    cumulative = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(xy, axis=0), axis=1))])
    return DenseRoute(np.column_stack([xy, np.zeros(len(xy))]), yaw, np.zeros(len(xy), int),
                      np.zeros(len(xy), int), cumulative)


def test_a_line_the_route_passes_twice_is_seen_on_both_passes():
    route = square_loop()
    centers, directions = np.array([[25.0, 0.0], [50.0, 30.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    lines, indices = route_passes(route, centers, directions, 2.0)
    assert lines.tolist() == [0, 1, 0, 1] and indices.tolist() == [25, 80, 225, 280]
    view = LightView(["a", "b"], centers, directions, lines, indices)
    codes = np.array([RED, GREEN])
    assert (view.on_route(route, 10, codes).id, view.on_route(route, 10, codes).distance) == ("a", 15.0)
    second = view.on_route(route, 200, codes)  # after the first lap: the same light again, 25 m ahead
    assert (second.id, second.color.value, second.distance) == ("a", "red", 25.0)
    assert view.on_route(route, 290, codes) is None
