"""Training checkpoints as OpenGVLab's scripts save them, read without running what they name."""

import importlib
import pickle
import sys

import numpy as np
import pytest
import torch

from perception.checkpoint_file import CheckpointReadError, Opaque, read_checkpoint, state_dict_of
from perception.flash_internimage import CheckpointError, flash_internimage, load_checkpoint

CONFIG_MODULE = '''
class CfgNode(dict):
    """Like yacs' CfgNode: a dict subclass with attribute access."""
    def __getattr__(self, name):
        return self[name]


class Payload:
    """What a hostile file would carry: unpickling it runs a command."""
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        import os
        return (os.system, (f"touch {self.target}",))
'''


@pytest.fixture
def training_checkpoint(tmp_path):
    """A checkpoint saved with classes that exist when saving but not when loading."""
    package = tmp_path / "foreign"
    package.mkdir()
    (package / "fakeyacs.py").write_text(CONFIG_MODULE)
    sys.path.insert(0, str(package))
    try:
        fakeyacs = importlib.import_module("fakeyacs")
        torch.manual_seed(0)
        model = flash_internimage("t", depths=(1, 1, 1, 1), num_classes=10)
        ema = flash_internimage("t", depths=(1, 1, 1, 1), num_classes=10)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
        model(torch.randn(1, 3, 64, 64)).sum().backward()
        optimizer.step()
        config = fakeyacs.CfgNode(MODEL=fakeyacs.CfgNode(TYPE="flash_intern_image", NAME="flash_intern_image_t"),
                                  TRAIN=fakeyacs.CfgNode(EPOCHS=300, BASE_LR=1e-3))
        saved = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                 "lr_scheduler": {"last_epoch": 299}, "max_accuracy": np.float64(82.5), "epoch": 299,
                 "config": config, "model_ema": ema.state_dict(),
                 "payload": fakeyacs.Payload(tmp_path / "pwned")}
        path = tmp_path / "ckpt_epoch_299.pth"
        torch.save(saved, path)
    finally:
        sys.path.remove(str(package))
        sys.modules.pop("fakeyacs", None)
    return path, model, ema


def test_a_training_checkpoint_is_read_without_running_its_classes(training_checkpoint, tmp_path):
    path, model, ema = training_checkpoint
    with pytest.raises(pickle.UnpicklingError):  # torch's own weights-only load refuses it
        torch.load(path, weights_only=True)
    checkpoint = read_checkpoint(path)
    assert not (tmp_path / "pwned").exists()  # the payload named os.system: it became data
    assert isinstance(checkpoint["payload"], Opaque) and checkpoint["payload"].kind in ("posix.system", "os.system")
    config = checkpoint["config"]
    assert isinstance(config, Opaque) and config.kind == "fakeyacs.CfgNode"
    assert config.items["TRAIN"].items == {"EPOCHS": 300, "BASE_LR": 1e-3}
    assert checkpoint["epoch"] == 299 and "fakeyacs" not in sys.modules
    assert set(checkpoint["optimizer"]) == {"state", "param_groups"}
    weights = state_dict_of(checkpoint)
    assert weights.keys() == model.state_dict().keys()
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())
    assert all(torch.equal(state_dict_of(checkpoint, ema=True)[k], v) for k, v in ema.state_dict().items())


def test_load_checkpoint_takes_the_model_or_its_ema(training_checkpoint):
    path, model, ema = training_checkpoint
    target = flash_internimage("t", depths=(1, 1, 1, 1), num_classes=10)
    load_checkpoint(target, path)
    assert torch.equal(target.state_dict()["head.weight"], model.state_dict()["head.weight"])
    load_checkpoint(target, path, ema=True)
    assert torch.equal(target.state_dict()["head.weight"], ema.state_dict()["head.weight"])
    with pytest.raises(CheckpointError, match="no model_ema weights"):
        load_checkpoint(target, {"model": model.state_dict()}, ema=True)


def test_files_that_are_not_checkpoints(tmp_path):
    with pytest.raises(CheckpointReadError, match="does not exist"):
        read_checkpoint(tmp_path / "none.pth")
    (tmp_path / "text.pth").write_text("hello")
    with pytest.raises(CheckpointReadError, match="cannot be read"):
        read_checkpoint(tmp_path / "text.pth")
    torch.save([1, 2, 3], tmp_path / "list.pth")
    with pytest.raises(CheckpointReadError, match="holds a list"):
        state_dict_of(read_checkpoint(tmp_path / "list.pth"))
