"""What every command-line tool of the project shares: usage errors and user errors exit 2
with one line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from envs.errors import SimulatorError, UserInputError


class ArgumentParser(argparse.ArgumentParser):
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
