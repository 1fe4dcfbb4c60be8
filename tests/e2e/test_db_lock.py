"""The event loop never waits on the database (issue 13: "one fault stalls nobody").

Another program holds the database's write lock (as a ``python -m bot kb import`` does) until
the test lets go. While it is held, a staff member's ticket log waits for the lock — in a
worker thread — and meanwhile another chat's /help and /kb are answered. Once the lock is
released, the urgent alert whose retry fell due meanwhile reaches the leader (the courier
claims a row in the database before sending it) and the ticket log completes, each exactly
once. The test asserts the order of events, never how long they took.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from bot.texts.tickets import NEW_CREATED
from models.db import session_scope
from models.ticket import Ticket
from tests.e2e.dblock import write_lock_held
from tests.e2e.harness import HANG, LEADER, STAFF, STAFF2, Harness
from tests.e2e.test_alerts import NO as URGENT_NO
from tests.e2e.test_alerts import PASTE as URGENT_PASTE

NO = "2026112500456"
PASTE = f"""/new
工单编号：{NO}
来电人：李四
联系电话：13900139000
诉求类型：咨询
问题分类：医疗服务/服务态度
承办单位：朝阳医院
紧急程度：一般
诉求内容：咨询门诊预约方式。"""


def _leader_alerts(h: Harness) -> list[dict]:
    return [m for m in h.messages_since(0, LEADER)
            if URGENT_NO in (m.get("text") or "") and "案件提醒" in (m.get("text") or "")]


def _tickets_numbered(h: Harness, no: str) -> int:
    with session_scope(h.svc.engine) as s:
        return s.exec(select(func.count()).select_from(Ticket)
                      .where(Ticket.platform_no == no)).one()


async def _queue_urgent_alert_for_later(h: Harness) -> None:
    """Log an urgent ticket; the leader's copy of its alert fails once (a Bot API 500), so it
    waits in the outbox for its retry: an urgent alert already queued."""
    h.emu.fail("sendMessage", status=500, chat_id=LEADER)
    await h.say(STAFF, URGENT_PASTE)
    assert _leader_alerts(h) == []


async def test_a_held_write_lock_stalls_only_the_write_that_waits_for_it(team: Harness):
    h = team
    await _queue_urgent_alert_for_later(h)
    with write_lock_held(h.svc.engine):
        # a ticket log: its write waits for the lock (in a worker thread, not on the loop)
        mark = h.emu.mark()
        h.emu.send_message(user_id=STAFF, text=PASTE)
        logging_update = h.emu.last_update_id
        # another chat: /help and /kb are answered while the lock is held
        h.emu.send_message(user_id=STAFF2, text="/help")
        await h.emu.wait_for_message(STAFF2, contains="/kb", after=mark,
                                     timeout=HANG)
        kb_mark = h.emu.mark()
        h.emu.send_message(user_id=STAFF2, text="/kb 门诊预约")
        await h.emu.wait_for_message(STAFF2, contains="门诊预约", after=kb_mark,
                                     timeout=HANG)  # the first search loads the model
        # the queued alert's retry falls due meanwhile (the courier claims a row in the
        # database before sending it, so it goes out once the lock is released)
        h.clock.advance(timedelta(minutes=1))
        h.courier.kick()
        # …and all that happened while the ticket log was still waiting for the lock
        assert not h.tracker.is_done(logging_update)
        assert not any(NEW_CREATED in (m.get("text") or "")
                       for m in h.messages_since(mark, STAFF))
    # released: the alert goes out and the ticket log completes, each once
    await h.emu.wait_for_message(LEADER, contains=URGENT_NO, after=mark, timeout=HANG)
    await h.settle(logging_update)
    created = [m for m in h.messages_since(mark, STAFF) if NEW_CREATED in (m.get("text") or "")]
    assert len(created) == 1 and NO in created[0]["text"]
    assert _tickets_numbered(h, NO) == 1
    assert len(_leader_alerts(h)) == 1
    await h.run_due()  # nothing left to resend
    assert len(_leader_alerts(h)) == 1
