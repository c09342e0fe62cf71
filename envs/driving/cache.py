"""Where generated map artefacts (SUMO nets, procedural towns) are cached."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def cache_dir(kind: str) -> Path:
    """`$MLLM_PILOT_CACHE/<kind>` or `~/.cache/mllm-pilot/<kind>`, created on demand."""
    root = Path(os.environ.get("MLLM_PILOT_CACHE", Path.home() / ".cache" / "mllm-pilot"))
    path = root / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


def content_key(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]
