"""Import: many entries at once, from a file (``python -m bot kb import``) or the bot.

An import is idempotent: rows are matched on the normalised question, so importing the same
file twice changes nothing the second time, and an edited file updates rather than doubles
(a deleted entry with that question is restored). Bad rows are reported by number and skipped
so one typo does not hold back a whole file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import col, select

from bot.services.staff import audit
from knowledge_base.normalize import normalize
from knowledge_base.store.core import KbCore
from knowledge_base.store.fields import FIELD_NAMES_ZH, KbError, changed_fields, clean
from knowledge_base.store.views import ImportReport
from models.db import session_scope
from models.kb import KbEntry, KbStatus

__all__ = ["ImportMixin"]


class ImportMixin(KbCore):
    """:meth:`import_rows`: add, update or restore entries matched on their question."""

    def import_rows(self, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                    actor: int | None = None, dry_run: bool = False) -> ImportReport:
        """Import ``(row number, fields)`` pairs: an entry with the same (normalised) question
        is updated (a deleted one is restored), others are added; identical ones are left
        alone. Bad rows are reported with their number and skipped; good rows go in.
        ``dry_run``: report what would happen and change nothing."""
        report = ImportReport()
        touched: list[KbEntry] = []
        with session_scope(self.engine) as s:
            existing: dict[str, KbEntry] = {}
            for row in s.exec(select(KbEntry).order_by(col(KbEntry.id))).all():
                have = existing.get(row.question_key)
                # prefer the active entry, then the latest deleted one
                if have is None or row.status == KbStatus.active.value or \
                        have.status != KbStatus.active.value:
                    existing[row.question_key] = row
            seen: dict[str, int] = {}
            now = self.clock.now()
            for row_no, raw in rows:
                try:
                    values = clean(raw)
                except KbError as exc:
                    report.errors.append((row_no, str(exc)))
                    continue
                key = normalize(values["question"])[:256]
                if key in seen:
                    report.errors.append((row_no, f"问题与第 {seen[key]} 行重复"))
                    continue
                seen[key] = row_no
                current = existing.get(key)
                if current is None:
                    entry = self._insert(s, values, actor=actor, summary="导入新增", now=now)
                    existing[key] = entry
                    touched.append(entry)
                    report.added += 1
                    continue
                # the same question as typed differently (punctuation, width) is not a change
                values = {k: v for k, v in values.items() if k != "question"}
                names = changed_fields(current, values)
                restore = current.status != KbStatus.active.value
                if not names and not restore:
                    report.unchanged += 1
                    continue
                parts = [FIELD_NAMES_ZH[n] for n in names]
                summary = ("导入恢复" if restore else "导入更新") + (
                    "：" + "、".join(parts) if parts else "")
                self._touch(s, current, {k: values[k] for k in names}, actor=actor,
                            summary=summary, status=KbStatus.active.value)
                touched.append(current)
                report.updated += 1
            if dry_run:
                s.rollback()
                return report
            if report.added or report.updated:
                audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.import",
                             detail=f"added {report.added}, updated {report.updated}, "
                                    f"bad rows {len(report.errors)}")
        for row in touched:
            self._index_row(row)
        return report
