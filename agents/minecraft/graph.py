"""The Minecraft graph: decompose -> plan -> act -> feedback -> remember, looping over the
sub-goals until the goal is held, the planner gives up on a sub-goal, or the episode ends."""

from __future__ import annotations

from langgraph.graph import END, START, StateGraph

from agents.minecraft import nodes
from agents.minecraft.state import MinecraftResources, MinecraftState


def build_minecraft_graph(checkpointer=None):
    graph = StateGraph(MinecraftState, context_schema=MinecraftResources)
    graph.add_node("decompose", nodes.decompose)
    graph.add_node("plan", nodes.plan)
    graph.add_node("act", nodes.act)
    graph.add_node("feedback", nodes.feedback)
    graph.add_node("remember", nodes.remember)
    graph.add_edge(START, "decompose")
    graph.add_conditional_edges("decompose", nodes.after_decompose, {"plan": "plan", "end": END})
    graph.add_conditional_edges("plan", nodes.after_plan, {"act": "act", "end": END})
    graph.add_edge("act", "feedback")
    graph.add_conditional_edges("feedback", nodes.after_feedback,
                                {"remember": "remember", "act": "act", "plan": "plan", "end": END})
    graph.add_edge("remember", "plan")
    return graph.compile(checkpointer=checkpointer, name="minecraft")


def mermaid() -> str:
    return build_minecraft_graph().get_graph().draw_mermaid()
