"""``dyadlab users add|disable|enable|reset-password|list STUDY …``: coding team accounts.

There is no open registration in the web app: the lead creates accounts here. A password is
never taken from the command line (it would stay in the shell history and in ``ps``): it is
prompted for twice, or read from the first line of standard input with ``--password-stdin``
(e.g. from a password manager: ``pass show dyadlab/ana | dyadlab users add demo ana
--password-stdin``). Passwords are stored as argon2id hashes.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Iterator

from studies.cli import add_json_flag, print_json
from studies.errors import StudyError


def register(cli) -> None:
    add = cli.subcommand("users", "add", "create an account (lead or coder)", _add)
    _common(add)
    add.add_argument(
        "--role", choices=["coder", "lead"], default="coder", help="coder (default) or lead"
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    reset = cli.subcommand("users", "reset-password", "set a new password (ends sessions)", _reset)
    _common(reset)
    reset.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    _common(cli.subcommand("users", "disable", "disable an account (ends sessions)", _disable))
    _common(cli.subcommand("users", "enable", "re-enable a disabled account", _enable))
    listing = cli.subcommand("users", "list", "list the accounts", _list)
    listing.add_argument("study", metavar="STUDY", help="study id (studies/<id>) or folder")
    add_json_flag(listing)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("study", metavar="STUDY", help="study id (studies/<id>) or folder")
    parser.add_argument("name", metavar="NAME", help="account name, e.g. coder_a")


@contextlib.contextmanager
def _accounts(args: argparse.Namespace) -> Iterator:
    """The study's accounts (kept in its coding database), closed afterwards."""
    from coding.store import CodingStore
    from coding.web.accounts import Accounts
    from studies import load_study

    with CodingStore(load_study(args.study, check_files=False).store_url) as store:
        yield Accounts(store)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise StudyError("no password on standard input", field="password")
        return password
    if not sys.stdin.isatty():
        raise StudyError("standard input is not a terminal: use --password-stdin", field="password")
    first = getpass.getpass(f"Password for {args.name}: ")
    if getpass.getpass("Again: ") != first:
        raise StudyError("the two passwords differ", field="password")
    return first


def _add(args: argparse.Namespace) -> int:
    password = _password(args)
    with _accounts(args) as accounts:
        accounts.add_user(args.name, args.role, password, actor="dyadlab users")
    print(f"added {args.role} {args.name}")
    return 0


def _reset(args: argparse.Namespace) -> int:
    password = _password(args)
    with _accounts(args) as accounts:
        accounts.set_password(args.name, password, actor="dyadlab users")
    print(f"new password set for {args.name}; their sessions were ended")
    return 0


def _disable(args: argparse.Namespace) -> int:
    with _accounts(args) as accounts:
        accounts.set_disabled(args.name, True, actor="dyadlab users")
    print(f"disabled {args.name}")
    return 0


def _enable(args: argparse.Namespace) -> int:
    with _accounts(args) as accounts:
        accounts.set_disabled(args.name, False, actor="dyadlab users")
    print(f"enabled {args.name}")
    return 0


def _list(args: argparse.Namespace) -> int:
    with _accounts(args) as accounts:
        users = accounts.users()
    if args.json:
        print_json(users.to_dict("records"))
        return 0
    if users.empty:
        print("no accounts yet")
    for row in users.itertuples(index=False):
        state = "disabled" if row.disabled else "active"
        print(f"{row.name}\t{row.role}\t{state}")
    return 0
