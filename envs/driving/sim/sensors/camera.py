"""A front RGB camera rendered by perspective projection with numpy/OpenCV.

The ground (road surface, sidewalks, lane markings) is the map raster seen through the
camera: a plane, so one homography maps it into the image. Vehicles, cyclists, pedestrians,
props, debris and traffic lights are 3-D boxes projected and painted far to near, so what
stands behind a prop or a car is hidden as a camera would have it. A traffic light is a pole
at the curb of its approach with an arm over the lanes and a lamp above each lane.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from envs.driving.contracts import ActorArrays
from envs.driving.geometry import box_corners
from envs.driving.sim.sensors.light_poles import LightPoles
from envs.driving.sim.sensors.map_raster import MapRaster

SKY = (150, 190, 230)
HORIZON = (175, 195, 210)
GRASS = (70, 110, 60)
PAVED = (165, 165, 160)
ASPHALT = (75, 75, 78)
WHITE = (235, 235, 235)
YELLOW = (230, 190, 40)
LIGHT_RGB = ((230, 30, 30), (240, 210, 30), (40, 210, 70), (60, 60, 60))
PEDESTRIAN_RGB = (230, 120, 40)
CYCLIST_RGB = (150, 30, 120)
PROP_RGB = (200, 60, 50)  # a vending machine
DEBRIS_RGB = (120, 95, 60)
POLE_RGB = (90, 90, 90)
HEAD_RGB = (30, 30, 30)
# (bottom, top) of each actor kind's box, metres: vehicle, pedestrian, prop, cyclist, debris
KIND_SPAN = np.array([(0.3, 1.5), (0.0, 1.8), (0.0, 2.0), (0.0, 1.7), (0.0, 0.05)])
POLE_HEIGHT = 5.0
FAR_M = 90.0
NEAR_M = 0.5


@dataclass(frozen=True)
class CameraConfig:
    width: int = 400
    height: int = 225
    fov_deg: float = 90.0
    forward_m: float = 1.5  # mounted ahead of the car centre
    height_m: float = 1.6


def box_vertices(center: np.ndarray, yaw_deg: np.ndarray, half_length: np.ndarray, half_width: np.ndarray,
                 bottom: np.ndarray, top: np.ndarray) -> np.ndarray:
    """(K, 8, 3) corners of upright boxes: the footprint at `bottom`, then at `top`."""
    footprint = box_corners(center, yaw_deg, np.stack([half_length, half_width], axis=1))  # (K, 4, 2)
    low = np.concatenate([footprint, np.broadcast_to(bottom[:, None, None], (len(center), 4, 1))], axis=2)
    high = np.concatenate([footprint, np.broadcast_to(top[:, None, None], (len(center), 4, 1))], axis=2)
    return np.concatenate([low, high], axis=1)


BOX_FACES = np.array([(0, 1, 2, 3), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7)])
FACE_SHADE = np.array([0.55, 1.0, 0.8, 0.7, 0.6, 0.75])


class CameraRenderer:
    def __init__(self, raster: MapRaster, config: CameraConfig = CameraConfig()):
        self.raster = raster
        self.config = config
        texture = np.empty(raster.driving.shape + (3,), np.uint8)
        texture[:] = GRASS
        texture[raster.paved > 127] = PAVED
        texture[raster.driving > 127] = ASPHALT
        texture[raster.marking_white > 127] = WHITE
        texture[raster.marking_yellow > 127] = YELLOW
        self._texture = texture
        self.focal = config.width / (2.0 * math.tan(math.radians(config.fov_deg) / 2.0))
        self._cx, self._cy = config.width / 2.0, config.height / 2.0
        self._horizon_row = int(math.ceil(self._cy + self.focal * config.height_m / FAR_M))

    def _camera_frame(self, ego_xy: np.ndarray, ego_yaw_deg: float):
        yaw = math.radians(ego_yaw_deg)
        forward = np.array([math.cos(yaw), math.sin(yaw)])
        right = np.array([-math.sin(yaw), math.cos(yaw)])
        position = ego_xy + self.config.forward_m * forward
        return position, forward, right

    def render(self, ego_xy: np.ndarray, ego_yaw_deg: float, actors: ActorArrays, lights: LightPoles,
               light_colors: np.ndarray) -> np.ndarray:
        config = self.config
        position, forward, right = self._camera_frame(ego_xy, ego_yaw_deg)
        f, cx, cy, h = self.focal, self._cx, self._cy, config.height_m
        # texture pixel (col, row) -> map (x, y) -> camera (depth, lateral) -> image, all linear on the ground
        res, origin = self.raster.resolution, self.raster.origin
        to_world = np.array([[res, 0.0, origin[0]], [0.0, res, origin[1]], [0.0, 0.0, 1.0]])
        to_camera = np.array([[forward[0], forward[1], -forward @ position],
                              [right[0], right[1], -right @ position],
                              [0.0, 0.0, 1.0]])
        to_image = np.array([[cx, f, 0.0], [cy, 0.0, f * h], [1.0, 0.0, 0.0]])
        homography = to_image @ to_camera @ to_world
        image = cv2.warpPerspective(self._texture, homography, (config.width, config.height),
                                    flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=GRASS)
        image[:self._horizon_row] = SKY
        image[max(self._horizon_row - 3, 0):self._horizon_row] = HORIZON
        self._draw_objects(image, position, forward, right, actors, lights, light_colors)
        return image

    def _project(self, points: np.ndarray, position, forward, right) -> tuple[np.ndarray, np.ndarray]:
        relative = points[:, :2] - position
        depth = relative @ forward
        lateral = relative @ right
        up = points[:, 2] - self.config.height_m
        safe = np.maximum(depth, 1e-3)
        pixels = np.stack([self._cx + self.focal * lateral / safe, self._cy - self.focal * up / safe], axis=1)
        return pixels, depth

    def _draw_objects(self, image, position, forward, right, actors: ActorArrays, lights: LightPoles,
                      light_colors) -> None:
        """Paint every box in view, faces sorted far to near (painter's algorithm)."""
        centers, yaws, sizes, spans, colors, lamps = [], [], [], [], [], []
        if len(actors):
            relative = actors.xy - position
            depth = relative @ forward
            lateral = np.abs(relative @ right)
            shown = np.where((depth > -3.0) & (depth < FAR_M) & (lateral < depth + 6.0))[0]
            centers.append(actors.xy[shown])
            yaws.append(actors.yaw[shown])
            sizes.append(actors.extent[shown])
            spans.append(KIND_SPAN[actors.kind[shown]])
            colors.append(np.array([_actor_color(actors.ids[i], int(actors.kind[i])) for i in shown],
                                   dtype=float).reshape(-1, 3))
            lamps.append(np.full(len(shown), -1))
        if len(light_colors):
            self._add_lights(position, forward, lights, light_colors, centers, yaws, sizes, spans, colors, lamps)
        if not centers or sum(len(c) for c in centers) == 0:
            return
        center, yaw, size, span = (np.concatenate(part) for part in (centers, yaws, sizes, spans))
        color, lamp = np.concatenate(colors), np.concatenate(lamps)
        vertices = box_vertices(center, yaw, size[:, 0], size[:, 1], span[:, 0], span[:, 1])  # (K, 8, 3)
        pixels, depth = self._project(vertices.reshape(-1, 3), position, forward, right)
        pixels, depth = pixels.reshape(-1, 8, 2), depth.reshape(-1, 8)
        keep = depth.min(axis=1) >= NEAR_M  # a box crossing the image plane fills the view anyway
        faces = pixels[keep][:, BOX_FACES]  # (K, 6, 4, 2)
        face_centers = vertices[keep][:, BOX_FACES].mean(axis=2)  # (K, 6, 3)
        distance = np.linalg.norm(face_centers[..., :2] - position, axis=2)
        shaded = (color[keep][:, None, :] * FACE_SHADE[None, :, None]).astype(int)  # (K, 6, 3)
        polygons = np.ascontiguousarray((faces * 8).round(), dtype=np.int32)
        for flat in np.argsort(-distance, axis=None):
            k, face = divmod(int(flat), 6)
            cv2.fillConvexPoly(image, polygons[k, face], tuple(int(c) for c in shaded[k, face]),
                               lineType=cv2.LINE_AA, shift=3)
        for k in np.where(lamp[keep] >= 0)[0]:
            box = vertices[keep][k]
            center_pixel, lamp_depth = self._project(box.mean(axis=0, keepdims=True), position, forward, right)
            radius = max(int(self.focal * 0.18 / max(lamp_depth[0], 1e-3)), 1)
            cv2.circle(image, (int(center_pixel[0, 0]), int(center_pixel[0, 1])), radius,
                       LIGHT_RGB[int(lamp[keep][k])], -1, lineType=cv2.LINE_AA)


    @staticmethod
    def _add_lights(position, forward, lights: LightPoles, light_colors, centers, yaws, sizes, spans, colors,
                    lamps) -> None:
        """Poles and arms of the approaches facing the camera, and a lamp over each of their lanes."""
        depth = (lights.pole_xy - position) @ forward
        poles = np.where((depth > 2.0) & (depth < FAR_M) & (lights.direction @ forward > 0.5))[0]
        arm_center = 0.5 * (lights.arm_from[poles] + lights.arm_to[poles])
        arm = lights.arm_to[poles] - lights.arm_from[poles]
        count = len(poles)
        centers += [lights.pole_xy[poles], arm_center]
        yaws += [np.zeros(count), np.degrees(np.arctan2(arm[:, 1], arm[:, 0]))]
        sizes += [np.full((count, 2), 0.1), np.stack([0.5 * np.linalg.norm(arm, axis=1), np.full(count, 0.06)], 1)]
        spans += [np.tile([0.0, POLE_HEIGHT], (count, 1)), np.tile([POLE_HEIGHT - 0.15, POLE_HEIGHT], (count, 1))]
        colors += [np.tile(POLE_RGB, (count, 1)).astype(float), np.tile(POLE_RGB, (count, 1)).astype(float)]
        lamps += [np.full(count, -1), np.full(count, -1)]
        depth = (lights.lamp_xy - position) @ forward
        heads = np.where((depth > 2.0) & (depth < FAR_M) & (lights.lamp_direction @ forward > 0.5))[0]
        centers.append(lights.lamp_xy[heads])
        yaws.append(np.zeros(len(heads)))
        sizes.append(np.full((len(heads), 2), 0.25))
        spans.append(np.tile([POLE_HEIGHT - 1.0, POLE_HEIGHT - 0.15], (len(heads), 1)))
        colors.append(np.tile(HEAD_RGB, (len(heads), 1)).astype(float))
        lamps.append(light_colors[heads].astype(int))


def _actor_color(actor_id: str, kind: int) -> tuple[int, int, int]:
    fixed = {ActorArrays.KIND_PEDESTRIAN: PEDESTRIAN_RGB, ActorArrays.KIND_CYCLIST: CYCLIST_RGB,
             ActorArrays.KIND_PROP: PROP_RGB, ActorArrays.KIND_DEBRIS: DEBRIS_RGB}
    if kind in fixed:
        return fixed[kind]
    palette = ((40, 70, 160), (170, 30, 30), (200, 200, 205), (30, 30, 35), (40, 120, 70), (210, 170, 40))
    return palette[zlib.crc32(actor_id.encode()) % len(palette)]
