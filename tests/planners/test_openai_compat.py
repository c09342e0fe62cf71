"""The OpenAI-compatible client against a real chat-completions server on loopback (http.server
in a thread): answers, data-URL images, retries with backoff, timeouts, the concurrency cap."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cv2
import numpy as np
import pytest

from planners.minecraft.llm import LLMActionPlanner
from planners.openai_compat import OpenAICompatModel, chat_url
from planners.text_model import TextModel, TextModelError


class Behaviour:
    def __init__(self):
        self.fail_first = 0  # answer 503 to this many requests
        self.status = None  # answer this status to every request
        self.delay_s = 0.0
        self.reply = "hello"
        self.requests: list[dict] = []
        self.models = ["internvl", "internvl-test"]
        self.api_key: str | None = None  # when set, GET /v1/models wants "Bearer <key>"
        self.refuse_format = False  # answer 400 to a request with response_format, as servers without it do
        self.keys_seen: list[str | None] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()


@pytest.fixture
def server():
    behaviour = Behaviour()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            behaviour.keys_seen.append(self.headers.get("Authorization"))
            if behaviour.api_key and self.headers.get("Authorization") != f"Bearer {behaviour.api_key}":
                self.send_response(401)
                self.end_headers()
                return
            payload = json.dumps({"object": "list", "data": [{"id": m, "object": "model"} for m in behaviour.models]})
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload.encode())

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            behaviour.keys_seen.append(self.headers.get("Authorization"))
            with behaviour.lock:
                behaviour.requests.append({"path": self.path, "body": body})
                behaviour.in_flight += 1
                behaviour.max_in_flight = max(behaviour.max_in_flight, behaviour.in_flight)
                failing = behaviour.fail_first > 0
                behaviour.fail_first -= failing
            try:
                time.sleep(behaviour.delay_s)
                if behaviour.refuse_format and "response_format" in body:
                    self.send_response(400)
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "unknown field response_format"}}')
                    return
                status = behaviour.status or (503 if failing else 200)
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": behaviour.reply}}]})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(payload.encode() if status == 200 else b'{"error": "busy"}')
            except (BrokenPipeError, ConnectionResetError):
                pass
            finally:
                with behaviour.lock:
                    behaviour.in_flight -= 1

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", behaviour
    httpd.shutdown()
    httpd.server_close()


def test_an_answer_with_an_image_as_a_data_url(server):
    url, behaviour = server
    model = OpenAICompatModel(url, "internvl-test", timeout_s=5)
    assert isinstance(model, TextModel) and model.name == "http:internvl-test"
    image = np.zeros((4, 6, 3), np.uint8)
    image[1, 2] = (255, 10, 0)
    assert model.complete("be brief", "what is red?", images=[image]) == "hello"
    sent = behaviour.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["model"] == "internvl-test"
    system, user = sent["body"]["messages"]
    assert system == {"role": "system", "content": "be brief"}
    text, picture = user["content"]
    assert text == {"type": "text", "text": "what is red?"}
    data = picture["image_url"]["url"]
    assert data.startswith("data:image/png;base64,")
    decoded = cv2.imdecode(np.frombuffer(base64.b64decode(data.split(",", 1)[1]), np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(decoded[:, :, ::-1], image)
    assert chat_url(url + "/v1") == chat_url(url) == url + "/v1/chat/completions"


def test_server_errors_are_retried_with_backoff_then_given_up(server):
    url, behaviour = server
    behaviour.fail_first = 2
    model = OpenAICompatModel(url, "m", retries=2, backoff_s=0.05)
    started = time.perf_counter()
    assert model.complete("s", "u") == "hello" and model.requests == 3
    assert time.perf_counter() - started >= 0.05 + 0.1  # 0.05 s, then 0.1 s
    behaviour.fail_first = 10
    with pytest.raises(TextModelError, match="HTTP 503 .* after 2 attempt"):
        OpenAICompatModel(url, "m", retries=1, backoff_s=0.01).complete("s", "u")
    behaviour.fail_first, behaviour.status = 0, 400
    client = OpenAICompatModel(url, "m", retries=3, backoff_s=0.01)
    with pytest.raises(TextModelError, match="HTTP 400"):
        client.complete("s", "u")
    assert client.requests == 1  # a client error is not retried


def test_timeouts_and_dead_servers_are_errors_the_planner_falls_back_from(server):
    url, behaviour = server
    behaviour.delay_s = 1.0
    slow = OpenAICompatModel(url, "m", timeout_s=0.2, retries=1, backoff_s=0.01)
    with pytest.raises(TextModelError, match="within 0.2 s after 2 attempt"):
        slow.complete("s", "u")
    dead = OpenAICompatModel("http://127.0.0.1:9", "m", timeout_s=1, retries=0)
    with pytest.raises(TextModelError, match="cannot reach"):
        dead.complete("s", "u")
    from tests.planners.test_minecraft_llm import CONTEXT

    planner = LLMActionPlanner(dead)
    assert planner.decide(CONTEXT).action_list and planner.last_status == "fallback"


def test_the_concurrency_cap_holds_across_threads(server):
    url, behaviour = server
    behaviour.delay_s = 0.1
    model = OpenAICompatModel(url, "m", max_concurrency=2, timeout_s=5)
    threads = [threading.Thread(target=model.complete, args=("s", f"u{n}")) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(behaviour.requests) == 6 and behaviour.max_in_flight == 2


def test_a_plan_comes_back_through_the_server(server):
    url, behaviour = server
    from tests.planners.test_minecraft_llm import CONTEXT, GOOD

    behaviour.reply = GOOD
    planner = LLMActionPlanner(OpenAICompatModel(url, "m"))
    assert [a.name for a in planner.decide(CONTEXT).action_list] == ["mine"] and planner.last_status == "ok"


def test_the_minecraft_cli_plans_through_a_server_and_falls_back_when_it_talks_nonsense(server, tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    url, behaviour = server
    behaviour.reply = "I think you should punch trees."
    done = subprocess.run([sys.executable, "-m", "agents.minecraft", "--planner", "http", "--endpoint", url,
                           "--model", "internvl", "--task", "crafting_table", "--memory", "none", "--checkpoint",
                           str(tmp_path / "c.sqlite"), "--json"], capture_output=True, text=True, timeout=300,
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["success"] and result["planner"] == "llm:http:internvl"
    assert result["fallbacks"] == result["planner_queries"] > 0  # every answer unusable: the rule plan each time
    assert len(behaviour.requests) == 2 * result["planner_queries"]  # one repair round-trip per query
    missing = subprocess.run([sys.executable, "-m", "agents.drive", "--planner", "http"], capture_output=True,
                             text=True, timeout=120, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert missing.returncode == 2 and "--planner http needs --endpoint URL and --model NAME" in missing.stderr


def test_the_driving_llm_planner_reads_repairs_and_falls_back():
    from planners.driving.decision import PathDecision, SpeedDecision
    from planners.driving.llm_planner import LLMDrivingPlanner
    from planners.driving.parser import FALLBACK
    from tests.planners.helpers import context as driving_context
    from tests.planners.test_minecraft_llm import ScriptedModel

    context = driving_context()
    good = '{"speed": "DECELERATE", "path": "FOLLOW_LANE", "explanation": "a car ahead is braking"}'
    planner = LLMDrivingPlanner(ScriptedModel([good]))
    decision = planner.decide(context)
    assert (decision.speed, decision.path, planner.last_status) == (SpeedDecision.DECELERATE,
                                                                    PathDecision.FOLLOW_LANE, "ok")
    repaired = LLMDrivingPlanner(ScriptedModel(["no idea", good]))
    assert repaired.decide(context).speed == SpeedDecision.DECELERATE and repaired.last_status == "repaired"
    down = LLMDrivingPlanner(ScriptedModel([TextModelError("timed out")]))
    assert down.decide(context) == FALLBACK and down.last_status == "fallback"


def drive_cli(*args: str, env: dict | None = None):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    return subprocess.run([sys.executable, "-m", "agents.drive", "--max-time", "1", *args], capture_output=True,
                          text=True, timeout=300, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def test_a_wrong_endpoint_or_model_is_one_line_before_any_driving(server):
    url, behaviour = server
    refused = drive_cli("--planner", "http", "--endpoint", "http://127.0.0.1:9", "--model", "internvl")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "--endpoint http://127.0.0.1:9: no server answers there" in refused.stderr
    wrong = drive_cli("--planner", "http", "--endpoint", url, "--model", "gpt-9")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert f"--model gpt-9: not served at {url}; it serves: internvl, internvl-test" in " ".join(wrong.stderr.split())
    assert behaviour.requests == []  # nothing was asked


def test_a_keyed_server_gets_the_key_from_the_flag_or_the_environment(server):
    url, behaviour = server
    behaviour.api_key = "sekret"
    refused = drive_cli("--planner", "http", "--endpoint", url, "--model", "internvl")
    assert refused.returncode == 2 and "refused the API key" in refused.stderr
    by_flag = drive_cli("--planner", "http", "--endpoint", url, "--model", "internvl", "--api-key", "sekret",
                        "--scenarios", "none", "--traffic", "light")
    assert by_flag.returncode == 0, by_flag.stderr
    by_env = drive_cli("--planner", "http", "--endpoint", url, "--model", "internvl", "--scenarios", "none",
                       env={"OPENAI_API_KEY": "sekret"})
    assert by_env.returncode == 0, by_env.stderr
    assert behaviour.requests and set(behaviour.keys_seen[1:]) == {"Bearer sekret"}


def test_content_parts_whose_text_is_not_a_string_are_a_model_error(server):
    url, behaviour = server
    behaviour.reply = [{"type": "text", "text": 5}]
    with pytest.raises(TextModelError, match="content parts whose text is not a string"):
        OpenAICompatModel(url, "internvl-test", timeout_s=5, retries=0).complete("s", "u")
    behaviour.reply = [{"type": "text", "text": "fine "}, {"type": "text", "text": "parts"}]
    assert OpenAICompatModel(url, "internvl-test", timeout_s=5).complete("s", "u") == "fine parts"


def test_the_schema_is_sent_and_a_server_that_refuses_it_is_asked_again_without(server):
    url, behaviour = server
    model = OpenAICompatModel(url, "internvl-test", timeout_s=5, retries=0)
    schema = {"type": "object"}
    assert model.complete("s", "u", schema=schema) == "hello"
    assert behaviour.requests[-1]["body"]["response_format"]["json_schema"]["schema"] == schema
    behaviour.refuse_format = True
    assert model.complete("s", "u", schema=schema) == "hello" and model.schema_refused
    assert "response_format" in behaviour.requests[-2]["body"]
    assert "response_format" not in behaviour.requests[-1]["body"]
    model.complete("s", "u", schema=schema)
    assert "response_format" not in behaviour.requests[-1]["body"]  # not sent again
