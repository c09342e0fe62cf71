"""transformers' InternVLProcessor for images and text, without its video processor.

The stock processor also needs InternVL's video processor, which imports torchvision (not usable
on CPU here); a planner only sends images. This subclass keeps the parent's prompt expansion
(`<IMG_CONTEXT>` -> `<img>` + image_seq_length tokens per tile + `</img>`) and its tiling through
the PIL GotOcr2 image processor (InternVL's dynamic tiling: a grid of 448 px tiles chosen by
aspect ratio, plus a thumbnail).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from transformers import AutoTokenizer, GotOcr2ImageProcessorPil, InternVLProcessor
from transformers.processing_utils import ProcessorMixin

from planners.mllm.model_dir import IMAGE_TOKENS, ModelDirectory, ModelDirectoryError, processor_settings


class InternVLImageProcessor(InternVLProcessor):
    """InternVLProcessor with an image processor and a tokenizer only."""

    def __init__(self, image_processor=None, tokenizer=None, image_seq_length: int = 256, chat_template=None,
                 **kwargs):
        ProcessorMixin.__init__(self, image_processor, tokenizer, chat_template=chat_template, **kwargs)
        self.image_seq_length = image_seq_length
        self.start_image_token = tokenizer.start_image_token
        self.end_image_token = tokenizer.end_image_token
        self.start_image_token_id = tokenizer.start_image_token_id
        self.end_image_token_id = tokenizer.end_image_token_id
        self.image_token = tokenizer.context_image_token
        self.image_token_id = tokenizer.context_image_token_id
        self.video_token = getattr(tokenizer, "video_token", None) or "<video>"
        self.multimodal_pattern = re.compile(
            f"(?P<image>{re.escape(self.image_token)})|(?P<video>{re.escape(self.video_token)})")

    def tiles(self, width: int, height: int, max_tiles: int) -> int:
        """How many tiles (thumbnail included) an image of this size becomes with at most max_tiles,
        with the image settings __call__ uses (InternVLProcessor crops to patches whatever the
        image processor's own preprocessor_config.json says)."""
        settings = {**self.image_processor_defaults(), "max_patches": max_tiles}
        return self.image_processor.get_number_of_image_patches(height, width, settings)

    def image_processor_defaults(self) -> dict:
        return dict(getattr(type(self), "images_kwargs", {}) or {})


def default_image_seq_length(config: dict) -> int:
    """Tokens per tile: (image size / patch size)^2 patches, shuffled down by downsample_ratio^2."""
    vision = config.get("vision_config", {})
    image = vision.get("image_size", 448)
    patch = vision.get("patch_size", 14)
    image = image[0] if isinstance(image, list) else image
    patch = patch[0] if isinstance(patch, list) else patch
    return int((image // patch) ** 2 * config.get("downsample_ratio", 0.5) ** 2)


def load_processor(directory: ModelDirectory) -> InternVLImageProcessor:
    root = directory.path
    tokenizer = AutoTokenizer.from_pretrained(root, local_files_only=True)
    missing = [name for name in IMAGE_TOKENS if not getattr(tokenizer, name, None)]
    if missing:
        raise ModelDirectoryError(f"the tokenizer in {root} does not name the image tokens {', '.join(missing)} "
                                  "(tokenizer_config.json: start_image_token, end_image_token, context_image_token)")
    image_processor = GotOcr2ImageProcessorPil.from_pretrained(root, local_files_only=True)
    settings = processor_settings(root)
    seq_length = int(settings.get("image_seq_length") or default_image_seq_length(directory.config))
    return InternVLImageProcessor(image_processor, tokenizer, image_seq_length=seq_length,
                                  chat_template=chat_template(root, tokenizer))


def chat_template(root: Path, tokenizer) -> str:
    if (root / "chat_template.jinja").is_file():
        return (root / "chat_template.jinja").read_text()
    if (root / "chat_template.json").is_file():
        try:
            return json.loads((root / "chat_template.json").read_text())["chat_template"]
        except (ValueError, KeyError) as error:
            raise ModelDirectoryError(f"{root / 'chat_template.json'} has no chat_template ({error})") from error
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.chat_template
    raise ModelDirectoryError(f"{root} has no chat template (chat_template.jinja, chat_template.json or one in "
                              "tokenizer_config.json)")
