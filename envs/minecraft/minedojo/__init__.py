"""The MineDojo adapter: MineDojo's observations as ours, GITM's structured actions as
sequences of MineDojo's MultiDiscrete actions. minedojo is imported only when the env starts."""
