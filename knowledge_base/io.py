"""Knowledge-base files: read and write YAML, CSV and XLSX (chosen by the file extension).

Columns (CSV header row / XLSX first row / YAML keys): ``question``, ``answer`` and the optional
``keywords``, ``category``, ``source``, ``similar``; the Chinese headers 问题、答复口径（答复）、
关键词、分类、来源、相似问法 are accepted too. Keywords are one cell separated by 、,，;； or
spaces (YAML: a list or such a string); similar phrasings (相似问法) one per line in the cell,
or separated by ｜ or ；(YAML: a list).

Row numbers are what a person sees: in CSV and XLSX the sheet row (the header is row 1, so the
first entry is row 2); in YAML the entry's position in the list (1 = the first entry).

Optional synonyms: YAML ``synonyms:`` (a list of lists), XLSX a sheet named ``synonyms`` (or
同义词), one group per row, one term per cell. `kb export` writes them the same way.

Pure functions: no database, no Telegram.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.services.private_files import make_private, write_private
from knowledge_base.errors import KbFileError

__all__ = [
    "COLUMNS", "FORMATS", "KbFile", "KbFileError", "file_format", "read_file", "write_file",
]

COLUMNS = ("question", "answer", "keywords", "category", "source", "similar")
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".xlsx": "xlsx"}
_HEADER_ALIASES = {
    "question": "question", "问题": "question", "标准问题": "question", "标题": "question",
    "answer": "answer", "答复口径": "answer", "答复": "answer", "答案": "answer",
    "keywords": "keywords", "keyword": "keywords", "关键词": "keywords", "关键字": "keywords",
    "category": "category", "分类": "category", "类别": "category",
    "source": "source", "来源": "source", "依据": "source",
    "similar": "similar", "相似问法": "similar", "相似问题": "similar",
}
_SYNONYM_SHEETS = ("synonyms", "同义词")




@dataclass
class KbFile:
    """What a file holds: entries as ``(row number, fields)``, bad rows, synonym groups."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[int, Exception]] = field(default_factory=list)
    synonyms: list[list[str]] = field(default_factory=list)
    row_unit: str = "row"  # "entry" for YAML (its items are entries, not lines)


def file_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise KbFileError("bad_extension", suffix=suffix or "-")
    return fmt


# ----------------------------------------------------------------------------- reading
def read_file(path: str | Path) -> KbFile:
    """Read a knowledge-base file; KbFileError when it cannot be read at all."""
    fmt = file_format(path)
    p = Path(path)
    if not p.is_file():
        raise KbFileError("missing_file", path=str(p))
    if fmt == "yaml":
        return _read_yaml(p)
    if fmt == "csv":
        return _read_csv(p)
    return _read_xlsx(p)


def _header_map(cells: Sequence[object]) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, cell in enumerate(cells):
        name = str(cell or "").strip().lstrip("\ufeff").lower()
        key = _HEADER_ALIASES.get(name)
        if key is not None and key not in out.values():
            out[i] = key
    missing = [c for c in ("question", "answer") if c not in out.values()]
    if missing:
        raise KbFileError("missing_columns", names=missing)
    return out


def _blank(cells: Sequence[object]) -> bool:
    return all(c is None or not str(c).strip() for c in cells)


def _row(header: Mapping[int, str], cells: Sequence[object]) -> dict[str, Any]:
    return {name: (cells[i] if i < len(cells) else None) for i, name in header.items()}


def _read_csv(p: Path) -> KbFile:
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel on Chinese Windows saves "CSV" as GBK
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise KbFileError("bad_csv_encoding") from exc
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise KbFileError("bad_csv", detail=str(exc)) from exc
    if not lines or _blank(lines[0]):
        raise KbFileError("empty_file")
    header = _header_map(lines[0])
    out = KbFile()
    # csv.reader yields one list per record; a quoted cell may span lines, so count records
    for row_no, cells in enumerate(lines[1:], start=2):
        if not _blank(cells):
            out.rows.append((row_no, _row(header, cells)))
    return out


