"""A model directory that cannot be used gets one error naming what is missing or wrong."""

import json
import shutil

import pytest
from safetensors.torch import load_file, save_file

from planners.mllm.chat_model import InternVLChatModel
from planners.mllm.model_dir import ModelDirectoryError, inspect_model_dir


@pytest.fixture
def model_copy(random_internvl, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(random_internvl, target)
    return target


def test_the_saved_tiny_model_is_a_complete_directory(random_internvl):
    directory = inspect_model_dir(random_internvl)
    assert [p.name for p in directory.weights] == ["model.safetensors"]
    assert directory.context_tokens == 4096
    names = {p.name for p in random_internvl.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "preprocessor_config.json",
            "processor_config.json", "chat_template.jinja"} <= names


def test_a_missing_directory(tmp_path):
    with pytest.raises(ModelDirectoryError, match="does not exist"):
        inspect_model_dir(tmp_path / "nowhere")


def test_a_directory_without_config(tmp_path):
    with pytest.raises(ModelDirectoryError, match="has no config.json"):
        inspect_model_dir(tmp_path)


def test_another_architecture_is_named(model_copy):
    (model_copy / "config.json").write_text(json.dumps({"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"]}))
    with pytest.raises(ModelDirectoryError, match=r"holds a qwen2 model \(Qwen2ForCausalLM\).*InternVL"):
        inspect_model_dir(model_copy)


def test_the_original_remote_code_layout_is_pointed_to_conversion(model_copy):
    (model_copy / "config.json").write_text(json.dumps({"model_type": "internvl_chat",
                                                        "architectures": ["InternVLChatModel"]}))
    with pytest.raises(ModelDirectoryError, match="original remote-code layout.*--planner http"):
        inspect_model_dir(model_copy)


def test_a_directory_without_weights(model_copy):
    (model_copy / "model.safetensors").unlink()
    with pytest.raises(ModelDirectoryError, match="has no weights .*model.safetensors"):
        inspect_model_dir(model_copy)


def test_a_missing_shard_is_named(model_copy):
    (model_copy / "model.safetensors").rename(model_copy / "model-00001-of-00002.safetensors")
    index = {"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors",
                                           "b": "model-00002-of-00002.safetensors"}}
    (model_copy / "model.safetensors.index.json").write_text(json.dumps(index))
    with pytest.raises(ModelDirectoryError, match="missing weight shards .*: model-00002-of-00002.safetensors"):
        inspect_model_dir(model_copy)


def test_a_directory_without_tokenizer(model_copy):
    (model_copy / "tokenizer.json").unlink()
    with pytest.raises(ModelDirectoryError, match="has no tokenizer"):
        inspect_model_dir(model_copy)


def test_a_tokenizer_without_image_tokens(model_copy):
    settings = json.loads((model_copy / "tokenizer_config.json").read_text())
    del settings["context_image_token"]
    (model_copy / "tokenizer_config.json").write_text(json.dumps(settings))
    with pytest.raises(ModelDirectoryError, match="image tokens context_image_token"):
        InternVLChatModel.load(str(model_copy), device="cpu")


def test_weights_that_miss_tensors_are_listed(model_copy):
    tensors = load_file(model_copy / "model.safetensors")
    dropped = sorted(k for k in tensors if "layers.1.mlp" in k and "language_model" in k)
    assert dropped
    save_file({k: v for k, v in tensors.items() if k not in dropped}, model_copy / "model.safetensors",
              metadata={"format": "pt"})
    with pytest.raises(ModelDirectoryError, match="missing keys: .*layers.1.mlp"):
        InternVLChatModel.load(str(model_copy), device="cpu")


def test_a_cuda_device_without_cuda_is_refused(random_internvl):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(ModelDirectoryError, match="CUDA is not available"):
        InternVLChatModel.load(str(random_internvl), device="cuda")


def test_a_truncated_safetensors_file_is_named(model_copy):
    weights = model_copy / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelDirectoryError, match=r"model.safetensors: the safetensors file is \d+ bytes where its "
                                                  r"header says \d+; it is truncated or corrupt"):
        inspect_model_dir(model_copy)
    weights.write_bytes(b"\x00" * 7)
    with pytest.raises(ModelDirectoryError, match="not a readable safetensors file"):
        inspect_model_dir(model_copy)


@pytest.mark.parametrize("name", ["tokenizer.json", "tokenizer_config.json", "preprocessor_config.json"])
def test_a_tokenizer_or_processor_file_that_is_not_json_is_named(model_copy, name):
    (model_copy / name).write_text("not json {")
    with pytest.raises(ModelDirectoryError, match=f"{name}: the .* cannot be read"):
        inspect_model_dir(model_copy)


def test_the_server_names_a_corrupt_model_in_one_line(model_copy):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    (model_copy / "tokenizer.json").write_text("[")
    done = subprocess.run([sys.executable, "-m", "planners.serve", "--model", str(model_copy), "--port", "0"],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"error: {model_copy / 'tokenizer.json'}: the tokenizer cannot be "
                                                "read (Expecting value: line 1 column 2 (char 1))"]


@pytest.mark.parametrize("where, message", [
    ("file", "is a file, not a directory to write the model to"),
    ("under_file", "is a file, so nothing can be written under it"),
    ("full", "already holds files; choose a new directory, or --force"),
    ("bad_seed", "expected a seed in 0..2147483647"),
])
def test_the_tiny_builder_refuses_bad_output_paths(tmp_path, capsys, where, message):
    from planners.mllm.tiny import main

    (tmp_path / "file").write_text("x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "config.json").write_text("{}")
    out = {"file": tmp_path / "file", "under_file": tmp_path / "file" / "model", "full": tmp_path / "full",
           "bad_seed": tmp_path / "new"}[where]
    if where == "bad_seed":
        with pytest.raises(SystemExit) as raised:
            main([str(out), "--seed", "-1"])
        assert raised.value.code == 2
        assert message in capsys.readouterr().err
        return
    assert main([str(out), "--steps", "1"]) == 2
    assert message in capsys.readouterr().err
    assert (tmp_path / "full" / "config.json").read_text() == "{}"  # nothing overwritten


def test_the_tiny_builder_builds_models_by_size(tmp_path, capsys):
    from planners.mllm.chat_model import InternVLChatModel
    from planners.mllm.tiny import main

    out = tmp_path / "wider"
    assert main([str(out), "--no-teach", "--vision-width", "64", "--vision-depth", "3", "--text-width", "128",
                 "--text-depth", "4"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert (config["vision_config"]["hidden_size"], config["vision_config"]["num_hidden_layers"]) == (64, 3)
    assert (config["text_config"]["hidden_size"], config["text_config"]["num_hidden_layers"]) == (128, 4)
    model = InternVLChatModel.load(str(out))
    assert sum(p.numel() for p in model.model.parameters()) > 600_000  # the default tiny one has 0.23 M
    assert main([str(tmp_path / "odd"), "--text-width", "30"]) == 2
    assert "the language width a multiple of 4" in capsys.readouterr().err
