"""Minecraft tasks: ObtainDiamond with its milestones, the Overworld tech tree, single items."""
