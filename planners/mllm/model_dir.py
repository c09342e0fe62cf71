"""Checking a local InternVL model directory before anything heavy is loaded.

A directory in the transformers layout (what `save_pretrained` writes, and what the `-hf`
InternVL checkpoints ship) has config.json with model_type "internvl", weights as
model.safetensors or shards named by model.safetensors.index.json (or the older pytorch_model.bin
forms), a tokenizer carrying the image tokens, and the image processor's settings. Whatever is
missing is named in one ModelDirectoryError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from envs.errors import UserInputError

WEIGHT_FILES = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
                "pytorch_model.bin.index.json")
IMAGE_TOKENS = ("start_image_token", "end_image_token", "context_image_token")


class ModelDirectoryError(UserInputError):
    """The model directory cannot be used: the message names what is missing or wrong."""


@dataclass(frozen=True)
class ModelDirectory:
    path: Path
    config: dict
    weights: tuple[Path, ...]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def context_tokens(self) -> int:
        return int(self.config.get("text_config", {}).get("max_position_embeddings", 32768))


def read_json(path: Path, what: str) -> dict:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ModelDirectoryError(f"{path}: the {what} cannot be read ({error})") from error
    if not isinstance(value, dict):
        raise ModelDirectoryError(f"{path}: the {what} is not a JSON object")
    return value


def inspect_model_dir(path: str | Path) -> ModelDirectory:
    """The directory's config and weight files, or a ModelDirectoryError naming what is missing."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise ModelDirectoryError(f"model directory {root} does not exist (--model takes a local directory; "
                                  "nothing is downloaded)")
    if not (root / "config.json").is_file():
        raise ModelDirectoryError(f"{root} has no config.json: not a transformers model directory")
    config = read_json(root / "config.json", "model config")
    kind = config.get("model_type")
    if kind == "internvl_chat":
        raise ModelDirectoryError(
            f"{root} holds InternVL in its original remote-code layout (InternVLChatModel); convert it to the "
            "transformers layout (the -hf checkpoints, or transformers' convert_internvl_weights_to_hf.py), or "
            "serve it with LMDeploy/vLLM and use --planner http")
    if kind != "internvl":
        architectures = ", ".join(config.get("architectures") or []) or "no architectures listed"
        raise ModelDirectoryError(f"{root} holds a {kind or 'model without model_type'} model ({architectures}); "
                                  "--planner mllm needs an InternVL chat model (model_type internvl, "
                                  "InternVLForConditionalGeneration)")
    weights = _weight_files(root)
    tokenizer_files = [name for name in ("tokenizer.json", "vocab.json") if (root / name).is_file()]
    if not tokenizer_files or not (root / "tokenizer_config.json").is_file():
        raise ModelDirectoryError(f"{root} has no tokenizer (expected tokenizer_config.json with tokenizer.json, or "
                                  "vocab.json and merges.txt)")
    read_json(root / "tokenizer_config.json", "tokenizer config")
    for name in tokenizer_files:
        read_json(root / name, "tokenizer")
    if (root / "preprocessor_config.json").is_file():
        read_json(root / "preprocessor_config.json", "image processor config")
    for weight_file in weights:
        if weight_file.suffix == ".safetensors":
            check_safetensors(weight_file)
    if not (root / "preprocessor_config.json").is_file() and "image_processor" not in _processor_config(root):
        raise ModelDirectoryError(f"{root} has no image processor settings (expected preprocessor_config.json, or "
                                  "an image_processor entry in processor_config.json)")
    return ModelDirectory(root, config, weights)


def _weight_files(root: Path) -> tuple[Path, ...]:
    for name in WEIGHT_FILES:
        candidate = root / name
        if not candidate.is_file():
            continue
        if not name.endswith(".index.json"):
            return (candidate,)
        index = read_json(candidate, "weight index")
        shards = sorted(set((index.get("weight_map") or {}).values()))
        if not shards:
            raise ModelDirectoryError(f"{candidate} lists no weight shards")
        missing = [shard for shard in shards if not (root / shard).is_file()]
        if missing:
            raise ModelDirectoryError(f"{root} is missing weight shards named in {name}: {', '.join(missing)}")
        return tuple(root / shard for shard in shards)
    raise ModelDirectoryError(f"{root} has no weights (expected one of {', '.join(WEIGHT_FILES)})")


def check_safetensors(path: Path) -> None:
    """The file is whole by the safetensors layout (an 8-byte header length, the JSON header, then
    the tensors' bytes, which the header's largest data offset must end exactly at the file's end):
    a truncated or foreign file is named here, before transformers reads it."""
    size = path.stat().st_size
    try:
        with path.open("rb") as file:
            length = int.from_bytes(file.read(8), "little")
            if size < 8 or length <= 0 or 8 + length > size:
                raise ValueError("its header does not fit in the file")
            header = json.loads(file.read(length))
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise ModelDirectoryError(f"{path}: not a readable safetensors file ({error}); it may be truncated or "
                                  "corrupt") from error
    if not isinstance(header, dict):
        raise ModelDirectoryError(f"{path}: not a readable safetensors file (its header is not a JSON object)")
    ends = [entry["data_offsets"][1] for key, entry in header.items()
            if key != "__metadata__" and isinstance(entry, dict) and len(entry.get("data_offsets") or ()) == 2]
    expected = 8 + length + max(ends, default=0)
    if expected != size:
        raise ModelDirectoryError(f"{path}: the safetensors file is {size} bytes where its header says "
                                  f"{expected}; it is truncated or corrupt")


def _processor_config(root: Path) -> dict:
    path = root / "processor_config.json"
    return read_json(path, "processor config") if path.is_file() else {}


def processor_settings(root: Path) -> dict:
    """processor_config.json without its nested sub-processor entries (image_seq_length and such)."""
    return {key: value for key, value in _processor_config(root).items() if not isinstance(value, dict)}
