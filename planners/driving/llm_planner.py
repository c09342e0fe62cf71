"""The DriveMLM-style behaviour planner on any TextModel: the system prompt with the traffic
rules, the scene described in words plus the camera images, the answer parsed into a Decision
(strict, then repaired); an unusable answer gets one repair round-trip, and then, like a model
or server error, the safe fallback decision. `last_status` says which, for the run's counters."""

from __future__ import annotations

import logging

from planners.driving.context import DrivingContext
from planners.driving.decision import Decision
from planners.driving.parser import FALLBACK, ParseStatus, parse_decision
from planners.driving.prompt import system_prompt, user_message
from planners.text_model import TextModel, TextModelError

log = logging.getLogger("mllm_pilot.drive")
REPAIR_REQUEST = ("Your last answer could not be read ({problem}). Answer again with the JSON decision only: "
                  '{{"speed": ..., "path": ..., "explanation": ...}}')


class LLMDrivingPlanner:
    """Planner[DrivingContext, Decision]."""

    needs_images = True

    def __init__(self, model: TextModel):
        self.model = model
        self.name = f"llm:{getattr(model, 'name', 'model')}"
        self.last_status = ParseStatus.OK.value
        self.last_problem: str | None = None

    def decide(self, context: DrivingContext) -> Decision:
        names = sorted(context.images)
        system = system_prompt(context.rules)
        user = user_message(context, names)
        images = [context.images[name] for name in names]
        problem = None
        for attempt in range(2):
            prompt = user if attempt == 0 else f"{user}\n\n{REPAIR_REQUEST.format(problem=problem)}"
            try:
                text = self.model.complete(system, prompt, images)
            except TextModelError as error:
                problem = f"model error: {error}"
                break
            outcome = parse_decision(text)
            if outcome.status != ParseStatus.FALLBACK:
                repaired = attempt > 0 or outcome.status == ParseStatus.REPAIRED
                self.last_status = (ParseStatus.REPAIRED if repaired else ParseStatus.OK).value
                self.last_problem = outcome.problem
                return outcome.decision
            problem = outcome.problem or "not a decision"
        log.info("driving planner answer unusable (%s); using the fallback decision", problem)
        self.last_status, self.last_problem = ParseStatus.FALLBACK.value, problem
        return FALLBACK
