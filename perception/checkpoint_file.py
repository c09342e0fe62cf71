"""Reading PyTorch checkpoint files without running what they name.

A training checkpoint as OpenGVLab's scripts save it is a dict: `model` (the state dict),
`optimizer`, `lr_scheduler`, `epoch`, `max_accuracy`, `config` (a yacs or mmcv config object),
often `model_ema`, sometimes an AMP scaler. `torch.load(weights_only=True)` refuses such a file
because of the config's class; `weights_only=False` would import and call whatever the file
names. `read_checkpoint` first tries the weights-only load; when that refuses a class, it
unpickles again where only torch's own weights-only globals (tensor rebuilders, storages, dtypes,
OrderedDict, ...) are real, and every other class or function the file names becomes an `Opaque`
stand-in that records what it was given and runs nothing: the tensors come back, the config is
kept as data.
"""

from __future__ import annotations

import pickle
import types
from pathlib import Path
from typing import Any

import torch


class CheckpointReadError(ValueError):
    """The file is not a PyTorch checkpoint this reader can read."""


class Opaque:
    """What the checkpoint named outside torch's safe globals, as data: its dotted name (`kind`), the
    arguments it was to be called with, and the state, items and list entries given to it."""

    kind = "?"

    def __new__(cls, *args: Any, **kwargs: Any) -> Opaque:  # pickle's NEWOBJ calls __new__ alone
        made = super().__new__(cls)
        made.args, made.kwargs = args, kwargs
        made.state, made.items, made.entries = None, {}, []
        return made

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        self.state = state

    def __setitem__(self, key: Any, value: Any) -> None:  # dict subclasses (a yacs CfgNode) pickle their items
        self.items[key] = value

    def append(self, value: Any) -> None:  # list subclasses pickle their entries
        self.entries.append(value)

    def extend(self, values: Any) -> None:
        self.entries.extend(values)

    def __repr__(self) -> str:
        return f"Opaque({self.kind})"


def _safe_globals() -> dict[str, Any]:
    try:
        from torch._weights_only_unpickler import _get_allowed_globals

        return dict(_get_allowed_globals())
    except (ImportError, AttributeError):  # a torch without the private table: the few a state dict needs
        import collections

        return {"collections.OrderedDict": collections.OrderedDict, "torch.Size": torch.Size,
                "torch._utils._rebuild_tensor_v2": torch._utils._rebuild_tensor_v2,
                "torch._utils._rebuild_parameter": torch._utils._rebuild_parameter}


SAFE_GLOBALS = _safe_globals()
_OPAQUE: dict[str, type[Opaque]] = {}


def opaque_class(module: str, name: str) -> type[Opaque]:
    kind = f"{module}.{name}"
    if kind not in _OPAQUE:
        _OPAQUE[kind] = type(name.replace(".", "_") or "Opaque", (Opaque,), {"kind": kind})
    return _OPAQUE[kind]


class _StandInUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = SAFE_GLOBALS.get(f"{module}.{name}")
        return found if found is not None else opaque_class(module, name)


def _load(file, **kwargs):
    return _StandInUnpickler(file, **kwargs).load()


STAND_IN_PICKLE = types.ModuleType("stand_in_pickle")
STAND_IN_PICKLE.Unpickler = _StandInUnpickler
STAND_IN_PICKLE.load = _load
STAND_IN_PICKLE.__version__ = "1"


def read_checkpoint(path: str | Path) -> Any:
    """The checkpoint's object, with tensors on the CPU and foreign objects as `Opaque` stand-ins."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointReadError(f"checkpoint {path} does not exist")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as refused:  # a class outside the weights-only globals: stand-ins for it
        first = refused
    except Exception as error:  # truncated files, not a checkpoint at all
        raise CheckpointReadError(f"checkpoint {path} cannot be read as a PyTorch checkpoint ({error})") from error
    try:
        return torch.load(path, map_location="cpu", weights_only=False, pickle_module=STAND_IN_PICKLE)
    except Exception as error:
        raise CheckpointReadError(f"checkpoint {path} cannot be read as a PyTorch checkpoint ({first}; then "
                                  f"with stand-ins: {error})") from error


def state_dict_of(checkpoint: Any, *, ema: bool = False) -> dict[str, torch.Tensor]:
    """The model's weights in a checkpoint object: the dict itself, or under "model" ("model_ema"
    with ema=True), "state_dict" or "module"; keys lose a DataParallel "module." prefix."""
    if not isinstance(checkpoint, dict):
        raise CheckpointReadError(f"the checkpoint holds a {type(checkpoint).__name__}, not a dict of weights")
    state = checkpoint
    if ema:
        if not isinstance(checkpoint.get("model_ema"), dict):
            raise CheckpointReadError("the checkpoint has no model_ema weights (keys: "
                                      f"{', '.join(map(str, list(checkpoint)[:10]))})")
        state = checkpoint["model_ema"]
    else:
        for key in ("model", "state_dict", "module"):
            if isinstance(checkpoint.get(key), dict):
                state = checkpoint[key]
                break
    tensors = {str(k).removeprefix("module."): v for k, v in state.items() if isinstance(v, torch.Tensor)}
    if not tensors:
        raise CheckpointReadError("the checkpoint holds no weights (no tensors under model, state_dict or module)")
    return tensors
