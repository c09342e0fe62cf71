from envs.driving.contracts import LightColor
from planners.driving.decision import PathDecision, SpeedDecision
from planners.driving.prompt import system_prompt, user_message
from planners.driving.rules import TRAFFIC_RULES
from tests.planners.helpers import context, lane, light, pedestrian, vehicle


def test_system_prompt_has_the_rules_and_the_vocabulary():
    prompt = system_prompt(TRAFFIC_RULES)
    for rule in TRAFFIC_RULES:
        assert rule in prompt
    for value in [*SpeedDecision, *PathDecision]:
        assert f"- {value.value}:" in prompt
    assert '{"speed": "<speed decision>", "path": "<path decision>", "explanation": "<why>"}' in prompt


def test_user_message_describes_the_scene():
    message = user_message(context(agents=[vehicle(10.0, speed=2.0), pedestrian(6.0)],
                                   light=light(LightColor.RED, 25.0), lane=lane(offset_from_route=1),
                                   instruction="overtake the car ahead"), ["front"])
    assert message.startswith("Images: front.")
    assert "Speed: 8.0 m/s; speed limit 11.1 m/s." in message
    assert "Route: go straight through the junction in 60 m." in message
    assert "Traffic light on my route: red, 25 m ahead." in message
    assert "I am 1 lane(s) to the right of the route's lane." in message
    assert "- vehicle vehicle:v1: +15 ahead, +0 left, 2.0 m/s IN MY PATH" in message
    assert 'Instruction from the passenger: "overtake the car ahead"' in message
    assert message.endswith("What is your decision?")
