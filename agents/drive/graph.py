"""The driving graph: sense -> perceive -> decide -> plan_motion -> act -> check, looping
until the route ends. One loop is one decision period (0.5 s by default); act runs the control
ticks inside it. Built with the public composition API (agents/compose.py)."""

from __future__ import annotations

from agents.compose import driving_graph


def build_drive_graph(checkpointer=None, graph=None):
    return (graph or driving_graph()).compile(checkpointer=checkpointer)


def mermaid() -> str:
    return driving_graph().mermaid()
