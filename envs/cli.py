"""What every command-line tool of the project shares: usage errors and user errors exit 2
with one line, never a traceback."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable

from envs.errors import SimulatorError, UserInputError


def hidden_default(value) -> bool:
    """No default to show: None, False or SUPPRESS, by identity (a default of 0 is shown; 0 == False)."""
    return any(value is hidden for hidden in (None, False, argparse.SUPPRESS))


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Every option's help ends with its default, unless the help already says it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = action.option_strings and not hidden_default(action.default)
        if shown and "default" not in text.lower():
            text += " (default: %(default)s)"
        return text


MAX_EPISODES = 10_000  # a benchmark's seeded episodes per task at most
MAX_SEED = 2**31 - 1  # SUMO's --seed is a signed 32-bit int; one range for every seed of the project


def _number(text: str, kind: type) -> float | int:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None


def positive_seconds(text: str) -> float:
    """A finite number above 0 (nan and inf are refused: 'no limit' is leaving the option out)."""
    value = _number(text, float)
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text}: expected a finite number above 0")
    return value


def seed(text: str) -> int:
    value = _number(text, int)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text}: expected a seed in 0..{MAX_SEED}")
    return value


def count(most: int, least: int = 0) -> Callable[[str], int]:
    """An integer in least..most."""

    def parse(text: str) -> int:
        value = _number(text, int)
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(f"{text}: expected {least}..{most}")
        return value

    parse.__name__ = "count"
    return parse


class ArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", DefaultsHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


def run_command(command: Callable[[argparse.Namespace], int], parser: argparse.ArgumentParser,
                argv: list[str] | None = None) -> int:
    """Parse, run, and turn the errors users can fix into `error: ...` and exit code 2."""
    args = parser.parse_args(argv)
    try:
        return command(args)
    except (UserInputError, SimulatorError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
