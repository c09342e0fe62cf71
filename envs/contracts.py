"""Pydantic contracts shared by every domain and backend.

An environment answers `reset(scenario)` with an observation and `step(action)` with a
`StepResult`; when the episode ends it can summarise itself as an `EpisodeResult`.
The embedded simulators and the real-simulator adapters implement the same `Env`
protocol, so one test suite runs against both.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field


class Contract(BaseModel):
    """Base of all contracts: unknown fields are errors, numpy arrays are allowed."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class EpisodeStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class Infraction(Contract):
    """One rule violation, with where and when it happened."""

    kind: str
    tick: int
    time_s: float
    x: float
    y: float
    penalty: float = Field(1.0, ge=0.0, le=1.0, description="score multiplier; 1.0 means none")
    message: str
    actor_id: str | None = None


class Timings(Contract):
    ticks: int = 0
    sim_s: float = 0.0
    wall_s: float = 0.0
    stage_s: dict[str, float] = Field(default_factory=dict, description="wall time spent per stage")


ObservationT = TypeVar("ObservationT")


class StepResult(Contract, Generic[ObservationT]):
    observation: ObservationT
    terminated: bool = Field(description="the episode ended by its own rules (success or failure)")
    truncated: bool = Field(False, description="the episode was cut off (time or step budget)")
    events: list[Infraction] = Field(default_factory=list, description="infractions raised by this step")
    info: dict[str, Any] = Field(default_factory=dict)


class EpisodeResult(Contract):
    """How an episode went: status, domain metrics, infractions and timings."""

    scenario_id: str
    domain: str
    status: EpisodeStatus
    failure_reason: str | None = None
    metrics: dict[str, float] = Field(default_factory=dict)
    infractions: list[Infraction] = Field(default_factory=list)
    timings: Timings = Field(default_factory=Timings)
    details: dict[str, Any] = Field(default_factory=dict)


ScenarioT = TypeVar("ScenarioT", contravariant=True)
ActionT = TypeVar("ActionT", contravariant=True)


@runtime_checkable
class Env(Protocol[ScenarioT, ActionT]):
    """What every environment implements, embedded or real."""

    def reset(self, scenario: ScenarioT) -> Any: ...

    def step(self, action: ActionT) -> StepResult[Any]: ...

    def close(self) -> None: ...
