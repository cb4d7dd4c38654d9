"""`retention-desk` command line. Headless: nothing here (or below) imports PySide6 unless the
`gui`/`demo` command runs, and then only inside that command.

Each command is a module `retention_desk.cli.cmd_<name>` with `register(subparsers)` that adds
its parser and sets `func`; `func(args) -> int` returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from retention_desk import __version__
from retention_desk.archive.errors import ArchiveError
from retention_desk.safetext import printable

# Order is the order in --help.
COMMANDS = (
    "gui",
    "demo",
    "init",
    "info",
    "verify",
    "anchor",
    "backup",
    "import",
    "mapping",
    "search",
    "show",
    "settings",
    "schedule",
    "rule",
    "classify",
    "hold",
    "event",
    "disposal",
    "request",
    "calendar",
    "redact",
    "exemption",
    "produce",
    "detect",
    "review",
    "person",
    "account",
    "subscribers",
    "statements",
    "moderation",
    "review-report",
)


class CliError(Exception):
    """A user-facing error: printed as one line on stderr, exit code 1."""


class UsageError(Exception):
    """A command line argparse cannot read (unknown option, bad or missing value)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line with exit code 1 (README: every error
    is one line, exit 1), instead of the usage block and exit code 2. Subcommand parsers
    are made with the same class."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


class _SelfTestAction(argparse.Action):
    """`--self-test`: like `--version`, runs while parsing and exits with its result."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        from retention_desk import selftest

        parser.exit(selftest.run())


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="retention-desk",
        description="Records retention and IPRA response for social-media archives.",
    )
    parser.add_argument("--version", action="version", version=f"retention-desk {__version__}")
    parser.add_argument(
        "--self-test",
        action=_SelfTestAction,
        help="check this installation on a tiny built-in sample in a temporary folder, then exit",
    )
    parser.add_argument(
        "--archive",
        metavar="PATH",
        help="archive file (default: $RETENTION_DESK_ARCHIVE, else archive.rdesk in the user"
        " data folder)",
    )
    parser.add_argument(
        "--operator", metavar="NAME", help="name written to the audit trail for this run"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"retention_desk.cli.cmd_{name.replace('-', '_')}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "gui"])
    except UsageError as exc:
        # the message quotes what was typed: shown, never obeyed by the terminal
        print(f"retention-desk: error: {printable(exc)}", file=sys.stderr)
        return 1
    try:
        return int(args.func(args))
    except (ArchiveError, CliError) as exc:
        print(f"retention-desk: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("retention-desk: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"retention-desk: error:{name} {exc.strerror or exc}", file=sys.stderr)
        return 1
