"""The driving domain: contracts, maps, routes, Leaderboard criteria and simulators."""