def _read_xlsx(p: Path) -> KbFile:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise KbFileError("bad_xlsx", detail=type(exc).__name__) from exc
    try:
        sheets = list(wb.worksheets)
        entries = next((ws for ws in sheets if ws.title.strip().lower() not in _SYNONYM_SHEETS),
                       None)
        if entries is None:
            raise KbFileError("no_entries_sheet")
        rows = entries.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None or _blank(first):
            raise KbFileError("empty_sheet")
        header = _header_map(first)
        out = KbFile()
        for row_no, cells in enumerate(rows, start=2):
            if not _blank(cells):
                out.rows.append((row_no, _row(header, cells)))
        for ws in sheets:
            if ws.title.strip().lower() in _SYNONYM_SHEETS:
                for cells in ws.iter_rows(values_only=True):
                    group = [str(c).strip() for c in cells if c is not None and str(c).strip()]
                    if group and group[0].lower() not in ("members", "同义词"):
                        out.synonyms.append(group)
        return out
    finally:
        wb.close()


def _read_yaml(p: Path) -> KbFile:
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise KbFileError("bad_yaml_encoding") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise KbFileError("bad_yaml", line=mark.line + 1 if mark is not None else None) \
            from exc
    out = KbFile(row_unit="entry")
    if isinstance(data, Mapping):
        entries = data.get("entries", [])
        synonyms = data.get("synonyms") or []
        if not isinstance(synonyms, list):
            raise KbFileError("bad_yaml_synonyms")
        for group in synonyms:
            if isinstance(group, list):
                out.synonyms.append([str(m).strip() for m in group if str(m).strip()])
    else:
        entries = data
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise KbFileError("bad_yaml_shape")
    for no, item in enumerate(entries, start=1):
        if not isinstance(item, Mapping):
            out.errors.append((no, KbFileError("row_not_mapping")))
            continue
        keys = {str(k).strip().lower(): v for k, v in item.items()}
        row = {_HEADER_ALIASES[k]: v for k, v in keys.items() if k in _HEADER_ALIASES}
        out.rows.append((no, row))
    return out


# ----------------------------------------------------------------------------- writing
def _cell(value: object, column: str = "") -> str:
    if isinstance(value, list | tuple):
        # similar phrasings are sentences: one per line in the cell
        return ("\n" if column == "similar" else "、").join(str(v) for v in value)
    return "" if value is None else str(value)


def write_file(path: str | Path, entries: Iterable[Mapping[str, Any]],
               synonyms: Iterable[Sequence[str]] = ()) -> int:
    """Write entries (and, for YAML/XLSX, synonym groups) in the extension's format.

    Returns the number of entries written."""
    fmt = file_format(path)
    rows = [{c: e.get(c) for c in COLUMNS} for e in entries]
    groups = [list(g) for g in synonyms]
    p = Path(path)
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "yaml":
        data: dict[str, Any] = {"entries": [
            {"question": r["question"], "answer": r["answer"],
             "keywords": list(r["keywords"] or []), "category": r["category"] or "",
             "source": r["source"] or "", "similar": list(r["similar"] or [])}
            for r in rows]}
        if groups:
            data["synonyms"] = groups
        write_private(p, yaml.safe_dump(data, allow_unicode=True, sort_keys=False,
                                        width=1000))
    elif fmt == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([_cell(r[c], c) for c in COLUMNS])
        # BOM: Excel then opens the Chinese text correctly
        write_private(p, buf.getvalue(), encoding="utf-8-sig")
    else:
        _write_xlsx(p, rows, groups)
        make_private(p)
    return len(rows)


def _write_xlsx(p: Path, rows: list[dict[str, Any]], groups: list[list[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "entries"
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_cell(r[c], c) for c in COLUMNS])
    for letter, width in zip("ABCDEF", (36, 80, 30, 16, 40, 40), strict=True):
        ws.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    if groups:
        syn = wb.create_sheet("synonyms")
        for g in groups:
            syn.append(g)
    wb.save(p)
