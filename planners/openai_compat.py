"""A TextModel over any OpenAI-compatible chat-completions server (LMDeploy api_server, vLLM,
our own planners.serve): images go as base64 PNG data URLs, every request has a timeout, server
errors and timeouts are retried with exponential backoff, and a semaphore caps the requests in
flight. Anything that still fails is a TextModelError, which the planners turn into their
fallback; a client error (4xx other than 429) is not retried.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import numpy as np

from planners.text_model import TextModelError

log = logging.getLogger("mllm_pilot.http")
RETRY_STATUS = {429, 500, 502, 503, 504}


def chat_url(endpoint: str) -> str:
    """http://host:port, http://host:port/v1 or the full .../chat/completions URL -> the full URL."""
    url = endpoint.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return url + ("/chat/completions" if url.endswith("/v1") else "/v1/chat/completions")


def models_url(endpoint: str) -> str:
    """The server's GET /v1/models for an endpoint given any of the ways chat_url takes."""
    return chat_url(endpoint).removesuffix("/chat/completions") + "/models"


def served_models(endpoint: str, api_key: str | None = None, timeout_s: float = 5.0) -> list[str]:
    """The model names the server serves (GET /v1/models); UserInputError when no server answers
    there, it refuses the key, or it does not speak the OpenAI API."""
    from envs.errors import UserInputError

    request = urllib.request.Request(models_url(endpoint), headers={"Authorization": f"Bearer {api_key}"}
                                     if api_key else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            listing = json.loads(response.read().decode("utf-8", errors="replace"))
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise UserInputError(f"--endpoint {endpoint}: the server refused the API key (HTTP {error.code}); give "
                                 "--api-key KEY or set OPENAI_API_KEY") from error
        raise UserInputError(f"--endpoint {endpoint}: GET {models_url(endpoint)} answered HTTP {error.code}; is it an "
                             "OpenAI-compatible server?") from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise UserInputError(f"--endpoint {endpoint}: no server answers there ({reason})") from error
    except ValueError as error:
        raise UserInputError(f"--endpoint {endpoint}: GET /v1/models did not answer JSON") from error
    data = listing.get("data") if isinstance(listing, dict) else None
    if not isinstance(data, list):
        raise UserInputError(f"--endpoint {endpoint}: GET /v1/models did not list models (no 'data' list)")
    return [str(entry.get("id")) for entry in data if isinstance(entry, dict) and entry.get("id") is not None]


def image_data_url(image: Any) -> str:
    """An HxWx3 uint8 RGB array, a PIL image or PNG/JPEG bytes as a data URL."""
    if isinstance(image, bytes):
        kind = "jpeg" if image[:3] == b"\xff\xd8\xff" else "png"
        return f"data:image/{kind};base64," + base64.b64encode(image).decode()
    if hasattr(image, "convert"):  # PIL
        image = np.asarray(image.convert("RGB"))
    array = np.asarray(image)
    if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
        raise ValueError(f"an image must be HxWx3 uint8 RGB, not {array.shape} {array.dtype}")
    import cv2

    ok, png = cv2.imencode(".png", array[:, :, ::-1])
    if not ok:
        raise ValueError("the image could not be encoded as PNG")
    return "data:image/png;base64," + base64.b64encode(png.tobytes()).decode()


class OpenAICompatModel:
    """TextModel: complete(system, user, images) through POST /v1/chat/completions."""

    def __init__(self, endpoint: str, model: str, *, timeout_s: float = 30.0, retries: int = 2,
                 backoff_s: float = 0.5, max_concurrency: int = 4, max_tokens: int = 512,
                 api_key: str | None = None):
        if max_concurrency < 1 or retries < 0 or timeout_s <= 0:
            raise ValueError("max_concurrency >= 1, retries >= 0 and timeout_s > 0 are required")
        self.url, self.model = chat_url(endpoint), model
        self.name = f"http:{model}"
        self.timeout_s, self.retries, self.backoff_s = timeout_s, retries, backoff_s
        self.max_tokens, self.api_key = max_tokens, api_key
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self.requests = 0  # attempts sent, retries included
        self.failures = 0  # calls that ended in a TextModelError
        self.schema_refused = False  # the server said no to response_format once: not sent again

    accepts_schema = True  # sent as response_format; a server that refuses it is asked again without

    def complete(self, system: str, user: str, images: list[Any] | None = None, schema: dict | None = None) -> str:
        content: list[dict] = [{"type": "text", "text": user}]
        content += [{"type": "image_url", "image_url": {"url": image_data_url(image)}} for image in images or []]
        request_body = {"model": self.model, "max_tokens": self.max_tokens, "temperature": 0.0,
                        "messages": [{"role": "system", "content": system}, {"role": "user", "content": content}]}
        if schema is not None and not self.schema_refused:
            try:
                response_format = {"type": "json_schema",
                                   "json_schema": {"name": "answer", "schema": schema, "strict": True}}
                return self._post(json.dumps({**request_body, "response_format": response_format}).encode())
            except _SchemaRefused:
                self.schema_refused = True  # LMDeploy and vLLM take it; this server does not: plain requests on
                log.info("%s refused response_format; asking without it (answers are repaired as before)", self.url)
        return self._post(json.dumps(request_body).encode())

    def _post(self, body: bytes) -> str:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        problem, attempts = "no attempt made", 0
        with self._slots:
            for attempt in range(self.retries + 1):
                attempts = attempt + 1
                if attempt:
                    time.sleep(self.backoff_s * 2 ** (attempt - 1))
                self.requests += 1
                try:
                    request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
                    started = time.monotonic()
                    with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                        return self._content(_read_within(response, started + self.timeout_s))
                except urllib.error.HTTPError as error:
                    problem = f"HTTP {error.code} from {self.url}"
                    if error.code in (400, 422) and b"response_format" in body and _mentions_format(error):
                        raise _SchemaRefused from error
                    if error.code not in RETRY_STATUS:
                        break
                except (TimeoutError, socket.timeout):
                    problem = f"no answer from {self.url} within {self.timeout_s:g} s"
                except urllib.error.URLError as error:
                    reason = error.reason
                    problem = (f"no answer from {self.url} within {self.timeout_s:g} s"
                               if isinstance(reason, TimeoutError | socket.timeout)
                               else f"cannot reach {self.url} ({reason})")
                except ConnectionError as error:
                    problem = f"the connection to {self.url} broke ({error})"
        self.failures += 1
        raise TextModelError(f"{problem} after {attempts} attempt(s)")

    def _content(self, raw: bytes) -> str:
        try:
            answer = json.loads(raw)
            content = answer["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise TextModelError(f"{self.url} answered something that is not a chat completion ({error})") from error
        if isinstance(content, list):  # some servers answer content parts
            texts = [part.get("text", "") for part in content if isinstance(part, dict)]
            if not all(isinstance(text, str) for text in texts):
                raise TextModelError(f"{self.url} answered content parts whose text is not a string")
            content = "".join(texts)
        if not isinstance(content, str):
            raise TextModelError(f"{self.url} answered a completion without text content")
        return content


def _read_within(response, deadline: float) -> bytes:
    """The whole body by the deadline (the socket timeout alone bounds each read, so a server that
    trickles a byte at a time would hold the call for ever): TimeoutError past it."""
    parts: list[bytes] = []
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("the answer did not arrive in time")
        part = response.read1(65536)
        if not part:
            return b"".join(parts)
        parts.append(part)


class _SchemaRefused(Exception):
    """The server answered 400/422 about response_format."""


def _mentions_format(error) -> bool:
    try:
        text = error.read().decode("utf-8", "replace").lower()
    except OSError:
        return False
    return any(word in text for word in ("response_format", "json_schema", "guided", "structured"))
