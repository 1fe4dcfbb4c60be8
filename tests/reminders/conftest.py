"""Fixtures: the real services (no Telegram) on the test database, with a movable clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import count
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.app import build_services
from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI
from bot.config import Settings
from bot.context import Services
from bot.services.reminders.service import ReminderService
from bot.services.tickets.fields import ParsedTicket
from models.staff import Role

STAFF, STAFF2, MANAGER, ADMIN = 2001, 2002, 4001, 1001
DUTY_GROUP = -1001001
_numbers = count(1)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def settings_for(engine: Engine, tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": "123:TEST",
        "database_url": engine.url.render_as_string(hide_password=False),
        "admin_ids": (ADMIN,),
        "duty_group_id": DUTY_GROUP,
        "holidays_file": tmp_path / "holidays.yaml",
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def svc(engine: Engine, clock: MovableClock, tmp_path: Path) -> Iterator[Services]:
    services = build_services(settings_for(engine, tmp_path), engine=engine, clock=clock)
    services.staff.ensure_admins((ADMIN,))
    services.staff.add(actor_id=ADMIN, telegram_id=STAFF, role=Role.staff, name="张值班")
    services.staff.add(actor_id=ADMIN, telegram_id=STAFF2, role=Role.staff, name="李值班")
    services.staff.add(actor_id=ADMIN, telegram_id=MANAGER, role=Role.manager, name="赵经理")
    yield services


@pytest.fixture
def rem(svc: Services) -> ReminderService:
    assert svc.reminders is not None
    return svc.reminders


def parsed(*, received: datetime | None = None, urgency: str = "一般",
           request_type: str = "投诉", deadline: datetime | None = None,
           no: str | None = None) -> ParsedTicket:
    return ParsedTicket(
        platform_no=no or f"T{next(_numbers):08d}", received_at=received,
        citizen_name="张三丰", phone="13800138000", request_type=request_type,
        category_l1="医疗服务", category_l2="服务态度", unit="朝阳医院", urgency=urgency,
        content="测试工单内容", platform_deadline=deadline)


def new_ticket(svc: Services, *, actor: int = STAFF, **kw: object):  # type: ignore[no-untyped-def]
    return svc.tickets.create(data=parsed(**kw), actor_id=actor).ticket  # type: ignore[arg-type]
