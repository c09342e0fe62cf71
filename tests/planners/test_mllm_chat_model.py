"""The in-process InternVL backend on a tiny model the tests build: prompts with tiled images,
greedy answers, batches, the context budget, and the driving planner on top of it."""

import logging

import numpy as np
import pytest

from perception.tiling import plan_tiles
from planners.driving.decision import PathDecision, SpeedDecision
from planners.driving.llm_planner import LLMDrivingPlanner
from planners.driving.parser import FALLBACK
from planners.mllm.chat_model import ChatRequest, InternVLChatModel
from planners.mllm.tiny import TEACH_ANSWER
from planners.text_model import TextModel, TextModelError
from tests.planners.helpers import context

FRONT = np.random.default_rng(0).integers(0, 255, (225, 400, 3), dtype=np.uint8)  # the embedded front camera
BEV = np.random.default_rng(1).integers(0, 255, (256, 256, 3), dtype=np.uint8)


@pytest.fixture(scope="module")
def model(tiny_internvl):
    return InternVLChatModel.load(str(tiny_internvl), device="cpu")


def test_it_is_a_text_model_named_after_its_directory(model):
    assert isinstance(model, TextModel)
    assert model.name == "mllm:tiny-internvl"
    assert model.processor.image_seq_length == 64


def test_images_become_tiles_of_image_context_tokens(model):
    request = ChatRequest.from_prompt("rules", "What is your decision?", [FRONT, BEV])
    prepared = model._prepare(request)
    ids = prepared["ids"].tolist()
    tokenizer = model.tokenizer
    # 400x225 -> a 2x1 grid plus a thumbnail; 256x256 -> one tile
    assert prepared["pixels"].shape == (4, 3, 448, 448)
    assert ids.count(tokenizer.context_image_token_id) == 4 * 64
    assert ids.count(tokenizer.start_image_token_id) == ids.count(tokenizer.end_image_token_id) == 2


@pytest.mark.parametrize("size", [(400, 225), (256, 256), (1600, 900), (300, 1200), (2000, 500), (640, 480)])
def test_the_processor_tiles_like_our_tiling(model, size):
    width, height = size
    assert model.processor.tiles(width, height, 6) == plan_tiles(width, height, max_tiles=6).tiles


def test_it_answers_the_taught_decision_greedily(model):
    answer = model.complete("You are the behaviour planner.", "Images: camera_front, bev. What now?", [FRONT, BEV])
    assert answer == TEACH_ANSWER
    assert model.complete("You are the behaviour planner.", "Images: camera_front, bev. What now?",
                          [FRONT, BEV]) == answer


def test_a_batch_answers_like_single_requests(model):
    requests = [ChatRequest.from_prompt("rules", "speed and lane?", [FRONT]),
                ChatRequest.from_prompt("rules", "a much longer question " * 20, [FRONT, BEV]),
                ChatRequest.from_prompt("rules", "no images at all")]
    batched = model.generate(requests)
    single = [model.generate([request])[0] for request in requests]
    assert [r.text for r in batched] == [r.text for r in single]
    assert [r.prompt_tokens for r in batched] == [r.prompt_tokens for r in single]
    assert all(r.finish_reason == "stop" for r in batched)


def test_the_token_budget_cuts_the_answer(model):
    result = model.generate([ChatRequest.from_prompt("rules", "decide", max_new_tokens=5)])[0]
    assert (result.completion_tokens, result.finish_reason) == (5, "length")
    assert TEACH_ANSWER.startswith(result.text)


def test_too_many_tiles_for_the_context_are_cut_by_rule_and_logged(tiny_internvl, caplog):
    small = InternVLChatModel.load(str(tiny_internvl), device="cpu", context_tokens=700, max_new_tokens=64)
    with caplog.at_level(logging.WARNING, logger="mllm_pilot.mllm"):
        result = small.generate([ChatRequest.from_prompt("rules", "decide", [FRONT, BEV, FRONT, FRONT])])[0]
    assert result.prompt_tokens <= 700 - 64
    assert small.truncations == 1
    assert "images cut to" in caplog.text and result.note in caplog.text


def test_a_prompt_whose_text_alone_is_too_long_is_a_model_error(tiny_internvl):
    small = InternVLChatModel.load(str(tiny_internvl), device="cpu", context_tokens=200, max_new_tokens=64)
    with pytest.raises(TextModelError, match="prompt text alone"):
        small.complete("rules " * 200, "decide")


def test_a_malformed_image_is_a_model_error(model):
    with pytest.raises(TextModelError, match="HxWx3 uint8"):
        model.complete("rules", "decide", [np.zeros((10, 10), np.uint8)])


def test_the_driving_planner_decides_through_it(model):
    planner = LLMDrivingPlanner(model)
    decision = planner.decide(context(images={"camera_front": FRONT, "bev": BEV}))
    assert (decision.speed, decision.path) == (SpeedDecision.ACCELERATE, PathDecision.FOLLOW_LANE)
    assert decision.explanation == "The road ahead is clear."
    assert planner.last_status in ("ok", "repaired")


class Unconstrained:
    """A text model that decodes freely (no schema), like a server without response_format."""

    def __init__(self, model):
        self.model, self.name = model, model.name

    def complete(self, system, user, images=None):
        return self.model.complete(system, user, images)


def test_random_weights_give_noise_that_ends_in_the_fallback_without_the_schema(random_internvl):
    noisy = InternVLChatModel.load(str(random_internvl), device="cpu", max_new_tokens=24)
    planner = LLMDrivingPlanner(Unconstrained(noisy))
    decision = planner.decide(context())
    assert planner.last_status == "fallback"
    assert decision == FALLBACK


def test_the_tile_count_follows_the_processor_even_where_the_config_says_no_cropping(tiny_internvl, tmp_path):
    """preprocessor_config.json may say crop_to_patches: false; InternVLProcessor crops anyway, and
    the context budget must count the tiles it really makes."""
    import json
    import shutil

    from PIL import Image

    from planners.mllm.model_dir import inspect_model_dir
    from planners.mllm.processor import load_processor

    copy = tmp_path / "no-crop"
    shutil.copytree(tiny_internvl, copy)
    config_path = copy / "preprocessor_config.json"
    config = json.loads(config_path.read_text())
    config["crop_to_patches"] = False
    config_path.write_text(json.dumps(config))
    processor = load_processor(inspect_model_dir(copy))
    for width, height in ((400, 225), (1600, 900), (300, 1200)):
        image = Image.fromarray(np.zeros((height, width, 3), np.uint8))
        made = processor(text=[processor.image_token], images=[image], images_kwargs={"max_patches": 6})
        assert processor.tiles(width, height, 6) == len(made["pixel_values"]) > 1
