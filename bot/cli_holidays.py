"""`python -m bot holidays import FILE` and `python -m bot holidays show`.

The import merges an official schedule into the ``HOLIDAYS_FILE`` store (see
docs/deadlines.md); a running bot picks the file up by itself. Neither subcommand touches the
database or Telegram.
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta

from bot.clock import Clock
from bot.config import load_settings_or_exit

# The calendar and the texts are imported where a subcommand runs: building the parser
# (`--help`, a bad setting) stays cheap.


def _import(args: argparse.Namespace) -> int:
    from bot.services.calendar.errors import CalendarFileError
    from bot.services.calendar.importing import import_overrides
    from bot.texts.holidays import STORE_HEADER, cli_file_error, import_report_text

    settings = load_settings_or_exit(require_token=False)
    store = args.store or settings.holidays_file
    try:
        report = import_overrides(args.file, store, header=STORE_HEADER)
    except CalendarFileError as exc:
        print(cli_file_error(exc), file=sys.stderr)
        return 2
    print(import_report_text(report))
    return 0


def _show(args: argparse.Namespace) -> int:
    from bot.services.calendar.errors import CalendarFileError
    from bot.services.calendar.work import WorkCalendar
    from bot.services.reminders.holidays import LOOKAHEAD_DAYS
    from bot.texts.holidays import cli_file_error, show_text

    settings = load_settings_or_exit(require_token=False)
    try:
        calendar = WorkCalendar.load(args.store or settings.holidays_file, tz=settings.tz)
    except CalendarFileError as exc:
        print(cli_file_error(exc), file=sys.stderr)
        return 2
    today = Clock(settings.tz).today()
    days = calendar.upcoming(today, args.days)
    uncovered = calendar.uncovered_years(today, today + timedelta(days=LOOKAHEAD_DAYS))
    print(show_text(days, uncovered, today=today))
    return 0


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 400:
        raise argparse.ArgumentTypeError("must be a number of days from 1 to 400")
    return int(text)


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    holidays = sub.add_parser(
        "holidays", help="working-day calendar: import the official holiday schedule, show it",
        description="节假日安排 / the working-day calendar used for deadlines.")
    hsub = holidays.add_subparsers(dest="holidays_command", required=True)

    p = hsub.add_parser(
        "import", help="merge an official schedule (YAML) into the HOLIDAYS_FILE store",
        description="Validate FILE and merge it into the HOLIDAYS_FILE store (default "
        "data/holidays.yaml): for each year FILE mentions, its entries replace the store's. "
        "Format: docs/deadlines.md. Exit status 2 (nothing written) when a file is invalid.")
    p.add_argument("file", metavar="FILE", help="the schedule, e.g. holidays-2027.yaml")
    p.add_argument("--store", default=None,
                   help="write to this store instead of the HOLIDAYS_FILE setting")
    p.set_defaults(func=_import)

    p = hsub.add_parser(
        "show", help="print the days off and make-up working days of the coming weeks",
        description="Print non-working days and make-up working days from today, with where "
        "each comes from (override/package/fallback) and which years are not loaded.")
    p.add_argument("--days", type=_days, default=30, help="how many days (default 30)")
    p.add_argument("--store", default=None, help="read this store instead of HOLIDAYS_FILE")
    p.set_defaults(func=_show)
