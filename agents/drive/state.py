"""The driving graph's typed state (checkpointed) and its resources (not checkpointed).

The state holds what a resumed run needs: where the episode is, the last decision, the
counters, and the small memories of the planners. The resources are the live objects a
node works with: the environment, the planners, the control log and the recorder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from envs.driving.contracts import DrivingObservation, DrivingScenario
from planners.driving.context import DrivingContext
from planners.driving.motion import MotionPlanner
from planners.protocol import Planner


class DriveState(TypedDict, total=False):
    route_id: str
    tick: int
    time_s: float
    route_completion: float
    decision: dict | None  # Decision.model_dump()
    decision_status: str  # ok, repaired, fallback, error
    decisions: int
    repairs: int
    fallbacks: int
    infractions: int
    stopped_for_s: float
    lead_id: str | None
    lead_stopped_for_s: float
    motion: dict  # MotionPlanner.snapshot()
    behaviour: str  # the behaviour planner's own state, if it has one
    instruction: str | None  # the user's latest instruction (a node may set it, e.g. after an interrupt)
    done: bool
    status: str


@dataclass
class DriveResources:
    """Live objects the nodes use; passed to the graph as its runtime context."""

    env: Any  # an Env[DrivingScenario, VehicleControl] with .route and .road_map after reset
    scenario: DrivingScenario
    planner: Planner
    decision_period_ticks: int = 10
    control_log: Any = None  # ControlLog
    recorder: Any = None  # EpisodeRecorder
    instruction: Callable[[DriveState], str | None] | None = None
    on_tick: Callable[[DrivingObservation, list], None] | None = None
    on_decision: Callable[[int, Any, str], None] | None = None  # (tick, Decision, status)
    time_limit_s: float | None = None  # end the route (scored as it stands) after this much simulated time
    perception: Callable[[dict], dict] | None = None  # camera images -> features (perception.service)
    decision_timeout_s: float | None = 60.0  # wall-clock seconds one decision may take
    # filled in while running
    motion: MotionPlanner | None = None
    observation: DrivingObservation | None = None
    context: DrivingContext | None = None
    live_tick: int | None = None
    events: list = field(default_factory=list)
