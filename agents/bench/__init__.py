"""Closed-loop benchmarks: many routes in parallel on Ray, Leaderboard-style results and a report."""
