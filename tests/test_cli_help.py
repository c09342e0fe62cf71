"""Every option of every command-line tool shows its default in --help."""

import argparse
import importlib

import pytest

from envs.cli import hidden_default

CLIS = ["agents.drive.__main__", "agents.autopilot", "agents.minecraft.__main__", "agents.bench.__main__",
        "planners.serve", "scenarios.generate", "planners.mllm.tiny", "agents.data.__main__", "planners.train",
        "planners.evaluate"]


def parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from parsers(sub)


@pytest.mark.parametrize("module", CLIS)
def test_every_option_shows_its_default(module):
    for parser in parsers(importlib.import_module(module).build_parser()):
        text = " ".join(parser.format_help().split())
        for action in parser._actions:
            if not action.option_strings or hidden_default(action.default):
                continue  # (a default of 0 is shown too)
            help_text = parser._get_formatter()._get_help_string(action) % {"default": action.default} \
                if action.help else ""
            assert "default" in help_text.lower(), (module, action.option_strings)
            assert " ".join(help_text.split())[:40] in text
