"""Background traffic profiles.

`lb1` is the Leaderboard 1.0 route scenario's background: autopilot vehicles by town (120 on
Town01, Town03, Town05 and Town10, 100 on Town02, 200 on Town04, ...) and no ambient
pedestrians. A map the table does not know (a procedural town, a map of your own) gets Town05's
120 scaled by its lane length. `light` is the lighter mix this project used before (60 vehicles,
40 pedestrians).
"""

from __future__ import annotations

from envs.errors import UserInputError

LB1_VEHICLES_BY_TOWN = {"Town01": 120, "Town02": 100, "Town03": 120, "Town04": 200, "Town05": 120, "Town06": 150,
                        "Town07": 110, "Town08": 180, "Town09": 300, "Town10": 120, "Town10HD": 120}
TOWN05_WAYPOINTS_AT_2M = 12_009  # carla.Map('Town05').generate_waypoints(2.0): its lane length in 2 m steps
PROFILES = ("lb1", "light")


def traffic_for(profile: str, road_map) -> tuple[int, int]:
    """(vehicles, pedestrians) of a profile on this map."""
    if profile == "light":
        return 60, 40
    if profile != "lb1":
        raise UserInputError(f"--traffic {profile}: profiles are {', '.join(PROFILES)}")
    if road_map.source.origin != "procedural" and road_map.name in LB1_VEHICLES_BY_TOWN:
        return LB1_VEHICLES_BY_TOWN[road_map.name], 0
    return max(1, round(120 * len(road_map.waypoints) / TOWN05_WAYPOINTS_AT_2M)), 0
