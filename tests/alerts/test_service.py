"""The alert service on a real database: raising, escalation steps (waits, repeats, time
windows), crash safety, 收到, the ack-timeout reminder, closing, policy exhaustion, failed
deliveries and the summary numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.app import build_services
from bot.clock import MovableClock
from bot.config import Settings
from bot.context import Services
from bot.services.alerts.common import NOTICE, SEND
from bot.services.alerts.policy import EscalationPolicy
from bot.services.alerts.queries import alerts_between
from bot.services.alerts.service import AlertService
from bot.services.alerts.urgent import UrgentDesk
from bot.services.outbox.notes import load_note
from bot.services.outbox.store import URGENT, Buttons, Outgoing
from bot.services.tickets.actions import ActionInput
from bot.services.tickets.fields import ParsedTicket
from bot.services.tickets.workflow import Action
from bot.texts.audience import Audience
from bot.texts.render import render
from models.alert import Alert, AlertStatus
from models.db import session_scope
from models.outbox import OutboxMessage
from models.staff import Role
from models.ticket import Ticket, TicketEvent

LEADER, LEADER2, MANAGER, STAFF, STAFF2 = 3001, 3002, 4001, 2001, 2002
DUTY_GROUP = -100100


@pytest.fixture
def svc(engine: Engine, clock: MovableClock, tmp_path: Path) -> Services:
    settings = Settings(_env_file=None, telegram_bot_token="1:x",  # type: ignore[call-arg]
                        database_url=engine.url.render_as_string(hide_password=False),
                        holidays_file=tmp_path / "h.yaml", duty_group_id=DUTY_GROUP)
    s = build_services(settings, engine=engine, clock=clock)
    for tid, role, name in [(LEADER, Role.leader, "王主任"), (LEADER2, Role.leader, "李主任"),
                            (MANAGER, Role.manager, "赵经理"), (STAFF, Role.staff, "张值班"),
                            (STAFF2, Role.staff, "李值班")]:
        s.staff.add(actor_id=1, telegram_id=tid, role=role, name=name)
    return s


def alerts(svc: Services) -> AlertService:
    return svc.alerts


def desk(svc: Services) -> UrgentDesk:
    return UrgentDesk(tickets=svc.tickets, alerts=alerts(svc))


def log_ticket(svc: Services, urgency: str = "紧急", no: str = "A1") -> int:
    data = ParsedTicket(platform_no=no, citizen_name="张三丰", phone="13800138000",
                        request_type="投诉", category_l1="医疗服务", category_l2="服务态度",
                        unit="首都医科大学附属北京朝阳医院", urgency=urgency,
                        content="张三丰反映急诊无人接诊")
    created = svc.tickets.create(data=data, actor_id=STAFF)
    assert created.ticket.id is not None
    return created.ticket.id


@dataclass
class Shown:
    """An outbox row with its note rendered as the courier would for that chat."""

    row: OutboxMessage
    text: str
    buttons: Buttons | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


def show(svc: Services, row: OutboxMessage) -> Shown:
    if not row.payload:  # written before notes existed: shown as stored
        return Shown(row, row.text, None)
    if row.chat_id < 0:
        audience = Audience.GROUP
    else:
        member = svc.staff.get(row.chat_id)
        audience = Audience.LEADER if member and member.role == Role.leader else Audience.STAFF
    out = render(load_note(row.note_kind, row.payload), audience)
    return Shown(row, out.text, out.buttons)


def rows_of(svc: Services, kind: str | None = None) -> list[Shown]:
    with session_scope(svc.engine) as s:
        q = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            q = q.where(OutboxMessage.kind == kind)
        return [show(svc, r) for r in s.exec(q).all()]


def sends(svc: Services) -> list[Shown]:
    return rows_of(svc, SEND)


def notices(svc: Services) -> list[Shown]:
    return rows_of(svc, NOTICE)


def use_policy(svc: Services, tmp_path: Path, body: str) -> None:
    f = tmp_path / "policy.yaml"
    f.write_text(body, encoding="utf-8")
    alerts(svc).policy = EscalationPolicy.load(f)


def run_for(svc: Services, clock: MovableClock, minutes: int) -> None:
    for _ in range(minutes):
        clock.advance(timedelta(minutes=1))
        alerts(svc).scan(clock.now())


def the_alert(svc: Services) -> Alert:
    with session_scope(svc.engine) as s:
        rows = s.exec(select(Alert)).all()
    assert len(rows) == 1
    return rows[0]


def test_logging_urgent_raises_and_sends_first_level_at_once(svc: Services):
    log_ticket(svc)
    rows = sends(svc)
    chats = [r.chat_id for r in rows]
    assert set(chats) == {LEADER, LEADER2, DUTY_GROUP}  # no sections set: all leaders
    assert chats[-1] == DUTY_GROUP  # people first
    assert all(r.priority == URGENT and r.ref.startswith("alert:") for r in rows)
    assert all(r.payload and not r.row.text for r in rows)  # notes, rendered at send time
    group = next(r for r in rows if r.chat_id == DUTY_GROUP)
    assert "张三丰" not in group.text and "13800138000" not in group.text
    private = next(r for r in rows if r.chat_id == LEADER)
    assert "13800138000" not in private.text
    a = the_alert(svc)
    assert a.level == 0 and a.next_escalation_at == svc.clock.now() + timedelta(minutes=10)


def test_ordinary_ticket_raises_nothing(svc: Services):
    log_ticket(svc, "一般")
    assert sends(svc) == []


def test_every_leader_at_once_even_with_sections(svc: Services):
    alerts(svc).set_section(actor_id=1, telegram_id=LEADER, text="医政医管科")
    log_ticket(svc)
    rows = sends(svc)
    assert {r.chat_id for r in rows} == {LEADER, LEADER2, DUTY_GROUP}
    assert all(r.buttons for r in rows if r.chat_id != DUTY_GROUP)
    assert next(r for r in rows if r.chat_id == DUTY_GROUP).buttons is None  # a notice


def test_section_leaders_recipient_in_a_custom_policy(svc: Services, tmp_path: Path):
    use_policy(svc, tmp_path, "levels:\n  - recipients: [section_leaders, duty_group]\n"
                              "  - recipients: [all_leaders]\n")
    alerts(svc).set_section(actor_id=1, telegram_id=LEADER, text="医政医管科")
    log_ticket(svc)
    assert {r.chat_id for r in sends(svc)} == {LEADER, DUTY_GROUP}


def test_stability_case_tells_main_leaders_at_once(svc: Services):
    alerts(svc).set_section(actor_id=1, telegram_id=LEADER, text="医政医管科")
    log_ticket(svc, "涉稳")  # LEADER2 has no section: a main leader
    assert {r.chat_id for r in sends(svc)} == {LEADER, LEADER2, DUTY_GROUP}


def test_scan_escalates_once_per_due_step(svc: Services, clock: MovableClock):
    log_ticket(svc)
    service = alerts(svc)
    assert service.scan(clock.now()) == 0  # not due yet
    clock.advance(timedelta(minutes=10))
    assert service.scan(clock.now()) == 1
    assert service.scan(clock.now()) == 0  # same tick again: nothing new
    a = the_alert(svc)
    assert a.level == 1
    assert [r for r in sends(svc) if ":L1:" in r.dedup_key]


def test_crash_between_delivery_and_step_sends_nothing_twice(svc: Services,
                                                             clock: MovableClock):
    log_ticket(svc)
    service = alerts(svc)
    clock.advance(timedelta(minutes=10))
    a = the_alert(svc)
    with session_scope(svc.engine) as s:
        ticket = s.get(Ticket, a.ticket_id)
    assert ticket is not None
    service.escalator.deliver(a, ticket, 1, 0, clock.now())  # delivered, then "crash"
    before = len(sends(svc))
    assert service.scan(clock.now()) == 1  # after restart the step runs again …
    assert len(sends(svc)) == before  # … and the keys make it a no-op
    assert the_alert(svc).level == 1


def test_ack_stops_escalation_edits_sent_and_cancels_pending(svc: Services,
                                                             clock: MovableClock):
    log_ticket(svc)
    rows = sends(svc)
    svc.outbox.mark_sent(rows[0].id, 77)  # type: ignore[arg-type]
    result = alerts(svc).ack(alert_id=the_alert(svc).id, actor_id=LEADER)  # type: ignore[arg-type]
    assert result.acknowledged
    all_rows = rows_of(svc)
    edits = [r for r in all_rows if r.method == "edit"]
    assert {e.edit_of for e in edits} == {r.id for r in rows}  # sent and still-pending copies
    assert all("王主任 已于" in e.text and e.buttons is None for e in edits)
    assert {r.status for r in all_rows if r.kind == SEND and r.method == "send"
            and r.id != rows[0].id} == {"cancelled"}
    told = [n for n in notices(svc) if n.chat_id == STAFF]  # the raiser is told
    assert len(told) == 1 and "王主任" in told[0].text and "A1" in told[0].text
    with session_scope(svc.engine) as s:  # the ticket history records it
        history = s.exec(select(TicketEvent).where(TicketEvent.action == "领导收到")).all()
    assert len(history) == 1 and history[0].actor_id == LEADER
    again = alerts(svc).ack(alert_id=the_alert(svc).id, actor_id=LEADER2)  # type: ignore[arg-type]
    assert not again.acknowledged and the_alert(svc).acked_by == LEADER
    with session_scope(svc.engine) as s:
        assert len(s.exec(select(TicketEvent).where(TicketEvent.action == "领导收到")).all()) == 1
    before = len(sends(svc))
    run_for(svc, clock, 120)
    assert len(sends(svc)) == before  # no escalation after 收到


def test_ack_timeout_reminds_acknowledger_and_duty_officer_once(svc: Services,
                                                                clock: MovableClock):
    tid = log_ticket(svc)  # logged (and handled) by STAFF
    svc.tickets.apply(ticket_id=tid, action=Action.sign, actor_id=STAFF2)
    alerts(svc).ack(alert_id=the_alert(svc).id, actor_id=LEADER)  # type: ignore[arg-type]
    run_for(svc, clock, 59)
    assert [n for n in notices(svc) if "仍未派发" in n.text] == []
    run_for(svc, clock, 1)  # ALERT_ACK_TIMEOUT_MINUTES (60) after 收到, still only signed
    reminded = [n for n in notices(svc) if "仍未派发" in n.text]
    # no roster: the duty officer falls back to the ticket's handler
    assert sorted(n.chat_id for n in reminded) == sorted([LEADER, STAFF])
    assert all(n.priority == URGENT for n in reminded)
    run_for(svc, clock, 120)
    assert len([n for n in notices(svc) if "仍未派发" in n.text]) == 2  # once
    assert the_alert(svc).status == AlertStatus.acked.value


def test_ack_timeout_not_sent_when_dispatched(svc: Services, clock: MovableClock):
    tid = log_ticket(svc)
    alerts(svc).ack(alert_id=the_alert(svc).id, actor_id=LEADER)  # type: ignore[arg-type]
    svc.tickets.apply(ticket_id=tid, action=Action.sign, actor_id=STAFF)
    svc.tickets.apply(ticket_id=tid, action=Action.dispatch, actor_id=STAFF,
                      data=ActionInput(units=["首都医科大学附属北京朝阳医院"]))
    run_for(svc, clock, 90)
    assert [n for n in notices(svc) if "仍未派发" in n.text] == []
    assert the_alert(svc).status == AlertStatus.closed.value


@dataclass
class _OnDuty:
    telegram_id: int


class _FakeRoster:
    def __init__(self, ids: list[int]) -> None:
        self.ids, self.asked = ids, []  # type: list[int], list[datetime]

    def on_duty(self, at: datetime) -> list[_OnDuty]:
        self.asked.append(at)
        return [_OnDuty(i) for i in self.ids]


def test_duty_officer_comes_from_the_roster(svc: Services, clock: MovableClock):
    service = alerts(svc).recipients
    roster = _FakeRoster([STAFF2])
    service.roster = roster
    tid = log_ticket(svc)
    t = svc.tickets.get_by_id(tid)
    assert t is not None
    assert service.duty_officer_ids(t, clock.now()) == [STAFF2] and roster.asked
    roster.ids = []  # nobody on the roster now: the ticket's handler
    assert service.duty_officer_ids(t, clock.now()) == ([t.handler_id] if t.handler_id else [])
    service.roster = None
    assert service.duty_officer_ids(t, clock.now()) == ([t.handler_id] if t.handler_id else [])


def test_dispatch_closes_the_alert(svc: Services, clock: MovableClock):
    tid = log_ticket(svc)
    svc.tickets.apply(ticket_id=tid, action=Action.sign, actor_id=STAFF)
    alerts(svc).scan(clock.now())
    assert the_alert(svc).status == AlertStatus.open.value  # signing is not enough
    svc.tickets.apply(ticket_id=tid, action=Action.dispatch, actor_id=STAFF,
                      data=ActionInput(units=["首都医科大学附属北京朝阳医院"]))
    alerts(svc).scan(clock.now())
    a = the_alert(svc)
    assert a.status == AlertStatus.closed.value and a.close_reason == "已派发"
    assert a.next_escalation_at is None


def test_policy_exhausted_tells_managers(svc: Services, clock: MovableClock):
    log_ticket(svc)
    run_for(svc, clock, 49)
    assert the_alert(svc).status == AlertStatus.open.value and notices(svc) == []
    # packaged policy: L1 at 0', L2 at 10', L3 at 20' and its 2 repeats at 30', 40'
    keys = [r.dedup_key for r in sends(svc) if r.chat_id == MANAGER]
    assert [k.split(":")[2:4] for k in keys] == [["L2", "r0"], ["L2", "r1"], ["L2", "r2"]]
    run_for(svc, clock, 1)  # 50': the last repeat's wait is over
    a = the_alert(svc)
    assert a.status == AlertStatus.expired.value and a.next_escalation_at is None
    assert [n.chat_id for n in notices(svc)] == [MANAGER]
    assert "无人确认" in notices(svc)[0].text
    run_for(svc, clock, 60)
    assert len(notices(svc)) == 1
    assert len([r for r in sends(svc) if r.chat_id == MANAGER]) == 3


def test_repeats_and_windowed_level(svc: Services, clock: MovableClock, tmp_path: Path):
    use_policy(svc, tmp_path, """levels:
  - recipients: [all_leaders]
    wait_minutes: 5
    repeat: 1
  - name: 夜间值班
    recipients: [duty_group]
    window: "20:00-08:00"
  - recipients: [managers]
    wait_minutes: 3
