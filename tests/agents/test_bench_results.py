"""The driving benchmark's global record, computed as the Leaderboard's statistics manager does."""

import numpy as np
import pytest

from agents.bench.results import ResultsFile
from agents.bench.worker import failed_route_record
from envs.driving.criteria import INFRACTION_KINDS


def record(route_id: str, index: int, completion: float, penalty: float, length_m: float, **counts) -> dict:
    infractions = {kind: ["x"] * counts.get(kind, 0) for kind in INFRACTION_KINDS}
    return {"index": index, "route_id": route_id, "status": "Completed" if completion == 100 else "Failed - blocked",
            "infractions": infractions,
            "scores": {"score_route": completion, "score_penalty": penalty, "score_composed": completion * penalty},
            "meta": {"route_length": length_m, "driven_route_m": completion / 100 * length_m},
            "scenarios": [{"type": "Scenario1", "triggered": True, "outcome": "passed"},
                          {"type": "Scenario4", "triggered": False, "outcome": "not reached"}]}


def test_every_route_counts_and_infractions_are_summed_per_route_km(tmp_path):
    results = ResultsFile(tmp_path / "results.json", {"routes": "test"})
    results.add(record("a", 0, 100.0, 0.6, 2000.0, collisions_vehicle=1))
    results.add(record("b", 1, 50.0, 1.0, 1000.0, red_light=1, collisions_vehicle=1))
    route = {"id": "c", "town": "Town05", "waypoints": [{"x": 0.0, "y": 0.0}, {"x": 300.0, "y": 400.0}]}
    crashed = failed_route_record(2, route, "route crashed: no drivable path")
    results.add(crashed)
    assert crashed["meta"]["route_length"] == pytest.approx(500.0)
    summary = results.global_record(total_routes=3, wall_s=1.0)
    assert summary["driving_score"] == pytest.approx((60.0 + 50.0 + 0.0) / 3)
    assert summary["route_completion"] == pytest.approx(50.0)
    # a: 1 in 2 km; b: 1 in the 0.5 km it completed; c (completed nothing) is skipped
    assert summary["infractions_per_km"]["collisions_vehicle"] == pytest.approx(1 / 2.0 + 1 / 0.5)
    assert summary["infractions_per_km"]["red_light"] == pytest.approx(2.0)
    assert summary["failed_routes"] == [{"route_id": "b", "status": "Failed - blocked"},
                                        {"route_id": "c", "status": "Failed - route crashed: no drivable path"}]
    assert (summary["scenarios_matched"], summary["scenarios_triggered"]) == (4, 2)


def test_the_report_draws_the_planned_route_and_says_when_there_are_no_infractions(tmp_path):
    import base64
    import io

    from PIL import Image

    from agents.bench.report import write_report

    clean = record("a", 0, 100.0, 1.0, 200.0)
    clean.update({"route": [[0.0, 0.0], [100.0, 0.0], [200.0, 0.0]], "path": [[0.0, 0.5], [150.0, 0.2]],
                  "infraction_points": []})
    clean["meta"].update({"duration_game": 30.0})
    results = ResultsFile(tmp_path / "results.json", {})
    results.add(clean)
    page_path = tmp_path / "report.html"
    write_report(page_path, results.records, results.global_record(1, 1.0), "test", None, None)
    page = page_path.read_text()
    assert "Route scenarios" in page and "1 triggered of 2 matched" in page
    images = [Image.open(io.BytesIO(base64.b64decode(chunk.split('"')[0])))
              for chunk in page.split("data:image/png;base64,")[1:]]
    assert len(images) == 2
    route_map = np.asarray(images[1].convert("RGB")).reshape(-1, 3)
    # the planned route (grey, under the blue driven path) and its start (green) and end (red) markers
    for color in ((44, 160, 44), (214, 39, 40), (31, 119, 180)):
        assert (np.abs(route_map.astype(int) - color).sum(axis=1) < 30).any(), color
