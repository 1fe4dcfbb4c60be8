"""Trainings and events (业务培训 / 全系统培训 / 宣传活动 / 入职培训) with their attendance.

A training is recorded from a labelled form, like a pasted ticket::

    日期：2026-03-15
    类型：业务培训
    主题：接诉即办流程与知识库
    参加人员：张值班、李值班、2003
    外部参加：各社区卫生服务中心接诉即办人员约 40 人
    效果跟踪：3 月底抽查答复口径

The labels may also stand on one line. Attendees are team members (name or Telegram id); the
effect follow-up (效果跟踪), which the contract asks for, can be added later.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select

from bot.clock import Clock
from bot.services.compliance import vocab
from bot.services.compliance.errors import ComplianceError
from bot.services.compliance.people import People, resolve
from bot.services.compliance.periods import parse_date
from bot.services.staff import audit
from bot.services.staff.directory import Member
from models.compliance import Training, TrainingAttendance
from models.db import session_scope

_LABEL = re.compile("(" + "|".join(sorted(map(re.escape, vocab.TRAINING_LABELS), key=len,
                                           reverse=True)) + r")\s*[:：]")
_SPLIT = re.compile(r"[、，,；;\s]+")
REQUIRED = ("held_on", "kind", "topic")


@dataclass(frozen=True)
class TrainingDraft:
    held_on: date
    kind: str
    topic: str
    attendees: tuple[int, ...] = ()
    external: str = ""
    follow_up: str = ""


@dataclass(frozen=True)
class TrainingView:
    id: int
    held_on: date
    kind: str
    topic: str
    external: str
    follow_up: str
    follow_up_at: datetime | None
    attendees: tuple[Member, ...]


def parse_form(text: str, *, people: People, today: date) -> TrainingDraft:
    """A draft from the labelled form; raises training_missing / bad_kind / bad_date /
    future_date / unknown_attendees (all unknown names at once)."""
    text = unicodedata.normalize("NFKC", text)
    marks = list(_LABEL.finditer(text))
    values: dict[str, str] = {}
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        values[vocab.TRAINING_LABELS[m[1]]] = text[m.end():end].strip()
    missing = [f for f in REQUIRED if not values.get(f)]
    if missing:
        raise ComplianceError("training_missing", fields=missing)
    held_on = parse_date(values["held_on"])
    if held_on > today:
        raise ComplianceError("future_date", text=values["held_on"])
    kind = values["kind"]
    if kind not in vocab.TRAINING_KINDS:
        raise ComplianceError("bad_kind", text=kind, choices=list(vocab.TRAINING_KINDS))
    ids, unknown = [], []
    for word in _SPLIT.split(values.get("attendees", "")):
        if not word:
            continue
        try:
            ids.append(resolve(people, word).telegram_id)
        except ComplianceError:
            unknown.append(word)
    if unknown:
        raise ComplianceError("unknown_attendees", names=unknown)
    return TrainingDraft(held_on, kind, values["topic"][:128], tuple(dict.fromkeys(ids)),
                         values.get("external", "")[:256], values.get("follow_up", ""))


class TrainingLog:
    def __init__(self, engine: Engine, clock: Clock, staff: People) -> None:
        self.engine, self.clock, self.staff = engine, clock, staff

    def add(self, draft: TrainingDraft, *, actor_id: int | None,
            chat_id: int | None = None) -> TrainingView:
        now = self.clock.now()
        with session_scope(self.engine) as s:
            row = Training(held_on=draft.held_on, kind=draft.kind, topic=draft.topic,
                           external=draft.external, follow_up=draft.follow_up,
                           follow_up_at=now if draft.follow_up else None,
                           created_by=actor_id, created_at=now)
            s.add(row)
            s.flush()
            assert row.id is not None
            for tid in draft.attendees:
                s.add(TrainingAttendance(training_id=row.id, telegram_id=tid))
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="compliance.training_add", target=str(row.id),
                         detail=f"{draft.kind} {draft.held_on.isoformat()}")
            return self._view(s, row)

    def follow_up(self, training_id: int, text: str, *, actor_id: int | None) -> TrainingView:
        """Record (or replace) the effect follow-up of a training."""
        text = text.strip()
        if not text:
            raise ComplianceError("empty_text")
        with session_scope(self.engine) as s:
            row = self._require(s, training_id)
            row.follow_up, row.follow_up_at = text, self.clock.now()
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id,
                         action="compliance.training_follow_up", target=str(training_id))
            return self._view(s, row)

    def delete(self, training_id: int, *, actor_id: int | None) -> TrainingView:
        """Remove a training entered by mistake (the audit log keeps that it existed)."""
        with session_scope(self.engine) as s:
            row = self._require(s, training_id)
            view = self._view(s, row)
            s.exec(delete(TrainingAttendance).where(  # type: ignore[call-overload]
                col(TrainingAttendance.training_id) == training_id))
            s.delete(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id,
                         action="compliance.training_del", target=str(training_id),
                         detail=f"{view.kind} {view.held_on.isoformat()}")
        return view

    # ------------------------------------------------------------------ reads
    def get(self, training_id: int) -> TrainingView:
        with session_scope(self.engine) as s:
            return self._view(s, self._require(s, training_id))

    def between(self, first: date, last: date, *,
                kinds: tuple[str, ...] | None = None) -> list[TrainingView]:
        """Trainings held in [first, last], oldest first, optionally of some kinds only."""
        with session_scope(self.engine) as s:
            q = select(Training).where(col(Training.held_on) >= first,
                                       col(Training.held_on) <= last)
            if kinds is not None:
                q = q.where(col(Training.kind).in_(kinds))
            rows = s.exec(q.order_by(col(Training.held_on), col(Training.id))).all()
            return [self._view(s, r) for r in rows]

    def attended_by(self, telegram_id: int) -> list[TrainingView]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(Training).join(
                TrainingAttendance, col(TrainingAttendance.training_id) == col(Training.id)
            ).where(TrainingAttendance.telegram_id == telegram_id)
             .order_by(col(Training.held_on))).all()
            return [self._view(s, r) for r in rows]

    def _require(self, s: Session, training_id: int) -> Training:
        row = s.get(Training, training_id)
        if row is None:
            raise ComplianceError("training_not_found", id=training_id)
        return row

    def _view(self, s: Session, row: Training) -> TrainingView:
        assert row.id is not None
        ids = s.exec(select(TrainingAttendance.telegram_id).where(
            TrainingAttendance.training_id == row.id).order_by(
            col(TrainingAttendance.id))).all()
        members = tuple(m for m in (self.staff.get_any(t) for t in ids) if m is not None)
        return TrainingView(row.id, row.held_on, row.kind, row.topic, row.external,
                            row.follow_up, row.follow_up_at, members)
