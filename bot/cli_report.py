"""`python -m bot report …` and `python -m bot demo-data …`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import load_settings_or_exit
from bot.services.private_files import private_dir, write_private

KINDS = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "halfyear": "halfyear",
         "annual": "year", "custom": "custom"}


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report", help="write a report's files (PNG, XLSX, DOCX) to a folder",
        description="Build the same report the bot sends: the chart (PNG), the workbook (XLSX) "
        "and, except for weekly, the Word draft (DOCX). Without a period: the last full one. "
        "Examples: report weekly 2026-11-18; report monthly 2026-11; report quarterly 2026-Q3; "
        "report halfyear 2026-H1; report annual 2026; report custom 2026-10-01 2026-10-31.")
    p.add_argument("kind", choices=list(KINDS), help="which report")
    p.add_argument("period", nargs="*", help="the period (see the examples); default: last full")
    p.add_argument("--out", type=Path, default=Path("."), help="folder for the files (default .)")
    p.add_argument("--full", action="store_true",
                   help="write every ticket to the XLSX list (no row cap)")
    p.add_argument("--no-docx", action="store_true", help="skip the Word draft")
    p.set_defaults(func=_report)

    p = sub.add_parser(
        "demo-data", help="fill the database with synthetic tickets to try the reports",
        description="Insert a realistic year and more of synthetic tickets (numbers "
        "DEMO<year><seq>): the category mix, units, urgency and seasonality of a district "
        "health commission, a few per cent of repeat callers and of groups of similar "
        "complaints. Old tickets went through the whole workflow (history, callbacks, "
        "alerts); only the last days' are still open, and nothing already due is reminded at "
        "the next start. Uses the configured deadline policy, holidays and reminder leads. "
        "Refuses when the database holds real tickets unless --force.")
    p.add_argument("--tickets", type=int, default=5000, help="how many (default 5000)")
    p.add_argument("--year", type=int, default=None,
                   help="one calendar year received (default: this month so far and the "
                   "13 months before it)")
    p.add_argument("--seed", type=int, default=12345, help="random seed (default 12345)")
    p.add_argument("--force", action="store_true", help="write even next to real tickets")
    p.set_defaults(func=_demo)


def _report(args: argparse.Namespace) -> int:
    settings = load_settings_or_exit(require_token=False)
    from bot.app import build_services
    from bot.clock import Clock
    from bot.configfiles.errors import ConfigFileError
    from bot.runtime import prepare_database
    from bot.services.reports.periods import PeriodError
    from bot.texts.reports import cli as texts
    from bot.texts.reports.files import build_files

    engine = prepare_database(settings)
    try:
        # the same services the bot builds, so alerts and knowledge-base gaps are counted too
        try:
            svc = build_services(settings, engine=engine, clock=Clock(settings.tz))
        except ConfigFileError as exc:  # names the file and the line
            print(texts.config_error(exc), file=sys.stderr)
            return 2
        try:
            period = svc.reports.period(KINDS[args.kind], list(args.period))
        except PeriodError as exc:
            print(texts.period_error(exc), file=sys.stderr)
            return 2
        files = build_files(svc.reports, period, with_docx=False if args.no_docx else None,
                            full_list=args.full)
        private_dir(args.out)  # reports may name citizens: 0700 folder, 0600 files
        written = [args.out / f"{files.stem}.png"]
        write_private(written[0], files.chart_png)
        for data, ext in ((files.xlsx, "xlsx"), (files.docx, "docx")):
            if data is not None:
                path = args.out / f"{files.stem}.{ext}"
                write_private(path, data)
                written.append(path)
        write_private(args.out / f"{files.stem}.txt", texts.plain(files.summary))
        print(texts.report_done(files))
        for path in written:
            print(path)
        return 0
    finally:
        engine.dispose()


def _demo(args: argparse.Namespace) -> int:
    settings = load_settings_or_exit(require_token=False)
    from bot.clock import Clock
    from bot.configfiles.errors import ConfigFileError
    from bot.runtime import prepare_database
    from bot.services.calendar.work import WorkCalendar
    from bot.services.reminders.leads import parse_leads
    from bot.services.reports.demo.store import RealTicketsError, YearNotStartedError, generate
    from bot.services.tickets.deadlines import DeadlinePolicy
    from bot.texts.reports import cli as texts

    if args.tickets <= 0:
        print(texts.tickets_not_positive(), file=sys.stderr)
        return 2
    try:  # the deadlines and calendar the bot counts with
        policy = DeadlinePolicy.load(settings.deadline_policy_file, tz=settings.tz)
        calendar = WorkCalendar.load(settings.holidays_file, tz=settings.tz)
    except ConfigFileError as exc:
        print(texts.config_error(exc), file=sys.stderr)
        return 2
    engine = prepare_database(settings)
    now = Clock(settings.tz).now()
    try:
        result = generate(engine, tickets=args.tickets, year=args.year, now=now,
                          seed=args.seed, force=args.force, tz=settings.tz, policy=policy,
                          calendar=calendar, leads=parse_leads(settings.reminder_leads),
                          progress=lambda n: print(texts.demo_progress(n), file=sys.stderr))
    except (RealTicketsError, YearNotStartedError) as exc:
        print(texts.demo_error(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(texts.demo_done(result))
    return 0
