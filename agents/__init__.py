"""LangGraph graphs that wire planners and perception to environments, and the CLIs."""
