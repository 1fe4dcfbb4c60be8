"""`python -m bot staff import FILE` and `python -m bot staff export FILE`: the staff register
(人员台账) as XLSX (docs/assessment.md).

The import is all-or-nothing: any bad row refuses the whole file, every problem listed by its
row number, and nothing changes. People must be registered in the bot first (/adduser).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import load_settings_or_exit

if TYPE_CHECKING:
    from bot.services.compliance.register import StaffRegister

# The database, the register, openpyxl and the texts are imported where a subcommand runs:
# building the parser (`--help`, a bad setting) stays cheap.


def _register() -> StaffRegister:
    from bot.runtime import prepare_database
    from bot.services.compliance.register import StaffRegister
    from bot.services.staff.directory import StaffDirectory

    settings = load_settings_or_exit(require_token=False)
    engine = prepare_database(settings)
    clock = Clock(settings.tz)
    return StaffRegister(engine, clock, StaffDirectory(engine, clock))


def _import(args: argparse.Namespace) -> int:
    from bot.services.compliance.errors import RegisterImportError
    from bot.services.compliance.register_xlsx import import_xlsx
    from bot.texts import compliance as texts

    register = _register()
    try:
        result = import_xlsx(register, args.file, actor_id=None, dry_run=args.dry_run)
    except RegisterImportError as exc:
        print(texts.CLI_IMPORT_REFUSED.format(n=len(exc.problems)), file=sys.stderr)
        for line in texts.import_problems(exc.problems):
            print("  " + line, file=sys.stderr)
        return 1
    finally:
        register.engine.dispose()
    if result.dry_run:
        print(texts.CLI_IMPORT_CHECKED.format(rows=result.rows))
    else:
        print(texts.CLI_IMPORT_DONE.format(rows=result.rows, created=result.created,
                                           changed=result.changed))
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.services.compliance.register_xlsx import export_xlsx
    from bot.texts import compliance as texts

    register = _register()
    try:
        views = register.records()
    finally:
        register.engine.dispose()
    fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:  # staff data: readable by the owner only
        fh.write(export_xlsx(views))
    print(texts.CLI_EXPORT_DONE.format(rows=len(views), file=args.file))
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    staff = sub.add_parser(
        "staff", help="staff register (人员台账): import/export XLSX",
        description="人员台账 / the staff register (see docs/assessment.md).")
    ssub = staff.add_subparsers(dest="staff_command", required=True)
    p = ssub.add_parser(
        "import", help="import the register from an XLSX file",
        description="Columns: TG号 (required), 姓名, 入职日期, 离职日期, 委方同意离职, "
        "学历 (博士/硕士/本科/专科/其他), 专业, 医学专业 (是/否), 入职培训日期, "
        "考试结果 (通过/未通过). "
        "A column present sets that field for every row (an empty cell clears it); a column "
        "left out is not touched. Any bad row refuses the whole file.")
    p.add_argument("file", help="the .xlsx file (e.g. one made by `staff export`)")
    p.add_argument("--dry-run", action="store_true", help="check the file, change nothing")
    p.set_defaults(func=_import)
    p = ssub.add_parser("export", help="write the register to an XLSX file (mode 0600)",
                        description="Everyone with a register entry plus active staff and "
                        "managers without one, in the import's columns.")
    p.add_argument("file", help="the .xlsx file to write")
    p.set_defaults(func=_export)
