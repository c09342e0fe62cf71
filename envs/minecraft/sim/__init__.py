"""The embedded Minecraft world: voxels, Minecraft 1.16.5 rules from minecraft-data, and
GITM's structured actions."""
