"""Supervised fine-tuning samples from a data folder of InternVL JSONL (agents.data drive): each
sample as chat messages (the system prompt the planner is given, the human turn with its images,
the answer), split into training and validation by a hash of the sample id (stable across runs
and machines)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from envs.errors import UserInputError

INPUTS = ("images", "images+scene")


@dataclass(frozen=True)
class SftSample:
    id: str
    system: str
    user: str  # the human turn without its <image> placeholders
    images: tuple[Path, ...]
    answer: str

    def messages(self) -> list[dict]:
        parts = [{"type": "image"} for _ in self.images] + [{"type": "text", "text": self.user}]
        system = [{"role": "system", "content": [{"type": "text", "text": self.system}]}] if self.system else []
        return [*system, {"role": "user", "content": parts}]

    def load_images(self) -> list[Image.Image]:
        return [Image.open(path).convert("RGB") for path in self.images]


def read_sft_samples(data: str | Path, inputs: str = "images+scene") -> list[SftSample]:
    """Every sample of the folder; `inputs` picks the human turn (images+scene, or images: the prompt
    without the privileged scene description, recorded in meta.prompts.images)."""
    from agents.data.card import read_samples

    root = Path(data)
    if not root.is_dir():
        raise UserInputError(f"--data {root}: no such folder")
    if inputs not in INPUTS:
        raise UserInputError(f"--inputs {inputs}: images or images+scene")
    samples = []
    for line in read_samples(root):
        try:
            human, gpt = line["conversations"][:2]
            text = human["value"] if inputs == "images+scene" else line["meta"]["prompts"]["images"]
            answer = gpt["value"]
        except (KeyError, TypeError, ValueError) as error:
            raise UserInputError(f"--data {root}: sample {line.get('id')!r} is not a human/gpt pair ({error})") \
                from error
        images = tuple(root / path for path in line["image"])
        if text.count("<image>") != len(images):
            raise UserInputError(f"--data {root}: sample {line['id']!r} has {text.count('<image>')} <image> "
                                 f"placeholders for {len(images)} images")
        missing = [str(path) for path in images if not path.is_file()]
        if missing:
            raise UserInputError(f"--data {root}: sample {line['id']!r} names missing images ({missing[0]})")
        user = text.replace("<image>\n", "").replace("<image>", "")
        samples.append(SftSample(str(line["id"]), str(line.get("meta", {}).get("system", "")), user, images,
                                 str(answer)))
    return samples


def split(samples: list[SftSample], validation: float) -> tuple[list[SftSample], list[SftSample]]:
    """(training, validation): a sample is in validation when its id's hash falls under the fraction."""
    def bucket(sample: SftSample) -> float:
        return int(hashlib.sha256(sample.id.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF

    held = [s for s in samples if bucket(s) < validation]
    return [s for s in samples if bucket(s) >= validation], held
