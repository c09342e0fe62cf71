"""The context budget rule: lower the shared tile cap first, then drop images from the end."""

import pytest

from planners.mllm.budget import PromptTooLong, fit_images

PER_TILE = 64


def tiles(width: int, height: int, cap: int) -> int:
    """A stand-in tiler: wide images want 2 tiles + a thumbnail, square ones 1."""
    wanted = 3 if width > height else 1
    return min(wanted, cap) if cap > 1 else 1


def text_tokens(images: int) -> int:
    return 100 + 2 * images  # each placeholder and its newline


SIZES = [(400, 225), (256, 256), (400, 225)]  # front camera, BEV, another camera


def test_everything_fits_untouched():
    fit = fit_images(SIZES, text_tokens, PER_TILE, 10_000, 6, tiles)
    assert (fit.max_tiles, fit.images, fit.note) == (6, 3, None)
    assert fit.prompt_tokens == 106 + 3 + PER_TILE * (3 + 1 + 3)


def test_tile_cap_is_lowered_before_images_are_dropped():
    full = 106 + 3 + PER_TILE * 7  # 557
    fit = fit_images(SIZES, text_tokens, PER_TILE, full - 1, 6, tiles)
    assert (fit.max_tiles, fit.images) == (2, 3)  # cap 2: 2 + 1 + 2 tiles = 5 * 64
    assert fit.prompt_tokens == 106 + 3 + PER_TILE * 5
    assert "at most 2 tile(s) each (from 6)" in fit.note


def test_images_are_dropped_from_the_end_when_one_tile_each_is_still_too_much():
    one_tile_each = 106 + 3 + PER_TILE * 3  # 301
    fit = fit_images(SIZES, text_tokens, PER_TILE, one_tile_each - 1, 6, tiles)
    assert (fit.max_tiles, fit.images) == (1, 2)
    assert fit.prompt_tokens == 104 + 2 + PER_TILE * 2
    assert "the last 1 of 3 dropped" in fit.note


def test_all_images_go_before_the_text_is_refused():
    fit = fit_images(SIZES, text_tokens, PER_TILE, 100, 6, tiles)
    assert (fit.images, fit.prompt_tokens) == (0, 100)
    with pytest.raises(PromptTooLong, match="prompt text alone is 100 tokens"):
        fit_images(SIZES, text_tokens, PER_TILE, 99, 6, tiles)
