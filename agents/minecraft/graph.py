"""The Minecraft graph: decompose -> plan -> execute -> feedback -> remember, looping over the
sub-goals until the goal is held, the planner gives up on a sub-goal, or the episode ends.
Built with the public composition API (agents/compose.py)."""

from __future__ import annotations

from agents.compose import minecraft_graph


def build_minecraft_graph(checkpointer=None, graph=None):
    return (graph or minecraft_graph()).compile(checkpointer=checkpointer)


def mermaid() -> str:
    return minecraft_graph().mermaid()
