"""Prompts for MLLM behaviour planners: a system prompt with the traffic rules and the
decision vocabulary, and a user message that describes the scene."""

from __future__ import annotations

from planners.driving.context import DrivingContext
from planners.driving.decision import PathDecision, SpeedDecision

SPEED_MEANINGS = {
    SpeedDecision.KEEP: "hold the current speed",
    SpeedDecision.ACCELERATE: "speed up towards the speed limit",
    SpeedDecision.DECELERATE: "slow down",
    SpeedDecision.STOP: "come to a stop",
}
PATH_MEANINGS = {
    PathDecision.FOLLOW_LANE: "stay in (or return to) the lane of the route",
    PathDecision.LEFT_CHANGE: "change to the lane on the left (same direction)",
    PathDecision.RIGHT_CHANGE: "change to the lane on the right (same direction)",
    PathDecision.LEFT_BORROW: "briefly use the opposite lane on the left to pass an obstacle",
    PathDecision.RIGHT_BORROW: "briefly use the shoulder on the right to pass an obstacle",
}


def system_prompt(rules: tuple[str, ...]) -> str:
    speed = "\n".join(f"- {d.value}: {meaning}" for d, meaning in SPEED_MEANINGS.items())
    path = "\n".join(f"- {d.value}: {meaning}" for d, meaning in PATH_MEANINGS.items())
    rule_lines = "\n".join(f"{n}. {rule}" for n, rule in enumerate(rules, start=1))
    return (
        "You are the behaviour planner of an autonomous car. From the camera images and the scene "
        "description, choose one speed decision and one path decision, and explain why in one or two "
        "sentences. A motion planner turns your decision into a trajectory.\n\n"
        f"Traffic rules:\n{rule_lines}\n\n"
        f"Speed decisions:\n{speed}\n\nPath decisions:\n{path}\n\n"
        'Answer with JSON only: {"speed": "<speed decision>", "path": "<path decision>", '
        '"explanation": "<why>"}')


def describe_scene(context: DrivingContext) -> str:
    lines = [
        f"Speed: {context.speed:.1f} m/s; speed limit {context.speed_limit:.1f} m/s.",
        f"Route: {context.route_command}" + (f" in {context.route_command_distance_m:.0f} m."
                                              if context.route_command_distance_m is not None else "."),
    ]
    lane = context.lane
    lines.append(f"Lane: {'in a junction; ' if lane.in_junction else ''}left of me: {lane.left_lane} lane"
                 f"{' (clear)' if lane.left_clear and lane.left_lane != 'none' else ''}; right of me: "
                 f"{lane.right_lane} lane{' (clear)' if lane.right_clear and lane.right_lane != 'none' else ''}.")
    if lane.offset_from_route:
        side = "right" if lane.offset_from_route > 0 else "left"
        lines.append(f"I am {abs(lane.offset_from_route)} lane(s) to the {side} of the route's lane.")
    if context.light is not None:
        lines.append(f"Traffic light on my route: {context.light.color.value}, {context.light.distance:.0f} m ahead.")
    if context.stop_sign_distance_m is not None and not context.stop_sign_done:
        lines.append(f"Stop sign {context.stop_sign_distance_m:.0f} m ahead.")
    if context.stopped_for_s > 0:
        lines.append(f"I have been standing still for {context.stopped_for_s:.0f} s.")
    if context.agents:
        lines.append("Around me (metres ahead, metres to the left, speed in m/s):")
        for agent in context.agents[:12]:
            where = " IN MY PATH" if agent.in_path else ""
            lines.append(f"- {agent.kind.value} {agent.id}: {agent.ahead_m:+.0f} ahead, {agent.left_m:+.0f} left, "
                         f"{agent.speed:.1f} m/s{where}")
    else:
        lines.append("No other road users within 40 m.")
    if context.previous is not None:
        lines.append(f"Previous decision: {context.previous.speed.value} / {context.previous.path.value}.")
    if context.instruction:
        lines.append(f'Instruction from the passenger: "{context.instruction}"')
    return "\n".join(lines)


def user_message(context: DrivingContext, image_names: list[str]) -> str:
    cameras = ", ".join(image_names) if image_names else "none"
    return f"Images: {cameras}.\n{describe_scene(context)}\nWhat is your decision?"


def sensor_message(context: DrivingContext, image_names: list[str]) -> str:
    """The user message of a planner that reads no ground truth (--planner-inputs images): the images,
    the ego's own speed and the route command, as a car's own sensors and navigation give them."""
    cameras = ", ".join(image_names) if image_names else "none"
    command = context.route_command
    if context.route_command_distance_m is not None:
        command += f" in {context.route_command_distance_m:.0f} m"
    return (f"Images: {cameras}.\nEgo speed: {context.speed:.1f} m/s (limit {context.speed_limit:.1f} m/s).\n"
            f"Route: {command}.\nWhat is your decision?")
