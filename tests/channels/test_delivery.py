"""Channel delivery on a real database, without Telegram: what a level queues (keys, one-time
links, crash-safe repeats), the channel courier's lanes against the stand-ins (rate limits,
back-off, cancelled rows, claims), a channel that keeps failing reported to the managers once
per run of failures, and the contacts it all reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.app import build_services
from bot.channels.config import ChannelsConfig, load_channels
from bot.channels.courier import ChannelCourier
from bot.channels.ledger import ChannelLedger
from bot.channels.notes import ChannelTest
from bot.channels.senders import Senders
from bot.clock import MovableClock
from bot.config import Settings
from bot.context import Services
from bot.services.alerts.common import CHANNEL, NOTICE
from bot.services.alerts.notes import AlertChannelSent, ChannelDown
from bot.services.outbox.lanes import ChannelRows
from bot.services.outbox.notes import load_note
from bot.services.outbox.wakeup import Wakeup
from bot.services.staff.contacts import ContactError, parse_changes, parse_phone
from bot.services.tickets.fields import ParsedTicket
from bot.texts.audience import Audience
from bot.texts.render import render
from models.alert import AlertLink
from models.audit import AuditLog
from models.channel import ChannelState
from models.db import session_scope
from models.outbox import OutboxMessage
from models.staff import Role
from tests.channels.conftest import write_channels
from tests.channels.standins import StandIns

LEADER, LEADER2, MANAGER, STAFF = 3001, 3002, 4001, 2001
POLICY = """levels:
  - recipients: [all_leaders]
  - recipients: [{wecom: leaders}, sms, email]
