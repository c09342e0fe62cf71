"""A planner, decomposer or server that does not answer in time is given up on: the fallback,
counted, and the run goes on; Ctrl-C on agents.drive says it was interrupted (exit 130)."""

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agents.drive.runner import DriveOptions, run_route
from agents.minecraft.runner import MinecraftOptions, run_task
from planners.openai_compat import OpenAICompatModel
from planners.text_model import TextModelError
from scenarios.minecraft.tasks import item_task
from tests.conftest import REPO

NEVER = threading.Event()  # never set: a call waiting on it never returns


class HangingPlanner:
    name = "hanging"

    def decide(self, context):
        NEVER.wait()


def test_a_driving_planner_that_never_answers_is_a_counted_fallback(procedural_map, short_routes):
    started = time.monotonic()
    outcome = run_route(procedural_map, short_routes[0],
                        DriveOptions(seed=3, vehicles=2, pedestrians=0, max_time_s=2.0, decision_timeout_s=0.2),
                        planner=HangingPlanner())
    metrics = outcome.result.metrics
    assert metrics["decisions"] == 4 and metrics["planner_fallbacks"] == 4  # one every 0.5 s of 2 s
    assert time.monotonic() - started < 60


def test_a_minecraft_planner_and_decomposer_that_never_answer_are_fallbacks():
    record = run_task(item_task("crafting_table"), MinecraftOptions(seed=0, decision_timeout_s=0.2),
                      planner=HangingPlanner(), decomposer=HangingPlanner()).record
    assert record["success"] and record["fallbacks"] == record["planner_queries"] > 0


@pytest.fixture
def trickling_server():
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for byte in b'{"choices": [{"message": {"content": "' + b"x" * 100:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.2)  # each read waits well under the socket timeout
            except (BrokenPipeError, ConnectionResetError):
                pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_server_that_trickles_its_answer_is_cut_off_at_the_timeout(trickling_server):
    model = OpenAICompatModel(trickling_server, "m", timeout_s=1.5, retries=0)
    started = time.monotonic()
    with pytest.raises(TextModelError, match="within 1.5 s"):
        model.complete("system", "user")
    assert time.monotonic() - started < 4.0


def interrupted_while_setting_up(road_map, config):
    """The embedded simulator, as Ctrl-C finds it while the route is still being set up (the traffic
    starting, before the route's criteria exist)."""
    from envs.driving.sim.simulator import EmbeddedDrivingSim

    class Interrupted(EmbeddedDrivingSim):
        def reset(self, scenario):
            self.scenario = scenario
            raise KeyboardInterrupt

    return Interrupted(road_map, config)


def test_ctrl_c_before_the_route_is_under_way_is_one_line_and_exits_130():
    process = subprocess.run([sys.executable, "-m", "agents.drive", "--env",
                              "tests.agents.test_deadlines:interrupted_while_setting_up"],
                             cwd=REPO, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.returncode == 130, process.stderr
    assert process.stderr.strip().splitlines()[-1] == "interrupted" and "Traceback" not in process.stderr


def test_ctrl_c_on_the_driving_agent_exits_130(tmp_path):
    # SIGINT as a terminal gives it: a suite started in the background (`make test &`) passes SIGINT on ignored
    process = subprocess.Popen([sys.executable, "-m", "agents.drive", "--checkpoint", str(tmp_path / "c.sqlite")],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(REPO)},
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (tmp_path / "c.sqlite").exists():
        time.sleep(0.2)
    time.sleep(2.0)  # driving
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
