"""Fitting a prompt's images into the model's context, by rule.

Every tile costs image_seq_length tokens (plus `<img>`/`</img>` per image), so a few wide camera
images can outgrow a small context. The rule: first lower the tile cap shared by all images
(max_tiles, max_tiles - 1, ... 1: one tile, no thumbnail), then drop images from the end of the
list (callers put the most important first). A prompt whose text alone does not fit is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


class PromptTooLong(ValueError):
    """The text of the prompt alone does not fit the context."""


@dataclass(frozen=True)
class ImageBudget:
    max_tiles: int  # the tile cap every kept image is processed with
    images: int  # the first `images` images are kept
    prompt_tokens: int
    note: str | None  # what was cut, for the log; None when nothing was


def fit_images(sizes: Sequence[tuple[int, int]], text_tokens: Callable[[int], int], tokens_per_tile: int,
               budget: int, max_tiles: int, tiles: Callable[[int, int, int], int]) -> ImageBudget:
    """sizes: (width, height) per image, most important first; text_tokens(n): tokens of the prompt
    with the first n images as one placeholder token each; tiles(width, height, cap): tiles per image."""

    def total(cap: int, kept: int) -> int:
        return text_tokens(kept) + sum(tokens_per_tile * tiles(w, h, cap) + 1 for w, h in sizes[:kept])

    needed = total(max_tiles, len(sizes))
    if needed <= budget:
        return ImageBudget(max_tiles, len(sizes), needed, None)
    for cap in range(max_tiles - 1, 0, -1):
        tokens = total(cap, len(sizes))
        if tokens <= budget:
            return ImageBudget(cap, len(sizes), tokens,
                               f"prompt of {needed} tokens over the budget of {budget}: images cut to at most "
                               f"{cap} tile(s) each (from {max_tiles}), {tokens} tokens")
    for kept in range(len(sizes) - 1, -1, -1):
        tokens = total(1, kept)
        if tokens <= budget:
            return ImageBudget(1, kept, tokens,
                               f"prompt of {needed} tokens over the budget of {budget}: images cut to one tile "
                               f"each and the last {len(sizes) - kept} of {len(sizes)} dropped, {tokens} tokens")
    raise PromptTooLong(f"the prompt text alone is {text_tokens(0)} tokens, over the budget of {budget} "
                        "(context minus the answer's token budget)")
