"""A driving graph with a human in the loop: a `listen` step before `perceive` pauses the run with a
LangGraph interrupt, the passenger's answer ("stop at the next junction", "overtake the car
ahead") becomes the instruction the planner sees, and the decisions change with it. A second
step of our own after `check` ends the drive once the car has stood still on request.

    python examples/instructed_driver.py --instruction "stop at the next junction"
"""

from __future__ import annotations

import argparse

from langgraph.types import interrupt

from agents.compose import driving_graph

ASK_AT_TICK = 100  # five seconds into the drive
DONE_AFTER_STOPPED_S = 2.0


def listen(state, runtime) -> dict:
    """Ask once, at ASK_AT_TICK: the run pauses here until the caller answers."""
    if state.get("instruction") or state["tick"] < ASK_AT_TICK:
        return {}
    answer = interrupt({"question": "Any instruction for the driver?", "tick": state["tick"]})
    return {"instruction": str(answer).strip() or None}


def end_when_stopped_on_request(state, runtime) -> dict:
    if state.get("instruction") and state["stopped_for_s"] >= DONE_AFTER_STOPPED_S:
        return {"done": True, "status": "stopped on request"}
    return {}


def instructed_graph():
    graph = driving_graph()
    graph.insert_before("perceive", "listen", listen)
    graph.insert_after("check", "end_on_request", end_when_stopped_on_request)
    return graph


def main(argv: list[str] | None = None) -> dict:
    from agents.drive.runner import DriveOptions, run_route
    from envs.driving.maps import RoadMap
    from envs.driving.routing import RoadGraph
    from scenarios.generate import generate_routes
    from scenarios.routes import RouteDefinition

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instruction", default="stop at the next junction")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args(argv)
    road_map = RoadMap.load("Town05")
    full = generate_routes(RoadGraph(road_map.carla_map), "Town05", 1, seed=args.seed)[0]
    route = RouteDefinition(id="instructed", town="Town05", waypoints=full.waypoints[:3])
    decisions: list[tuple[int, str, str]] = []
    asked: list[dict] = []

    def answer(question: dict) -> str:
        asked.append(question)
        print(f"asked at tick {question['tick']}: {question['question']} -> {args.instruction!r}")
        return args.instruction

    def on_decision(tick, decision, status) -> None:
        decisions.append((tick, decision.speed.value, decision.explanation))

    outcome = run_route(road_map, route, DriveOptions(seed=4, vehicles=15, pedestrians=5), graph=instructed_graph(),
                        answer=answer, on_decision=on_decision)
    after = [d for d in decisions if d[0] >= ASK_AT_TICK]
    summary = {"asked_at_tick": asked[0]["tick"] if asked else None, "status": outcome.result.details["status"],
               "decisions_before": [d[1] for d in decisions if d[0] < ASK_AT_TICK][-3:],
               "decisions_after": [d[1] for d in after][:3], "explanation_after": after[0][2] if after else None}
    print(summary)
    return summary


if __name__ == "__main__":
    main()
