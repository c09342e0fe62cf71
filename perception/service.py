"""Perception models as Ray actors: one actor per model, micro-batching the images of
concurrent callers into one forward pass, on a GPU in bf16 when the cluster has one.

    host = start_perception_host("flash_internimage_t", checkpoint="fiit.pth")
    features = PerceptionClient(host)({"front": image})   # {"front": {"stage_1": (C, h, w) array, ...}}

Kinds: "internvit" (path: an InternVL directory; answers pooled and per-tile features) and
"flash_internimage_t|s|b" (optional checkpoint in the official layout; answers the four stage
feature maps). `PerceptionHost` is a plain class too, for use in process.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from envs.batching import MicroBatcher
from perception.tiling import tiles_to_tensor

KINDS = ("internvit", "flash_internimage_t", "flash_internimage_s", "flash_internimage_b")


class PerceptionHost:
    def __init__(self, kind: str, path: str | None = None, device: str = "auto", options: dict | None = None,
                 max_batch: int = 8, max_wait_s: float = 0.01, threads: int | None = None):
        import torch

        if kind not in KINDS:
            raise ValueError(f"unknown perception model {kind!r}; kinds: {', '.join(KINDS)}")
        torch.set_num_threads(threads or os.cpu_count() or 1)
        self.kind = kind
        self.device = torch.device("cuda" if device == "auto" and torch.cuda.is_available() else
                                   ("cpu" if device == "auto" else device))
        self.dtype = torch.bfloat16 if self.device.type == "cuda" else torch.float32
        if kind == "internvit":
            from perception.internvit import InternViTEncoder

            if not path:
                raise ValueError("internvit needs the path of an InternVL directory")
            self.encoder = InternViTEncoder.load(path, device=str(self.device))
        else:
            from perception.flash_internimage import flash_internimage, load_checkpoint

            self.model = flash_internimage(kind.rsplit("_", 1)[1], num_classes=0, **(options or {})).eval()
            if path:
                load_checkpoint(self.model, path, ignore=("head.", "conv_head."))
            self.model.to(self.device, self.dtype)
        self.batcher = MicroBatcher(self._run, max_batch=max_batch, max_wait_s=max_wait_s)

    def ready(self) -> dict:
        return {"kind": self.kind, "device": str(self.device), "dtype": str(self.dtype)}

    def features(self, images: Sequence[np.ndarray]) -> list[dict[str, np.ndarray]]:
        """One dict of feature arrays per image (HxWx3 uint8 RGB)."""
        return self.batcher(list(images))

    def stats(self) -> dict:
        return {"batches": self.batcher.batches, "requests": self.batcher.requests,
                "mean_batch": self.batcher.mean_batch}

    def _run(self, requests: list[list[np.ndarray]]) -> list[list[dict[str, np.ndarray]]]:
        flat = [image for request in requests for image in request]
        answers = self._internvit(flat) if self.kind == "internvit" else self._flash(flat)
        out, start = [], 0
        for request in requests:
            out.append(answers[start:start + len(request)])
            start += len(request)
        return out

    def _internvit(self, images: list[np.ndarray]) -> list[dict[str, np.ndarray]]:
        return [{"pooled": e.pooled.numpy(), "tiles": e.features.numpy()} for e in self.encoder.encode(images)]

    def _flash(self, images: list[np.ndarray]) -> list[dict[str, np.ndarray]]:
        import torch

        answers: list[dict[str, np.ndarray] | None] = [None] * len(images)
        by_shape: dict[tuple, list[int]] = {}
        for i, image in enumerate(images):
            by_shape.setdefault(np.asarray(image).shape, []).append(i)
        for indices in by_shape.values():  # same-sized images share a forward pass
            batch = tiles_to_tensor([images[i] for i in indices])  # ImageNet-normalised (B, 3, H, W)
            with torch.inference_mode():
                stages = self.model.forward_features(torch.from_numpy(batch).to(self.device, self.dtype))
            for row, i in enumerate(indices):
                answers[i] = {f"stage_{s + 1}": stage[row].float().cpu().numpy() for s, stage in enumerate(stages)}
        return answers


def start_perception_host(kind: str, path: str | None = None, *, name: str | None = None, device: str = "auto",
                          options: dict | None = None):
    """A PerceptionHost actor (Ray is up), on a GPU when the cluster has one; waits until loaded."""
    import ray

    gpus = ray.cluster_resources().get("GPU", 0.0)
    wants_gpu = device == "auto" and gpus >= 1 or device.startswith("cuda")
    actor = ray.remote(PerceptionHost).options(
        name=name or f"mllm-pilot-perception-{kind}", num_cpus=0, num_gpus=1 if wants_gpu else 0,
        max_concurrency=32).remote(kind, path, "cuda" if wants_gpu else "cpu", options)
    try:
        ray.get(actor.ready.remote())
    except ray.exceptions.RayActorError as error:
        raise ValueError(f"the perception host could not start: {error}") from error
    return actor


class PerceptionClient:
    """Callable images-by-name -> features-by-name, over a PerceptionHost actor or object."""

    def __init__(self, host: Any, timeout_s: float = 60.0):
        self.host, self.timeout_s = host, timeout_s

    def __call__(self, images: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
        names = sorted(images)
        pictures = [images[name] for name in names]
        if isinstance(self.host, PerceptionHost):
            answers = self.host.features(pictures)
        else:
            import ray

            answers = ray.get(self.host.features.remote(pictures), timeout=self.timeout_s)
        return dict(zip(names, answers))
