"""Sentence-embedding retrieval with a local transformers encoder (any BERT-style model saved in a
directory: config, weights, tokenizer), used beside FTS5 when one is installed.

Texts are embedded by mean-pooling the last hidden state over the attention mask and normalising;
a question's nearest documents are those with the largest cosine similarity. The model is loaded
with local_files_only: nothing is fetched from a hub.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from envs.errors import UserInputError

ENV_VARIABLE = "MLLM_PILOT_EMBEDDING_MODEL"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json",
                "pytorch_model.bin.index.json")


class SentenceEncoder:
    def __init__(self, model_dir: str | Path, batch_size: int = 32, max_length: int = 256):
        folder = Path(model_dir)
        if not (folder / "config.json").exists():
            raise UserInputError(f"embedding model {folder}: no config.json there (a transformers model directory "
                                 "is expected)")
        if not any((folder / name).exists() for name in WEIGHT_FILES):
            raise UserInputError(f"embedding model {folder}: no weights ({' or '.join(WEIGHT_FILES[:2])})")
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        self.model = AutoModel.from_pretrained(folder, local_files_only=True).eval()
        self.batch_size, self.max_length = batch_size, max_length
        self.name = folder.name

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows of unit length."""
        torch = self.torch
        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(texts[start:start + self.batch_size], padding=True, truncation=True,
                                       max_length=self.max_length, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                out.append(torch.nn.functional.normalize(pooled, dim=-1).float().numpy())
        return np.concatenate(out) if out else np.zeros((0, 0), np.float32)


def encoder_from_environment() -> SentenceEncoder | None:
    """The encoder named by $MLLM_PILOT_EMBEDDING_MODEL, or None when it is not set."""
    path = os.environ.get(ENV_VARIABLE)
    return SentenceEncoder(path) if path else None


class EmbeddingIndex:
    """Documents and their vectors; nearest by cosine similarity."""

    def __init__(self, encoder: SentenceEncoder):
        self.encoder = encoder
        self.documents: list[tuple[str, str]] = []
        self.vectors = np.zeros((0, 0), np.float32)

    def add(self, documents: list[tuple[str, str]]) -> None:
        vectors = self.encoder.encode([f"{title}. {body}" for title, body in documents])
        self.vectors = vectors if len(self.documents) == 0 else np.vstack([self.vectors, vectors])
        self.documents += documents

    def search(self, question: str, limit: int = 5) -> list[tuple[str, str, float]]:
        if not self.documents:
            return []
        scores = self.vectors @ self.encoder.encode([question])[0]
        best = np.argsort(-scores, kind="stable")[:limit]
        return [(*self.documents[i], float(scores[i])) for i in best]
