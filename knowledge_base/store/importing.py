"""Import: many entries at once, from a file (``python -m bot kb import``) or the bot.

An import is idempotent: rows are matched on the normalised question, so importing the same
file twice changes nothing the second time, and an edited file updates rather than doubles
(a deleted entry with that question is restored; a column the file does not have is left as
it is). Bad rows are reported by number and skipped so one typo does not hold back a whole
file. The imported entries are embedded here, in the importing process, and their vectors
stored: a running bot picks them up without embedding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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

__all__ = ["Importer"]


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
        ``dry_run``: report what would happen and change nothing."""
        report = ImportReport()
        touched: list[KbEntry] = []
        with session_scope(self.engine) as s:
            existing = _existing(s)
            seen: dict[str, int] = {}
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
            if dry_run:
                s.rollback()
                return report
            if report.added or report.updated:
                audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.import",
                             detail=f"added {report.added}, updated {report.updated}, "
                                    f"bad rows {len(report.errors)}")
        feed_rows(self.index, touched)
        return report

    def _one(self, s: Session, existing: dict[str, KbEntry], key: str,
             values: dict[str, Any], actor: int | None, report: ImportReport, *,
             given: set[str]) -> KbEntry | None:
        """Add or update one row; None when nothing changed. An update changes only the
        columns the file has (``given``): an older file without ``similar`` must not wipe
        the phrasings an entry has learned since."""
        current = existing.get(key)
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
