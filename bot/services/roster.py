"""The duty roster: who is on which shift, and everything that changes it.

For other features: :meth:`RosterService.on_duty` (members on duty at a moment, with their
role, e.g. 带班), :meth:`shift_lead`, :meth:`current_shift`, :meth:`next_shift`. Alerts and
reminders call ``svc.roster.on_duty(now)`` to find "the duty officer now".

Changes: file import (CSV/XLSX, all-or-nothing), a manager's quick ``set_slot``, swaps
(offer → take → approve), special periods. Nothing here knows Telegram.
"""

from __future__ import annotations

import csv
import io
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services import audit
from bot.services.calendar import WorkCalendar
from bot.services.shifts import DayClass, ShiftConfig, ShiftInstance, classify
from bot.services.staff import Member, StaffDirectory
from models.db import session_scope
from models.roster import HandoverNote, RosterEntry, SpecialPeriod, SwapOffer

LEAD_ROLE = "带班"
_ROLE_ALIASES = {"lead": LEAD_ROLE, "leader": LEAD_ROLE, "带班": LEAD_ROLE, "带班长": LEAD_ROLE,
                 "班长": LEAD_ROLE}
HEADER = ("date", "shift", "staff", "role")
_HEADER_ALIASES = {"date": "date", "日期": "date", "shift": "shift", "班次": "shift",
                   "staff": "staff", "人员": "staff", "姓名": "staff", "值班人员": "staff",
                   "role": "role", "角色": "role", "职责": "role"}
MAX_IMPORT_ROWS = 5000
_OFFER_STATE = {"open": "还没有人接班。", "taken": "已有人接班，正在等待批准。",
                "approved": "这个换班已经批准。", "rejected": "这个换班已被驳回。",
                "expired": "换班申请已过期。", "cancelled": "换班申请已取消。"}


class RosterError(ValueError):
    """A refused roster operation; the message is Chinese and user-facing."""


class RosterImportError(RosterError):
    """The file was refused; ``errors`` lists every problem as (row number or None, text)."""

    def __init__(self, errors: list[tuple[int | None, str]]) -> None:
        self.errors = errors
        super().__init__("\n".join(_row_msg(r, m) for r, m in errors))


def _row_msg(row: int | None, msg: str) -> str:
    return f"第 {row} 行：{msg}" if row is not None else msg


@dataclass(frozen=True)
class DutyMember:
    telegram_id: int
    name: str
    role: str  # "" or e.g. 带班
    shift_date: date
    shift_name: str

    @property
    def is_lead(self) -> bool:
        return self.role == LEAD_ROLE


@dataclass(frozen=True)
class Slot:
    """One shift instance with its team and the day's class."""

    instance: ShiftInstance
    members: tuple[DutyMember, ...]
    day: DayClass

    @property
    def lead(self) -> DutyMember | None:
        return next((m for m in self.members if m.is_lead), None)

    @property
    def empty(self) -> bool:
        return not self.members


@dataclass(frozen=True)
class RawRow:
    row: int
    date: str
    shift: str
    staff: str
    role: str


@dataclass(frozen=True)
class ImportResult:
    rows: int
    slots: int
    replaced: int  # entries that were in those slots before
    dates: tuple[date, date]


@dataclass(frozen=True)
class NewEntry:
    d: date
    shift: str
    staff_id: int
    role: str
    row: int | None = None


@dataclass
class SwapView:
    """A swap offer with the people's names, for texts."""

    id: int
    instance: ShiftInstance
    from_id: int
    from_name: str
    taker_id: int | None
    taker_name: str | None
    status: str
    expires_at: datetime
    group_outbox_id: int | None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_date(text: str, today: date | None = None) -> date:
    """YYYY-MM-DD (also YYYY/MM/DD); 今天/明天/后天/昨天 relative to ``today``."""
    t = text.strip()
    rel = {"今天": 0, "明天": 1, "后天": 2, "昨天": -1, "前天": -2}
    if t in rel and today is not None:
        return today + timedelta(days=rel[t])
    t = t.replace("/", "-")
    parts = t.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        except ValueError:
            pass
    raise RosterError(f"日期“{text}”无效，应为 YYYY-MM-DD，例如 2026-11-26。")


