"""Errors that carry a message meant for the user, not a traceback."""


class UserInputError(Exception):
    """A file, flag or name given by the user is wrong. CLIs print the message and exit 2."""


class SimulatorError(RuntimeError):
    """The simulator backend (SUMO, CARLA) failed; the message says what and where."""
