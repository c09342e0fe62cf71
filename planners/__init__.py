"""Planners: the Planner protocol, rule-based and MLLM backends, prompts and output parsing."""
