"""Minecraft planners: GITM's goal decomposer, the structured-action planner, prompts and parsing."""
