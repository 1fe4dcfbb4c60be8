"""Compliance fixtures: a small team and the compliance collaborators wired as in production
(`bot.app._compliance`), on the real database; files go to a temporary folder."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from bot.app import _compliance
from bot.clock import MovableClock
from bot.config import Settings
from bot.services.calendar.work import WorkCalendar
from bot.services.compliance.desk import Compliance
from bot.services.outbox.store import Outbox
from bot.services.outbox.wakeup import Wakeup
from bot.services.reports.config import ReportConfig
from bot.services.reports.service import ReportService
from bot.services.staff.contacts import Contacts
from bot.services.staff.directory import StaffDirectory
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.service import TicketService
from models.db import session_scope
from models.staff import Role
from models.ticket import Ticket

ADMIN, ZHANG, LI, WANG, ZHAO, LEADER = 1, 2001, 2002, 2003, 4001, 3001
TEAM = [(ZHANG, Role.staff, "张值班"), (LI, Role.staff, "李值班"), (WANG, Role.staff, "王值班"),
        (ZHAO, Role.manager, "赵经理"), (LEADER, Role.leader, "王主任")]


def settings(tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {"telegram_bot_token": "1:test", "attachments_dir": tmp_path / "att",
                              "holidays_file": tmp_path / "holidays.yaml"}
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def staff(engine, clock) -> StaffDirectory:
    d = StaffDirectory(engine, clock)
    d.ensure_admins((ADMIN,))
    for tid, role, name in TEAM:
        d.add(actor_id=ADMIN, telegram_id=tid, role=role, name=name)
    return d


@pytest.fixture
def contacts(engine, clock, staff) -> Contacts:
    return Contacts(engine, clock, staff)


@pytest.fixture
def outbox(engine, clock) -> Outbox:
    return Outbox(engine, clock, Wakeup())


def build(engine, clock: MovableClock, staff: StaffDirectory, outbox: Outbox, tmp_path: Path,
          **extra: Any) -> Compliance:
    s = settings(tmp_path, **extra)
    tickets = TicketService(engine, clock, DeadlinePolicy.load(), WorkCalendar())
    reports = ReportService(engine, clock, ReportConfig.load(month_start_day=1))
    return _compliance(s, engine=engine, clock=clock, staff=staff, outbox=outbox,
                       tickets=tickets, reports=reports)


@pytest.fixture
def desk(engine, clock, staff, outbox, tmp_path) -> Compliance:
    return build(engine, clock, staff, outbox, tmp_path)


def add_ticket(engine, number: str, *, handler_id: int | None, received: datetime) -> Ticket:
    t = Ticket(platform_no=number, received_at=received, request_type="投诉",
               category_l1="医疗服务", unit="朝阳医院", content="测试内容", status="已派发",
               handler_id=handler_id, created_at=received, updated_at=received)
    with session_scope(engine) as s:
        s.add(t)
    return t


def hire(desk: Compliance, tid: int, hired: date, **fields: Any) -> None:
    values: dict[str, Any] = {"hire_date": hired, "education": "本科", "medical": True,
                              "onboarding_date": hired, "exam_passed": True}
    values.update(fields)
    desk.register.update(actor_id=ADMIN, telegram_id=tid, changes=values)


def workbook(rows: list[list[object]]) -> bytes:
    """An XLSX file whose first sheet holds ``rows`` (a header row first)."""
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
