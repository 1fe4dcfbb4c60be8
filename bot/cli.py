"""The `python -m bot` command line: the bot itself and its maintenance subcommands."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence

from bot.config import Settings, load_settings_or_exit
from bot.services.private_files import PROCESS_UMASK

# Only the settings are imported here. The database (SQLAlchemy, Alembic), Telegram, the
# services and their texts are imported by the subcommand that needs them, so `--help`, a bad
# setting or an unusable DATABASE_URL answer at once instead of after loading the whole bot.

log = logging.getLogger("bot")

Subcommand = Callable[[argparse.Namespace], int]


def _run(args: argparse.Namespace) -> int:
    settings = load_settings_or_exit()
    from bot.runtime import prepare_database, setup_logging

    setup_logging(settings.log_level, settings.token)
    from bot.app import build_application
    from bot.configfiles.errors import ConfigFileError
    from bot.serve import TokenRejected, serve
    from bot.services.calendar.errors import CalendarFileError
    from bot.services.reference.problems import ReferenceDataError
    from bot.texts.admin import reference_error
    from bot.texts.holidays import calendar_file_error

    engine = prepare_database(settings)
    try:
        app = build_application(settings, engine=engine)
    except (ConfigFileError, ReferenceDataError) as exc:  # names the file and the line
        engine.dispose()
        shown = (reference_error(exc) if isinstance(exc, ReferenceDataError)
                 else calendar_file_error(exc) if isinstance(exc, CalendarFileError)
                 else str(exc))
        print("配置错误: " + " ".join(shown.split()), file=sys.stderr)
        return 2
    try:
        return asyncio.run(serve(app, settings))
    except TokenRejected:
        print("配置错误: TELEGRAM_BOT_TOKEN was rejected by the Bot API", file=sys.stderr)
        return 2


def _console(args: argparse.Namespace) -> int:
    settings = load_settings_or_exit(require_token=False)
    try:  # Ctrl-C before the console is up (imports, migrations) ends quietly too
        from bot.console import run_console
        from bot.console.logfile import log_to_file

        log_file = log_to_file(level=settings.log_level)
        return asyncio.run(run_console(settings, as_user=args.as_user, role=args.role,
                                       name=args.name, log_file=log_file))
    except KeyboardInterrupt:
        return 130
    finally:
        # The process ends next. Freezing the heap spares the interpreter's final garbage
        # collections over the search index and the libraries (about half a second), so the
        # prompt comes back at once after /quit, Ctrl-C or Ctrl-D.
        gc.freeze()


def _db_upgrade(args: argparse.Namespace) -> int:
    settings = load_settings_or_exit(require_token=False)
    from bot.runtime import prepare_database, setup_logging

    setup_logging(settings.log_level, settings.token)
    prepare_database(settings).dispose()
    print("数据库已是最新结构。")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="接诉即办值班助手. With no subcommand: run the bot (long polling).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="run the bot with long polling (the default)")
    p.set_defaults(func=_run)

    p = sub.add_parser(
        "console",
        help="chat with the bot in this terminal (local Bot API emulator, no token needed)",
        description="Start the Bot API emulator and the bot in one process against the "
        "configured database; type messages, press buttons by number. /quit ends.",
    )
    p.add_argument("--as", dest="as_user", type=int, default=10001,
                   help="Telegram user id to chat as (default 10001)")
    p.add_argument("--role", choices=["staff", "leader", "manager", "admin"], default="admin",
                   help="chat with this role (default admin); an existing local user is "
                   "switched to it, and the change is audited as console.role")
    p.add_argument("--name", default="本地用户", help="the user's name (default 本地用户)")
    p.set_defaults(func=_console)

    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_command",
                                                                          required=True)
    p = db.add_parser("upgrade", help="apply pending schema migrations")
    p.set_defaults(func=_db_upgrade)

    # Feature subcommands: each module's `add_subcommands(sub)` adds its parsers, whose
    # handlers take the parsed args and return an exit status. One line per feature.
    from bot import cli_units

    cli_units.add_subcommands(sub)
    from bot import cli_holidays

    cli_holidays.add_subcommands(sub)
    from bot import cli_roster

    cli_roster.add_subcommands(sub)
    from bot import cli_report

    cli_report.add_subcommands(sub)
    from bot import cli_kb

    cli_kb.add_subcommands(sub)
    from bot import cli_staff

    cli_staff.add_subcommands(sub)
    from bot import cli_channels

    cli_channels.add_subcommands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand with ``umask 077``: every file and folder the bot or a library
    creates (database, -wal/-shm, logs, reports, exports) is private to this account, whatever
    the caller's umask (the previous one is restored for an in-process caller)."""
    previous = os.umask(PROCESS_UMASK)
    try:
        args = build_parser().parse_args(argv)
        func: Subcommand = getattr(args, "func", _run)
        return func(args)
    except Exception as exc:
        from bot.runtime import DatabaseUnusable  # an error path: loading it costs nothing here

        if not isinstance(exc, DatabaseUnusable):
            raise
        print("配置错误: " + str(exc), file=sys.stderr)
        return 2
    finally:
        _dispose_engines()
        os.umask(previous)


def _dispose_engines() -> None:
    """Close what `prepare_database` opened. A command that never loaded the database module
    opened nothing, and need not load it now."""
    runtime = sys.modules.get("bot.runtime")
    if runtime is not None:
        runtime.dispose_engines()


__all__ = ["Settings", "main"]
