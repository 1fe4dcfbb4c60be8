"""Holidays override files: validation with line numbers, loading, importing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.services.calendar.errors import CalendarFileError
from bot.services.calendar.importing import YearWarning, import_overrides
from bot.services.calendar.overrides import (
    PACKAGED_HOLIDAYS_FILE,
    DayOverride,
    load_override_set,
    load_overrides,
)
from bot.services.calendar.work import WorkCalendar

from .helpers import eod, sh

# Hypothetical schedule used as test data only — NOT the official 2027 schedule.
GOOD = """
years:
  2027: {complete: true, source: "测试数据（非官方）"}
days:
  - {date: 2027-01-01, kind: holiday, name: 元旦}
  - {date: 2027-01-02, kind: workday, name: 测试调休}
  - date: 2027-02-08
    kind: holiday
    name: 测试假日
"""


def test_packaged_file_is_valid_and_invents_nothing() -> None:
    loaded = load_override_set(PACKAGED_HOLIDAYS_FILE)
    assert loaded.days == ()
    assert loaded.years == {}


def test_load_good_file(write) -> None:
    path = write("h.yaml", GOOD)
    loaded = load_override_set(path)
    assert loaded.complete_years == {2027}
    assert loaded.years[2027].source == "测试数据（非官方）"
    assert loaded.days[0] == DayOverride(date(2027, 1, 1), "holiday", "元旦")
    assert loaded.days[0].line == 4
    assert loaded.days[2].line == 6
    assert [o.date for o in load_overrides(path)] == [
        date(2027, 1, 1), date(2027, 1, 2), date(2027, 2, 8)]


def test_bare_list_and_empty_files(write) -> None:
    path = write("list.yaml", """
        - {date: "2027-01-01", kind: holiday, name: 元旦}
    """)
    assert load_overrides(path) == [DayOverride(date(2027, 1, 1), "holiday", "元旦")]
    assert load_override_set(write("empty.yaml", "")).days == ()
    assert load_override_set(write("comments.yaml", "# nothing yet\n")).days == ()


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("days:\n  - {date: 2027-01-01, kind: holliday, name: 元旦}\n", 2, "kind"),
        ("days:\n  - {date: 2027-01-01, kind: holiday, name: 元旦}\n"
         "  - {date: 2027-13-01, kind: holiday, name: x}\n", 3, "YYYY-MM-DD"),
        ("days:\n  - {date: 2027-01-01, kind: holiday, name: 元旦}\n"
         "  - {date: 2027-01-01, kind: workday}\n", 3, "duplicate date"),
        ("days:\n  - {date: 2027-01-01, kind: holiday}\n", 2, "needs a name"),
        ("days:\n  - {date: 2027-01-01, kind: holiday, name: 元旦, note: x}\n", 2, "unknown"),
        ("days:\n  - {kind: holiday, name: 元旦}\n", 2, "missing date"),
        ("days:\n  - {date: 2027-01-01 09:00:00, kind: holiday, name: 元旦}\n", 2, "time"),
        ("years:\n  2027: {complete: true}\n", 2, "source"),
        ("years:\n  2027: {complete: yes please, source: x}\n", 2, "true or false"),
        ("years:\n  next: {complete: true, source: x}\n", 2, "invalid year"),
        ("holidays:\n  - {date: 2027-01-01}\n", 1, "unknown top-level key"),
        ("days:\n  - {date: 2027-01-01, kind: holiday, name: [元旦\n", 3, "YAML"),
        ("days: {date: 2027-01-01}\n", 1, "must be a list"),
    ],
)
def test_validation_errors_name_the_line(write, text: str, line: int, needle: str) -> None:
    path = write("bad.yaml", text)
    with pytest.raises(CalendarFileError) as exc_info:
        load_override_set(path)
    err = exc_info.value
    assert err.line == line, str(err)
    assert f"第 {line} 行 (line {line})" in str(err)
    assert str(path) in str(err)
    assert needle in str(err)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError, match="file not found"):
        load_override_set(tmp_path / "nope.yaml")


def test_calendar_load_merges_packaged_and_store(write, tmp_path: Path) -> None:
    # a missing store is fine (nothing imported yet)
    cal = WorkCalendar.load(tmp_path / "missing.yaml")
    assert cal.uncovered_years(date(2026, 1, 1), date(2027, 12, 31)) == [2027]
    cal = WorkCalendar.load(write("store.yaml", GOOD))
    assert cal.uncovered_years(date(2026, 1, 1), date(2027, 12, 31)) == []
    assert cal.day_info(date(2027, 2, 8)).holiday_name == "测试假日"


def test_calendar_load_rejects_bad_store(write) -> None:
    with pytest.raises(CalendarFileError):
        WorkCalendar.load(write("store.yaml", "days:\n  - {date: 2027-01-01, kind: off}\n"))


# --------------------------------------------------------------------------- import


def test_import_into_new_store(write, tmp_path: Path) -> None:
    store = tmp_path / "data" / "holidays.yaml"
    report = import_overrides(write("official.yaml", GOOD), store)
    assert report.years == (2027,) and report.complete_years == (2027,)
    assert (report.added, report.replaced, report.removed) == (3, 0, 0)
    assert report.warnings == ()
    stored = load_override_set(store)  # the written store is itself a valid, readable file
    assert stored.complete_years == {2027}
    assert len(stored.days) == 3
    assert "{date: 2027-01-01, kind: holiday, name: 元旦}" in store.read_text(encoding="utf-8")
    cal = WorkCalendar.load(store)
    # Dec 30 2026 + 3 working days: Dec 31, Sat Jan 2 (test make-up day), Mon Jan 4
    span = cal.count_workdays(sh(2026, 12, 30, 10), 3)
    assert span.end == eod(2027, 1, 4) and not span.provisional


def test_import_replaces_the_year_and_keeps_others(write, tmp_path: Path) -> None:
    store = write("store.yaml", """
        years:
          2027: {complete: false}
          2028: {complete: true, source: 旧数据}
        days:
          - {date: 2027-01-01, kind: holiday, name: 元旦}
          - {date: 2027-03-01, kind: holiday, name: 旧的猜测}
          - {date: 2028-01-01, kind: holiday, name: 元旦}
    """)
    report = import_overrides(write("official.yaml", GOOD), store)
    assert (report.added, report.replaced, report.removed) == (2, 1, 1)
    stored = load_override_set(store)
    assert [o.date for o in stored.days] == [
        date(2027, 1, 1), date(2027, 1, 2), date(2027, 2, 8), date(2028, 1, 1)]
    assert stored.complete_years == {2027, 2028}


def test_import_warns_about_incomplete_year(write, tmp_path: Path) -> None:
    store = tmp_path / "store.yaml"
    report = import_overrides(
        write("partial.yaml", "days:\n  - {date: 2027-01-01, kind: holiday, name: 元旦}\n"),
        store)
    assert report.complete_years == ()
    assert report.warnings == (YearWarning(2027, "incomplete"),)
    assert WorkCalendar.load(store).uncovered_years(date(2027, 1, 1), date(2027, 1, 1)) == [
        2027]


def test_import_invalid_file_writes_nothing(write, tmp_path: Path) -> None:
    store = write("store.yaml", GOOD)
    before = store.read_text(encoding="utf-8")
    with pytest.raises(CalendarFileError) as exc_info:
        import_overrides(write("bad.yaml", "days:\n  - {date: 2027-02-30, kind: holiday}\n"),
                         store)
    assert exc_info.value.line == 2
    with pytest.raises(CalendarFileError, match="no years or dates"):
        import_overrides(write("empty.yaml", ""), store)
    assert store.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "empty.yaml", "store.yaml"]
