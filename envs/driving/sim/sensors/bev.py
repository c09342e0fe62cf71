"""Semantic bird's-eye view around the ego, heading up.

Planes (C, H, W), uint8 0/255, channels first as models take them: road, lane lines,
route, vehicles (cyclists too), pedestrians, the stop lines of red, yellow and green lights, and
static objects (props, debris). Static layers are warped out of the map raster; actors are drawn
as polygons, only those the ego's cameras can see (a perception stack's view, not the world's).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from envs.driving.contracts import ActorArrays
from envs.driving.geometry import box_corners
from envs.driving.sim.sensors.map_raster import MapRaster

BEV_CHANNELS = ("road", "lane_lines", "route", "vehicles", "pedestrians", "light_red", "light_yellow",
                "light_green", "static_objects")
CHANNEL_KINDS = {3: (ActorArrays.KIND_VEHICLE, ActorArrays.KIND_CYCLIST), 4: (ActorArrays.KIND_PEDESTRIAN,),
                 8: (ActorArrays.KIND_PROP, ActorArrays.KIND_DEBRIS)}
CHANNEL_COLORS = {  # RGB, painted in this order for the video view
    "road": (80, 80, 80), "lane_lines": (230, 230, 230), "route": (60, 110, 200), "vehicles": (60, 160, 255),
    "pedestrians": (255, 140, 0), "light_red": (230, 30, 30), "light_yellow": (240, 220, 30),
    "light_green": (40, 200, 60), "static_objects": (190, 90, 210),
}


EGO_RGB = (240, 240, 60)


@dataclass(frozen=True)
class BevConfig:
    size_px: int = 256
    meters_per_px: float = 0.25
    ego_row_fraction: float = 0.7  # the ego sits this far down the image, to see more ahead


class BevRenderer:
    def __init__(self, raster: MapRaster, config: BevConfig = BevConfig()):
        self.raster = raster
        self.config = config
        lines = np.maximum(raster.marking_white, raster.marking_yellow)
        # the raster is antialiased for the camera; the semantic view wants clean 0/255 masks
        self._static = tuple(np.where(layer > 127, 255, 0).astype(np.uint8) for layer in (raster.driving, lines))
        self._center = np.array([config.size_px / 2.0, config.size_px * config.ego_row_fraction])

    def world_to_bev(self, ego_xy: np.ndarray, ego_yaw_deg: float) -> np.ndarray:
        """2x3 affine from map (x, y) to BEV pixel (column, row)."""
        yaw = np.radians(ego_yaw_deg)
        forward = np.array([np.cos(yaw), np.sin(yaw)])
        right = np.array([-np.sin(yaw), np.cos(yaw)])
        scale = 1.0 / self.config.meters_per_px
        return np.array([
            [right[0] * scale, right[1] * scale, self._center[0] - scale * right @ ego_xy],
            [-forward[0] * scale, -forward[1] * scale, self._center[1] + scale * forward @ ego_xy],
        ])

    def render(self, ego_xy: np.ndarray, ego_yaw_deg: float, actors: ActorArrays, route_xy: np.ndarray,
               light_left: np.ndarray, light_right: np.ndarray, light_colors: np.ndarray) -> np.ndarray:
        """(C, H, W) uint8 planes in BEV_CHANNELS order; row 0 is ahead of the ego."""
        size = self.config.size_px
        affine = self.world_to_bev(ego_xy, ego_yaw_deg)
        raster_to_bev = np.empty((2, 3))
        raster_to_bev[:, :2] = affine[:, :2] * self.raster.resolution
        raster_to_bev[:, 2] = affine[:, :2] @ self.raster.origin + affine[:, 2]
        bev = np.zeros((len(BEV_CHANNELS), size, size), np.uint8)
        for channel, layer in enumerate(self._static):
            cv2.warpAffine(layer, raster_to_bev, (size, size), dst=bev[channel], flags=cv2.INTER_NEAREST)
        scale = 1.0 / self.config.meters_per_px
        if len(route_xy) > 1:
            cv2.polylines(bev[2], [self._project(affine, route_xy)], False, 255,
                          thickness=max(int(1.5 * scale), 1), shift=3)
        reach = size * self.config.meters_per_px
        actors = actors.seen()
        if len(actors):
            near = np.abs(actors.xy - ego_xy).max(axis=1) < reach
            corners = self._project(affine, box_corners(actors.xy[near], actors.yaw[near], actors.extent[near]))
            kinds = actors.kind[near]
            for channel, members in CHANNEL_KINDS.items():
                chosen = corners[np.isin(kinds, members)]
                if len(chosen):
                    cv2.fillPoly(bev[channel], list(chosen), 255, shift=3)
        if len(light_colors):
            near = np.abs(light_left - ego_xy).max(axis=1) < reach
            ends = self._project(affine, np.stack([light_left, light_right], axis=1))
            for code, channel in ((0, 5), (1, 6), (2, 7)):
                chosen = np.where(near & (light_colors == code))[0]
                if len(chosen):
                    cv2.polylines(bev[channel], list(ends[chosen]), False, 255, thickness=max(int(0.8 * scale), 1),
                                  shift=3)
        return bev

    @staticmethod
    def _project(affine: np.ndarray, xy: np.ndarray) -> np.ndarray:
        pixels = xy @ affine[:, :2].T + affine[:, 2]
        return np.ascontiguousarray((pixels * 8).round(), dtype=np.int32)  # 3 bits of subpixel precision


def bev_to_rgb(bev: np.ndarray, config: BevConfig = BevConfig(), ego_length: float = 4.9,
               ego_width: float = 2.1) -> np.ndarray:
    """An RGB picture (H, W, 3) of the semantic BEV with the ego drawn in, for videos and reports."""
    image = np.full(bev.shape[1:] + (3,), (35, 60, 35), np.uint8)
    for channel, name in enumerate(BEV_CHANNELS):
        image[bev[channel] > 0] = CHANNEL_COLORS[name]
    scale = 1.0 / config.meters_per_px
    center = np.array([config.size_px / 2.0, config.size_px * config.ego_row_fraction])
    half = np.array([ego_width, ego_length]) * scale / 2.0
    cv2.rectangle(image, tuple(int(v) for v in center - half), tuple(int(v) for v in center + half), EGO_RGB, -1)
    return image
