"""The CARLA server adapter: the same driving Env protocol, observations and Leaderboard
criteria as the embedded simulator, over a running CARLA 0.9.16 server."""
