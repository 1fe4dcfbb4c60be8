"""`python -m bot roster import FILE` and `python -m bot roster show`.

The import is all-or-nothing: a file with any bad row (unknown date, shift or person, a
duplicate, a person on two overlapping shifts) is refused with every bad row listed by its
row number, and nothing changes. Good files replace the team of each (date, shift) they name.
People without a passed on-boarding exam are named in a warning (``ONBOARDING_GATE=warn``)
or refuse the whole file (``refuse``), as /roster_set does.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import Settings, load_settings_or_exit

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from bot.services.roster.imports import TeamChanges
    from bot.services.roster.queries import RosterQueries

# The database, the roster services and the texts are imported where a subcommand runs:
# building the parser (`--help`, a bad setting) stays cheap.


@dataclass(frozen=True)
class _Roster:
    """What the roster commands need: reads and team changes (no outbox, no Telegram)."""

    engine: Engine
    clock: Clock
    queries: RosterQueries
    changes: TeamChanges


def _open(settings: Settings) -> _Roster | None:
    from bot.runtime import prepare_database
    from bot.services.calendar.work import CalendarFileError, WorkCalendar
    from bot.services.compliance.gate import OnboardingGate
    from bot.services.roster.checks import TeamChecks
    from bot.services.roster.imports import TeamChanges
    from bot.services.roster.queries import RosterQueries
    from bot.services.roster.shifts import ShiftConfig, ShiftConfigError
    from bot.services.staff.directory import StaffDirectory
    from bot.texts import roster as texts

    try:
        calendar = WorkCalendar.load(settings.holidays_file)
        config = ShiftConfig.load(settings.shifts_file, tz=settings.tz)
    except (CalendarFileError, ShiftConfigError) as exc:
        print(texts.config_error(" ".join(str(exc).split())), file=sys.stderr)
        return None
    engine = prepare_database(settings)
    clock = Clock(settings.tz)
    staff = StaffDirectory(engine, clock)
    queries = RosterQueries(engine, staff, calendar, config)
    gate = OnboardingGate(engine, staff, mode=settings.onboarding_gate)
    return _Roster(engine, clock, queries,
                   TeamChanges(engine, clock, config, queries, TeamChecks(staff, config),
                               gate=gate))


def _import(args: argparse.Namespace) -> int:
    from bot.services.compliance.gate import OnboardingRefused
    from bot.services.roster.errors import RosterImportError
    from bot.texts import compliance as compliance_texts
    from bot.texts import roster as texts

    settings = load_settings_or_exit(require_token=False)
    roster = _open(settings)
    if roster is None:
        return 2
    try:
        result = roster.changes.import_file(args.file, actor_id=None, dry_run=args.dry_run)
    except RosterImportError as exc:
        print(texts.import_refused_head(exc), file=sys.stderr)
        for line in texts.import_problems(exc, html=False):
            print("  " + line, file=sys.stderr)
        return 1
    except OnboardingRefused as exc:  # ONBOARDING_GATE=refuse
        print(compliance_texts.gate_refused(exc, html=False), file=sys.stderr)
        return 1
    finally:
        roster.engine.dispose()
    print(texts.import_checked(result) if args.dry_run else texts.import_done(result))
    if result.flagged:
        print(compliance_texts.gate_warning(list(result.flagged), html=False))
    return 0


def _show(args: argparse.Namespace) -> int:
    from bot.services.roster.errors import RosterError
    from bot.services.roster.model import parse_date
    from bot.texts import roster as texts

    settings = load_settings_or_exit(require_token=False)
    roster = _open(settings)
    if roster is None:
        return 2
    try:
        first: date = parse_date(args.start) if args.start else roster.clock.today()
        slots = roster.queries.slots(first, first + timedelta(days=args.days - 1))
    except RosterError as exc:
        print(texts.error(exc, html=False), file=sys.stderr)
        return 2
    finally:
        roster.engine.dispose()
    for sl in slots:
        print(texts.roster_line(sl))
    return 0


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 62:
        raise argparse.ArgumentTypeError("must be a number of days from 1 to 62")
    return int(text)


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    roster = sub.add_parser(
        "roster", help="duty roster: import a CSV/XLSX roster, show it",
        description="排班 / the duty roster (see docs/roster.md).")
    rsub = roster.add_subparsers(dest="roster_command", required=True)

    p = rsub.add_parser(
        "import", help="import a roster file (CSV or XLSX, header date,shift,staff,role)",
        description="Import a roster. Header: date,shift,staff,role (role optional, e.g. 带班). "
        "date: YYYY-MM-DD; shift: a configured shift (白班/夜班); staff: a registered name or "
        "Telegram id. Any bad row refuses the whole file (every bad row is listed with its "
        "row number); otherwise each (date, shift) in the file gets exactly the file's team.")
    p.add_argument("file", help="the .csv or .xlsx file")
    p.add_argument("--dry-run", action="store_true", help="check the file, change nothing")
    p.set_defaults(func=_import)

    p = rsub.add_parser("show", help="print the roster for some days",
                        description="Print each shift with its team and the day's class.")
    p.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default today)")
    p.add_argument("--days", type=_days, default=7, help="how many days (default 7)")
    p.set_defaults(func=_show)
