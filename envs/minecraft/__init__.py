"""The Minecraft domain: embedded voxel world and the MineDojo adapter."""
