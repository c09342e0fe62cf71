"""LangGraph graphs that wire planners and perception to environments, and the CLIs.

CARLA's PythonAPI ships a top-level `agents` package too (`agents.navigation`, which the
Leaderboard's runner imports). This package's path is extended with every other `agents` on
sys.path, so with the project first both are importable: `agents.drive` from here,
`agents.navigation.local_planner` from CARLA.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
