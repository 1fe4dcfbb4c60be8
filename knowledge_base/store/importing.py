"""Import: many entries at once, from a file (``python -m bot kb import``) or the bot.

An import is idempotent: rows are matched on the normalised question, so importing the same
file twice changes nothing the second time, and an edited file updates rather than doubles
(a deleted entry with that question is restored; a column the file does not have is left as
it is). Bad rows are reported by number and skipped so one typo does not hold back a whole
file. The imported entries are embedded here, in the importing process, and their vectors
stored: a running bot picks them up without embedding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.staff import audit
from knowledge_base.hybrid import HybridIndex
from knowledge_base.normalize import normalize
from knowledge_base.store.feed import feed_rows
from knowledge_base.store.fields import KbError, changed_fields, clean
from knowledge_base.store.rows import RowWriter
from knowledge_base.store.views import ImportReport
from knowledge_base.vocabulary import SUMMARY, changed_summary
from models.db import session_scope
from models.kb import KbEntry, KbStatus

__all__ = ["BATCH", "Importer"]

#: Rows per transaction: short enough that a running bot barely waits for the write lock.
BATCH = 50


class Importer:
    """:meth:`import_rows`: add, update or restore entries matched on their question."""

    def __init__(self, engine: Engine, clock: Clock, rows: RowWriter,
                 index: HybridIndex) -> None:
        self.engine, self.clock, self.rows, self.index = engine, clock, rows, index

    def import_rows(self, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                    actor: int | None = None, dry_run: bool = False) -> ImportReport:
        """Import ``(row number, fields)`` pairs: an entry with the same (normalised) question
        is updated (a deleted one is restored), others are added; identical ones are left
        alone. Bad rows are reported with their number and skipped; good rows go in.
        ``dry_run``: report what would happen and change nothing.

        Rows are written :data:`BATCH` at a time, each batch its own short transaction (and
        its entries embedded and indexed after it): a running bot that shares the database
        waits at most one batch for the write lock, never the whole file. An import stopped
        half-way is finished by running it again (it is idempotent)."""
        report = ImportReport()
        with session_scope(self.engine) as s:
            existing = _existing(s)
            if dry_run:
                self._batch(s, existing, {}, rows, actor, report)
                s.rollback()
                return report
        seen: dict[str, int] = {}
        for batch in _batches(rows, BATCH):
            with session_scope(self.engine) as s:
                touched = self._batch(s, existing, seen, batch, actor, report)
            feed_rows(self.index, touched)
        if report.added or report.updated:
            with session_scope(self.engine) as s:
                audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.import",
                             detail=f"added {report.added}, updated {report.updated}, "
                                    f"bad rows {len(report.errors)}")
        return report

    def _batch(self, s: Session, existing: dict[str, KbEntry], seen: dict[str, int],
               rows: Iterable[tuple[int, Mapping[str, Any]]], actor: int | None,
               report: ImportReport) -> list[KbEntry]:
        """Write ``rows`` in ``s``; the entries added or changed."""
        touched: list[KbEntry] = []
        for row_no, raw in rows:
            try:
                values = clean(raw)
            except KbError as exc:
                report.errors.append((row_no, exc))
                continue
            key = normalize(values["question"])[:256]
            if key in seen:
                report.errors.append((row_no, KbError("duplicate_row", row=seen[key])))
                continue
            seen[key] = row_no
            row = self._one(s, existing, key, values, actor, report, given=set(raw))
            if row is not None:
                touched.append(row)
        return touched

    def _one(self, s: Session, existing: dict[str, KbEntry], key: str,
             values: dict[str, Any], actor: int | None, report: ImportReport, *,
             given: set[str]) -> KbEntry | None:
        """Add or update one row; None when nothing changed. An update changes only the
        columns the file has (``given``): an older file without ``similar`` must not wipe
        the phrasings an entry has learned since."""
        current = existing.get(key)
        if current is not None and current.id is not None:
            # read again in this batch's transaction: the bot may have edited it meanwhile
            current = s.get(KbEntry, current.id) or current
        if current is None:
            entry = self.rows.insert(s, values, actor=actor, summary=SUMMARY["import_add"],
                                     now=self.clock.now())
            existing[key] = entry
            report.added += 1
            return entry
        # the same question as typed differently (punctuation, width) is not a change
        values = {k: v for k, v in values.items() if k != "question" and k in given}
        names = changed_fields(current, values)
        restore = current.status != KbStatus.active.value
        if not names and not restore:
            report.unchanged += 1
            return None
        prefix = SUMMARY["import_restore" if restore else "import_update"]
        summary = changed_summary(prefix + "：", names) if names else prefix
        self.rows.touch(s, current, {k: values[k] for k in names}, actor=actor,
                        summary=summary, status=KbStatus.active.value)
        report.updated += 1
        return current


def _existing(s: Session) -> dict[str, KbEntry]:
    """Entries by normalised question: the active one, else the latest deleted one."""
    existing: dict[str, KbEntry] = {}
    for row in s.exec(select(KbEntry).order_by(col(KbEntry.id))).all():
        have = existing.get(row.question_key)
        if have is None or row.status == KbStatus.active.value or \
                have.status != KbStatus.active.value:
            existing[row.question_key] = row
    return existing


def _batches(rows: Iterable[tuple[int, Mapping[str, Any]]],
             size: int) -> Iterator[list[tuple[int, Mapping[str, Any]]]]:
    it = iter(rows)
    while batch := list(islice(it, size)):
        yield batch
