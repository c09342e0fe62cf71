"""`python -m planners.serve` started for real on loopback with the tiny model, queried through
the OpenAI-compatible backend and with raw HTTP."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import numpy as np
import pytest

from planners.driving.decision import SpeedDecision
from planners.driving.llm_planner import LLMDrivingPlanner
from planners.mllm.tiny import TEACH_ANSWER
from planners.openai_compat import OpenAICompatModel
from planners.text_model import TextModelError
from tests.conftest import REPO
from tests.planners.helpers import context

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.fixture(scope="module")
def served(tiny_internvl):
    process = subprocess.Popen([sys.executable, "-m", "planners.serve", "--model", str(tiny_internvl), "--port", "0"],
                               cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"at (http://127\.0\.0\.1:\d+/v1)", line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    yield match.group(1), process
    process.send_signal(signal.SIGTERM)  # stops cleanly: exit 0, no traceback
    assert process.wait(timeout=30) == 0
    assert "Traceback" not in process.stderr.read()


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_it_binds_loopback_and_lists_its_model(served):
    url, _ = served
    with urllib.request.urlopen(url + "/models", timeout=10) as response:
        listing = json.loads(response.read())
    assert [m["id"] for m in listing["data"]] == ["tiny-internvl"]
    with urllib.request.urlopen(url.removesuffix("/v1") + "/health", timeout=10) as response:
        assert json.loads(response.read())["status"] == "ok"


def test_the_openai_compatible_backend_gets_the_answer_with_images(served):
    url, _ = served
    model = OpenAICompatModel(url, "tiny-internvl")
    camera = np.random.default_rng(0).integers(0, 255, (225, 400, 3), dtype=np.uint8)
    assert model.complete("You are the behaviour planner.", "What now?", [camera]) == TEACH_ANSWER


def test_concurrent_episodes_all_get_decisions(served):
    url, _ = served
    decisions = []
    lock = threading.Lock()

    def episode():
        planner = LLMDrivingPlanner(OpenAICompatModel(url, "tiny-internvl", max_concurrency=1))
        for _ in range(2):
            decision = planner.decide(context())
            with lock:
                decisions.append((decision.speed, planner.last_status))

    threads = [threading.Thread(target=episode) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(decisions) == 8
    assert all(speed == SpeedDecision.ACCELERATE and status != "fallback" for speed, status in decisions)


def test_usage_and_finish_reason_follow_the_api(served):
    url, _ = served
    status, body = post(url, {"model": "tiny-internvl", "max_tokens": 4,
                              "messages": [{"role": "user", "content": "decide"}]})
    assert status == 200
    assert body["object"] == "chat.completion"
    assert body["choices"][0]["finish_reason"] == "length"
    assert body["usage"]["completion_tokens"] == 4
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + 4


@pytest.mark.parametrize("body, status, message", [
    ({"model": "tiny-internvl"}, 400, "invalid request at messages"),
    ({"model": "other", "messages": [{"role": "user", "content": "hi"}]}, 404, "is not served here"),
    ({"model": "tiny-internvl", "n": 3, "messages": [{"role": "user", "content": "hi"}]}, 400, "n=3 is not supported"),
    ({"model": "tiny-internvl", "max_tokens": 10**6, "messages": [{"role": "user", "content": "hi"}]}, 400,
     "max_tokens=1000000 does not fit the model's context of"),
    ({"model": "tiny-internvl", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}]}, 400, "fetches nothing"),
    ({"model": "tiny-internvl", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,bm90IGFuIGltYWdl"}}]}]}, 400,
     "does not decode"),
])
def test_bad_requests_get_an_error_body(served, body, status, message):
    url, _ = served
    got, answer = post(url, body)
    assert got == status
    assert message in answer["error"]["message"]


def test_the_official_openai_client_lists_retrieves_and_completes(served):
    openai = pytest.importorskip("openai")
    url, _ = served
    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)
    assert [m.id for m in client.models.list()] == ["tiny-internvl"]
    assert client.models.retrieve("tiny-internvl").id == "tiny-internvl"
    with pytest.raises(openai.NotFoundError, match="is not served here"):
        client.models.retrieve("other")
    messages = [{"role": "developer", "content": "You are the behaviour planner."},
                {"role": "user", "content": "What now?"}]
    answer = client.chat.completions.create(model="tiny-internvl", messages=messages, max_tokens=64)
    assert answer.choices[0].message.content == TEACH_ANSWER and answer.choices[0].finish_reason == "stop"
    with pytest.raises(openai.BadRequestError, match="n=2 is not supported"):
        client.chat.completions.create(model="tiny-internvl", messages=messages, n=2)
    with pytest.raises(openai.BadRequestError, match="does not fit the model's context"):
        client.chat.completions.create(model="tiny-internvl", messages=messages, max_tokens=10**6)


def test_the_official_openai_client_streams_server_sent_events(served):
    openai = pytest.importorskip("openai")
    url, _ = served
    client = openai.OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=60)
    messages = [{"role": "user", "content": "What now?"}]
    chunks = list(client.chat.completions.create(model="tiny-internvl", messages=messages, max_tokens=64,
                                                 stream=True, stream_options={"include_usage": True}))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == TEACH_ANSWER
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    usage = chunks[-1].usage
    assert not chunks[-1].choices and usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    # the same connection serves the next request (chunked encoding keeps it alive)
    again = client.chat.completions.create(model="tiny-internvl", messages=messages, max_tokens=4, stream=True)
    assert [c.choices[0].finish_reason for c in again][-1] == "length"


def test_a_wrong_model_name_is_a_model_error_for_the_client(served):
    url, _ = served
    with pytest.raises(TextModelError, match="HTTP 404 .* after 1 attempt"):
        OpenAICompatModel(url, "not-this-one").complete("s", "u")


@pytest.mark.parametrize("args, message", [
    (["--model", "/nonexistent/model"], "does not exist"),
    (["--model", "{model}", "--port", "70000"], "--port 70000"),
])
def test_usage_errors_exit_2_with_one_line(tiny_internvl, args, message):
    args = [a.replace("{model}", str(tiny_internvl)) for a in args]
    done = subprocess.run([sys.executable, "-m", "planners.serve", *args], cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that says it is width x height (and holds no pixels): what a decompression bomb looks like."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_what_a_client_sends_is_bounded(served):
    import base64
    import socket
    import time

    url, _ = served
    host, port = url.removeprefix("http://").removesuffix("/v1").split(":")
    started = time.monotonic()
    status, body = post(url, {"model": "tiny-internvl", "messages": [{"role": "user", "content": "x" * 5_000_000}]})
    assert status == 400 and body["error"]["code"] == "context_length_exceeded"
    assert "characters cannot fit the model's context" in body["error"]["message"]
    assert time.monotonic() - started < 10  # refused before tokenising
    bomb = "data:image/png;base64," + base64.b64encode(_png_header_only(20_000, 20_000)).decode()
    status, body = post(url, {"model": "tiny-internvl", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": bomb}}]}]})
    assert status == 400 and "too large to decode" in body["error"]["message"]
    def exchange(request: bytes) -> str:
        """Send raw bytes; the whole answer (these answers close the connection)."""
        with socket.create_connection((host, int(port)), timeout=10) as raw:
            raw.sendall(request)
            parts = []
            while part := raw.recv(65536):
                parts.append(part)
        return b"".join(parts).decode()

    # over the body cap: refused before it is read
    answer = exchange(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 30000000\r\n\r\n")
    assert answer.startswith("HTTP/1.1 413") and '"error"' in answer
    for request in (b"PUT /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                    b"GET /health HTTP/1.1 extra words\r\n\r\n"):
        head, _, payload = exchange(request).partition("\r\n\r\n")
        assert head.split()[1] in ("400", "501") and "application/json" in head
        assert json.loads(payload)["error"]["message"]


def test_many_simultaneous_connections_are_all_answered(served):
    import socket

    url, _ = served
    host, port = url.removeprefix("http://").removesuffix("/v1").split(":")
    sockets = [socket.create_connection((host, int(port)), timeout=30) for _ in range(64)]
    try:
        for raw in sockets:
            raw.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answers = [raw.recv(4096) for raw in sockets]
    finally:
        for raw in sockets:
            raw.close()
    assert all(answer.startswith(b"HTTP/1.1 200") for answer in answers)


def test_a_half_sent_request_is_dropped_and_127_0_0_2_is_loopback(tiny_internvl):
    import socket
    import time

    process = subprocess.Popen([sys.executable, "-m", "planners.serve", "--model", str(tiny_internvl), "--port", "0",
                                "--host", "127.0.0.2", "--request-timeout", "1"],
                               cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        match = re.search(r"at http://(127\.0\.0\.2):(\d+)/v1", process.stdout.readline())
        assert match
        with socket.create_connection((match.group(1), int(match.group(2))), timeout=10) as raw:
            raw.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"mod")
            started = time.monotonic()
            assert raw.recv(4096) == b""  # the server hung up on it
            assert time.monotonic() - started < 5
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert "warning" not in process.stderr.read()


def test_response_format_json_schema_is_applied(served):
    url, _ = served
    schema = {"type": "object", "properties": {"lane": {"enum": ["left", "right"]}}, "required": ["lane"],
              "additionalProperties": False}
    status, body = post(url, {"model": "tiny-internvl", "max_tokens": 32, "messages": [
        {"role": "user", "content": "decide"}],
        "response_format": {"type": "json_schema", "json_schema": {"name": "lane", "schema": schema}}})
    assert status == 200
    answer = json.loads(body["choices"][0]["message"]["content"])  # not the one answer the model was taught
    assert set(answer) == {"lane"} and answer["lane"] in ("left", "right")
    status, body = post(url, {"model": "tiny-internvl", "messages": [{"role": "user", "content": "decide"}],
                              "response_format": {"type": "json_schema"}})
    assert status == 400 and "needs json_schema.schema" in body["error"]["message"]
