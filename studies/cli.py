"""The ``dyadlab`` command line.

Each command lives in its own module under :mod:`studies.commands` and exposes
``register(cli: CommandLine)``; this module finds them, builds one argparse parser, and runs
the chosen command. Exit status: 0 success, 1 bad input (one readable line on stderr, no
traceback), 2 usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import pkgutil
import sys
from collections.abc import Callable, Sequence
from typing import Any

from data_dictionary.errors import DyadlabError

Handler = Callable[[argparse.Namespace], Any]


class CommandLine:
    """Collects commands (``dyadlab NAME``) and grouped commands (``dyadlab GROUP NAME``)."""

    def __init__(self) -> None:
        self.parser = argparse.ArgumentParser(
            prog="dyadlab",
            description="dyadlab: qualitative coding, MOUD outcomes and reports for "
            "postpartum opioid use disorder studies.",
        )
        self.parser.add_argument(
            "-v", "--verbose", action="store_true", help="log progress and details"
        )
        self._commands = self.parser.add_subparsers(dest="command", metavar="COMMAND")
        self._commands.required = True
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def command(self, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
        """Add ``dyadlab NAME``; returns its parser for the caller's arguments."""
        sub = self._commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    def subcommand(
        self, group: str, name: str, help: str, handler: Handler
    ) -> argparse.ArgumentParser:
        """Add ``dyadlab GROUP NAME`` (e.g. ``dyadlab import transcripts``)."""
        if group not in self._groups:
            group_parser = self._commands.add_parser(group, help=f"{group} commands")
            actions = group_parser.add_subparsers(dest=f"{group}_command", metavar="WHAT")
            actions.required = True
            self._groups[group] = actions
        sub = self._groups[group].add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """The shared ``--json`` flag: machine-readable output on stdout."""
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def print_json(payload: Any) -> None:
    """Print ``payload`` as JSON (dates and numpy numbers as plain values)."""
    print(json.dumps(payload, indent=2, default=_json_default, allow_nan=False))


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def build_parser() -> CommandLine:
    """Import every module in :mod:`studies.commands` and let it register its commands."""
    from studies import commands

    cli = CommandLine()
    for module in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        importlib.import_module(f"{commands.__name__}.{module.name}").register(cli)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dyadlab`` console script."""
    cli = build_parser()
    args = cli.parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        result = args.handler(args)
    except DyadlabError as error:
        print(f"dyadlab {args.command}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dyadlab: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
