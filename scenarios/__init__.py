"""Scenario data and loaders: Leaderboard route files, procedural routes, task lists."""
