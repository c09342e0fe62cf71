"""Environments and the contracts every backend shares (see envs.contracts)."""
