"""An OpenAI-compatible chat-completions server around an in-process InternVL (planners.mllm).

POST /v1/chat/completions (text and base64 data-URL images, greedy decoding, `max_tokens`,
`stream` as server-sent events, `response_format` json_schema / json_object decoded under the
schema), GET /v1/models, GET /v1/models/{id} and GET /health, on the standard library's
threading HTTP server; the official `openai` client works against it. A stream sends the
assistant's role at once and the answer as one content delta when its batch is decoded (the
batch decodes together), then the finish reason, usage when `stream_options.include_usage` asks,
and `data: [DONE]`. Concurrent requests are decoded together through a MicroBatcher. Requests
are validated by pydantic
models; a bad request gets a 4xx with an OpenAI-style error body, never a traceback. Remote image
URLs are refused: the server fetches nothing.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import logging
import threading
import time
import urllib.parse
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from envs.batching import MicroBatcher
from planners.mllm.budget import PromptTooLong
from planners.mllm.chat_model import ChatRequest, ChatResult, InternVLChatModel

log = logging.getLogger("mllm_pilot.serve")
MAX_BODY_BYTES = 20 * 1024 * 1024  # a few camera images as base64 PNG fit well under it
CHARS_PER_TOKEN_AT_MOST = 16  # a prompt with more characters than this times the context cannot fit
SOCKET_TIMEOUT_S = 30.0  # a client that stops sending mid-request is dropped after this
LISTEN_BACKLOG = 128


class ImageURL(BaseModel):
    url: str


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["text", "image_url"]
    text: str | None = None
    image_url: ImageURL | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "developer", "user", "assistant"]  # developer: OpenAI's newer name for system
    content: str | list[ContentPart]


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="ignore")
    include_usage: bool = False


class JsonSchemaFormat(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str = "answer"
    schema_: dict = Field(alias="schema")
    strict: bool | None = None


class ResponseFormat(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: Literal["text", "json_object", "json_schema"]
    json_schema: JsonSchemaFormat | None = None


class CompletionRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # temperature, top_p, ... : decoding is greedy
    model: str
    messages: list[Message] = Field(min_length=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int | None = Field(default=None, ge=1)
    response_format: ResponseFormat | None = None


class RequestError(Exception):
    def __init__(self, status: HTTPStatus, message: str, code: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


def decode_data_url(url: str) -> Image.Image:
    if not url.startswith("data:image/") or ";base64," not in url:
        raise RequestError(HTTPStatus.BAD_REQUEST, "images must be base64 data URLs (data:image/...;base64,...); "
                                                   "this server fetches nothing")
    try:
        raw = base64.b64decode(url.split(";base64,", 1)[1], validate=True)
        image = Image.open(io.BytesIO(raw))
        image.load()
    except Image.DecompressionBombError as error:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"an image is too large to decode ({error})") from error
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError) as error:
        raise RequestError(HTTPStatus.BAD_REQUEST, f"an image data URL does not decode ({error})") from error
    return image.convert("RGB")


def answer_schema(body: CompletionRequest) -> dict | None:
    """The JSON schema the answer is decoded under: json_schema's schema, any JSON object for
    json_object, none for text."""
    form = body.response_format
    if form is None or form.type == "text":
        return None
    if form.type == "json_object":
        return {"type": "object"}
    if form.json_schema is None:
        raise RequestError(HTTPStatus.BAD_REQUEST, "response_format json_schema needs json_schema.schema")
    return form.json_schema.schema_


def to_chat_request(body: CompletionRequest, default_max_tokens: int) -> ChatRequest:
    messages, images = [], []
    for message in body.messages:
        parts: list[dict[str, Any]] = []
        content = message.content
        for part in [ContentPart(type="text", text=content)] if isinstance(content, str) else content:
            if part.type == "text":
                parts.append({"type": "text", "text": part.text or ""})
            else:
                if part.image_url is None:
                    raise RequestError(HTTPStatus.BAD_REQUEST, "an image_url part without image_url.url")
                images.append(decode_data_url(part.image_url.url))
                parts.append({"type": "image"})
        messages.append({"role": "system" if message.role == "developer" else message.role, "content": parts})
    return ChatRequest(messages, images, body.max_completion_tokens or body.max_tokens or default_max_tokens,
                       answer_schema(body))


def usage_body(result: ChatResult) -> dict:
    return {"prompt_tokens": result.prompt_tokens, "completion_tokens": result.completion_tokens,
            "total_tokens": result.prompt_tokens + result.completion_tokens}


def completion_body(name: str, result: ChatResult) -> dict:
    return {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
            "model": name,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": result.text},
                         "finish_reason": result.finish_reason}],
            "usage": usage_body(result)}


def stream_chunk(identity: str, name: str, delta: dict, finish_reason: str | None = None,
                 usage: dict | None = None) -> dict:
    """One `chat.completion.chunk` event of a streamed answer (choices empty on the usage chunk)."""
    choices = [] if usage is not None else [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
    chunk = {"id": identity, "object": "chat.completion.chunk", "created": int(time.time()), "model": name,
             "choices": choices}
    if usage is not None:
        chunk["usage"] = usage
    return chunk


def model_card(name: str) -> dict:
    return {"id": name, "object": "model", "created": 0, "owned_by": "mllm-pilot"}


class ChatServer:
    """Serves one model; start() binds and runs in a thread, serve_forever() in the caller's."""

    def __init__(self, model: InternVLChatModel, name: str | None = None, host: str = "127.0.0.1", port: int = 0,
                 *, max_batch: int = 8, max_wait_s: float = 0.01, request_timeout_s: float = SOCKET_TIMEOUT_S):
        self.model = model
        self.name = name or model.directory.name
        self.batcher: MicroBatcher[ChatRequest, ChatResult] = MicroBatcher(model.generate, max_batch=max_batch,
                                                                           max_wait_s=max_wait_s)
        self.request_timeout_s = request_timeout_s
        self.httpd = _Server((host, port), _handler(self))
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.httpd.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}/v1"

    def start(self) -> ChatServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="chat-server", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def close(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5.0)
        self.httpd.server_close()
        self.batcher.close()

    def validate(self, raw: bytes) -> CompletionRequest:
        """The request, checked against what this server can answer (a RequestError otherwise)."""
        try:
            body = CompletionRequest.model_validate_json(raw)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "body"
            raise RequestError(HTTPStatus.BAD_REQUEST, f"invalid request at {where}: {first['msg']}") from error
        if body.model != self.name:
            raise RequestError(HTTPStatus.NOT_FOUND, f"model {body.model!r} is not served here; this server serves "
                                                     f"{self.name!r}", "model_not_found")
        if (body.n or 1) > 1:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"n={body.n} is not supported: decoding is greedy, so every "
                                                       "choice would be the same answer; send n=1")
        asked = body.max_completion_tokens or body.max_tokens
        context = self.model.context_tokens
        if asked is not None and asked >= context:
            field = "max_completion_tokens" if body.max_completion_tokens else "max_tokens"
            raise RequestError(HTTPStatus.BAD_REQUEST, f"{field}={asked} does not fit the model's context of "
                                                       f"{context} tokens (prompt and answer together); ask for "
                                                       "fewer", "context_length_exceeded")
        return body

    def generate(self, body: CompletionRequest) -> ChatResult:
        characters = sum(len(m.content) if isinstance(m.content, str) else sum(len(p.text or "") for p in m.content)
                         for m in body.messages)
        context = self.model.context_tokens
        if characters > CHARS_PER_TOKEN_AT_MOST * context:  # refused before any tokenising
            raise RequestError(HTTPStatus.BAD_REQUEST, f"the prompt's {characters} characters cannot fit the model's "
                                                       f"context of {context} tokens", "context_length_exceeded")
        request = to_chat_request(body, self.model.max_new_tokens)
        try:
            return self.batcher(request)
        except PromptTooLong as error:
            raise RequestError(HTTPStatus.BAD_REQUEST, str(error), "context_length_exceeded") from error
        except ValueError as error:
            raise RequestError(HTTPStatus.BAD_REQUEST, str(error)) from error

    def answer(self, raw: bytes) -> dict:
        """A non-streamed answer's body."""
        body = self.validate(raw)
        if body.stream:
            raise RequestError(HTTPStatus.BAD_REQUEST, "this call answers stream: false only")
        return completion_body(self.name, self.generate(body))


