"""The DriveMLM-style driving agent: a LangGraph loop sense -> perceive -> decide ->
plan motion -> act -> check over any driving Env."""

from agents.drive.graph import build_drive_graph
from agents.drive.state import DriveResources, DriveState

__all__ = ["DriveResources", "DriveState", "build_drive_graph"]
