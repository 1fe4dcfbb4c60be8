"""Roster fixtures: a staff directory with a small team, the packaged shifts, the calendar,
and the roster wired to an outbox and a duty group."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.calendar.work import WorkCalendar
from bot.services.outbox.store import Outbox
from bot.services.outbox.wakeup import Wakeup
from bot.services.roster.service import RosterService, build_roster
from bot.services.roster.shifts import ShiftConfig
from bot.services.staff.directory import StaffDirectory
from models.staff import Role

ADMIN, ZHANG, LI, WANG, ZHAO, LEADER = 1, 2001, 2002, 2003, 4001, 3001
GROUP = -100
TEAM = [(ZHANG, Role.staff, "张值班"), (LI, Role.staff, "李值班"), (WANG, Role.staff, "王值班"),
        (ZHAO, Role.manager, "赵经理"), (LEADER, Role.leader, "王主任")]


@pytest.fixture
def staff(engine, clock) -> StaffDirectory:
    d = StaffDirectory(engine, clock)
    d.ensure_admins((ADMIN,))
    for tid, role, name in TEAM:
        d.add(actor_id=ADMIN, telegram_id=tid, role=role, name=name)
    return d


@pytest.fixture
def calendar() -> WorkCalendar:
    return WorkCalendar()


@pytest.fixture
def config() -> ShiftConfig:
    return ShiftConfig.load(tz=SHANGHAI)


@pytest.fixture
def outbox(engine, clock) -> Outbox:
    return Outbox(engine, clock, Wakeup())


@pytest.fixture
def roster(engine, clock, staff, calendar, config, outbox) -> RosterService:
    return build_roster(engine=engine, clock=clock, staff=staff, calendar=calendar,
                        config=config, outbox=outbox, duty_group_id=GROUP)
