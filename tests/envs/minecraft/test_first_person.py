"""The first-person picture: pixels from rays through the voxels, mobs in front, the heads-up panel."""

import numpy as np

from envs.minecraft.contracts import MinecraftTask, StructuredAction
from envs.minecraft.sim.env import EmbeddedMinecraft
from envs.minecraft.sim.first_person import (
    FACE_SHADE,
    HEIGHT,
    HUD_HEIGHT,
    MOB_COLORS,
    WIDTH,
    camera_rays,
    draw_hud,
    render_view,
)
from envs.minecraft.sim.mobs import Mob
from envs.minecraft.sim.palette import ID
from envs.minecraft.sim.render import PALETTE_RGB
from tests.envs.minecraft.helpers import FLOOR, carve, flat_world

EYE = (0.5, FLOOR + 1.62, 0.5)


def test_the_middle_ray_looks_where_the_player_looks():
    middle = camera_rays(90.0, 0.0, width=3, height=3)[4]
    np.testing.assert_allclose(middle, [0.0, 0.0, 1.0], atol=1e-9)
    down = camera_rays(0.0, 90.0, width=3, height=3)[4]
    np.testing.assert_allclose(down, [0.0, -1.0, 0.0], atol=1e-9)


def test_a_wall_ahead_fills_the_middle_and_the_sky_is_above_it():
    world = flat_world()
    carve(world, (4, FLOOR, -3), (4, FLOOR + 1, 3), "diamond_ore")
    picture = render_view(world, EYE, yaw=0.0, pitch=0.0, time_of_day=1000)
    assert picture.shape == (HEIGHT, WIDTH, 3) and picture.dtype == np.uint8
    middle = picture[HEIGHT // 2, WIDTH // 2].astype(float)
    expected = PALETTE_RGB[ID["diamond_ore"]] * FACE_SHADE[0]  # an x face, 3.5 blocks away: hardly faded
    np.testing.assert_allclose(middle, expected, atol=4)
    top = picture[0, WIDTH // 2]
    assert top[2] > 200 and top[2] > top[0]  # blue sky by day
    night = render_view(world, EYE, yaw=0.0, pitch=-60.0, time_of_day=18_000)
    assert night[HEIGHT // 2, WIDTH // 2].max() < 100 < top.max()  # the night sky is dark


def test_a_mob_in_front_is_drawn_over_what_is_behind_it_and_not_through_a_wall():
    world = flat_world()
    cow = Mob(0, "cow", 3, FLOOR, 0, 10.0)
    seen = render_view(world, EYE, 0.0, 0.0, 1000, mobs=[cow])
    assert tuple(seen[HEIGHT // 2, WIDTH // 2]) == MOB_COLORS["cow"]
    carve(world, (2, FLOOR, -2), (2, FLOOR + 2, 2), "stone")
    hidden = render_view(world, EYE, 0.0, 0.0, 1000, mobs=[cow])
    assert tuple(hidden[HEIGHT // 2, WIDTH // 2]) != MOB_COLORS["cow"]


def test_the_heads_up_panel_shows_health_and_food():
    picture = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    full = draw_hud(picture, 20.0, 20.0, "iron_pickaxe", {"cobblestone": 12})
    half = draw_hud(picture, 10.0, 20.0, None, {})
    assert full.shape == (HEIGHT + HUD_HEIGHT, WIDTH, 3)
    bar_row = HEIGHT + 7
    reds_full = (full[bar_row, :WIDTH // 2, 0] > 200).sum()
    reds_half = (half[bar_row, :WIDTH // 2, 0] > 200).sum()
    assert abs(reds_half - reds_full / 2) <= 2


def test_frames_are_rendered_during_an_action():
    env = EmbeddedMinecraft(render=True)
    observation = env.reset(MinecraftTask(seed=9))
    assert observation.image.shape == (HEIGHT + HUD_HEIGHT, WIDTH, 3)
    env.take_frames()
    env.step(StructuredAction(name="mine", args={"object": "log"}))
    frames = env.take_frames()
    assert env.engine.steps >= 80 and len(frames) == env.engine.steps // 40  # one every 2 s of game time
    assert all(f.shape == observation.image.shape for f in frames)
    assert env.take_frames() == []
