"""Delivered outbox texts are purged after OUTBOX_RETENTION_DAYS (issue 13, item 3), with the
movable clock: final rows lose their note, text and buttons and keep everything else (so a
repeated producer is still a no-op); pending rows are left alone until they are final; the
walk goes in small batches from a watermark."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.app import build_services
from bot.clock import MovableClock
from bot.config import Settings
from bot.services.outbox.notes import Note
from bot.services.outbox.retention import Retention
from bot.services.outbox.store import Outbox
from bot.services.outbox.wakeup import Wakeup
from models.db import session_scope
from models.outbox import OutboxMessage


class Told(Note):
    kind: ClassVar[str] = "test.retention.told"
    citizen: str


@pytest.fixture
def outbox(engine: Engine, clock: MovableClock) -> Outbox:
    return Outbox(engine, clock, Wakeup())


def rows(engine: Engine) -> dict[str, OutboxMessage]:
    with session_scope(engine) as s:
        return {r.dedup_key: r for r in s.exec(select(OutboxMessage).order_by(
            col(OutboxMessage.id))).all()}


def legacy_row(engine: Engine, clock: MovableClock, key: str) -> None:
    """A row written before notes existed: pre-rendered text and buttons."""
    with session_scope(engine) as s:
        s.add(OutboxMessage(dedup_key=key, kind="old", chat_id=5, text="张三丰 13800138000",
                            buttons='[[["收到", "al1:ack:1"]]]', status="sent",
                            next_attempt_at=clock.now(), created_at=clock.now()))


def enqueue(outbox: Outbox, key: str, status: str | None = "sent") -> int:
    row_id = outbox.enqueue(key=key, kind="test", chat_id=7, note=Told(citizen="张三丰"))
    assert row_id is not None
    if status == "sent":
        outbox.mark_sent(row_id, 100 + row_id)
    elif status == "failed":
        outbox.mark_failed(row_id, "blocked")
    elif status == "cancelled":
        outbox.cancel(ref="", kind="test")
    return row_id


def test_final_rows_lose_their_texts_after_the_retention_and_stay(
        engine: Engine, clock: MovableClock, outbox: Outbox) -> None:
    enqueue(outbox, "sent")
    enqueue(outbox, "failed", "failed")
    legacy_row(engine, clock, "legacy")
    retention = Retention(engine, days=7)
    clock.advance(timedelta(days=7) - timedelta(minutes=1))
    assert retention.purge(clock.now()) == 0
    assert rows(engine)["sent"].payload is not None
    clock.advance(timedelta(minutes=2))
    assert retention.purge(clock.now()) == 3
    kept = rows(engine)
    assert set(kept) == {"sent", "failed", "legacy"}  # the rows themselves stay
    for r in kept.values():
        assert r.payload is None and r.text == "" and r.buttons is None
    assert kept["sent"].status == "sent" and kept["sent"].message_id is not None
    assert kept["sent"].note_kind == Told.kind and kept["failed"].last_error == "blocked"
    assert outbox.enqueue(key="sent", kind="test", chat_id=7, note=Told(citizen="x")) is None
    assert retention.purge(clock.now()) == 0  # nothing left to clear


def test_pending_and_young_rows_are_kept_until_final_and_old(
        engine: Engine, clock: MovableClock, outbox: Outbox) -> None:
    enqueue(outbox, "old sent")
    stuck = enqueue(outbox, "old pending", status=None)  # e.g. the bot was down
    enqueue(outbox, "old cancelled", status=None)
    outbox.cancel(ref="", kind="test")  # cancels both pending rows …
    with session_scope(engine) as s:  # … but the first one is still on its way
        row = s.get(OutboxMessage, stuck)
        assert row is not None
        row.status = "pending"
        s.add(row)
    clock.advance(timedelta(days=3))
    enqueue(outbox, "young sent")
    retention = Retention(engine, days=7)
    clock.advance(timedelta(days=5))
    assert retention.purge(clock.now()) == 1  # the walk waits at the pending row
    assert rows(engine)["old pending"].payload is not None
    assert rows(engine)["old cancelled"].payload is not None
    outbox.mark_sent(stuck, 5)
    assert retention.purge(clock.now()) == 2
    assert rows(engine)["young sent"].payload is not None  # 5 days old
    clock.advance(timedelta(days=2, minutes=1))
    assert retention.purge(clock.now()) == 1
    assert all(r.payload is None for r in rows(engine).values())


def test_purges_a_small_batch_at_a_time(engine: Engine, clock: MovableClock,
                                        outbox: Outbox) -> None:
    for i in range(5):
        enqueue(outbox, f"r{i}")
    retention = Retention(engine, days=1, batch=2, batches_per_run=1)
    clock.advance(timedelta(days=2))
    assert [retention.purge(clock.now()) for _ in range(4)] == [2, 2, 1, 0]
    restarted = Retention(engine, days=1, batch=2, batches_per_run=3)  # watermark from 0
    assert restarted.purge(clock.now()) == 0 and restarted.mark == max(
        r.id or 0 for r in rows(engine).values())


def test_the_setting_and_the_producer(engine: Engine, clock: MovableClock,
                                      tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    defaults = Settings(_env_file=None, telegram_bot_token="1:x",  # type: ignore[call-arg]
                        database_url=url)
    assert defaults.outbox_retention_days == 7
    with pytest.raises(ValidationError):
        Settings(_env_file=None, telegram_bot_token="1:x",  # type: ignore[call-arg]
                 database_url=url, outbox_retention_days=0)
    settings = Settings(_env_file=None, telegram_bot_token="1:x",  # type: ignore[call-arg]
                        database_url=url, holidays_file=tmp_path / "h.yaml",
                        outbox_retention_days=2)
    svc = build_services(settings, engine=engine, clock=clock)
    enqueue(svc.outbox, "delivered")
    producer = next(p for p in svc.scheduler.producers if p.name == "outbox retention")
    clock.advance(timedelta(days=1))
    assert producer.run(clock.now()) == 0
    clock.advance(timedelta(days=1, minutes=1))
    assert producer.run(clock.now()) == 1
    assert rows(engine)["delivered"].payload is None
