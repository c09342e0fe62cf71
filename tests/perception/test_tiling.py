"""InternVL 1.5 dynamic tiling: grids by aspect ratio, tile order, the thumbnail, normalisation."""

import numpy as np
import pytest
from PIL import Image

from perception.tiling import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    candidate_grids,
    choose_grid,
    plan_tiles,
    tile_image,
    tiles_to_tensor,
)


def test_the_grid_follows_the_aspect_ratio():
    assert choose_grid(448, 448, max_tiles=1) == (1, 1)
    assert choose_grid(1000, 500) == (2, 1)  # 2:1 -> two tiles side by side; too few pixels for 4 x 2
    assert choose_grid(1600, 800) == (4, 2)  # the same shape with the pixels to fill eight tiles
    assert choose_grid(400, 1200) == (1, 3) and choose_grid(800, 2400) == (2, 6)
    assert choose_grid(1920, 1080, max_tiles=6) == (2, 1)  # 16:9 nearest 2:1 among grids of at most 6
    assert choose_grid(1920, 1080, max_tiles=12) == (4, 2)
    assert [g[0] * g[1] for g in candidate_grids(1, 4)] == [1, 2, 2, 3, 3, 4, 4, 4]
    assert set(candidate_grids(1, 4)) == {(1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (2, 2), (4, 1)}
    with pytest.raises(ValueError, match="1 <= min_tiles <= max_tiles"):
        candidate_grids(3, 2)


def test_tiles_come_row_by_row_then_the_thumbnail():
    image = np.zeros((200, 400, 3), np.uint8)
    image[:, :200] = (255, 0, 0)  # left half red, right half blue
    image[:, 200:] = (0, 0, 255)
    plan = plan_tiles(400, 200, tile_size=32, max_tiles=4)
    assert (plan.cols, plan.rows, plan.thumbnail, plan.tiles) == (2, 1, True, 3)
    tiles = tile_image(image, tile_size=32, max_tiles=4)
    assert [t.size for t in tiles] == [(32, 32)] * 3
    left, right, thumb = (np.asarray(t) for t in tiles)
    assert (left[..., 0] > 200).all() and (right[..., 2] > 200).all()
    assert thumb[16, 4, 0] > 200 and thumb[16, 28, 2] > 200
    single = tile_image(Image.fromarray(image[:, :200]), tile_size=32, max_tiles=1)
    assert len(single) == 1  # one tile: no thumbnail


def test_tiles_become_a_normalised_tensor():
    tiles = tile_image(np.full((64, 64, 3), 255, np.uint8), tile_size=16, max_tiles=1)
    tensor = tiles_to_tensor(tiles)
    assert tensor.shape == (1, 3, 16, 16) and tensor.dtype == np.float32
    assert np.allclose(tensor[0, :, 0, 0], (1.0 - IMAGENET_MEAN) / IMAGENET_STD)


def internvl_grids(widths: np.ndarray, heights: np.ndarray, max_tiles: int, tile_size: int = 448) -> np.ndarray:
    """InternVL's find_closest_aspect_ratio, vectorised over many sizes: (N, 2) (cols, rows)."""
    grids = sorted(set((i, j) for n in range(1, max_tiles + 1) for i in range(1, n + 1) for j in range(1, n + 1)
                       if i * j <= max_tiles), key=lambda g: g[0] * g[1])
    aspect, area = widths / heights, widths * heights
    best = np.zeros((len(widths), 2), int) + 1
    best_gap = np.full(len(widths), np.inf)
    for cols, rows in grids:
        gap = np.abs(aspect - cols / rows)
        better = gap < best_gap
        tie = (gap == best_gap) & (area > 0.5 * tile_size * tile_size * cols * rows)
        best[better | tie] = (cols, rows)
        best_gap[better] = gap[better]
    return best


@pytest.mark.parametrize("max_tiles", [6, 12])
def test_the_grid_is_internvls_for_every_size_up_to_1000(max_tiles):
    sizes = np.arange(1, 1001)
    widths, heights = (grid.ravel() for grid in np.meshgrid(sizes, sizes, indexing="ij"))
    expected = internvl_grids(widths.astype(float), heights.astype(float), max_tiles)
    ours = np.array([choose_grid(int(w), int(h), max_tiles=max_tiles) for w, h in zip(widths, heights)])
    assert (ours == expected).all(), np.argwhere((ours != expected).any(axis=1))[:5]


def test_ties_are_decided_as_internvl_decides_them():
    assert choose_grid(700, 600, max_tiles=12) == (4, 3)
    assert choose_grid(343, 588, max_tiles=6) == (2, 3)