class RosterService:
    def __init__(self, engine: Engine, clock: Clock, staff: StaffDirectory,
                 calendar: WorkCalendar, config: ShiftConfig) -> None:
        self.engine, self.clock, self.staff = engine, clock, staff
        self.calendar, self.config = calendar, config
        self.scheduler: Any = None  # bot.services.daily.DutyScheduler, set by attach()

    # ================================================================== reads for everyone
    def on_duty(self, at: datetime) -> list[DutyMember]:
        """Everyone on a shift running at ``at``, shift lead(s) first."""
        out: list[DutyMember] = []
        for inst in self.config.covering(at):
            out += self.members(inst.date, inst.name)
        return sorted(out, key=lambda m: not m.is_lead)

    def shift_lead(self, at: datetime) -> DutyMember | None:
        return next((m for m in self.on_duty(at) if m.is_lead), None)

    def current_shift(self, at: datetime) -> Slot | None:
        inst = self.config.current(at)
        return self.slot(inst) if inst is not None else None

    def next_shift(self, at: datetime) -> Slot:
        return self.slot(self.config.next(at))

    def slot(self, inst: ShiftInstance) -> Slot:
        return Slot(inst, tuple(self.members(inst.date, inst.name)), self.day_class(inst.date))

    def members(self, d: date, shift_name: str) -> list[DutyMember]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(RosterEntry).where(
                RosterEntry.shift_date == d, RosterEntry.shift_name == shift_name,
            ).order_by(col(RosterEntry.id))).all()
            return self._duty_members(rows)

    def slots(self, first: date, last: date) -> list[Slot]:
        """Every configured shift from ``first`` to ``last`` (inclusive), with its team."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(RosterEntry).where(
                RosterEntry.shift_date >= first, RosterEntry.shift_date <= last,
            ).order_by(col(RosterEntry.id))).all()
            people = self._duty_members(rows)
        by_slot: dict[tuple[date, str], list[DutyMember]] = defaultdict(list)
        for m in people:
            by_slot[(m.shift_date, m.shift_name)].append(m)
        specials = self.specials_between(first, last)
        out: list[Slot] = []
        d = first
        while d <= last:
            day = classify(self.calendar, d, _special_on(specials, d))
            for inst in self.config.instances_on(d):
                out.append(Slot(inst, tuple(by_slot.get((d, inst.name), ())), day))
            d += timedelta(days=1)
        return out

    def _duty_members(self, rows: Iterable[RosterEntry]) -> list[DutyMember]:
        out = []
        for r in rows:
            m = self.staff.get_any(r.staff_id)
            name = m.name if m is not None else str(r.staff_id)
            out.append(DutyMember(r.staff_id, name, r.role, r.shift_date, r.shift_name))
        return sorted(out, key=lambda m: not m.is_lead)

    def has_any_roster(self, first: date, last: date) -> bool:
        with session_scope(self.engine) as s:
            return s.exec(select(RosterEntry.id).where(
                RosterEntry.shift_date >= first, RosterEntry.shift_date <= last).limit(1)
            ).first() is not None

    def gaps(self, d: date) -> list[ShiftInstance]:
        """Shifts on date ``d`` with nobody on them."""
        return [sl.instance for sl in self.slots(d, d) if sl.empty]

    def upcoming_for(self, staff_id: int, now: datetime, *, days: int = 14) -> list[Slot]:
        """This person's shifts that have not started yet, soonest first."""
        today = now.astimezone(self.config.tz).date()
        with session_scope(self.engine) as s:
            rows = s.exec(select(RosterEntry).where(
                RosterEntry.staff_id == staff_id, RosterEntry.shift_date >= today,
                RosterEntry.shift_date <= today + timedelta(days=days))).all()
            keys = [(r.shift_date, r.shift_name) for r in rows]
        out = []
        for d, name in keys:
            if self.config.get(name) is None:
                continue
            inst = self.config.instance(d, name)
            if inst.start > now:
                out.append(self.slot(inst))
        return sorted(out, key=lambda sl: sl.instance.start)

    # ================================================================== special periods
    def day_class(self, d: date) -> DayClass:
        return classify(self.calendar, d, _special_on(self.specials_between(d, d), d))

    def specials_between(self, first: date, last: date) -> list[SpecialPeriod]:
        with session_scope(self.engine) as s:
            return list(s.exec(select(SpecialPeriod).where(
                SpecialPeriod.start_date <= last, SpecialPeriod.end_date >= first,
            ).order_by(col(SpecialPeriod.start_date))).all())

    def declare_special(self, *, start: date, end: date, name: str, actor_id: int,
                        chat_id: int | None = None) -> SpecialPeriod:
        name = " ".join(name.split())
        if not name:
            raise RosterError("请填写名称，例如 重大任务：进博会保障。")
        if len(name) > 64:
            raise RosterError("名称太长（最多 64 个字）。")
        if end < start:
            raise RosterError("结束日期不能早于开始日期。")
        if (end - start).days > 92:
            raise RosterError("特殊时段最长 93 天。")
        with session_scope(self.engine) as s:
            row = SpecialPeriod(start_date=start, end_date=end, name=name,
                                created_at=self.clock.now(), created_by=actor_id)
            s.add(row)
            s.flush()
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="roster.special", target=str(row.id),
                         detail=f"{start}~{end} {name}"[:200])
            return row

    def remove_special(self, *, special_id: int, actor_id: int) -> SpecialPeriod:
        with session_scope(self.engine) as s:
            row = s.get(SpecialPeriod, special_id)
            if row is None:
                raise RosterError(f"没有编号为 {special_id} 的特殊时段。")
            s.delete(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=None,
                         action="roster.special_del", target=str(special_id))
            return row

    # ================================================================== handover notes
    def add_note(self, *, author_id: int, text: str, at: datetime) -> ShiftInstance:
        """Attach a note to the shift running at ``at``; it goes out with that shift's
        handover to the next one."""
        text = text.strip()
        if not text:
            raise RosterError("请写交接事项，例如 /handover 朝阳医院的回复明早九点前要催。")
        if len(text) > 1000:
            raise RosterError("交接事项太长（最多 1000 字）。")
        inst = self.config.current(at)
        if inst is None:
            raise RosterError("当前不在任何班次内。")
        with session_scope(self.engine) as s:
            s.add(HandoverNote(shift_date=inst.date, shift_name=inst.name, author_id=author_id,
                               note=text, created_at=at))
        return inst

    def notes(self, inst: ShiftInstance) -> list[tuple[str, str]]:
        """(author name, note) left during ``inst``, oldest first."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(HandoverNote).where(
                HandoverNote.shift_date == inst.date, HandoverNote.shift_name == inst.name,
            ).order_by(col(HandoverNote.id))).all()
            pairs = [(r.author_id, r.note) for r in rows]
        out = []
        for aid, note in pairs:
            m = self.staff.get_any(aid)
            out.append((m.name if m else str(aid), note))
        return out

    # ================================================================== import
    def read_file(self, path: str | os.PathLike[str]) -> list[RawRow]:
        """Rows of a CSV or XLSX roster file; header errors raise RosterImportError."""
        p = Path(path)
        if not p.exists():
            raise RosterImportError([(None, f"文件不存在：{p}")])
        suffix = p.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            table = _read_xlsx(p)
        elif suffix in (".csv", ".txt"):
            table = _read_csv(p.read_bytes())
        else:
            raise RosterImportError([(None, f"不支持的文件类型 {suffix or '（无扩展名）'}，"
                                            "请用 .csv 或 .xlsx。")])
        return rows_from_table(table)

    def import_file(self, path: str | os.PathLike[str], *, actor_id: int | None,
                    dry_run: bool = False) -> ImportResult:
        return self.import_rows(self.read_file(path), actor_id=actor_id, dry_run=dry_run)

    def import_rows(self, rows: Sequence[RawRow], *, actor_id: int | None,
                    dry_run: bool = False) -> ImportResult:
        """Validate every row; refuse the whole file if any row is bad (listing every bad
        row); otherwise replace the team of every (date, shift) the file names."""
        if not rows:
            raise RosterImportError([(None, "文件中没有排班数据（表头之后没有内容）。")])
        if len(rows) > MAX_IMPORT_ROWS:
            raise RosterImportError([(None, f"一次最多导入 {MAX_IMPORT_ROWS} 行。")])
        errors: list[tuple[int | None, str]] = []
        entries: list[NewEntry] = []
        seen: dict[tuple[date, str, int], int] = {}
        for r in rows:
            problems: list[str] = []
            d: date | None = None
            try:
                d = parse_date(r.date)
            except RosterError:
                problems.append(f"日期“{r.date}”无效，应为 YYYY-MM-DD")
            shift = self.config.get(r.shift) if r.shift else None
            if shift is None:
                problems.append(f"班次“{r.shift}”不存在（可用：{'、'.join(self.config.names)}）"
                                if r.shift else "缺少班次")
            member: Member | None = None
            if not r.staff:
                problems.append("缺少值班人员")
            else:
                try:
                    member = self.resolve_staff(r.staff)
                except RosterError as exc:
                    problems.append(str(exc).rstrip("。"))
            role = normalize_role(r.role)
            if len(role) > 16:
                problems.append("角色太长（最多 16 个字）")
            if not problems and d is not None and shift is not None and member is not None:
                key = (d, shift.name, member.telegram_id)
                if key in seen:
                    problems.append(f"与第 {seen[key]} 行重复（{member.name} 同一班次出现两次）")
                else:
                    seen[key] = r.row
                    entries.append(NewEntry(d, shift.name, member.telegram_id, role, r.row))
            errors += [(r.row, p) for p in problems]
        if entries:
            with session_scope(self.engine) as s:
                errors += self._overlaps(s, entries, replace_slots=True)
        if errors:
            raise RosterImportError(sorted(errors, key=lambda e: (e[0] or 0)))
        slots = {(e.d, e.shift) for e in entries}
        dates = (min(e.d for e in entries), max(e.d for e in entries))
        if dry_run:
            return ImportResult(len(entries), len(slots), 0, dates)
        replaced = self._write(entries, slots, actor_id=actor_id, source="import")
        return ImportResult(len(entries), len(slots), replaced, dates)

    def resolve_staff(self, text: str) -> Member:
        t = text.strip()
        if t.isdigit():
            m = self.staff.get(int(t))
            if m is None:
                raise RosterError(f"TG号 {t} 不是在册人员。")
            return m
        found = self.staff.find_by_name(t)
        if not found:
            raise RosterError(f"“{t}”不是在册人员（请先用 /adduser 登记，或写 TG号）。")
        if len(found) > 1:
            ids = "、".join(str(m.telegram_id) for m in found)
            raise RosterError(f"“{t}”有重名（TG号 {ids}），请改写 TG号。")
        return found[0]

    def _overlaps(self, s: Session, entries: list[NewEntry], *,
                  replace_slots: bool) -> list[tuple[int | None, str]]:
        """Errors for anyone who would be on two overlapping shifts after the change."""
        staff_ids = {e.staff_id for e in entries}
        first = min(e.d for e in entries) - timedelta(days=1)
        last = max(e.d for e in entries) + timedelta(days=1)
        replaced = {(e.d, e.shift) for e in entries} if replace_slots else set()
        existing = s.exec(select(RosterEntry).where(
            col(RosterEntry.staff_id).in_(sorted(staff_ids)), RosterEntry.shift_date >= first,
            RosterEntry.shift_date <= last)).all()
        per: dict[int, list[tuple[ShiftInstance, int | None]]] = defaultdict(list)
        for r in existing:
            if (r.shift_date, r.shift_name) in replaced or self.config.get(r.shift_name) is None:
                continue
            per[r.staff_id].append((self.config.instance(r.shift_date, r.shift_name), None))
        for e in entries:
            per[e.staff_id].append((self.config.instance(e.d, e.shift), e.row))
        errors: list[tuple[int | None, str]] = []
        for sid, items in per.items():
            items.sort(key=lambda x: x[0].start)
            reach: tuple[ShiftInstance, int | None] | None = None  # the latest-ending so far
            for b, rb in items:
                if reach is not None and b.start < reach[0].end:
                    a, ra = reach
                    where_a = f"第 {ra} 行" if ra is not None else "现有排班"
                    errors.append((rb if rb is not None else ra,
                                   f"{self._name(sid)} 的 {b.date} {b.name} 与{where_a}的 "
                                   f"{a.date} {a.name} 时间重叠"))
                if reach is None or b.end > reach[0].end:
                    reach = (b, rb)
        return errors

    def _write(self, entries: list[NewEntry], slots: set[tuple[date, str]], *,
               actor_id: int | None, source: str, chat_id: int | None = None) -> int:
        now = self.clock.now()
        replaced = 0
        with session_scope(self.engine) as s:
            for d, name in slots:
                for old in s.exec(select(RosterEntry).where(
                        RosterEntry.shift_date == d, RosterEntry.shift_name == name)).all():
                    s.delete(old)
                    replaced += 1
            s.flush()
            for e in entries:
                s.add(RosterEntry(shift_date=e.d, shift_name=e.shift, staff_id=e.staff_id,
                                  role=e.role, source=source, created_at=now,
                                  created_by=actor_id))
            first = min(d for d, _ in slots)
            last = max(d for d, _ in slots)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action=f"roster.{source}", target=f"{first}~{last}",
                         detail=f"{len(entries)} entries, {len(slots)} slots")
        return replaced

    # ================================================================== quick change
    def set_slot(self, *, d: date, shift_name: str, people: Sequence[str], actor_id: int,
                 chat_id: int | None = None) -> tuple[Slot, list[int], list[int]]:
        """Replace one shift's team. ``people``: names or TG ids, ``名字:带班`` for a role;
        an empty list (or 无) clears it. Returns (slot, added ids, removed ids)."""
        shift = self.config.get(shift_name)
        if shift is None:
            raise RosterError(f"班次“{shift_name}”不存在，可用：{'、'.join(self.config.names)}。")
        specs = [p for p in people if p.strip() and p.strip() not in ("无", "-", "空")]
        entries: list[NewEntry] = []
        for spec in specs:
            name, role = split_role(spec)
            m = self.resolve_staff(name)
            if any(e.staff_id == m.telegram_id for e in entries):
                raise RosterError(f"{m.name} 写了两次。")
            entries.append(NewEntry(d, shift.name, m.telegram_id, normalize_role(role)))
        before = {m.telegram_id for m in self.members(d, shift.name)}
        if entries:
            with session_scope(self.engine) as s:
                problems = self._overlaps(s, entries, replace_slots=True)
            if problems:
                raise RosterError("；".join(p for _, p in problems) + "。")
        self._write(entries, {(d, shift.name)}, actor_id=actor_id, source="set", chat_id=chat_id)
        after = {e.staff_id for e in entries}
        return (self.slot(self.config.instance(d, shift.name)), sorted(after - before),
                sorted(before - after))

    # ================================================================== swaps
    def offer(self, *, staff_id: int, d: date, shift_name: str, now: datetime) -> SwapView:
        if self.config.get(shift_name) is None:
            raise RosterError("班次不存在。")
        inst = self.config.instance(d, shift_name)
        if inst.start <= now:
            raise RosterError("这个班次已经开始，不能再换班。")
        with session_scope(self.engine) as s:
            entry = self._entry(s, d, shift_name, staff_id)
            if entry is None:
                raise RosterError("你不在这个班次上。")
            dup = s.exec(select(SwapOffer.id).where(
                SwapOffer.shift_date == d, SwapOffer.shift_name == shift_name,
                SwapOffer.from_staff == staff_id,
                col(SwapOffer.status).in_(("open", "taken")))).first()
            if dup is not None:
                raise RosterError("这个班次已经在换班中，请等待接班或批准。")
            expires = min(now + timedelta(hours=self.config.swap_offer_hours), inst.start)
            row = SwapOffer(shift_date=d, shift_name=shift_name, from_staff=staff_id,
                            expires_at=expires, created_at=now)
            s.add(row)
            s.flush()
            return self._view(row)

    def set_offer_message(self, offer_id: int, outbox_id: int | None) -> None:
        with session_scope(self.engine) as s:
            row = s.get(SwapOffer, offer_id)
            if row is not None:
                row.group_outbox_id = outbox_id
                s.add(row)

    def get_offer(self, offer_id: int) -> SwapView | None:
        with session_scope(self.engine) as s:
            row = s.get(SwapOffer, offer_id)
            return self._view(row) if row is not None else None

    def take(self, *, offer_id: int, taker_id: int, now: datetime) -> SwapView:
        with session_scope(self.engine) as s:
            row = self._live_offer(s, offer_id, now, "open")
            if row.from_staff == taker_id:
                raise RosterError("不能接自己的班。")
            if self._entry(s, row.shift_date, row.shift_name, taker_id) is not None:
                raise RosterError("你已经在这个班次上了。")
            problems = self._overlaps(s, [NewEntry(row.shift_date, row.shift_name, taker_id, "")],
                                      replace_slots=False)
            if problems:
                raise RosterError("不能接班：" + problems[0][1] + "。")
            row.taker_id, row.status = taker_id, "taken"
            s.add(row)
            return self._view(row)

    def approve(self, *, offer_id: int, manager_id: int, now: datetime) -> SwapView:
        """Move the shift from the offerer to the taker (keeping the role, e.g. 带班)."""
        with session_scope(self.engine) as s:
            row = self._live_offer(s, offer_id, now, "taken")
            assert row.taker_id is not None
            entry = self._entry(s, row.shift_date, row.shift_name, row.from_staff)
            if entry is None:
                row.status = "cancelled"
                s.add(row)
                raise RosterError("排班已变动，原值班人已不在这个班次上，换班已取消。")
            if self._entry(s, row.shift_date, row.shift_name, row.taker_id) is not None:
                raise RosterError("接班人已经在这个班次上了。")
            entry.staff_id, entry.source, entry.created_by = row.taker_id, "swap", manager_id
            s.add(entry)
            row.status, row.decided_at, row.decided_by = "approved", now, manager_id
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=manager_id, chat_id=None,
                         action="roster.swap", target=str(row.id),
                         detail=f"{row.shift_date} {row.shift_name} {row.from_staff}->"
                                f"{row.taker_id}")
            return self._view(row)

    def reject(self, *, offer_id: int, manager_id: int, now: datetime) -> SwapView:
        with session_scope(self.engine) as s:
            row = self._live_offer(s, offer_id, now, "taken")
            row.status, row.decided_at, row.decided_by = "rejected", now, manager_id
            s.add(row)
            return self._view(row)

    def expire_due(self, now: datetime) -> list[SwapView]:
        """Close every open or taken offer whose time ran out; returns what was closed."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(SwapOffer).where(
                col(SwapOffer.status).in_(("open", "taken")), SwapOffer.expires_at <= now,
            ).with_for_update()).all()
            out = []
            for r in rows:
                r.status, r.decided_at = "expired", now
                s.add(r)
                out.append(self._view(r))
            return out

    def _live_offer(self, s: Session, offer_id: int, now: datetime, want: str) -> SwapOffer:
        row = s.get(SwapOffer, offer_id, with_for_update=True)
        if row is None:
            raise RosterError("换班申请不存在。")
        if row.status in ("open", "taken") and row.expires_at <= now:
            raise RosterError("换班申请已过期。")
        if row.status != want:
            raise RosterError(_OFFER_STATE.get(row.status, "换班状态已变化。"))
        return row

    @staticmethod
    def _entry(s: Session, d: date, shift_name: str, staff_id: int) -> RosterEntry | None:
        return s.exec(select(RosterEntry).where(
            RosterEntry.shift_date == d, RosterEntry.shift_name == shift_name,
            RosterEntry.staff_id == staff_id)).first()

    def _view(self, row: SwapOffer) -> SwapView:
        assert row.id is not None
        return SwapView(row.id, self.config.instance(row.shift_date, row.shift_name),
                        row.from_staff, self._name(row.from_staff), row.taker_id,
                        self._name(row.taker_id) if row.taker_id else None, row.status,
                        row.expires_at, row.group_outbox_id)

    def _name(self, staff_id: int) -> str:
        m = self.staff.get_any(staff_id)
        return m.name if m is not None else str(staff_id)