""")
    log_ticket(svc)  # 10:00: the night level does not apply
    run_for(svc, clock, 5)
    assert [r.dedup_key.split(":")[2:4] for r in sends(svc) if r.chat_id == LEADER] \
        == [["L0", "r0"], ["L0", "r1"]]
    run_for(svc, clock, 5)  # 10': the night level is skipped, straight to the managers
    assert [r.chat_id for r in sends(svc) if ":L1:" in r.dedup_key] == []
    assert [r.chat_id for r in sends(svc) if ":L2:" in r.dedup_key] == [MANAGER]
    run_for(svc, clock, 3)
    assert the_alert(svc).status == AlertStatus.expired.value


def test_windowed_level_applies_inside_its_window(svc: Services, clock: MovableClock,
                                                  tmp_path: Path):
    use_policy(svc, tmp_path, """levels:
  - recipients: [all_leaders]
    wait_minutes: 5
  - recipients: [duty_group]
    window: "20:00-08:00"
  - recipients: [managers]
""")
    clock.set(datetime(2026, 11, 25, 23, 30, tzinfo=clock.now().tzinfo))
    log_ticket(svc)
    run_for(svc, clock, 5)
    assert [r.chat_id for r in sends(svc) if ":L1:" in r.dedup_key] == [DUTY_GROUP]


def test_blocked_leader_recorded_and_managers_told(svc: Services):
    log_ticket(svc)
    row = next(r for r in sends(svc) if r.chat_id == LEADER)
    out = Outgoing(row.id, row.chat_id, "send", row.text, None, 0, 1, None,  # type: ignore[arg-type]
                   row.kind, row.ref)
    alerts(svc).on_delivery_failed(out, "blocked")
    alerts(svc).on_delivery_failed(out, "blocked")  # reported twice: told once
    assert the_alert(svc).undeliverable == str(LEADER)
    told = notices(svc)
    assert len(told) == 1 and told[0].chat_id == MANAGER and "王主任" in told[0].text


def test_alerts_between_counts_and_ack_times(svc: Services, clock: MovableClock):
    start = clock.now()
    log_ticket(svc, no="A1")
    log_ticket(svc, "涉稳", no="A2")
    clock.advance(timedelta(minutes=3))
    with session_scope(svc.engine) as s:
        first = s.exec(select(Alert).order_by(Alert.id)).first()
    assert first is not None and first.id is not None
    alerts(svc).ack(alert_id=first.id, actor_id=LEADER)
    stats = alerts_between(engine=svc.engine, start=start, end=clock.now())
    assert stats.raised == 2 and stats.by_urgency == {"紧急": 1, "涉稳": 1}
    assert stats.acknowledged == 1 and stats.unacknowledged == 1
    assert stats.ack_seconds == [180.0] and stats.median_ack_seconds == 180.0
    assert alerts(svc).alerts_between(start - timedelta(days=1), start).raised == 0
    mine = alerts(svc).acked_by_member(LEADER)
    assert [no for _, no in mine] == ["A1"]


def test_urgent_remarks_ordinary_ticket_and_realerts_acknowledged_one(svc: Services):
    log_ticket(svc, "一般")
    service = alerts(svc)
    first = desk(svc).urgent(platform_no="A1", actor_id=STAFF, note="家属情绪激动")
    assert first.new and first.ticket.urgency == "紧急" and first.alert.note == "家属情绪激动"
    assert {r.chat_id for r in first.recipients} == {LEADER, LEADER2, DUTY_GROUP}
    assert all("家属情绪激动" in r.text for r in sends(svc))
    assert not desk(svc).urgent(platform_no="A1", actor_id=STAFF).new  # still unacknowledged
    service.ack(alert_id=first.alert.id, actor_id=LEADER)  # type: ignore[arg-type]
    again = desk(svc).urgent(platform_no="A1", actor_id=STAFF)
    assert again.new and again.alert.id != first.alert.id


def test_copy_written_before_notes_is_edited_with_its_own_text(svc: Services):
    log_ticket(svc)
    a = the_alert(svc)
    assert a.id is not None
    # a copy stored by the previous version: text only, no note (enqueue writes notes only)
    with session_scope(svc.engine) as s:
        old = OutboxMessage(dedup_key=f"alert:{a.id}:L0:r0:old", kind=SEND,
                            ref=f"alert:{a.id}", chat_id=LEADER2, text="旧版提醒",
                            priority=URGENT, next_attempt_at=svc.clock.now(),
                            created_at=svc.clock.now())
        s.add(old)
        s.flush()
        old_id = old.id
    alerts(svc).ack(alert_id=a.id, actor_id=LEADER)
    edit = next(r for r in rows_of(svc) if r.edit_of == old_id)
    assert edit.text.startswith("旧版提醒\n\n✅ 王主任 已于") and edit.buttons is None


def test_copies_whose_text_was_purged_are_not_edited(svc: Services, clock: MovableClock):
    """After OUTBOX_RETENTION_DAYS a copy's note is gone: 收到 still counts, is recorded and
    told, but that copy keeps its old look (there is nothing left to rebuild it from)."""
    log_ticket(svc)
    for r in sends(svc):
        svc.outbox.mark_sent(r.id, 70 + r.id)  # type: ignore[arg-type]
    purge = next(p for p in svc.scheduler.producers if p.name == "outbox retention")
    clock.advance(timedelta(days=svc.settings.outbox_retention_days, minutes=1))
    assert purge.run(clock.now()) == 3
    a = the_alert(svc)
    assert a.id is not None
    result = alerts(svc).ack(alert_id=a.id, actor_id=LEADER)
    assert result.acknowledged and the_alert(svc).acked_by == LEADER
    assert [r for r in rows_of(svc) if r.method == "edit"] == []
    assert [n.chat_id for n in notices(svc)] == [STAFF]  # the raiser is still told
