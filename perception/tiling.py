"""InternVL 1.5 dynamic high-resolution tiling, with PIL and numpy only (no torchvision).

An image is cut into a grid of square tiles (448 px by default): among the grids of `cols x rows`
tiles with between `min_tiles` and `max_tiles` tiles, the one whose aspect ratio is nearest the
image's is chosen (on a tie, the larger grid when the image has the pixels to fill it); the image
is resized to that grid and cut row by row; when there is more than one tile, a thumbnail of the
whole image is appended. Tiles are normalised with ImageNet statistics into (N, 3, S, S) float32.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image

IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)


@dataclass(frozen=True)
class TilePlan:
    cols: int
    rows: int
    thumbnail: bool

    @property
    def tiles(self) -> int:
        return self.cols * self.rows + (1 if self.thumbnail else 0)


@lru_cache(maxsize=64)
def candidate_grids(min_tiles: int, max_tiles: int) -> tuple[tuple[int, int], ...]:
    """(cols, rows) with min_tiles <= cols * rows <= max_tiles, fewest tiles first, in InternVL's
    order: its grids are a Python set of (i, j) sorted by i * j alone, so grids with as many tiles
    keep the set's iteration order (fixed for small-int tuples), and that order decides ties."""
    if not 1 <= min_tiles <= max_tiles:
        raise ValueError(f"tile counts must satisfy 1 <= min_tiles <= max_tiles, not {min_tiles}, {max_tiles}")
    grids = set((i, j) for n in range(min_tiles, max_tiles + 1) for i in range(1, n + 1) for j in range(1, n + 1)
                if min_tiles <= i * j <= max_tiles)
    return tuple(sorted(grids, key=lambda grid: grid[0] * grid[1]))


def choose_grid(width: int, height: int, tile_size: int = 448, min_tiles: int = 1,
                max_tiles: int = 12) -> tuple[int, int]:
    """The grid nearest the image's aspect ratio, compared exactly as InternVL's
    find_closest_aspect_ratio does: a strictly smaller gap wins; an equal gap goes to the later
    grid when the image's area exceeds half of that grid's pixels."""
    aspect = width / height
    area = width * height
    best, best_gap = (1, 1), float("inf")
    for cols, rows in candidate_grids(min_tiles, max_tiles):
        gap = abs(aspect - cols / rows)
        if gap < best_gap:
            best, best_gap = (cols, rows), gap
        elif gap == best_gap and area > 0.5 * tile_size * tile_size * cols * rows:
            best = (cols, rows)
    return best


def plan_tiles(width: int, height: int, tile_size: int = 448, min_tiles: int = 1, max_tiles: int = 12,
               thumbnail: bool = True) -> TilePlan:
    cols, rows = choose_grid(width, height, tile_size, min_tiles, max_tiles)
    return TilePlan(cols, rows, thumbnail and cols * rows > 1)


def tile_image(image: Image.Image | np.ndarray, tile_size: int = 448, min_tiles: int = 1, max_tiles: int = 12,
               thumbnail: bool = True) -> list[Image.Image]:
    """The tiles, row by row, then the thumbnail (when there is more than one tile)."""
    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image, np.uint8))
    picture = picture.convert("RGB")
    plan = plan_tiles(*picture.size, tile_size, min_tiles, max_tiles, thumbnail)
    resized = picture.resize((plan.cols * tile_size, plan.rows * tile_size), Image.BICUBIC)
    tiles = [resized.crop((c * tile_size, r * tile_size, (c + 1) * tile_size, (r + 1) * tile_size))
             for r in range(plan.rows) for c in range(plan.cols)]
    if plan.thumbnail:
        tiles.append(picture.resize((tile_size, tile_size), Image.BICUBIC))
    return tiles


def tiles_to_tensor(tiles: list[Image.Image] | list[np.ndarray]) -> np.ndarray:
    """(N, 3, H, W) float32, ImageNet-normalised, from same-sized RGB pictures."""
    stacked = np.stack([np.asarray(t, np.float32) / 255.0 for t in tiles])
    return ((stacked - IMAGENET_MEAN) / IMAGENET_STD).transpose(0, 3, 1, 2).astype(np.float32)
