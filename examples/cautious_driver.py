"""A driving agent with a planner of your own: it keeps a three-second gap to the car ahead and
says so, and otherwise defers to the built-in rules.

    python examples/cautious_driver.py
    python -m agents.drive --planner examples.cautious_driver:CautiousPlanner \
        --routes examples.cautious_driver:short_routes --vehicles 80 --seed 1    # the same, as plug-ins
"""

from __future__ import annotations

import argparse

from planners.driving.context import DrivingContext
from planners.driving.decision import Decision, PathDecision, SpeedDecision
from planners.driving.rule_planner import RuleBasedPlanner

GAP_S = 3.0  # the time gap this driver keeps (the rule planner is content with less)
MIN_GAP_M = 8.0


class CautiousPlanner:
    """Planner[DrivingContext, Decision]: any object with `name` and `decide` is a planner."""

    name = "cautious"

    def __init__(self) -> None:
        self.rules = RuleBasedPlanner()
        self.gap_decisions = 0

    def decide(self, context: DrivingContext) -> Decision:
        decision = self.rules.decide(context)  # lights, stop signs, pedestrians: the rules still see them
        lead = context.lead
        if lead is None or lead.path_distance_m is None or decision.speed == SpeedDecision.STOP:
            return decision
        wanted = max(GAP_S * context.speed, MIN_GAP_M)
        if lead.path_distance_m < wanted and decision.speed in (SpeedDecision.KEEP, SpeedDecision.ACCELERATE):
            self.gap_decisions += 1
            return Decision(speed=SpeedDecision.DECELERATE, path=PathDecision.FOLLOW_LANE,
                            explanation=f"The car ahead is {lead.path_distance_m:.0f} m away; I keep a "
                                        f"{GAP_S:.0f}-second gap ({wanted:.0f} m at this speed), so I ease off.")
        return decision


def short_routes(seed: int = 1, waypoints: int = 3) -> list:
    """The start of a seeded route on the built-in Town05 (a route object for --routes module:object)."""
    from envs.driving.maps import RoadMap
    from envs.driving.routing import RoadGraph
    from scenarios.generate import generate_routes
    from scenarios.routes import RouteDefinition

    road_map = RoadMap.load("Town05")
    full = generate_routes(RoadGraph(road_map.carla_map), "Town05", 1, seed=seed)[0]
    return [RouteDefinition(id="cautious", town="Town05", waypoints=full.waypoints[:waypoints])]


def main(argv: list[str] | None = None) -> dict:
    from agents.drive.runner import DriveOptions, run_route
    from envs.driving.maps import RoadMap

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1, help="route and traffic seed (1: a route with a car ahead)")
    parser.add_argument("--waypoints", type=int, default=3, help="how much of a generated route to drive")
    args = parser.parse_args(argv)
    road_map = RoadMap.load("Town05")
    route = short_routes(args.seed, args.waypoints)[0]
    planner = CautiousPlanner()
    outcome = run_route(road_map, route, DriveOptions(seed=args.seed, vehicles=80, pedestrians=5), planner=planner)
    metrics = outcome.result.metrics
    summary = {"driving_score": metrics["driving_score"], "route_completion": metrics["route_completion"],
               "decisions": metrics["decisions"], "gap_decisions": planner.gap_decisions}
    print(summary)
    return summary


if __name__ == "__main__":
    main()
