"""Reading JSON objects out of model output that is almost JSON: code fences, prose around it,
trailing commas, bare keys, single quotes. Text is parsed, never evaluated."""

from __future__ import annotations

import json
import re


def json_object(text: str) -> dict | None:
    """The outermost {...} in the text, read as JSON after fixing the usual slips; None if none."""
    body = re.sub(r"```(?:json)?", "", text)
    start, end = body.find("{"), body.rfind("}")
    if start < 0:
        return None
    candidate = body[start:end + 1] if end > start else body[start:]
    for attempt in (candidate, relax(candidate), closed(body[start:]), relax(closed(body[start:]))):
        try:
            value = json.loads(attempt)
        except (json.JSONDecodeError, RecursionError):  # nesting past the parser's depth is not JSON to us
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


def closed(text: str) -> str:
    """An answer cut off by the token budget, closed: an open string ended, a dangling comma or key
    dropped, open brackets closed in order."""
    stack: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack:
            stack.pop()
    out = text + ('"' if in_string else "")
    out = re.sub(r',\s*$', "", out.rstrip())
    out = re.sub(r'([{,])\s*"[^"]*"\s*:?\s*$', r"\1", out)  # a key without its value
    out = re.sub(r",\s*$", "", out)
    return out + "".join(reversed(stack))
