"""The driving graph: sense -> perceive -> decide -> plan_motion -> act -> check, looping
until the route ends. One loop is one decision period (0.5 s by default); act runs the control
ticks inside it."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agents.drive import nodes
from agents.drive.state import DriveResources, DriveState


def build_drive_graph(checkpointer=None):
    graph = StateGraph(DriveState, context_schema=DriveResources)
    graph.add_node("sense", nodes.sense)
    graph.add_node("perceive", nodes.perceive)
    graph.add_node("decide", nodes.decide)
    graph.add_node("plan_motion", nodes.plan_motion)
    graph.add_node("act", nodes.act)
    graph.add_node("check", nodes.check)
    graph.add_edge(START, "sense")
    graph.add_edge("sense", "perceive")
    graph.add_edge("perceive", "decide")
    graph.add_edge("decide", "plan_motion")
    graph.add_edge("plan_motion", "act")
    graph.add_edge("act", "check")
    graph.add_conditional_edges("check", nodes.route_after_check, {"continue": "sense", "end": END})
    return graph.compile(checkpointer=checkpointer, name="drive")


def mermaid() -> str:
    return build_drive_graph().get_graph().draw_mermaid()
