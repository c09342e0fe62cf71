"""The traffic rules the driving planners follow, as sentences.

The rule-based planner implements them; the MLLM planners read them in their prompt.
"""

TRAFFIC_RULES: tuple[str, ...] = (
    "Drive on the right; keep to your lane and follow the route.",
    "Never exceed the speed limit of the lane.",
    "Stop before the stop line at a red light; at a yellow light stop if you can do so safely.",
    "Come to a full stop at a stop sign before entering the junction.",
    "Yield to pedestrians on or about to enter your path, including at crossings.",
    "Keep a safe distance to the vehicle ahead; slow down when it slows down.",
    "Change lanes only when the target lane is clear; borrow the opposite lane only to pass a stopped "
    "obstacle, when the opposite lane is clear and not in a junction, and return to your lane after passing.",
    "Before a turn, be in the lane the route continues from.",
)
