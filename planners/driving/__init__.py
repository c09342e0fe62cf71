"""Driving planners: DriveMLM decision states, the behaviour planner backends, prompts,
the decision parser and the motion planner that turns decisions into control."""
