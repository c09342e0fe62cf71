"""The static world drawn once per map into rasters aligned with map coordinates.

Rows grow with +y and columns with +x, which is a correct (unmirrored) top view in
CARLA's left-handed frame. Layers: driving lanes, sidewalks and other paved lanes, and
lane markings (solid and broken, white and yellow). Cached on disk by map content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import cv2
import numpy as np

from envs.driving.cache import cache_dir, content_key
from envs.driving.maps import RoadMap

RESOLUTION_M = 0.2
MARKING_WIDTH_M = 0.15
DASH_M = 3.0


@dataclass
class MapRaster:
    origin: np.ndarray  # (2,) map x, y of pixel (0, 0)'s corner
    resolution: float
    driving: np.ndarray  # (H, W) uint8 0/255
    paved: np.ndarray  # sidewalks, shoulders, parking
    marking_white: np.ndarray
    marking_yellow: np.ndarray

    def world_to_pixel(self, xy: np.ndarray) -> np.ndarray:
        return (np.asarray(xy) - self.origin) / self.resolution


def _lane_quads(road_map: RoadMap) -> tuple[list[np.ndarray], ...]:
    """Quads of driving lanes, paved side lanes, white and yellow markings; and junction hulls."""
    import carla

    driving, paved, white, yellow = [], [], [], []
    step = 1.0
    dash_on = {carla.LaneMarkingType.Broken, carla.LaneMarkingType.BrokenBroken,
               carla.LaneMarkingType.BrokenSolid}
    drawn = {carla.LaneMarkingType.Solid, carla.LaneMarkingType.SolidSolid, carla.LaneMarkingType.SolidBroken,
             *dash_on}
    seen_side_lanes: set[tuple[int, int, int, int]] = set()

    def quad(location, yaw, half_length, half_width, lateral=0.0):
        forward = np.array([np.cos(yaw), np.sin(yaw)])
        right = np.array([-np.sin(yaw), np.cos(yaw)])
        center = np.array([location.x, location.y]) + lateral * right
        return np.array([center + half_length * forward + half_width * right,
                         center + half_length * forward - half_width * right,
                         center - half_length * forward - half_width * right,
                         center - half_length * forward + half_width * right])

    junction_edges: dict[int, list[np.ndarray]] = {}
    for waypoint in road_map.carla_map.generate_waypoints(step):
        transform = waypoint.transform
        yaw = np.radians(transform.rotation.yaw)
        half = 0.5 * waypoint.lane_width
        driving.append(quad(transform.location, yaw, 0.6 * step, half))
        if waypoint.is_junction:
            junction_edges.setdefault(waypoint.junction_id, []).append(quad(transform.location, yaw, 0.6 * step, half))
        for marking, side in ((waypoint.left_lane_marking, -1.0), (waypoint.right_lane_marking, 1.0)):
            if marking.type not in drawn:
                continue
            if marking.type in dash_on and int(waypoint.s // DASH_M) % 2:
                continue
            target = yellow if marking.color == carla.LaneMarkingColor.Yellow else white
            target.append(quad(transform.location, yaw, 0.5 * step, 0.5 * MARKING_WIDTH_M, side * half))
        for walk in ("get_left_lane", "get_right_lane"):
            neighbour = getattr(waypoint, walk)()
            for _ in range(4):
                if neighbour is None:
                    break
                if neighbour.lane_type != carla.LaneType.Driving:
                    key = (neighbour.road_id, neighbour.section_id, neighbour.lane_id, int(neighbour.s))
                    if key not in seen_side_lanes:
                        seen_side_lanes.add(key)
                        paved.append(quad(neighbour.transform.location, np.radians(neighbour.transform.rotation.yaw),
                                          0.6 * step, 0.5 * neighbour.lane_width))
                neighbour = getattr(neighbour, walk)()
    # a junction's surface is paved all over, not only along its lanes: its lanes' convex hull
    hulls = [cv2.convexHull(np.concatenate(quads).astype(np.float32)).reshape(-1, 2).astype(float)
             for quads in junction_edges.values()]
    return driving, paved, white, yellow, hulls


def build_map_raster(road_map: RoadMap, resolution: float = RESOLUTION_M) -> MapRaster:
    key = content_key(road_map.source.xodr_path.read_bytes(), str(resolution), "v3")
    path = cache_dir("rasters") / f"{road_map.name}-{key}.npz"
    if path.exists():
        data = np.load(path)
        return MapRaster(data["origin"], float(data["resolution"]), data["driving"], data["paved"],
                         data["marking_white"], data["marking_yellow"])
    min_x, min_y, max_x, max_y = road_map.bounds
    origin = np.array([min_x, min_y])
    shape = (int(np.ceil((max_y - min_y) / resolution)), int(np.ceil((max_x - min_x) / resolution)))
    layers = []
    *lane_layers, junction_hulls = _lane_quads(road_map)
    for quads in lane_layers:
        layer = np.zeros(shape, np.uint8)
        if quads:
            pixels = ((np.array(quads) - origin) / resolution * 8).round().astype(np.int32)  # 3 bits subpixel
            cv2.fillPoly(layer, list(pixels), 255, lineType=cv2.LINE_AA, shift=3)
        layers.append(layer)
    for hull in junction_hulls:  # one at a time: fillPoly would cut holes where polygons overlap
        pixels = ((hull - origin) / resolution * 8).round().astype(np.int32)
        cv2.fillConvexPoly(layers[0], pixels, 255, lineType=cv2.LINE_AA, shift=3)
    raster = MapRaster(origin, resolution, *layers)
    partial = path.with_suffix(f".{os.getpid()}.tmp.npz")  # workers may build the same raster at once
    np.savez_compressed(partial, origin=origin, resolution=resolution, driving=raster.driving, paved=raster.paved,
                        marking_white=raster.marking_white, marking_yellow=raster.marking_yellow)
    partial.replace(path)
    return raster
