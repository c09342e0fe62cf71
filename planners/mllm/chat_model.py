"""InternVL chat models in process: transformers' InternVLForConditionalGeneration, greedy decoding.

`InternVLChatModel.load(path)` checks the directory (planners.mllm.model_dir), loads the weights
from it only (local_files_only; no hub), and answers the TextModel protocol. `generate()` takes a
batch of requests, so a server or a Ray actor can decode concurrent callers together: each
request is fitted to the context by rule (planners.mllm.budget), processed on its own (its own
tile cap), then the batch is left-padded and decoded greedily with a token budget.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from PIL import Image

from planners.mllm.budget import PromptTooLong, fit_images
from planners.mllm.model_dir import ModelDirectory, ModelDirectoryError, inspect_model_dir
from planners.mllm.processor import InternVLImageProcessor, load_processor
from planners.text_model import TextModelError

log = logging.getLogger("mllm_pilot.mllm")


@dataclass
class ChatRequest:
    """messages: [{"role": ..., "content": [{"type": "text", "text": ...} | {"type": "image"}]}];
    images fill the image parts in order."""

    messages: list[dict]
    images: list[Any] = field(default_factory=list)
    max_new_tokens: int | None = None
    schema: dict | None = None  # a JSON schema the answer is decoded under (planners.mllm.constrained)

    @classmethod
    def from_prompt(cls, system: str, user: str, images: Sequence[Any] | None = None,
                    max_new_tokens: int | None = None, schema: dict | None = None) -> ChatRequest:
        images = list(images or [])
        content = [{"type": "image"} for _ in images] + [{"type": "text", "text": user}]
        messages = [{"role": "system", "content": [{"type": "text", "text": system}]},
                    {"role": "user", "content": content}]
        return cls(messages, images, max_new_tokens, schema)


@dataclass(frozen=True)
class ChatResult:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str  # stop (end of turn) or length (token budget)
    note: str | None = None  # what the context budget cut, if anything


def pick_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelDirectoryError(f"--device {device}: CUDA is not available on this machine")
    try:
        return torch.device(device)
    except RuntimeError as error:
        raise ModelDirectoryError(f"--device {device}: not a torch device (auto, cpu, cuda, cuda:N)") from error


def as_pil(image: Any) -> Image.Image:
    if isinstance(image, Image.Image):
        return image.convert("RGB")
    array = np.asarray(image)
    if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
        raise ValueError(f"an image must be HxWx3 uint8 RGB, not {array.shape} {array.dtype}")
    return Image.fromarray(array)


class InternVLChatModel:
    """TextModel over a loaded InternVL: complete(system, user, images) -> text."""

    def __init__(self, model, processor: InternVLImageProcessor, directory: ModelDirectory, device: torch.device,
                 *, max_new_tokens: int = 512, max_tiles: int = 6, context_tokens: int | None = None):
        if max_new_tokens < 1 or max_tiles < 1:
            raise ValueError("max_new_tokens and max_tiles must be at least 1")
        self.model, self.processor, self.directory, self.device = model, processor, directory, device
        self.tokenizer = processor.tokenizer
        self.name = f"mllm:{directory.name}"
        self.max_new_tokens, self.max_tiles = max_new_tokens, max_tiles
        self.context_tokens = context_tokens or directory.context_tokens
        self.dtype = next(model.parameters()).dtype
        eos = {self.tokenizer.eos_token_id, *_ids(getattr(model.generation_config, "eos_token_id", None))}
        self.eos_ids = sorted(i for i in eos if i is not None)
        self.pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else self.eos_ids[0]
        self.truncations = 0  # requests whose images were cut to fit the context
        self._schemas = None  # SchemaDecoding, made on the first request with a schema

    @classmethod
    def load(cls, path: str, *, device: str = "auto", max_new_tokens: int = 512, max_tiles: int = 6,
             context_tokens: int | None = None) -> InternVLChatModel:
        from transformers import InternVLForConditionalGeneration
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        directory = inspect_model_dir(path)
        target = pick_device(device)
        dtype = torch.bfloat16 if target.type == "cuda" else torch.float32
        try:
            processor = load_processor(directory)
        except ModelDirectoryError:
            raise
        except Exception as error:  # tokenizers' and transformers' own error types, for files that passed the checks
            raise ModelDirectoryError(f"the tokenizer or image processor in {directory.path} cannot be loaded: "
                                      f"{type(error).__name__}: {error}") from error
        try:
            model, info = InternVLForConditionalGeneration.from_pretrained(
                directory.path, local_files_only=True, dtype=dtype, output_loading_info=True)
        except Exception as error:  # safetensors, torch and transformers raise their own types
            raise ModelDirectoryError(f"the weights in {directory.path} cannot be loaded: "
                                      f"{type(error).__name__}: {error}") from error
        problems = []
        for kind in ("missing_keys", "unexpected_keys", "mismatched_keys"):
            keys = sorted(str(k) for k in info.get(kind) or [])
            if keys:
                shown = ", ".join(keys[:8]) + (f" and {len(keys) - 8} more" if len(keys) > 8 else "")
                problems.append(f"{kind.replace('_', ' ')}: {shown}")
        if problems:
            raise ModelDirectoryError(f"the weights in {directory.path} do not match its config "
                                      f"({'; '.join(problems)})")
        model.to(target).eval()
        return cls(model, processor, directory, target, max_new_tokens=max_new_tokens, max_tiles=max_tiles,
                   context_tokens=context_tokens)

    accepts_schema = True  # complete(..., schema=) decodes under it

    def complete(self, system: str, user: str, images: list[Any] | None = None, schema: dict | None = None) -> str:
        try:
            return self.generate([ChatRequest.from_prompt(system, user, images, schema=schema)])[0].text
        except PromptTooLong as error:
            raise TextModelError(str(error)) from error
        except (RuntimeError, ValueError) as error:  # out of memory, a bad image: the planner falls back
            raise TextModelError(f"{self.name} failed: {error}") from error

    def generate(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        """Answer a batch greedily; each answer stops at the end-of-turn token or its token budget, and
        one with a schema is decoded under it (requests with a schema and without are decoded apart)."""
        results: dict[int, ChatResult] = {}
        for constrained in (False, True):
            indices = [i for i, request in enumerate(requests) if (request.schema is not None) == constrained]
            if indices:
                results.update(zip(indices, self._generate([requests[i] for i in indices])))
        return [results[i] for i in range(len(requests))]

    def _generate(self, requests: Sequence[ChatRequest]) -> list[ChatResult]:
        prepared = [self._prepare(request) for request in requests]
        budgets = [request.max_new_tokens or self.max_new_tokens for request in requests]
        width = max(len(p["ids"]) for p in prepared)
        input_ids = torch.full((len(prepared), width), self.pad_id, dtype=torch.long)
        attention = torch.zeros((len(prepared), width), dtype=torch.long)
        for row, p in enumerate(prepared):  # left padding: every prompt ends where generation starts
            input_ids[row, width - len(p["ids"]):] = p["ids"]
            attention[row, width - len(p["ids"]):] = 1
        pixels = [p["pixels"] for p in prepared if p["pixels"] is not None]
        inputs: dict[str, Any] = {"input_ids": input_ids.to(self.device), "attention_mask": attention.to(self.device)}
        if pixels:
            inputs["pixel_values"] = torch.cat(pixels).to(self.device, self.dtype)
        if requests[0].schema is not None:
            inputs["logits_processor"] = [self._schema_decoding().processor([r.schema for r in requests])]
        with torch.inference_mode():
            output = self.model.generate(**inputs, max_new_tokens=max(budgets), do_sample=False,
                                         eos_token_id=self.eos_ids, pad_token_id=self.pad_id)
        results = []
        for row, (p, budget) in enumerate(zip(prepared, budgets)):
            tokens = output[row, width:].tolist()[:budget]
            stop = next((i for i, token in enumerate(tokens) if token in self.eos_ids), None)
            answer = tokens if stop is None else tokens[:stop]
            text = self.tokenizer.decode(answer, skip_special_tokens=True)
            results.append(ChatResult(text, len(p["ids"]), len(answer), "length" if stop is None else "stop",
                                      p["note"]))
        return results

    def _schema_decoding(self):
        if self._schemas is None:
            from planners.mllm.constrained import SchemaDecoding

            vocab = int(self.model.get_output_embeddings().weight.shape[0])
            self._schemas = SchemaDecoding(self.tokenizer, vocab, self.eos_ids)
        return self._schemas

    def _prepare(self, request: ChatRequest) -> dict:
        images = [as_pil(image) for image in request.images]
        placeholders = sum(part.get("type") == "image" for m in request.messages for part in _parts(m))
        if placeholders != len(images):
            raise ValueError(f"{placeholders} image parts in the messages but {len(images)} images")
        budget = self.context_tokens - (request.max_new_tokens or self.max_new_tokens)

        @functools.cache  # the budget rule asks again for the same image counts
        def text_tokens(kept: int) -> int:
            return len(self.tokenizer(self._template(request.messages, kept))["input_ids"])

        fit = fit_images([image.size for image in images], text_tokens, self.processor.image_seq_length, budget,
                         self.max_tiles, self.processor.tiles)
        if fit.note:
            self.truncations += 1
            log.warning("%s: %s", self.name, fit.note)
        kept = images[:fit.images]
        text = self._template(request.messages, fit.images)
        encoded = self.processor(images=kept or None, text=text, return_tensors="pt", max_patches=fit.max_tiles)
        return {"ids": encoded["input_ids"][0], "pixels": encoded.get("pixel_values") if kept else None,
                "note": fit.note}

    def _template(self, messages: list[dict], kept_images: int) -> str:
        seen = 0
        trimmed = []
        for message in messages:
            parts = []
            for part in _parts(message):
                if part.get("type") == "image":
                    seen += 1
                    if seen > kept_images:
                        continue
                parts.append(part)
            trimmed.append({"role": message["role"], "content": parts})
        return self.processor.apply_chat_template(trimmed, add_generation_prompt=True, tokenize=False)


def _parts(message: dict) -> list[dict]:
    content = message.get("content")
    return [{"type": "text", "text": content}] if isinstance(content, str) else list(content or [])


def _ids(value) -> list[int]:
    if value is None:
        return []
    return [value] if isinstance(value, int) else list(value)
