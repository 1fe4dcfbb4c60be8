"""Deadline table through TicketService: holidays, make-up days, New Year, unknown years,
extensions, 复杂疑难 and 咨询 answered on the spot."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import MovableClock
from bot.context import Services
from bot.services.reminders.service import ReminderService
from bot.services.tickets.actions import ActionInput
from bot.services.tickets.errors import TicketError
from bot.services.tickets.workflow import Action
from tests.reminders.conftest import STAFF, new_ticket, parsed, sh

SCHEDULE_2027 = """\
# test data only (not the official 2027 notice)
years:
  2027: {complete: true, source: "测试用通知"}
days:
  - {date: 2027-01-01, kind: holiday, name: 元旦}
  - {date: 2027-01-04, kind: holiday, name: 元旦}
  - {date: 2027-01-09, kind: workday, name: 元旦调休}
"""


def eod(y: int, m: int, d: int):  # type: ignore[no-untyped-def]
    return sh(y, m, d, 23, 59, 59)


@pytest.mark.parametrize(("received", "contact", "complete"), [
    # before National Day: 10-01…10-07 off, Sat 10-10 is a make-up working day
    (sh(2026, 9, 30, 16, 0), eod(2026, 10, 8), eod(2026, 10, 15)),
    # Friday before the make-up Saturday: the Saturday counts
    (sh(2026, 10, 9, 10, 0), eod(2026, 10, 10), eod(2026, 10, 19)),
    # received on the make-up Saturday itself: the receipt day never counts
    (sh(2026, 10, 10, 10, 0), eod(2026, 10, 12), eod(2026, 10, 20)),
])
def test_working_day_deadlines_known_years(svc: Services, received, contact, complete):  # type: ignore[no-untyped-def]
    t = new_ticket(svc, received=received)
    assert (t.contact_by, t.complete_by) == (contact, complete)
    assert t.deadlines_provisional is False and t.policy_class == "一般"
    assert t.sign_by == sh(received.year, received.month, received.day, received.hour + 2,
                           received.minute)


def test_urgent_natural_hours_ignore_the_holiday(svc: Services):
    t = new_ticket(svc, received=sh(2026, 9, 30, 23, 0), urgency="紧急")
    assert t.sign_by == sh(2026, 9, 30, 23, 30)
    assert t.complete_by == sh(2026, 10, 1, 23, 0)
    assert t.first_feedback_by == sh(2026, 10, 1, 1, 0)


def test_across_new_year_without_schedule_is_provisional(svc: Services):
    t = new_ticket(svc, received=sh(2026, 12, 31, 10, 0))
    # fallback 2027: Jan 1 (元旦) off, Jan 2–3 weekend
    assert t.contact_by == eod(2027, 1, 4) and t.complete_by == eod(2027, 1, 12)
    assert t.deadlines_provisional is True


def test_unknown_year_with_override_file(engine, clock: MovableClock, tmp_path: Path):  # type: ignore[no-untyped-def]
    from bot.app import build_services
    from tests.reminders.conftest import settings_for

    (tmp_path / "holidays.yaml").write_text(SCHEDULE_2027, encoding="utf-8")
    services = build_services(settings_for(engine, tmp_path), engine=engine, clock=clock)
    t = new_ticket(services, received=sh(2026, 12, 31, 10, 0))
    # Jan 1 and (test data) Jan 4 off; Sat Jan 9 works: 5, 6, 7, 8, 9, 11, 12
    assert t.contact_by == eod(2027, 1, 5) and t.complete_by == eod(2027, 1, 12)
    assert t.deadlines_provisional is False
    t2 = new_ticket(services, received=sh(2027, 1, 8, 10, 0))
    assert t2.contact_by == eod(2027, 1, 9)  # the make-up Saturday counts


def test_import_recounts_open_provisional_tickets(svc: Services, rem: ReminderService,
                                                  tmp_path: Path):
    from bot.services.calendar.importing import import_overrides

    t = new_ticket(svc, received=sh(2026, 12, 31, 10, 0))
    assert t.deadlines_provisional
    src = tmp_path / "official.yaml"
    src.write_text(SCHEDULE_2027, encoding="utf-8")
    import_overrides(src, tmp_path / "holidays.yaml")
    assert rem.holidays.reload_if_changed()
    t = svc.tickets.get_by_id(t.id)
    assert t.contact_by == eod(2027, 1, 5) and t.deadlines_provisional is False
    assert t.next_reminder_at is None  # re-planned on the next scan
    assert rem.holidays.uncovered_years(sh(2026, 12, 1).date()) == []


def test_platform_deadline_wins(svc: Services):
    t = new_ticket(svc, received=sh(2026, 11, 25, 9, 0), deadline=sh(2026, 11, 27, 18, 0))
    assert t.complete_by == sh(2026, 11, 27, 18, 0)
    assert t.contact_by == eod(2026, 11, 26)


def test_extension_moves_complete_by_and_is_recorded(svc: Services, clock: MovableClock):
    t = new_ticket(svc, received=sh(2026, 11, 25, 9, 0))
    svc.tickets.apply(ticket_id=t.id, action=Action.sign, actor_id=STAFF)
    new = sh(2026, 12, 30, 18, 0)
    t2 = svc.tickets.apply(ticket_id=t.id, action=Action.extend, actor_id=STAFF,
                           data=ActionInput(new_deadline=new, note="需协调多个部门"))
    assert t2.complete_by == new and t2.extension_count == 1
    assert any(e.action == "延期" and "需协调" in e.note for e in svc.tickets.events(t.id))
    with pytest.raises(TicketError):
        svc.tickets.apply(ticket_id=t.id, action=Action.extend, actor_id=STAFF,
                          data=ActionInput(new_deadline=sh(2026, 12, 1), note="更早"))


def test_complex_case_uses_its_row(svc: Services):
    t = svc.tickets.create(data=parsed(received=sh(2026, 9, 30, 16, 0)), actor_id=STAFF,
                           complex_case=True).ticket
    assert t.policy_class == "复杂疑难" and t.complex_case
    assert t.complete_by == eod(2026, 10, 27)
    plain = new_ticket(svc, received=sh(2026, 9, 30, 16, 0))
    marked = svc.tickets.set_complex(ticket_id=plain.id, actor_id=STAFF)
    assert marked.complete_by == eod(2026, 10, 27) and marked.policy_class == "复杂疑难"
    assert svc.tickets.events(plain.id)[-1].action == "复杂疑难"
    with pytest.raises(TicketError):
        svc.tickets.set_complex(ticket_id=plain.id, actor_id=STAFF)


def test_consultation_answered_on_spot_closes_at_logging(svc: Services):
    t = svc.tickets.create(data=parsed(request_type="咨询"), actor_id=STAFF,
                           answered_on_spot=True).ticket
    assert t.status == "已办结" and t.closed_at is not None
    assert (t.sign_by, t.contact_by, t.complete_by) == (None, None, None)
    assert t.policy_class == "即时办结"
    other = svc.tickets.create(data=parsed(request_type="咨询"), actor_id=STAFF).ticket
    assert other.status == "待签收" and other.complete_by is not None
