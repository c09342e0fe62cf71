"""FlashInternImage on kernels.dcnv4: the published sizes, multi-scale features, the official
state-dict layout (a checkpoint the test writes), and checkpoint errors that list keys."""

import pytest
import torch

from perception.flash_internimage import CheckpointError, flash_internimage, load_checkpoint


@pytest.fixture(scope="module")
def tiny_t():
    torch.manual_seed(0)
    return flash_internimage("t", depths=(1, 1, 1, 1), num_classes=10).eval()


def test_published_sizes():
    counts = {size: sum(p.numel() for p in flash_internimage(size).parameters()) / 1e6 for size in ("t", "s", "b")}
    assert counts["t"] == pytest.approx(30, abs=1.5)  # FlashInternImage-T: 30M
    assert counts["s"] == pytest.approx(50, abs=2.5)
    assert counts["b"] == pytest.approx(97, abs=4)
    with pytest.raises(ValueError, match="unknown FlashInternImage size 'x'"):
        flash_internimage("x")


def test_official_key_layout():
    keys = set(flash_internimage("s", depths=(1, 1, 1, 1)).state_dict())
    stem = {key for key in keys if key.startswith("patch_embed.")}
    # OpenGVLab's stem: LayerNorms behind a channels-last permute (index 1 of each Sequential), no BatchNorm
    assert stem == {f"patch_embed.{name}" for name in ("conv1.weight", "conv1.bias", "norm1.1.weight", "norm1.1.bias",
                                                        "conv2.weight", "conv2.bias", "norm2.1.weight",
                                                        "norm2.1.bias")}
    for key in ("patch_embed.conv1.weight", "patch_embed.norm1.1.weight", "patch_embed.norm2.1.bias",
                "levels.0.blocks.0.norm1.0.weight", "levels.0.blocks.0.dcn.offset_mask.weight",
                "levels.0.blocks.0.dcn.offset_mask_dw.weight", "levels.0.blocks.0.dcn.value_proj.bias",
                "levels.0.blocks.0.dcn.output_proj.weight", "levels.0.blocks.0.gamma1",
                "levels.0.blocks.0.mlp.fc2.weight",
                "levels.0.downsample.conv.weight", "levels.0.downsample.norm.1.weight", "conv_head.1.0.running_var",
                "head.weight"):
        assert key in keys, key
    assert "levels.0.norm.0.weight" not in keys  # post-norm models have no stage norm
    assert "levels.0.norm.0.weight" in flash_internimage("t", depths=(1, 1, 1, 1)).state_dict()
    t = flash_internimage("t", depths=(1, 1, 1, 1)).state_dict()
    assert t["levels.0.blocks.0.dcn.offset_mask.weight"].shape == (112, 64)  # ceil(4*9*3/8)*8 = 112
    assert not t["levels.0.blocks.0.dcn.offset_mask.weight"].any()  # zero-initialised


def test_multi_scale_features_and_logits(tiny_t):
    images = torch.randn(2, 3, 96, 128)
    with torch.no_grad():
        features = tiny_t.forward_features(images)
        logits = tiny_t(images)
    assert [tuple(f.shape) for f in features] == [(2, 64, 24, 32), (2, 128, 12, 16), (2, 256, 6, 8), (2, 512, 3, 4)]
    assert tiny_t.feature_channels == [64, 128, 256, 512]
    assert logits.shape == (2, 10) and torch.isfinite(logits).all()


def test_a_checkpoint_in_the_official_layout_round_trips(tiny_t, tmp_path):
    torch.manual_seed(1)
    source = flash_internimage("t", depths=(1, 1, 1, 1), num_classes=10).eval()
    with torch.no_grad():  # nonzero offsets, so the deformable sampling matters
        for parameter in source.parameters():
            parameter.add_(0.05 * torch.randn_like(parameter))
    path = tmp_path / "flash_intern_image_t.pth"
    torch.save({"model": {f"module.{k}": v for k, v in source.state_dict().items()}, "epoch": 300}, path)
    target = flash_internimage("t", depths=(1, 1, 1, 1), num_classes=10).eval()
    load_checkpoint(target, path)
    images = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(target(images), source(images), atol=1e-5)


def test_checkpoint_errors_list_the_keys(tiny_t, tmp_path):
    state = dict(tiny_t.state_dict())
    del state["levels.1.blocks.0.mlp.fc1.weight"]
    state["levels.9.blocks.0.extra"] = torch.zeros(1)
    state["head.weight"] = torch.zeros(3, 3)
    with pytest.raises(CheckpointError) as raised:
        load_checkpoint(tiny_t, state)
    message = str(raised.value)
    assert "missing keys (1): levels.1.blocks.0.mlp.fc1.weight" in message
    assert "unexpected keys (1): levels.9.blocks.0.extra" in message
    assert "shape mismatches (1): head.weight (3, 3) != (10, 768)" in message
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tiny_t, tmp_path / "none.pth")
    (tmp_path / "broken.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="cannot be read"):
        load_checkpoint(tiny_t, tmp_path / "broken.pth")


def test_a_dense_backbone_may_ignore_the_classifier(tmp_path):
    backbone = flash_internimage("t", depths=(1, 1, 1, 1), num_classes=0)
    classifier = flash_internimage("t", depths=(1, 1, 1, 1), num_classes=1000)
    load_checkpoint(backbone, classifier.state_dict(), ignore=("head.",))


def test_gradients_flow_through_the_dcn(tiny_t):
    model = flash_internimage("t", depths=(1, 1, 1, 1), num_classes=10)
    model(torch.randn(2, 3, 64, 64)).sum().backward()
    grad = model.levels[0].blocks[0].dcn.offset_mask.weight.grad
    assert grad is not None and grad.abs().sum() > 0
