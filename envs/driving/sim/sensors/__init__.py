"""Sensors of the embedded simulator: a semantic bird's-eye view and a front RGB camera."""
