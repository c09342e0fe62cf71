"""Composing agent graphs from named steps: the public way to build an agent.

An AgentGraph is a LangGraph StateGraph written as a chain of steps (each runs after the one
before it) plus routes (a router function picks the next step by name, "end" ends the run) and
links (an explicit edge). The built-in driving and Minecraft graphs are AgentGraphs; users take
one, insert, replace or remove steps with their own nodes, and compile it:

    graph = driving_graph()
    graph.insert_after("decide", "keep_distance", my_node)
    compiled = graph.compile()

A node is any function (state, runtime) -> dict of changed state keys, as LangGraph nodes are;
`runtime.context` holds the live resources (the env, the planners, ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langgraph.graph import END, START, StateGraph

END_NAME = "end"


@dataclass
class _Route:
    router: Callable[..., str]
    targets: dict[str, str]  # router answer -> step name or "end"


@dataclass
class AgentGraph:
    state_schema: Any
    context_schema: Any
    name: str
    steps: list[tuple[str, Callable]] = field(default_factory=list)
    routes: dict[str, _Route] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # step -> the step after it, instead of the chain's next

    # building

    def step(self, name: str, node: Callable) -> AgentGraph:
        """Append a step to the chain."""
        self._new_name(name)
        self.steps.append((name, node))
        return self

    def route(self, after: str, router: Callable[..., str], targets: dict[str, str]) -> AgentGraph:
        """After `after`, go where router(state) says: targets maps its answers to step names or 'end'."""
        self._known(after)
        for target in targets.values():
            if target != END_NAME:
                self._known(target)
        self.routes[after] = _Route(router, dict(targets))
        self.links.pop(after, None)
        return self

    def link(self, after: str, to: str) -> AgentGraph:
        """An explicit edge (a loop back, say) instead of the chain's next step."""
        self._known(after)
        if to != END_NAME:
            self._known(to)
        self.links[after] = to
        self.routes.pop(after, None)
        return self

    # changing

    def replace(self, name: str, node: Callable) -> AgentGraph:
        index = self._index(name)
        self.steps[index] = (name, node)
        return self

    def insert_after(self, existing: str, name: str, node: Callable) -> AgentGraph:
        """A new step right after `existing`: it inherits where `existing` went (route or link)."""
        index = self._index(existing)
        self._new_name(name)
        self.steps.insert(index + 1, (name, node))
        if existing in self.routes:
            self.routes[name] = self.routes.pop(existing)
        if existing in self.links:
            self.links[name] = self.links.pop(existing)
        return self

    def insert_before(self, existing: str, name: str, node: Callable) -> AgentGraph:
        """A new step right before `existing`: everything that went to `existing` goes to it first."""
        index = self._index(existing)
        self._new_name(name)
        self.steps.insert(index, (name, node))
        for route in self.routes.values():
            route.targets = {k: (name if v == existing else v) for k, v in route.targets.items()}
        self.links = {k: (name if v == existing else v) for k, v in self.links.items()}
        return self

    def remove(self, name: str) -> AgentGraph:
        """Drop a step that only passes control on (the chain closes over it)."""
        index = self._index(name)
        if name in self.routes:
            raise ValueError(f"step {name!r} routes to others; replace it instead of removing it")
        following = self.links.pop(name, None) or (self.steps[index + 1][0] if index + 1 < len(self.steps)
                                                   else END_NAME)
        self.steps.pop(index)
        for route in self.routes.values():
            route.targets = {k: (following if v == name else v) for k, v in route.targets.items()}
        self.links = {k: (following if v == name else v) for k, v in self.links.items()}
        return self

    @property
    def step_names(self) -> list[str]:
        return [name for name, _ in self.steps]

    # compiling

    def compile(self, checkpointer=None, **kwargs):
        """The LangGraph graph (kwargs go to StateGraph.compile, e.g. interrupt_before)."""
        if not self.steps:
            raise ValueError("an agent graph needs at least one step")
        graph = StateGraph(self.state_schema, context_schema=self.context_schema)
        for name, node in self.steps:
            graph.add_node(name, node)
        graph.add_edge(START, self.steps[0][0])
        names = self.step_names
        for index, name in enumerate(names):
            if name in self.routes:
                route = self.routes[name]
                graph.add_conditional_edges(name, route.router,
                                            {k: (END if v == END_NAME else v) for k, v in route.targets.items()})
            elif name in self.links:
                target = self.links[name]
                graph.add_edge(name, END if target == END_NAME else target)
            else:
                graph.add_edge(name, names[index + 1] if index + 1 < len(names) else END)
        return graph.compile(checkpointer=checkpointer, name=self.name, **kwargs)

    def mermaid(self) -> str:
        return self.compile().get_graph().draw_mermaid()

    # checks

    def _index(self, name: str) -> int:
        self._known(name)
        return self.step_names.index(name)

    def _known(self, name: str) -> None:
        if name not in self.step_names:
            raise ValueError(f"no step {name!r} in the {self.name} graph; its steps are {', '.join(self.step_names)}")

    def _new_name(self, name: str) -> None:
        if name in self.step_names or name == END_NAME:
            raise ValueError(f"the {self.name} graph already has a step {name!r}")


def driving_graph() -> AgentGraph:
    """The DriveMLM-style loop: sense -> perceive -> decide -> plan_motion -> act -> check (-> sense)."""
    from agents.drive import nodes
    from agents.drive.state import DriveResources, DriveState

    graph = AgentGraph(DriveState, DriveResources, "drive")
    for name in ("sense", "perceive", "decide", "plan_motion", "act", "check"):
        graph.step(name, getattr(nodes, name))
    return graph.route("check", nodes.route_after_check, {"continue": "sense", "end": END_NAME})


def minecraft_graph() -> AgentGraph:
    """GITM's loop: decompose -> plan -> execute -> feedback -> remember (-> plan)."""
    from agents.minecraft import nodes
    from agents.minecraft.state import MinecraftResources, MinecraftState

    graph = AgentGraph(MinecraftState, MinecraftResources, "minecraft")
    graph.step("decompose", nodes.decompose).step("plan", nodes.plan).step("execute", nodes.execute)
    graph.step("feedback", nodes.feedback).step("remember", nodes.remember)
    graph.route("decompose", nodes.after_decompose, {"plan": "plan", "end": END_NAME})
    graph.route("plan", nodes.after_plan, {"act": "execute", "plan": "plan", "end": END_NAME})
    graph.route("feedback", nodes.after_feedback,
                {"remember": "remember", "act": "execute", "plan": "plan", "end": END_NAME})
    return graph.link("remember", "plan")
