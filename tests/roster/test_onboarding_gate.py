"""The roster asks the on-boarding gate before putting people on duty: a file import and a
slot change name the people without a passed exam (warn) or change nothing (refuse)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.services.compliance.gate import OnboardingGate, OnboardingRefused
from bot.services.roster.service import RosterService, build_roster
from models.compliance import StaffRecord
from models.db import session_scope
from tests.roster.conftest import GROUP, LI, WANG, ZHANG, ZHAO

D = date(2026, 11, 26)
FILE = f"date,shift,staff,role\n2026-11-26,白班,张值班,带班\n2026-11-26,白班,{LI},\n" \
       "2026-11-26,夜班,王值班,\n"


def write_csv(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _passed(engine, clock, *ids: int) -> None:
    with session_scope(engine) as s:
        for tid in ids:
            s.add(StaffRecord(telegram_id=tid, exam_passed=True, updated_at=clock.now()))


def _roster(engine, clock, staff, calendar, config, outbox, mode: str) -> RosterService:
    return build_roster(engine=engine, clock=clock, staff=staff, calendar=calendar,
                        config=config, outbox=outbox, duty_group_id=GROUP,
                        gate=OnboardingGate(engine, staff, mode=mode))


@pytest.fixture
def warned(engine, clock, staff, calendar, config, outbox) -> RosterService:
    return _roster(engine, clock, staff, calendar, config, outbox, "warn")


@pytest.fixture
def strict(engine, clock, staff, calendar, config, outbox) -> RosterService:
    return _roster(engine, clock, staff, calendar, config, outbox, "refuse")


def test_import_names_the_untrained_and_still_imports(warned, engine, clock, tmp_path: Path):
    _passed(engine, clock, ZHANG)
    result = warned.import_file(write_csv(tmp_path, FILE), actor_id=ZHAO)
    assert [m.telegram_id for m in result.flagged] == [LI, WANG]  # file order, each once
    assert [m.telegram_id for m in warned.members(D, "白班")] == [ZHANG, LI]
    dry = warned.import_file(write_csv(tmp_path, FILE, "again.csv"), actor_id=ZHAO,
                             dry_run=True)
    assert [m.name for m in dry.flagged] == ["李值班", "王值班"]


def test_import_without_anyone_flagged(warned, engine, clock, tmp_path: Path):
    _passed(engine, clock, ZHANG, LI, WANG)
    assert warned.import_file(write_csv(tmp_path, FILE), actor_id=ZHAO).flagged == ()


def test_refuse_mode_refuses_the_whole_file_and_the_slot(strict, engine, clock,
                                                        tmp_path: Path):
    _passed(engine, clock, ZHANG, LI)
    with pytest.raises(OnboardingRefused) as refused:
        strict.import_file(write_csv(tmp_path, FILE), actor_id=ZHAO)
    assert [m.telegram_id for m in refused.value.members] == [WANG]
    assert strict.members(D, "白班") == [] and strict.members(D, "夜班") == []
    strict.set_slot(d=D, shift_name="夜班", people=["张值班:带班"], actor_id=ZHAO)
    with pytest.raises(OnboardingRefused):
        strict.reassign(d=D, shift_name="夜班", people=["张值班", "王值班"], actor_id=ZHAO)
    assert [m.telegram_id for m in strict.members(D, "夜班")] == [ZHANG]  # unchanged
    strict.set_slot(d=D, shift_name="夜班", people=["无"], actor_id=ZHAO)  # clearing: fine
    assert strict.members(D, "夜班") == []


def test_without_a_gate_nothing_is_flagged(roster, tmp_path: Path):
    assert roster.import_file(write_csv(tmp_path, FILE), actor_id=ZHAO).flagged == ()
