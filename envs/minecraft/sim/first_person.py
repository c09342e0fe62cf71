"""A first-person picture of the voxel world, for episode videos and MLLM prompts.

One ray a pixel from the eye through a pinhole camera (70 degrees across, looking along the
player's yaw and pitch), walked through the voxels as the sight rays are (sight.cast): the
first block that is not see-through gives the pixel its colour, shaded by the face it shows
(tops brightest) and faded into the sky with distance; rays that meet nothing show the sky,
dark at night and underground nothing but the blocks. Mobs in view are drawn as boxes in front
of what lies behind them. A heads-up line shows health, food, the item in hand and the
inventory's first items.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from envs.minecraft.sim.light import sky_light
from envs.minecraft.sim.render import PALETTE_RGB
from envs.minecraft.sim.sight import blocks_around, cast

WIDTH, HEIGHT = 256, 160
FIELD_OF_VIEW = 70.0  # degrees across
VIEW_RANGE = 48
FACE_SHADE = np.array([0.78, 1.0, 0.62])  # x faces, tops and bottoms, z faces
MOB_COLORS = {"cow": (90, 60, 40), "pig": (240, 160, 160), "sheep": (235, 235, 235), "chicken": (250, 250, 250),
              "zombie": (60, 140, 70), "skeleton": (200, 200, 200), "spider": (50, 40, 40), "creeper": (40, 190, 50),
              "husk": (150, 130, 90), "stray": (150, 170, 170), "slime": (100, 190, 80), "rabbit": (160, 130, 100),
              "horse": (130, 90, 50), "donkey": (120, 110, 100), "llama": (220, 210, 180), "parrot": (220, 40, 40),
              "squid": (40, 50, 90), "cod": (180, 160, 120), "salmon": (170, 70, 60), "tropical_fish": (240, 140, 40),
              "pufferfish": (230, 200, 60)}
HUD_HEIGHT = 34


def camera_basis(yaw: float, pitch: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The camera's forward, right and up unit vectors; yaw 0 looks along +x, 90 along +z; positive
    pitch looks down."""
    yaw_r, pitch_r = math.radians(yaw), math.radians(pitch)
    forward = np.array([math.cos(yaw_r) * math.cos(pitch_r), -math.sin(pitch_r), math.sin(yaw_r) * math.cos(pitch_r)])
    right = np.array([-math.sin(yaw_r), 0.0, math.cos(yaw_r)])
    return forward, right, np.cross(right, forward)


def camera_rays(yaw: float, pitch: float, width: int = WIDTH, height: int = HEIGHT,
                fov: float = FIELD_OF_VIEW) -> np.ndarray:
    """Unit ray directions (height * width, 3), row by row from the top left."""
    forward, right, up = camera_basis(yaw, pitch)
    half = math.tan(math.radians(fov) / 2)
    u = (np.arange(width) + 0.5) / width * 2 - 1
    v = 1 - (np.arange(height) + 0.5) / height * 2
    directions = forward[None, None, :] + u[None, :, None] * half * right[None, None, :] + \
        v[:, None, None] * half * height / width * up[None, None, :]
    directions = directions.reshape(-1, 3)
    return directions / np.linalg.norm(directions, axis=1, keepdims=True)


def _sky(time_of_day: int) -> np.ndarray:
    brightness = sky_light(time_of_day) / 15.0
    return np.array([120, 170, 235]) * brightness + np.array([10, 10, 30]) * (1 - brightness)


def render_view(world, eye: tuple[float, float, float], yaw: float, pitch: float, time_of_day: int,
                mobs=(), width: int = WIDTH, height: int = HEIGHT) -> np.ndarray:
    """The (height, width, 3) uint8 picture from the eye."""
    blocks, corner = blocks_around(world, eye, VIEW_RANGE)
    directions = camera_rays(yaw, pitch, width, height)
    rays = cast(blocks, np.asarray(eye, float) - corner, directions, VIEW_RANGE)
    hit = rays.hits[:, 0] >= 0
    sky = _sky(time_of_day)
    colors = np.tile(sky, (len(directions), 1))
    ids = blocks[rays.hits[hit, 0], rays.hits[hit, 1], rays.hits[hit, 2]]
    fade = np.clip(rays.distance[hit] / VIEW_RANGE, 0.0, 1.0)[:, None] ** 2
    shaded = PALETTE_RGB[ids] * FACE_SHADE[rays.face[hit]][:, None]
    colors[hit] = shaded * (1 - fade) + sky * fade
    picture = colors.reshape(height, width, 3)
    depth = np.where(hit, rays.distance, np.inf).reshape(height, width)
    _draw_mobs(picture, depth, mobs, eye, yaw, pitch, width, height)
    return np.clip(picture, 0, 255).astype(np.uint8)


def _draw_mobs(picture, depth, mobs, eye, yaw, pitch, width, height) -> None:
    """Each mob a box (0.9 wide, 1.8 tall) drawn where it is nearer than the blocks behind."""
    forward, right, up = camera_basis(yaw, pitch)
    focal = width / 2 / math.tan(math.radians(FIELD_OF_VIEW) / 2)
    for mob in mobs:
        offset = np.array([mob.x + 0.5, mob.y + 0.9, mob.z + 0.5]) - np.asarray(eye)
        ahead = float(offset @ forward)
        if ahead < 0.3 or ahead > VIEW_RANGE:
            continue
        cx = width / 2 + focal * float(offset @ right) / ahead
        cy = height / 2 - focal * float(offset @ up) / ahead
        half_w, half_h = focal * 0.45 / ahead, focal * 0.9 / ahead
        x0, x1 = int(max(cx - half_w, 0)), int(min(cx + half_w, width))
        y0, y1 = int(max(cy - half_h, 0)), int(min(cy + half_h, height))
        if x0 >= x1 or y0 >= y1:
            continue
        region = picture[y0:y1, x0:x1]
        nearer = depth[y0:y1, x0:x1] > ahead
        region[nearer] = MOB_COLORS.get(mob.kind, (200, 50, 200))


def draw_hud(picture: np.ndarray, health: float, food: float, equipped: str | None,
             inventory: dict[str, int]) -> np.ndarray:
    """The picture above a heads-up panel: health and food bars, the item in hand, the inventory."""
    width = picture.shape[1]
    panel = np.full((HUD_HEIGHT, width, 3), 25, np.uint8)
    bar = (width - 20) // 2
    for index, (value, color) in enumerate(((health, (220, 40, 40)), (food, (200, 140, 60)))):
        x0 = 6 + index * (bar + 8)
        cv2.rectangle(panel, (x0, 4), (x0 + bar, 10), (70, 70, 70), -1)
        cv2.rectangle(panel, (x0, 4), (x0 + int(bar * max(min(value, 20.0), 0.0) / 20.0), 10), color, -1)
    items = ", ".join(f"{n} {item}" for item, n in sorted(inventory.items(), key=lambda kv: -kv[1])[:4])
    cv2.putText(panel, f"hand: {equipped or '-'}  {items}"[:width // 5], (6, 27), cv2.FONT_HERSHEY_SIMPLEX, 0.33,
                (235, 235, 235), 1, cv2.LINE_AA)
    return np.vstack([picture, panel])