class _Server(ThreadingHTTPServer):
    request_queue_size = LISTEN_BACKLOG  # the standard library's 5 resets clients of a busy server


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "mllm-pilot"
        timeout = server.request_timeout_s  # a half-sent request does not hold its thread for ever

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """The standard library's own errors (a bad request line, an unknown method) in OpenAI's JSON."""
            status = HTTPStatus(code)
            self.close_connection = True
            if self.request_version == "HTTP/0.9":  # an unreadable request line: answer as HTTP/1.0, with headers
                self.request_version = "HTTP/1.0"
            self._error(status, message or status.phrase, "invalid_request_error" if code < 500 else "server_error")

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?")[0].rstrip("/")
            if path == "/health":
                self._send(HTTPStatus.OK, {"status": "ok", "model": server.name})
            elif path == "/v1/models":
                self._send(HTTPStatus.OK, {"object": "list", "data": [model_card(server.name)]})
            elif path.startswith("/v1/models/"):
                wanted = urllib.parse.unquote(path.removeprefix("/v1/models/"))
                if wanted == server.name:
                    self._send(HTTPStatus.OK, model_card(server.name))
                else:
                    self._error(HTTPStatus.NOT_FOUND, f"model {wanted!r} is not served here; this server serves "
                                                      f"{server.name!r}", "model_not_found")
            else:
                self._error(HTTPStatus.NOT_FOUND, f"no route GET {path}")

        def do_POST(self) -> None:  # noqa: N802
            path = self.path.split("?")[0].rstrip("/")
            if path not in ("/v1/chat/completions", "/chat/completions"):
                self._error(HTTPStatus.NOT_FOUND, f"no route POST {path}")
                return
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                self._error(HTTPStatus.LENGTH_REQUIRED, "a Content-Length header is required")
                return
            if int(length) > MAX_BODY_BYTES:
                self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body over {MAX_BODY_BYTES} bytes")
                self.close_connection = True
                return
            raw = self.rfile.read(int(length))
            started = time.perf_counter()
            try:
                request = server.validate(raw)
                if request.stream:
                    self._stream(request)
                    return
                result = server.generate(request)
            except RequestError as error:
                self._error(error.status, error.message, error.code)
                return
            except Exception as error:  # the model failed: the client gets a 500 and may retry
                log.exception("generation failed")
                self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"generation failed: {error}", "server_error")
                return
            log.info("200 %d+%d tokens in %.3f s", result.prompt_tokens, result.completion_tokens,
                     time.perf_counter() - started)
            self._send(HTTPStatus.OK, completion_body(server.name, result))

        def _stream(self, request: CompletionRequest) -> None:
            """Server-sent events over a chunked response: the role now, the answer when decoded."""
            identity = f"chatcmpl-{uuid.uuid4().hex}"
            self.send_response(HTTPStatus.OK.value)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._event(stream_chunk(identity, server.name, {"role": "assistant", "content": ""}))
            try:
                result = server.generate(request)
            except Exception as error:  # the stream has begun: the error is an event of its own
                if not isinstance(error, RequestError):
                    log.exception("generation failed")
                message = error.message if isinstance(error, RequestError) else f"generation failed: {error}"
                code = error.code if isinstance(error, RequestError) else "server_error"
                self._event({"error": {"message": message, "type": code, "code": code}})
            else:
                if result.text:
                    self._event(stream_chunk(identity, server.name, {"content": result.text}))
                self._event(stream_chunk(identity, server.name, {}, result.finish_reason))
                if request.stream_options is not None and request.stream_options.include_usage:
                    self._event(stream_chunk(identity, server.name, {}, usage=usage_body(result)))
                log.info("200 (stream) %d+%d tokens", result.prompt_tokens, result.completion_tokens)
            self._chunk(b"data: [DONE]\n\n")
            self._chunk(b"")  # the last chunk

        def _event(self, body: dict) -> None:
            self._chunk(f"data: {json.dumps(body)}\n\n".encode())

        def _chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _error(self, status: HTTPStatus, message: str, code: str = "invalid_request_error") -> None:
            log.info("%d %s", status.value, message)
            self._send(status, {"error": {"message": message, "type": code, "code": code}})

        def _send(self, status: HTTPStatus, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status.value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args) -> None:  # requests are logged above
            return

    return Handler
