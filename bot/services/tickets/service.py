"""Tickets: logging, the workflow, history, lists and the warnings shown at logging.

Plain functions over the database and a few in-memory indexes; nothing here knows Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.calendar.work import WorkCalendar
from bot.services.tickets import workflow
from bot.services.tickets.deadlines import DeadlinePolicy
from bot.services.tickets.fields import ParsedTicket
from bot.services.tickets.search import TicketSearchIndex, search_text
from bot.services.tickets.similar import Similar, SimilarityIndex
from bot.services.tickets.workflow import OPEN_STATUSES, Action, Status
from models.db import session_scope
from models.ticket import Ticket, TicketEvent

log = logging.getLogger(__name__)

ALERT_URGENCIES = frozenset({"紧急", "涉稳", "重点"})
REPEAT_WINDOW_DAYS = 90
SIMILAR_WINDOW_DAYS = 30
FIND_WINDOW_DAYS = 730
FEEDBACK_PARTS = ("背景", "过程", "结果", "后续")
SATISFACTION = ("满意", "基本满意", "不满意")


class TicketError(ValueError):
    """A refused ticket operation; the message is Chinese and tells the user what to fix."""


@dataclass(frozen=True)
class Warnings:
    repeat_refs: list[str] = field(default_factory=list)  # 一人多反映
    similar: list[Similar] = field(default_factory=list)  # 多人反映同一问题
    same_place_refs: list[str] = field(default_factory=list)  # same address and category


@dataclass(frozen=True)
class Created:
    ticket: Ticket
    warnings: Warnings
    raises_alert: bool


# Told when a ticket is logged or re-marked 紧急/涉稳/重点: (ticket, actor id, note).
# The composition root passes the alert service's `raise_for_ticket`.
UrgentListener = Callable[[Ticket, int, str], None]


@dataclass
class ActionInput:
    """What an action carries besides the ticket: a note, units, callback results, a date."""

    note: str = ""
    units: list[str] = field(default_factory=list)
    copied_to: list[str] = field(default_factory=list)
    solved: bool | None = None
    satisfaction: str | None = None
    reached: bool = True
    recording: str = ""
    new_deadline: datetime | None = None


class TicketService:
    def __init__(self, engine: Engine, clock: Clock, policy: DeadlinePolicy,
                 calendar: WorkCalendar, *, on_urgent: Sequence[UrgentListener] = ()) -> None:
        self.engine, self.clock, self.policy, self.calendar = engine, clock, policy, calendar
        self.similar_index = SimilarityIndex()
        self.search_index = TicketSearchIndex()
        self.on_urgent = tuple(on_urgent)

    # -------------------------------------------------------------------- start-up
    def load_recent(self) -> int:
        """Fill the in-memory indexes from the database (at start)."""
        now = self.clock.now()
        since = now - timedelta(days=FIND_WINDOW_DAYS)
        similar_since = now - timedelta(days=SIMILAR_WINDOW_DAYS)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket.id, Ticket.platform_no, Ticket.received_at,
                                 Ticket.citizen_name, Ticket.phone, Ticket.unit,
                                 Ticket.dispatched_units, Ticket.address, Ticket.content)
                          .where(Ticket.received_at >= since)).all()
        self.search_index.load((r[0], r[2], search_text(*r[1:2], *r[3:])) for r in rows)
        for tid, no, at, *_rest, content in rows:
            if at >= similar_since:
                self.similar_index.add(tid, no, at, content)
        return len(rows)

    def _index(self, t: Ticket) -> None:
        assert t.id is not None
        self.search_index.put(t.id, search_text(t.platform_no, t.citizen_name, t.phone, t.unit,
                                                t.dispatched_units, t.address, t.content))

    # -------------------------------------------------------------------- logging
    def create(self, *, data: ParsedTicket, actor_id: int, complex_case: bool = False,
               answered_on_spot: bool = False) -> Created:
        """Log a ticket. ``complex_case`` (复杂疑难) and ``answered_on_spot`` (咨询当场答复)
        select the policy row; a row with ``no_deadlines`` closes the ticket at logging."""
        missing = data.missing()
        if missing:
            raise TicketError(f"工单信息不完整，缺少：{'、'.join(missing)}。")
        complex_case = complex_case or bool(data.complex_case)
        answered_on_spot = answered_on_spot or bool(data.answered_on_spot)
        if answered_on_spot and data.request_type != "咨询":
            raise TicketError("只有“咨询”类工单可以即时办结，请改为“即时办结：否”或核对诉求类型。")
        now = self.clock.now()
        received = data.received_at or now
        dl = self.policy.compute(received_at=received, urgency=data.urgency or "一般",
                                 request_type=data.request_type or "", calendar=self.calendar,
                                 complex_case=complex_case, answered_on_spot=answered_on_spot,
                                 platform_deadline=data.platform_deadline)
        closed_now = self.policy.classes[dl.policy_class].no_deadlines
        with session_scope(self.engine) as s:
            existing = self._by_no(s, data.platform_no or "")
            if existing is not None:
                raise TicketError(f"工单编号 {existing.platform_no} 已登记（{existing.status}），"
                                  f"发送 /t {existing.platform_no} 查看。")
            t = Ticket(
                platform_no=data.platform_no, received_at=received,
                citizen_name=data.citizen_name or "", phone=data.phone or "",
                address=data.address or "", request_type=data.request_type,
                category_l1=data.category_l1, category_l2=data.category_l2 or "",
                unit=data.unit, industry=data.industry or "", urgency=data.urgency or "一般",
                content=data.content or "", platform_deadline=data.platform_deadline,
                status=Status.new.value, handler_id=actor_id, created_by=actor_id,
                created_at=now, updated_at=now, sign_by=dl.sign_by, contact_by=dl.contact_by,
                first_feedback_by=dl.first_feedback_by, complete_by=dl.complete_by,
                deadlines_provisional=dl.provisional, policy_class=dl.policy_class,
                complex_case=complex_case,
            )
            if closed_now:  # e.g. 咨询 answered on the spot: 即时办结, no deadlines
                t.status, t.closed_at = Status.closed.value, now
            s.add(t)
            s.flush()
            warnings = self._warnings(s, t)
            t.repeat_count = len(warnings.repeat_refs)
            t.repeat_refs = "、".join(warnings.repeat_refs)[:512]
            t.similar_refs = "、".join(x.platform_no for x in warnings.similar)[:512]
            s.add(t)
            s.add(TicketEvent(ticket_id=t.id, at=now, actor_id=actor_id, action="登记",
                              from_status=None, to_status=t.status,
                              note="当场答复，登记即办结" if closed_now else ""))
        assert t.id is not None
        self.similar_index.add(t.id, t.platform_no, t.received_at, t.content)
        self._index(t)
        alert = t.urgency in ALERT_URGENCIES
        if alert:
            self._fire_urgent(t, actor_id, "")
        return Created(t, warnings, alert)

    def _warnings(self, s: Session, t: Ticket) -> Warnings:
        now = self.clock.now()
        repeat: list[str] = []
        if t.phone:
            since = now - timedelta(days=REPEAT_WINDOW_DAYS)
            repeat = list(s.exec(select(Ticket.platform_no).where(
                Ticket.phone == t.phone, Ticket.id != t.id, Ticket.received_at >= since,
            ).order_by(col(Ticket.received_at).desc()).limit(20)).all())
        since = now - timedelta(days=SIMILAR_WINDOW_DAYS)
        similar = self.similar_index.similar(t.content, since=since, exclude=t.id, limit=10)
        same_place: list[str] = []
        if t.address:
            same_place = list(s.exec(select(Ticket.platform_no).where(
                Ticket.address == t.address, Ticket.category_l1 == t.category_l1,
                Ticket.id != t.id, Ticket.received_at >= since,
            ).limit(10)).all())
        seen = {x.platform_no for x in similar}
        similar += [Similar(0, no, 100.0) for no in same_place if no not in seen]
        return Warnings(repeat, similar, same_place)

    def _fire_urgent(self, t: Ticket, actor_id: int, note: str) -> None:
        for listener in self.on_urgent:
            try:
                listener(t, actor_id, note)
            except Exception:  # an alert problem must never lose the ticket itself
                log.exception("urgent hook failed for ticket %s", t.id)

    # -------------------------------------------------------------------- reads
    def get(self, platform_no: str) -> Ticket | None:
        with session_scope(self.engine) as s:
            return self._by_no(s, platform_no.strip())

    def get_by_id(self, ticket_id: int) -> Ticket | None:
        with session_scope(self.engine) as s:
            return s.get(Ticket, ticket_id)

    @staticmethod
    def _by_no(s: Session, platform_no: str) -> Ticket | None:
        return s.exec(select(Ticket).where(Ticket.platform_no == platform_no)).first()

    def events(self, ticket_id: int, *, limit: int = 5) -> list[TicketEvent]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
                          .order_by(col(TicketEvent.id).desc()).limit(limit)).all()
        return list(reversed(rows))

    def mine(self, handler_id: int, *, offset: int = 0,
             limit: int = 10) -> tuple[int, list[Ticket]]:
        cond = [Ticket.handler_id == handler_id, col(Ticket.status).in_(_open())]
        return self._page(cond, offset, limit)

    def top_units(self, *, limit: int = 8, days: int = 90) -> list[str]:
        """The units most tickets went to lately (offered as buttons when logging)."""
        since = self.clock.now() - timedelta(days=days)
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket.unit, func.count()).where(Ticket.received_at >= since)
                          .group_by(Ticket.unit).order_by(func.count().desc()).limit(limit)).all()
        return [unit for unit, _ in rows]

    def open_counts(self) -> dict[str, int]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(Ticket.status, func.count()).where(
                col(Ticket.status).in_(_open())).group_by(Ticket.status)).all()
        counts = dict(rows)
        return {st.value: counts.get(st.value, 0) for st in Status if st.value in counts}

    def open_list(self, *, offset: int = 0, limit: int = 10) -> tuple[int, list[Ticket]]:
        return self._page([col(Ticket.status).in_(_open())], offset, limit)

    def overdue(self, *, offset: int = 0, limit: int = 10) -> tuple[int, list[Ticket]]:
        now = self.clock.now()
        cond = [col(Ticket.status).in_(_open()), Ticket.complete_by != None,  # noqa: E711
                col(Ticket.complete_by) < now]
        return self._page(cond, offset, limit, order=col(Ticket.complete_by).asc())

    def find(self, words: str, *, offset: int = 0, limit: int = 10) -> tuple[int, list[Ticket]]:
        """Tickets containing every word (newest first); typos fall back to fuzzy matching."""
        ids, _fuzzy = self.search_index.search(words)
        page = ids[offset:offset + limit]
        if not page:
            return len(ids), []
        with session_scope(self.engine) as s:
            rows = {t.id: t for t in s.exec(select(Ticket).where(col(Ticket.id).in_(page)))}
        return len(ids), [rows[i] for i in page if i in rows]

    def _page(self, cond: list, offset: int, limit: int,  # type: ignore[type-arg]
              order=None) -> tuple[int, list[Ticket]]:  # type: ignore[no-untyped-def]
        with session_scope(self.engine) as s:
            total = s.exec(select(func.count()).select_from(Ticket).where(*cond)).one()
            q = select(Ticket).where(*cond).order_by(
                order if order is not None else col(Ticket.received_at).desc()
            ).offset(offset).limit(limit)
            return int(total), list(s.exec(q).all())

    # -------------------------------------------------------------------- workflow
    def apply(self, *, ticket_id: int, action: Action, actor_id: int,
              data: ActionInput | None = None) -> Ticket:
        """Apply one workflow action, or raise TicketError with the reason it is refused."""
        data = data or ActionInput()
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id, with_for_update=True)
            if t is None:
                raise TicketError("工单不存在。")
            why = workflow.check(t.status, action)
            if why:
                raise TicketError(why)
            before = t.status
            note = self._apply_fields(t, action, data, now)
            t.status = workflow.target(before, action).value
            t.updated_at = now
            t.next_reminder_at = None  # reminders re-plan from the new state (next scan)
            if action in (Action.sign, Action.dispatch) and t.handler_id is None:
                t.handler_id = actor_id
            s.add(t)
            s.add(TicketEvent(ticket_id=t.id, at=now, actor_id=actor_id, action=action.value,
                              from_status=before, to_status=t.status, note=note[:2000]))
        if action is Action.dispatch:
            self._index(t)
        return t

    def _apply_fields(self, t: Ticket, action: Action, d: ActionInput, now: datetime) -> str:
        if action is Action.sign:
            t.signed_at = now
            return d.note
        if action is Action.contact:
            t.contacted_at = t.contacted_at or now
            return d.note or "已联系来电人"
        if action is Action.dispatch:
            if not d.units:
                raise TicketError("请至少选择一个承办单位。")
            t.dispatched_units = "、".join(d.units)[:512]
            t.copied_to = "、".join(d.copied_to)[:512]
            t.dispatched_at = now
            t.unit = d.units[0]
            cc = f"；抄送：{t.copied_to}" if t.copied_to else ""
            return f"派发至：{t.dispatched_units}{cc}" + (f"；{d.note}" if d.note else "")
        if action is Action.feedback:
            missing = missing_feedback_parts(d.note)
            if missing:
                raise TicketError("反馈内容缺少：" + "、".join(missing)
                                  + "。请按“背景、过程、结果、后续”四部分补全。")
            t.feedback_at = now
            return d.note
        if action is Action.callback:
            if d.reached and (d.solved is None or d.satisfaction not in SATISFACTION):
                raise TicketError("请选择是否解决和满意度。")
            t.callback_at, t.callback_reached = now, d.reached
            t.solved, t.satisfaction = (d.solved, d.satisfaction) if d.reached else (None, None)
            t.contacted_at = t.contacted_at or now
            parts = ["已解决" if d.solved else "未解决", d.satisfaction or ""] if d.reached else [
                "未接通"]
            if d.recording:
                parts.append(f"录音：{d.recording}")
            if d.note:
                parts.append(d.note)
            return "；".join(p for p in parts if p)
        if action is Action.close:
            t.closed_at = now
            return d.note
        if action in (Action.supervise, Action.give_back):
            if not d.note.strip():
                raise TicketError("请填写原因。")
            if action is Action.supervise:
                t.supervise_count += 1
            return d.note
        if action is Action.extend:
            if d.new_deadline is None or not d.note.strip():
                raise TicketError("请填写新的办结时限和延期原因。")
            if d.new_deadline <= now or (t.complete_by and d.new_deadline <= t.complete_by):
                raise TicketError("新的办结时限须晚于当前时限。")
            old = t.complete_by
            t.complete_by = d.new_deadline
            t.extension_count += 1
            old_txt = old.astimezone(self.clock.tz).strftime("%m-%d %H:%M") if old else "无"
            new_txt = d.new_deadline.astimezone(self.clock.tz).strftime("%m-%d %H:%M")
            return f"时限 {old_txt} → {new_txt}；原因：{d.note}"
        raise TicketError("未知操作。")  # pragma: no cover

    def set_complex(self, *, ticket_id: int, actor_id: int, complex_case: bool = True) -> Ticket:
        """Mark (or unmark) a ticket 复杂疑难: its deadlines are re-counted with that policy
        row from the time it was received; an extended or platform ``complete_by`` stays."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id, with_for_update=True)
            if t is None:
                raise TicketError("工单不存在。")
            if t.complex_case == complex_case:
                raise TicketError("工单已是“复杂疑难”。" if complex_case
                                  else "工单未标记为“复杂疑难”。")
            if t.status not in _open():
                raise TicketError(f"工单已{t.status}，不能再修改时限类别。")
            dl = self.policy.compute(received_at=t.received_at, urgency=t.urgency,
                                     request_type=t.request_type, calendar=self.calendar,
                                     complex_case=complex_case,
                                     platform_deadline=t.platform_deadline)
            old = t.complete_by
            t.complex_case, t.policy_class = complex_case, dl.policy_class
            t.sign_by, t.contact_by = dl.sign_by, dl.contact_by
            t.first_feedback_by = dl.first_feedback_by
            if t.extension_count == 0:
                t.complete_by = dl.complete_by
            t.deadlines_provisional = dl.provisional
            t.updated_at, t.next_reminder_at = now, None
            s.add(t)
            fmt = "%m-%d %H:%M"
            old_txt = old.astimezone(self.clock.tz).strftime(fmt) if old else "无"
            new_txt = t.complete_by.astimezone(self.clock.tz).strftime(fmt) \
                if t.complete_by else "无"
            s.add(TicketEvent(ticket_id=t.id, at=now, actor_id=actor_id,
                              action="复杂疑难" if complex_case else "取消复杂疑难",
                              from_status=t.status, to_status=t.status,
                              note=f"时限类别 {dl.policy_class}；办结时限 {old_txt} → {new_txt}"))
        return t

    def set_urgency(self, *, ticket_id: int, urgency: str, actor_id: int,
                    note: str = "") -> Ticket:
        """Re-mark a ticket's urgency; marking it 紧急/涉稳/重点 raises an alert (with `note`)."""
        now = self.clock.now()
        with session_scope(self.engine) as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise TicketError("工单不存在。")
            if t.urgency == urgency:
                raise TicketError(f"工单已是“{urgency}”。")
            old, t.urgency, t.updated_at = t.urgency, urgency, now
            s.add(t)
            s.add(TicketEvent(ticket_id=t.id, at=now, actor_id=actor_id, action="改紧急程度",
                              from_status=t.status, to_status=t.status,
                              note=f"{old} → {urgency}"))
        if urgency in ALERT_URGENCIES:
            self._fire_urgent(t, actor_id, note)
        return t


def missing_feedback_parts(text: str) -> list[str]:
    """The required parts of a unit's feedback that the text does not label."""
    return [p for p in FEEDBACK_PARTS if p not in text]


def _open() -> list[str]:
    return [s.value for s in OPEN_STATUSES]
