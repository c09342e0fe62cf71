"""InternViT through transformers' native InternVL vision classes, with InternVL 1.5 dynamic
high-resolution tiling (perception.tiling: 1..max tiles of the model's image size chosen by
aspect ratio, plus a thumbnail), for images of any size.

`InternViTEncoder.load(path)` takes a local directory: an InternVL chat model in the
transformers layout (only its `vision_tower.*` weights are read) or a vision-only one
(model_type internvl_vision). `encode(images)` answers, per image, the tile features
(T, tokens, hidden) and one pooled vector.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from perception.tiling import tile_image, tiles_to_tensor

VISION_PREFIXES = ("vision_tower.", "model.vision_tower.")


class VisionModelError(ValueError):
    """The directory holds no usable InternViT: the message says what is missing."""


@dataclass
class EncodedImage:
    tiles: int
    features: torch.Tensor  # (tiles, tokens, hidden)
    pooled: torch.Tensor  # (hidden,)


def _read_config(root: Path) -> dict:
    if not (root / "config.json").is_file():
        raise VisionModelError(f"{root} has no config.json: not a transformers model directory")
    try:
        return json.loads((root / "config.json").read_text())
    except ValueError as error:
        raise VisionModelError(f"{root / 'config.json'} is not valid JSON ({error})") from error


def _weight_files(root: Path) -> list[Path]:
    if (root / "model.safetensors").is_file():
        return [root / "model.safetensors"]
    index = root / "model.safetensors.index.json"
    if index.is_file():
        shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        missing = [s for s in shards if not (root / s).is_file()]
        if missing:
            raise VisionModelError(f"{root} is missing weight shards: {', '.join(missing)}")
        return [root / s for s in shards]
    raise VisionModelError(f"{root} has no safetensors weights (model.safetensors or its index)")


class InternViTEncoder:
    def __init__(self, model, image_size: int, device: torch.device, dtype: torch.dtype):
        self.model, self.image_size, self.device, self.dtype = model, image_size, device, dtype

    @classmethod
    def load(cls, path: str | Path, device: str = "auto") -> InternViTEncoder:
        from safetensors import safe_open
        from transformers import InternVLVisionConfig, InternVLVisionModel

        root = Path(path).expanduser()
        if not root.is_dir():
            raise VisionModelError(f"model directory {root} does not exist")
        config = _read_config(root)
        target = torch.device("cuda" if device == "auto" and torch.cuda.is_available() else
                              ("cpu" if device == "auto" else device))
        dtype = torch.bfloat16 if target.type == "cuda" else torch.float32
        kind = config.get("model_type")
        if kind == "internvl_vision":
            model = InternVLVisionModel.from_pretrained(root, local_files_only=True, dtype=dtype)
            vision = config
        elif kind == "internvl":
            vision = config.get("vision_config") or {}
            model = InternVLVisionModel(InternVLVisionConfig(**{k: v for k, v in vision.items()
                                                               if k not in ("model_type", "architectures")}))
            state = {}
            for file in _weight_files(root):
                with safe_open(file, "pt") as weights:
                    for key in weights.keys():
                        prefix = next((p for p in VISION_PREFIXES if key.startswith(p)), None)
                        if prefix:
                            state[key[len(prefix):]] = weights.get_tensor(key)
            result = model.load_state_dict(state, strict=False)
            if result.missing_keys or result.unexpected_keys:
                raise VisionModelError(f"the vision weights in {root} do not fit its vision_config (missing: "
                                       f"{', '.join(result.missing_keys[:8]) or 'none'}; unexpected: "
                                       f"{', '.join(result.unexpected_keys[:8]) or 'none'})")
            model = model.to(dtype)
        else:
            raise VisionModelError(f"{root} holds a {kind or 'model without model_type'} model; InternViT needs an "
                                   "InternVL (model_type internvl) or InternVL vision (internvl_vision) directory")
        size = vision.get("image_size", 448)
        size = size[0] if isinstance(size, list) else int(size)
        return cls(model.to(target).eval(), size, target, dtype)

    def tiles(self, image: Any, max_tiles: int = 6) -> np.ndarray:
        return tiles_to_tensor(tile_image(image, self.image_size, max_tiles=max_tiles))

    def encode(self, images: list[Any], max_tiles: int = 6) -> list[EncodedImage]:
        """Tiles of every image go through the vision tower in one batch."""
        stacks = [self.tiles(image, max_tiles) for image in images]
        if not stacks:
            return []
        pixels = torch.from_numpy(np.concatenate(stacks)).to(self.device, self.dtype)
        with torch.inference_mode():
            output = self.model(pixel_values=pixels)
        hidden = output.last_hidden_state.float().cpu()
        encoded, start = [], 0
        for stack in stacks:
            features = hidden[start:start + len(stack)]
            encoded.append(EncodedImage(len(stack), features, features.mean(dim=(0, 1))))
            start += len(stack)
        return encoded
