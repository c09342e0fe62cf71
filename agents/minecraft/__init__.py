"""The GITM-style Minecraft agent: decompose a goal, plan each sub-goal, act, learn from feedback, remember."""
