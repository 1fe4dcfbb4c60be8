"""`python -m bot staff import FILE` and `python -m bot staff export FILE`: the staff register
(人员台账) as XLSX (docs/assessment.md).

The import is all-or-nothing: any bad row refuses the whole file, every problem listed by its
row number (and column, for a bad cell), and nothing changes. People must be registered in the
bot first (/adduser). The file may carry 手机/邮箱, the contacts /setcontact records; the
operator running the command is an admin, so the export writes them in full (0600).
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
    from bot.services.staff.contacts import Contacts

# The database, the register, openpyxl and the texts are imported where a subcommand runs:
# building the parser (`--help`, a bad setting) stays cheap.


def _open() -> tuple[StaffRegister, Contacts]:
    from bot.runtime import prepare_database
    from bot.services.compliance.register import StaffRegister
    from bot.services.staff.contacts import Contacts
    from bot.services.staff.directory import StaffDirectory

    settings = load_settings_or_exit(require_token=False)
    engine = prepare_database(settings)
    clock = Clock(settings.tz)
    staff = StaffDirectory(engine, clock)
    return StaffRegister(engine, clock, staff), Contacts(engine, clock, staff)


def _import(args: argparse.Namespace) -> int:
    from bot.services.compliance.errors import RegisterImportError
    from bot.services.compliance.register_xlsx import import_xlsx
    from bot.texts import compliance as texts

    register, contacts = _open()
    try:
        result = import_xlsx(register, args.file, contacts=contacts, actor_id=None,
                             dry_run=args.dry_run)
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
                                           changed=result.changed, contacts=result.contacts))
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.services.compliance.register_xlsx import export_xlsx, with_contact_holders
    from bot.texts import compliance as texts

    register, contacts = _open()
    try:
        views = register.records()
        book = None
        if not args.no_contacts:  # the operator is an admin: contacts in full
            book = contacts.all()
            views = with_contact_holders(views, register.staff.all(), book)
    finally:
        register.engine.dispose()
    fd = os.open(args.file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:  # staff data: readable by the owner only
        fh.write(export_xlsx(views, book))
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
        "考试结果 (通过/未通过), and optionally 手机 and 邮箱 (the contact for the alert "
        "channels, checked as /setcontact checks it). "
        "A register column present sets that field for every row (an empty cell clears it); "
        "an empty 手机/邮箱 cell leaves the contact as it is and '-' clears it; a column left "
        "out is not touched. A leader's row may only carry 手机/邮箱. Any bad row refuses "
        "the whole file.")
    p.add_argument("file", help="the .xlsx file (e.g. one made by `staff export`)")
    p.add_argument("--dry-run", action="store_true", help="check the file, change nothing")
    p.set_defaults(func=_import)
    p = ssub.add_parser("export", help="write the register to an XLSX file (mode 0600)",
                        description="Everyone with a register entry plus active staff and "
                        "managers without one, in the import's columns, with 手机 and 邮箱 in "
                        "full (and rows for leaders and anyone else with a contact on record).")
    p.add_argument("file", help="the .xlsx file to write")
    p.add_argument("--no-contacts", action="store_true",
                   help="leave out 手机/邮箱 (a copy for someone who is not an admin; importing "
                   "it back leaves the contacts on record as they are)")
    p.set_defaults(func=_export)
