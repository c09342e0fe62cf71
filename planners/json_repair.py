"""Reading JSON objects out of model output that is almost JSON: code fences, prose around it,
trailing commas, bare keys, single quotes. Text is parsed, never evaluated."""

from __future__ import annotations

import json
import re


def json_object(text: str) -> dict | None:
    """The outermost {...} in the text, read as JSON after fixing the usual slips; None if none."""
    body = re.sub(r"```(?:json)?", "", text)
    start, end = body.find("{"), body.rfind("}")
    if start < 0 or end <= start:
        return None
    candidate = body[start:end + 1]
    for attempt in (candidate, relax(candidate)):
        try:
            value = json.loads(attempt)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def relax(candidate: str) -> str:
    relaxed = re.sub(r",\s*([}\]])", r"\1", candidate)  # trailing commas
    relaxed = re.sub(r"(?<=[{,])\s*([A-Za-z_][A-Za-z0-9_]*)\s*:", r'"\1":', relaxed)  # bare keys
    if '"' not in relaxed.replace('\\"', ""):
        relaxed = relaxed.replace("'", '"')
    else:
        relaxed = re.sub(r"'([^'\"]*)'", r'"\1"', relaxed)
    return relaxed
