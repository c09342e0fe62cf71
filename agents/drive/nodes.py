"""The nodes of the driving graph. Each takes the state and the runtime (whose context is
the DriveResources) and returns the state keys it changed."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agents.drive.state import DriveResources, DriveState
from planners.deadline import DecisionTimeout, call_within
from planners.driving.context import build_context
from planners.driving.decision import Decision
from planners.driving.motion import MotionPlanner
from planners.driving.parser import FALLBACK, ParseStatus

log = logging.getLogger("mllm_pilot.drive")
STOPPED_SPEED = 0.1
LEAD_STOPPED_SPEED = 0.3


def initial_state(route_id: str) -> DriveState:
    return DriveState(route_id=route_id, tick=0, time_s=0.0, route_completion=0.0, decision=None,
                      decision_status="", decisions=0, repairs=0, fallbacks=0, infractions=0, stopped_for_s=0.0,
                      lead_id=None, lead_stopped_for_s=0.0, motion={}, behaviour="", done=False, status="running")


def sense(state: DriveState, runtime: Runtime[DriveResources]) -> dict:
    """Have the environment at the state's tick: live already, or rebuilt by replaying the log."""
    _ensure_live(state, runtime.context)
    return {}


def _ensure_live(state: DriveState, resources: DriveResources) -> None:
    """A run resumed from a checkpoint can restart at any node: each node first makes sure the
    environment, the motion planner and the context are there for the state's tick."""
    if resources.live_tick == state["tick"] and resources.observation is not None:
        return
    env = resources.env
    observation = env.reset(resources.scenario)
    resources.motion = MotionPlanner(env.route, stop_zones=env.road_map.stop_zones, dt=env.dt)
    if state["tick"]:
        log.info("resuming route %s at tick %d: replaying the logged controls", state["route_id"], state["tick"])
        for control in resources.control_log.controls(state["tick"]):
            observation = env.step(control).observation
        resources.motion.restore(state["motion"])
        if hasattr(resources.planner, "state") and state.get("behaviour"):
            resources.planner.state = type(resources.planner.state)(state["behaviour"])
    elif resources.control_log is not None:
        resources.control_log.clear()
    resources.observation, resources.live_tick = observation, state["tick"]
    _build_context(state, resources)


def perceive(state: DriveState, runtime: Runtime[DriveResources]) -> dict:
    """What the planner sees: the scene from the ground truth (oracle perception, the embedded
    simulator's default), plus a perception model's features of the camera images when one is set."""
    resources = runtime.context
    _ensure_live(state, resources)
    _build_context(state, resources)
    if resources.perception is not None and resources.observation.images:
        try:
            resources.context.features = resources.perception(resources.observation.images)
        except Exception as error:  # a perception service failing must not end the drive
            log.warning("perception failed at tick %d (%s); planning without its features", state["tick"], error)
    return {}


def _build_context(state: DriveState, resources: DriveResources) -> None:
    observation, motion = resources.observation, resources.motion
    path = motion.path(observation)
    stop_sign = motion.stop_sign_ahead(path)
    previous = Decision.model_validate(state["decision"]) if state.get("decision") else None
    instruction = resources.instruction(state) if resources.instruction else None
    resources.context = build_context(observation, resources.env.route, resources.env.road_map, path,
                                      stopped_for_s=state["stopped_for_s"],
                                      lead_stopped_for_s=state["lead_stopped_for_s"],
                                      stop_sign_distance_m=None if stop_sign is None else stop_sign[1],
                                      stop_sign_done=False, instruction=instruction, previous=previous,
                                      light_plan=motion.light_plan(observation),
                                      offset_from_route=motion.offset_from_route(observation))


