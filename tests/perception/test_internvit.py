"""InternViT through transformers' InternVL vision classes, loaded from a tiny InternVL the
tests build and save (the same directory the planner loads), with dynamic tiling."""

import json
import shutil

import numpy as np
import pytest

from perception.internvit import InternViTEncoder, VisionModelError


def test_encodes_tiles_of_each_image_in_one_batch(random_internvl):
    encoder = InternViTEncoder.load(random_internvl, device="cpu")
    assert encoder.image_size == 448
    wide = np.random.default_rng(0).integers(0, 255, (225, 400, 3), dtype=np.uint8)  # 2x1 grid + thumbnail
    square = np.zeros((256, 256, 3), np.uint8)  # one tile
    first, second = encoder.encode([wide, square], max_tiles=6)
    assert (first.tiles, second.tiles) == (3, 1)
    # 448 px at patch 28: 256 patches + the class token, hidden size 32 in the tiny tower
    assert tuple(first.features.shape) == (3, 257, 32) and tuple(second.features.shape) == (1, 257, 32)
    assert tuple(first.pooled.shape) == (32,)
    again = encoder.encode([wide])[0]
    assert np.allclose(again.features.numpy(), first.features.numpy(), atol=1e-5)


def test_the_weights_are_the_checkpoints(random_internvl):
    from safetensors import safe_open

    encoder = InternViTEncoder.load(random_internvl, device="cpu")
    with safe_open(random_internvl / "model.safetensors", "pt") as weights:
        saved = weights.get_tensor("vision_tower.embeddings.patch_embeddings.projection.weight")
    assert np.array_equal(encoder.model.embeddings.patch_embeddings.projection.weight.detach().numpy(), saved.numpy())


def test_errors_name_what_is_wrong(random_internvl, tmp_path):
    with pytest.raises(VisionModelError, match="does not exist"):
        InternViTEncoder.load(tmp_path / "none")
    broken = tmp_path / "broken"
    shutil.copytree(random_internvl, broken)
    (broken / "model.safetensors").unlink()
    with pytest.raises(VisionModelError, match="no safetensors weights"):
        InternViTEncoder.load(broken)
    (broken / "config.json").write_text(json.dumps({"model_type": "bert"}))
    with pytest.raises(VisionModelError, match="holds a bert model"):
        InternViTEncoder.load(broken)
