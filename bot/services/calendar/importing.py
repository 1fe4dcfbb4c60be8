"""Merging an official holiday schedule into the writable override store.

``python -m bot holidays import FILE`` lands here: both files are validated first, the new
file replaces whole years in the store, and the store is rewritten atomically so a crash
never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.services.calendar.errors import calendar_problem
from bot.services.calendar.overrides import DEFAULT_HOLIDAYS_FILE, OverrideSet, load_override_set


@dataclass(frozen=True)
class YearWarning:
    """Something to check about an imported year (rendered by ``bot.texts.holidays``).

    ``incomplete``: not declared ``complete: true``, so unlisted days stay provisional where
    the package lacks data; ``no_holidays``: declared complete but lists no holiday.
    """

    year: int
    problem: Literal["incomplete", "no_holidays"]


@dataclass(frozen=True)
class ImportReport:
    """What :func:`import_overrides` did, for the CLI to print."""

    store: Path
    years: tuple[int, ...]
    complete_years: tuple[int, ...]
    added: int
    replaced: int
    removed: int
    warnings: tuple[YearWarning, ...] = ()


def _dump_set(overrides: OverrideSet, header: str) -> str:
    lines = [header.rstrip("\n")] if header.strip() else []
    if overrides.years:
        lines.append("years:")
        for year in sorted(overrides.years):
            cov = overrides.years[year]
            entry = {"complete": cov.complete}
            if cov.source:
                entry["source"] = cov.source
            body = yaml.safe_dump(entry, allow_unicode=True, default_flow_style=True,
                                  width=10_000).strip()
            lines.append(f"  {year}: {body}")
    else:
        lines.append("years: {}")
    if overrides.days:
        lines.append("days:")
        for o in overrides.days:
            entry: dict[str, Any] = {"date": o.date, "kind": o.kind}
            if o.name:
                entry["name"] = o.name
            body = yaml.safe_dump(entry, allow_unicode=True, default_flow_style=True,
                                  sort_keys=False, width=10_000).strip()
            lines.append(f"  - {body}")
    else:
        lines.append("days: []")
    return "\n".join(lines) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_overrides(source: str | os.PathLike[str],
                     store: str | os.PathLike[str] = DEFAULT_HOLIDAYS_FILE, *,
                     header: str = "") -> ImportReport:
    """Merge a new official schedule file into the override store (``HOLIDAYS_FILE``).

    Both files are validated first (nothing is written on error). For every year the new file
    mentions — under ``years:`` or through a dated entry — the new file's entries replace the
    store's entries of that year (an official notice supersedes earlier guesses for the whole
    year); other years are kept. The store is written atomically, starting with the comment
    lines of ``header`` (the command line passes an explanation for whoever opens the file).
    """
    new = load_override_set(source)
    store_path = Path(store)
    old = load_override_set(store_path) if store_path.exists() else OverrideSet()

    years = set(new.years) | {o.date.year for o in new.days}
    if not years:
        raise calendar_problem("no_years", path=source)
    kept = [o for o in old.days if o.date.year not in years]
    old_in_years = {o.date: o for o in old.days if o.date.year in years}
    new_by_date = {o.date: o for o in new.days}
    replaced = sum(1 for d in new_by_date if d in old_in_years)
    added = len(new_by_date) - replaced
    removed = sum(1 for d in old_in_years if d not in new_by_date)

    merged_years = dict(old.years)
    merged_years.update(new.years)
    merged = OverrideSet(
        tuple(sorted([*kept, *new.days], key=lambda o: o.date)), merged_years)

    warnings: list[YearWarning] = []
    for year in sorted(years):
        cov = merged.years.get(year)
        holidays = [o for o in merged.days if o.date.year == year and o.kind == "holiday"]
        if cov is None or not cov.complete:
            warnings.append(YearWarning(year, "incomplete"))
        elif not holidays:
            warnings.append(YearWarning(year, "no_holidays"))
    _write_atomic(store_path, _dump_set(merged, header))
    return ImportReport(
        store=store_path,
        years=tuple(sorted(years)),
        complete_years=tuple(sorted(y for y in years if y in merged.complete_years)),
        added=added,
        replaced=replaced,
        removed=removed,
        warnings=tuple(warnings),
    )
