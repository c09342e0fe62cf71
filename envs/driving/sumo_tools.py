"""Running SUMO's command-line tools (netgenerate, netconvert) with timeouts and clear errors."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from envs.errors import SimulatorError

TOOL_TIMEOUT_S = 120.0


def sumo_binary(name: str) -> str:
    """Path of a SUMO binary from the eclipse-sumo wheel (falls back to $SUMO_HOME/bin, then PATH)."""
    try:
        import sumo

        home = Path(sumo.SUMO_HOME)
    except ImportError:
        home = Path(os.environ.get("SUMO_HOME", ""))
    candidate = home / "bin" / name
    return str(candidate) if candidate.exists() else name


def run_sumo_tool(name: str, args: list[str], what: str) -> None:
    """Run a SUMO tool; any failure becomes one SimulatorError naming `what` and SUMO's message."""
    command = [sumo_binary(name), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S)
    except FileNotFoundError as error:
        raise SimulatorError(f"{name} not found ({error}); install eclipse-sumo") from error
    except subprocess.TimeoutExpired as error:
        raise SimulatorError(f"{name} took longer than {TOOL_TIMEOUT_S:.0f} s on {what}") from error
    if done.returncode != 0:
        errors = [line for line in done.stderr.splitlines() if line.startswith("Error")]
        detail = "; ".join(errors[:3]) or done.stderr.strip()[-300:]
        raise SimulatorError(f"{name} failed on {what}: {detail}")


def read_net_offset(net_path: Path) -> tuple[float, float]:
    """The `<location netOffset="x,y">` of a SUMO net: x_sumo = x_map + ox, y_sumo = -y_map + oy."""
    with open(net_path, encoding="utf-8") as handle:
        for line in handle:
            if "<location" in line:
                match = re.search(r'netOffset="([-\d.eE+]+),([-\d.eE+]+)"', line)
                if match:
                    return float(match.group(1)), float(match.group(2))
                break
    raise SimulatorError(f"{net_path}: SUMO net has no <location netOffset=...>")