"""


@pytest.fixture
def svc(engine: Engine, clock: MovableClock, tmp_path: Path, stand: StandIns) -> Services:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    channels = write_channels(tmp_path, stand, 2525)
    settings = Settings(_env_file=None, telegram_bot_token="1:x",  # type: ignore[call-arg]
                        database_url=engine.url.render_as_string(hide_password=False),
                        holidays_file=tmp_path / "h.yaml", escalation_policy_file=policy,
                        channels_file=channels)
    s = build_services(settings, engine=engine, clock=clock)
    for tid, role, name in [(LEADER, Role.leader, "王主任"), (LEADER2, Role.leader, "李主任"),
                            (MANAGER, Role.manager, "赵经理"), (STAFF, Role.staff, "张值班")]:
        s.staff.add(actor_id=1, telegram_id=tid, role=role, name=name)
    s.contacts.set(actor_id=1, telegram_id=LEADER,
                   changes=parse_changes(["phone", "+86 139-0000-0001", "email", "w@x.org"]))
    s.contacts.set(actor_id=1, telegram_id=LEADER2, changes={"phone": "13900000002"})
    return s


def raise_alert(svc: Services, no: str = "A1") -> int:
    data = ParsedTicket(platform_no=no, citizen_name="张三丰", phone="13800138000",
                        request_type="投诉", category_l1="医疗服务", category_l2="服务态度",
                        unit="首都医科大学附属北京朝阳医院", urgency="紧急",
                        content="张三丰反映急诊无人接诊")
    t = svc.tickets.create(data=data, actor_id=STAFF).ticket
    a = svc.alerts.open_alert(t.id)  # type: ignore[arg-type]
    assert a is not None and a.id is not None
    return a.id


def rows(svc: Services, **where: Any) -> list[OutboxMessage]:
    with session_scope(svc.engine) as s:
        q = select(OutboxMessage).where(OutboxMessage.channel != "")
        for k, v in where.items():
            q = q.where(getattr(OutboxMessage, k) == v)
        return list(s.exec(q.order_by(col(OutboxMessage.id))).all())


def links(svc: Services) -> list[AlertLink]:
    with session_scope(svc.engine) as s:
        return list(s.exec(select(AlertLink)).all())


def test_a_level_queues_its_channel_messages_once(svc: Services, clock: MovableClock) -> None:
    alert_id = raise_alert(svc)
    assert rows(svc) == []  # level 1 is Telegram only
    clock.advance(timedelta(minutes=10))
    svc.alerts.scan(clock.now())
    got = {(r.channel, r.destination, r.dedup_key.rsplit(":", 1)[-1]) for r in rows(svc)}
    assert got == {("wecom:leaders", "", "leaders"),
                   ("sms", "13900000001", "p1"), ("sms", "13900000001", "p2"),
                   ("sms", "13900000002", "p1"), ("sms", "13900000002", "p2"),
                   ("email", "w@x.org", str(LEADER))}
    assert all(r.kind == CHANNEL and r.chat_id == 0 and r.ref == f"alert:{alert_id}"
               for r in rows(svc))
    robot = load_note(rows(svc, channel="wecom:leaders")[0].note_kind,
                      rows(svc, channel="wecom:leaders")[0].payload or "")
    assert isinstance(robot, AlertChannelSent)
    assert sorted(robot.mentions) == ["13900000001", "13900000002"]
    # one token per message that can carry a link: the robot, each SMS's link part, e-mail
    minted = links(svc)
    assert len(minted) == 4 and len({x.token for x in minted}) == 4
    assert {x.telegram_id for x in minted} == {None, LEADER, LEADER2}
    # the step repeated (a crash before it was recorded): no new row, no stray token
    a, t = _alert_and_ticket(svc, alert_id)
    svc.alerts.escalator.deliver(a, t, 1, 0, clock.now())
    assert len(rows(svc)) == 6 and len(links(svc)) == 4


def _alert_and_ticket(svc: Services, alert_id: int) -> tuple[Any, Any]:
    from models.alert import Alert
    from models.ticket import Ticket

    with session_scope(svc.engine) as s:
        a = s.get(Alert, alert_id)
        assert a is not None
        return a, s.get(Ticket, a.ticket_id)


def test_an_ack_cancels_the_pending_channel_rows(svc: Services, clock: MovableClock) -> None:
    alert_id = raise_alert(svc)
    clock.advance(timedelta(minutes=10))
    svc.alerts.scan(clock.now())
    svc.alerts.ack(alert_id=alert_id, actor_id=LEADER)
    assert {r.status for r in rows(svc)} == {"cancelled"}
    telegram = _telegram_rows(svc)
    assert telegram and all(r.status != "cancelled" for r in telegram if r.method == "edit")


def _telegram_rows(svc: Services) -> list[OutboxMessage]:
    with session_scope(svc.engine) as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.channel == "")).all())


# ------------------------------------------------------------------------- the courier
class Told:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kw: Any) -> None:
        self.calls.append(kw)


@pytest.fixture
def courier(engine: Engine, clock: MovableClock, tmp_path: Path,
            stand: StandIns) -> Iterator[tuple[ChannelCourier, Told, ChannelsConfig]]:
    config = load_channels(write_channels(tmp_path, stand))
    told = Told()
    c = ChannelCourier(rows=ChannelRows(engine, clock), senders=Senders(config),
                       ledger=ChannelLedger(engine, clock), clock=clock, wakeup=Wakeup(),
                       config=config, on_down=[told], username=lambda: "hotline_duty_bot",
                       idle_seconds=0.2)
    yield c, told, config


def queue_tests(svc_or_outbox: Any, clock: MovableClock, n: int, channel: str = "wecom:leaders",
                start: int = 0, ref: str = "") -> None:
    for i in range(start, start + n):
        svc_or_outbox.enqueue(key=f"t:{channel}:{i}", kind="test", channel=channel, ref=ref,
                              note=ChannelTest(medium=channel.partition(":")[0],
                                               channel=channel, at=clock.now()))


def _outbox(engine: Engine, clock: MovableClock) -> Any:
    from bot.services.outbox.store import Outbox

    return Outbox(engine, clock, Wakeup(), Wakeup())


async def test_wecom_takes_20_a_minute_the_rest_wait_in_the_outbox(
        engine: Engine, clock: MovableClock, courier: Any, stand: StandIns) -> None:
    c, _, _ = courier
    queue_tests(_outbox(engine, clock), clock, 25)
    assert await c.drain("wecom:leaders") == 25
    assert len(stand.of("wecom")) == 20
    waiting = [r for r in _all(engine) if r.status == "pending"]
    assert len(waiting) == 5 and all(r.attempts == 0 for r in waiting)
    assert all(r.next_attempt_at == clock.now() + timedelta(minutes=1) for r in waiting)
    assert await c.drain("wecom:leaders") == 0  # not yet
    clock.advance(timedelta(minutes=1))
    await c.drain("wecom:leaders")
    await c.senders.close()
    assert len(stand.of("wecom")) == 25 and {r.status for r in _all(engine)} == {"sent"}


def _all(engine: Engine) -> list[OutboxMessage]:
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


async def test_failures_back_off_and_a_failing_run_is_reported_once(
        engine: Engine, clock: MovableClock, courier: Any, stand: StandIns) -> None:
    c, told, _ = courier
    stand.fail["feishu"] = 502
    queue_tests(_outbox(engine, clock), clock, 2, "feishu:leaders", ref="alert:9")
    await c.drain("feishu:leaders")  # two failures
    assert told.calls == []
    r = _all(engine)[0]
    assert r.status == "pending" and r.attempts == 1 and r.last_error == "HTTP 502"
    assert r.next_attempt_at == clock.now() + timedelta(seconds=2)
    for _ in range(3):  # more failures: reported once, at the third in a row
        clock.advance(timedelta(minutes=5))
        await c.drain("feishu:leaders")
    assert len(told.calls) == 1
    assert told.calls[0]["channel"] == "feishu:leaders" and told.calls[0]["failures"] == 3
    assert told.calls[0]["ref"] == "alert:9" and told.calls[0]["detail"] == "HTTP 502"
    stand.fail.clear()  # back: the run ends ...
    clock.advance(timedelta(minutes=5))
    await c.drain("feishu:leaders")
    assert {r.status for r in _all(engine)} == {"sent"} and len(stand.of("feishu")) == 2
    stand.fail["feishu"] = 500  # ... and a new run is reported again
    queue_tests(_outbox(engine, clock), clock, 3, "feishu:leaders", start=10)
    for _ in range(3):
        await c.drain("feishu:leaders")
        clock.advance(timedelta(minutes=5))
    await c.senders.close()
    assert len(told.calls) == 2


async def test_a_refusal_is_not_retried_and_reported_at_once(
        engine: Engine, clock: MovableClock, courier: Any, stand: StandIns) -> None:
    c, told, _ = courier
    stand.dingtalk_secret = "SECsomethingelse"  # the robot's secret was changed at DingTalk
    queue_tests(_outbox(engine, clock), clock, 1, "dingtalk:leaders")
    await c.drain("dingtalk:leaders")
    await c.senders.close()
    r = _all(engine)[0]
    assert r.status == "failed" and "errcode" in r.last_error and len(told.calls) == 1
    with session_scope(engine) as s:
        state = s.get(ChannelState, "dingtalk:leaders")
        assert state is not None and not state.last_ok and state.streak == 1
        assert "dtoken" not in state.last_detail and "SEC" not in state.last_detail


async def test_cancelled_and_claimed_rows_are_not_sent(
        engine: Engine, clock: MovableClock, courier: Any, stand: StandIns) -> None:
    c, _, _ = courier
    outbox = _outbox(engine, clock)
    queue_tests(outbox, clock, 3, ref="alert:5")
    outbox.cancel(ref="alert:5", kind="test")
    assert await c.drain("wecom:leaders") == 0
    queue_tests(outbox, clock, 1, start=7)
    lanes = ChannelRows(engine, clock)
    row = lanes.due("wecom:leaders")[0]
    assert lanes.claim(row.id) and not lanes.claim(row.id)  # in someone's hands
    assert await c.drain("wecom:leaders") == 0
    assert lanes.release_claims() == 1  # a new process takes it up again
    assert await c.drain("wecom:leaders") == 1
    await c.senders.close()
    assert len(stand.of("wecom")) == 1


async def test_the_telegram_courier_never_sees_channel_rows(engine: Engine,
                                                           clock: MovableClock) -> None:
    outbox = _outbox(engine, clock)
    queue_tests(outbox, clock, 2)
    assert outbox.due() == [] and outbox.next_due_at() is None
    assert len(ChannelRows(engine, clock).due("wecom:leaders")) == 2


def test_the_managers_are_told_once_which_channel_fails(svc: Services,
                                                        clock: MovableClock) -> None:
    alert_id = raise_alert(svc)
    for _ in range(2):  # a repeated report of the same run queues nothing new
        svc.alerts.on_channel_down(channel="sms", detail="timeout", failures=3,
                                   since=clock.now(), ref=f"alert:{alert_id}")
    with session_scope(svc.engine) as s:
        told = list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == NOTICE)).all())
    notes = [(r.chat_id, load_note(r.note_kind, r.payload or "")) for r in told]
    down = [(chat, n) for chat, n in notes if isinstance(n, ChannelDown)]
    assert [chat for chat, _ in down] == [MANAGER]
    text = render(down[0][1], Audience.STAFF).text
    assert "sms" in text and "连续 3 次" in text and "A1" in text


# ------------------------------------------------------------------------- contacts
def test_contacts_parse_and_audit_without_values(svc: Services) -> None:
    assert parse_phone("+86 139-0000-0001") == "13900000001"
    assert parse_phone("".join(chr(ord(d) + 0xFEE0) for d in "13900000001")) == "13900000001"
    for bad in ("12345", "010-65001234", "1390000000a"):
        with pytest.raises(ContactError):
            parse_phone(bad)
    with pytest.raises(ContactError):
        parse_changes(["phone"])
    with pytest.raises(ContactError):
        parse_changes(["fax", "123"])
    with pytest.raises(ContactError):
        parse_changes(["email", "not-an-address"])
    assert svc.contacts.get(LEADER).email == "w@x.org"
    svc.contacts.set(actor_id=1, telegram_id=LEADER, changes=parse_changes(["email", "-"]))
    assert svc.contacts.get(LEADER).email == "" and svc.contacts.get(LEADER).phone
    with session_scope(svc.engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "staff.contact")).all()
    assert audit and all("139" not in (a.detail or "") and "@" not in (a.detail or "")
                         for a in audit)
    with pytest.raises(ContactError):
        svc.contacts.set(actor_id=1, telegram_id=99999, changes={"phone": "13900000009"})
