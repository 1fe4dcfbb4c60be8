"""`python -m bot units import|export FILE`: the reference data managers edit.

Units (承办单位) with their contact and the leader copied on dispatch, the two-level problem
categories, industries, request types and urgencies — one YAML file, validated as a whole.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import load_settings_or_exit
from bot.services.private_files import write_private

if TYPE_CHECKING:
    from bot.services.reference.store import ReferenceStore

# The database, the services and the texts are imported where a subcommand runs: building the
# parser (`--help`, a bad setting) stays cheap.


def _store() -> ReferenceStore:
    from bot.runtime import prepare_database, setup_logging
    from bot.services.reference.store import ReferenceStore

    settings = load_settings_or_exit(require_token=False)
    setup_logging("WARNING")
    return ReferenceStore(prepare_database(settings), Clock(settings.tz))


def _import(args: argparse.Namespace) -> int:
    from bot.services.reference.problems import ReferenceDataError
    from bot.texts import admin as texts

    try:
        ref = _store().import_file(args.file)
    except ReferenceDataError as exc:
        print(texts.reference_error(exc), file=sys.stderr)
        return 2
    print(texts.UNITS_IMPORTED.format(
        units=len(ref.units), categories=len(ref.categories),
        items=sum(len(v) for v in ref.categories.values()), industries=len(ref.industries)))
    return 0


def _export(args: argparse.Namespace) -> int:
    from bot.texts import admin as texts

    write_private(Path(args.file), _store().export())
    print(texts.UNITS_EXPORTED.format(path=args.file))
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    units = sub.add_parser("units", help="reference data: units, categories, industries")
    cmds = units.add_subparsers(dest="units_command", required=True)
    p = cmds.add_parser("import", help="validate a reference YAML file and make it current")
    p.add_argument("file", help="YAML file in the format of `units export`")
    p.set_defaults(func=_import)
    p = cmds.add_parser("export", help="write the current reference data as YAML")
    p.add_argument("file", help="where to write")
    p.set_defaults(func=_export)