# ---------------------------------------------------------------------- helpers


def normalize_role(role: str | None) -> str:
    r = (role or "").strip()
    return _ROLE_ALIASES.get(r.lower(), r)


def split_role(spec: str) -> tuple[str, str]:
    """``张三:带班`` / ``张三（带班）`` / ``张三(带班)`` → (张三, 带班)."""
    t = spec.strip()
    for open_, close in (("（", "）"), ("(", ")")):
        if t.endswith(close) and open_ in t:
            name, _, role = t[:-1].partition(open_)
            return name.strip(), role.strip()
    for sep in (":", "："):
        if sep in t:
            name, _, role = t.partition(sep)
            return name.strip(), role.strip()
    return t, ""


def _special_on(specials: Iterable[SpecialPeriod], d: date) -> str | None:
    names = [sp.name for sp in specials if sp.start_date <= d <= sp.end_date]
    return "；".join(names) if names else None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise RosterImportError([(None, "文件编码无法识别，请另存为 UTF-8 CSV。")])
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise RosterImportError([(None, f"无法读取 Excel 文件：{exc}")]) from None
    try:
        ws = wb.worksheets[0]
        return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def rows_from_table(table: list[list[Any]]) -> list[RawRow]:
    """Map a table with the header ``date,shift,staff,role`` (role optional) to rows
    numbered as in the spreadsheet (the header is row 1)."""
    cleaned = [[_cell(c) for c in r] for r in table]
    start = next((i for i, r in enumerate(cleaned) if any(r)), None)
    if start is None:
        raise RosterImportError([(None, "文件是空的。")])
    header = [_HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in cleaned[start]]
    missing = [h for h in HEADER[:3] if h not in header]
    if missing:
        raise RosterImportError([(start + 1, "表头应为 date,shift,staff,role（role 可省略），"
                                             f"缺少：{', '.join(missing)}")])
    idx = {h: header.index(h) for h in HEADER if h in header}
    rows = []
    for i, r in enumerate(cleaned[start + 1:], start=start + 2):
        if not any(r):
            continue

        def get(name: str, r: list[str] = r) -> str:
            j = idx.get(name)
            return r[j] if j is not None and j < len(r) else ""

        rows.append(RawRow(i, get("date"), get("shift"), get("staff"), get("role")))
    return rows



# ---------------------------------------------------------------------- wiring


def attach(svc: Any) -> None:
    """Build the roster from the settings, put it on ``svc.roster`` and add the scheduler
    (daily post, handovers, gap report, swap expiry) to the tick."""
    from bot.services.daily import DutyScheduler

    settings = svc.settings
    config = ShiftConfig.load(settings.shifts_file, tz=settings.tz)
    service = RosterService(svc.engine, svc.clock, svc.staff, svc.calendar, config)
    svc.roster = service
    scheduler = DutyScheduler(
        engine=svc.engine, roster=service, outbox=svc.outbox, staff=svc.staff,
        duty_group_id=settings.duty_group_id, daily_at=settings.daily_summary_at,
        services=lambda: (getattr(svc, "alerts", None), getattr(svc, "reminders", None)))
    service.scheduler = scheduler
    svc.periodic.append(scheduler.scan)
    alerts = getattr(svc, "alerts", None)
    if alerts is not None and getattr(alerts, "duty_officer", False) is None:
        # the alert service's documented plug-in point for "who is on duty now"
        alerts.duty_officer = lambda _ticket, at: [m.telegram_id for m in service.on_duty(at)]