def decide(state: DriveState, runtime: Runtime[DriveResources]) -> dict:
    """Ask the behaviour planner; a failure or unusable answer becomes the safe fallback."""
    resources = runtime.context
    _ensure_live(state, resources)
    status = ParseStatus.OK.value
    try:
        decision = call_within(resources.decision_timeout_s, resources.planner.decide, resources.context)
        status = getattr(resources.planner, "last_status", status)
    except DecisionTimeout as error:
        log.warning("planner %s gave no decision at tick %d (%s); using the fallback decision",
                    getattr(resources.planner, "name", "?"), state["tick"], error)
        decision, status = FALLBACK, "timeout"
    except Exception as error:  # a planner backend failing must not end the drive
        log.warning("planner %s failed at tick %d (%s); using the fallback decision",
                    getattr(resources.planner, "name", "?"), state["tick"], error)
        decision, status = FALLBACK, "error"
    if not isinstance(decision, Decision):
        log.warning("planner returned %r, not a Decision; using the fallback decision", type(decision).__name__)
        decision, status = FALLBACK, ParseStatus.FALLBACK.value
    changes = {"decision": decision.model_dump(mode="json"), "decision_status": status,
               "decisions": state["decisions"] + 1}
    if status == ParseStatus.REPAIRED.value:
        changes["repairs"] = state["repairs"] + 1
    elif status != ParseStatus.OK.value:
        changes["fallbacks"] = state["fallbacks"] + 1
        if status == ParseStatus.FALLBACK.value:
            log.warning("planner %s gave no usable decision at tick %d; using the fallback decision",
                        getattr(resources.planner, "name", "?"), state["tick"])
    if resources.recorder is not None:
        resources.recorder.decision(state["tick"], decision, status)
    if resources.on_decision is not None:
        resources.on_decision(state["tick"], decision, status)
    behaviour = getattr(resources.planner, "state", None)
    if behaviour is not None:
        changes["behaviour"] = str(behaviour)
    return changes


def plan_motion(state: DriveState, runtime: Runtime[DriveResources]) -> dict:
    resources = runtime.context
    _ensure_live(state, resources)
    context = resources.context
    resources.motion.apply(Decision.model_validate(state["decision"]), resources.observation,
                           context.lane.lane_width)
    return {"motion": resources.motion.snapshot()}


def act(state: DriveState, runtime: Runtime[DriveResources]) -> dict:
    """Drive one decision period at the control rate; log every control for replay."""
    resources = runtime.context
    _ensure_live(state, resources)
    env, motion, observation = resources.env, resources.motion, resources.observation
    tick, stopped, lead_id, lead_stopped = (state["tick"], state["stopped_for_s"], state["lead_id"],
                                            state["lead_stopped_for_s"])
    controls, terminated, infractions = [], False, state["infractions"]
    decision = Decision.model_validate(state["decision"])
    for _ in range(resources.decision_period_ticks):
        control = motion.control(observation)
        result = env.step(control)
        controls.append(control)
        observation = result.observation
        tick += 1
        stopped = stopped + env.dt if abs(observation.ego.speed) < STOPPED_SPEED else 0.0
        lead = resources.context.lead
        current_lead = lead.id if lead is not None else None
        lead_speed = _actor_speed(observation, current_lead)
        if current_lead is not None and current_lead == lead_id and lead_speed is not None \
                and lead_speed < LEAD_STOPPED_SPEED:
            lead_stopped += env.dt
        else:
            lead_stopped = 0.0
        lead_id = current_lead
        infractions += len(result.events)
        resources.events.extend(result.events)
        if resources.recorder is not None:
            resources.recorder.tick(observation, control, decision, motion.last_plan, result.events)
        if resources.on_tick is not None:
            resources.on_tick(observation, result.events)
        if result.terminated:
            terminated = True
            break
        if resources.time_limit_s is not None and observation.time_s >= resources.time_limit_s:
            env.stop_early(f"time limit of {resources.time_limit_s:g} s reached")
            terminated = True
            break
    if resources.control_log is not None:
        resources.control_log.append(state["tick"], controls)
    resources.observation, resources.live_tick = observation, tick
    return {"tick": tick, "time_s": float(observation.time_s), "route_completion": float(observation.route_completion),
            "stopped_for_s": float(stopped), "lead_id": lead_id, "lead_stopped_for_s": float(lead_stopped),
            "infractions": infractions, "motion": motion.snapshot(), "done": terminated}


def check(state: DriveState, runtime: Runtime[DriveResources]) -> dict:
    """End the loop when the route is over (completed, failed, or stopped early)."""
    if not state["done"]:
        return {}
    _ensure_live(state, runtime.context)
    return {"status": runtime.context.env.episode_result().details.get("status", "finished")}


def route_after_check(state: DriveState) -> str:
    return "end" if state["done"] else "continue"


def _actor_speed(observation, actor_id: str | None) -> float | None:
    if actor_id is None:
        return None
    actors = observation.truth.actors.seen()  # what the cameras show, never what is hidden
    for index, name in enumerate(actors.ids):
        if name == actor_id:
            return float(actors.speed[index])
    return None
