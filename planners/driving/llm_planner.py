"""The DriveMLM-style behaviour planner on any TextModel: the system prompt with the traffic
rules, the scene described in words plus the camera images, the answer parsed into a Decision
(strict, then repaired; `inputs="images"` leaves the scene description out, for a planner
that reads no ground truth); an unusable answer gets one repair round-trip, and then, like a model
or server error, the safe fallback decision. `last_status` says which, for the run's counters."""

from __future__ import annotations

import logging

from planners.driving.context import DrivingContext
from planners.driving.decision import Decision
from planners.driving.parser import FALLBACK, ParseStatus, parse_decision
from planners.driving.prompt import sensor_message, system_prompt, user_message
from planners.text_model import TextModel, ask

log = logging.getLogger("mllm_pilot.drive")
DECISION_SCHEMA = Decision.model_json_schema()  # what a schema-capable backend decodes under
REPAIR_REQUEST = ("Your last answer could not be read ({problem}). Answer again with the JSON decision only: "
                  '{{"speed": ..., "path": ..., "explanation": ...}}')


class LLMDrivingPlanner:
    """Planner[DrivingContext, Decision]."""

    needs_images = True

    def __init__(self, model: TextModel, inputs: str = "images+scene"):
        if inputs not in ("images", "images+scene"):
            raise ValueError(f"inputs {inputs!r}: images or images+scene")
        self.model = model
        self.inputs = inputs  # images: camera, BEV, ego speed, route command; images+scene: the scene in words too
        self.name = f"llm:{getattr(model, 'name', 'model')}"
        self.last_status = ParseStatus.OK.value
        self.last_problem: str | None = None

    def decide(self, context: DrivingContext) -> Decision:
        names = sorted(context.images)
        images = [context.images[name] for name in names]
        if context.bev is not None:  # the BEV as the data engine records it: a picture beside the camera
            from envs.driving.sim.sensors.bev import bev_to_rgb

            names, images = [*names, "bev"], [*images, bev_to_rgb(context.bev)]
        message = user_message(context, names) if self.inputs == "images+scene" else sensor_message(context, names)
        answer = ask(self.model, system_prompt(context.rules), message, _read_decision, REPAIR_REQUEST, images,
                     schema=DECISION_SCHEMA)
        self.last_status, self.last_problem = answer.status, answer.problem
        if answer.value is not None:
            return answer.value
        log.info("driving planner answer unusable (%s); using the fallback decision", answer.problem)
        return FALLBACK


def _read_decision(text: str) -> tuple[Decision | None, bool, str | None]:
    outcome = parse_decision(text)
    if outcome.status == ParseStatus.FALLBACK:
        return None, False, outcome.problem or "not a decision"
    return outcome.decision, outcome.status == ParseStatus.REPAIRED, outcome.problem
