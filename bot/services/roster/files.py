"""Reading roster spreadsheets (CSV or XLSX) into numbered raw rows.

Only the table shape is checked here (encoding, header); whether a row's date, shift and
person make sense is decided by :class:`bot.services.roster.imports.RosterImport`, so every
bad row can be reported at once.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.services.roster.errors import Refusal, RosterError, RosterImportError, file_error
from bot.services.roster.model import RawRow
from bot.services.roster.vocab import HEADER_ALIASES

HEADER = ("date", "shift", "staff", "role")


def read_table(path: Path) -> list[list[str]]:
    """The cells of a .csv/.txt or .xlsx/.xlsm file; anything else is refused."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path.read_bytes())
    raise file_error(Refusal.file_type, suffix=suffix)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise file_error(Refusal.bad_encoding)
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise file_error(Refusal.bad_xlsx, reason=str(exc)) from None
    try:
        ws = wb.worksheets[0]
        return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def rows_from_table(table: list[list[Any]]) -> list[RawRow]:
    """Map a table with the header ``date,shift,staff,role`` (role optional) to rows
    numbered as in the spreadsheet (the header is row 1)."""
    cleaned = [[_cell(c) for c in r] for r in table]
    start = next((i for i, r in enumerate(cleaned) if any(r)), None)
    if start is None:
        raise file_error(Refusal.empty_file)
    header = [HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in cleaned[start]]
    missing = [h for h in HEADER[:3] if h not in header]
    if missing:
        raise RosterImportError([(start + 1, RosterError(Refusal.bad_header, missing=missing))])
    idx = {h: header.index(h) for h in HEADER if h in header}
    rows = []
    for i, r in enumerate(cleaned[start + 1:], start=start + 2):
        if not any(r):
            continue

        def get(name: str, r: list[str] = r) -> str:
            j = idx.get(name)
            return r[j] if j is not None and j < len(r) else ""

        rows.append(RawRow(i, get("date"), get("shift"), get("staff"), get("role")))
    return rows
