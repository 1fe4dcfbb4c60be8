"""The knowledge base in the database, with the in-memory search index kept in step.

`KnowledgeBase(engine, clock)` loads every active entry and the synonym groups into a
:class:`~knowledge_base.index.SearchIndex` at start (seeding the starter content into an empty
table first). Every change made through it — add, edit, delete, import, synonyms — writes the
database and updates the index in one call. Changes made by another process (the command line
`python -m bot kb import`) reach a running bot through :meth:`KnowledgeBase.refresh`, which the
scheduler tick calls: a cheap fingerprint query, then only the changed entries are re-indexed.

No Telegram here: handlers render what these methods return.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services import audit
from bot.services.privacy import mask_text
from knowledge_base.content import load_default_synonyms, load_starter_entries
from knowledge_base.index import KbDoc, SearchHit, SearchIndex
from knowledge_base.normalize import normalize
from models.db import session_scope
from models.kb import GapStatus, KbEntry, KbGap, KbStatus, KbSynonym, KbVersion

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

__all__ = [
    "FIELDS",
    "FIELD_NAMES_ZH",
    "Entry",
    "Gap",
    "ImportReport",
    "KbError",
    "KnowledgeBase",
    "SynonymGroup",
    "Version",
    "attach",
    "check_field",
    "split_keywords",
]

#: The fields of an entry, in import/export column order.
FIELDS = ("question", "answer", "keywords", "category", "source")
FIELD_NAMES_ZH = {
    "question": "问题",
    "answer": "答复口径",
    "keywords": "关键词",
    "category": "分类",
    "source": "来源",
}
MAX_QUESTION = 200
MAX_ANSWER = 10_000
MAX_KEYWORD = 32
MAX_KEYWORDS = 40
MAX_CATEGORY = 64
MAX_SOURCE = 500
MAX_GAP_QUERY = 200
_KEYWORD_SPLIT = re.compile(r"[、,，;；\s]+")
_PENDING_MAX = 2000  # remembered queries for the "记录为知识库缺口" button


class KbError(ValueError):
    """A change the knowledge base refuses; the message is Chinese, for the user."""


# ----------------------------------------------------------------------------- views
@dataclass(frozen=True)
class Entry:
    id: int
    question: str
    answer: str
    keywords: tuple[str, ...]
    category: str
    source: str
    status: str
    version: int
    created_at: datetime
    created_by: int | None
    updated_at: datetime
    updated_by: int | None

    @property
    def active(self) -> bool:
        return self.status == KbStatus.active.value

    def fields(self) -> dict[str, Any]:
        return {"question": self.question, "answer": self.answer,
                "keywords": list(self.keywords), "category": self.category,
                "source": self.source}


@dataclass(frozen=True)
class Version:
    entry_id: int
    version: int
    at: datetime
    actor_id: int | None
    summary: str
    snapshot: dict[str, Any]


@dataclass(frozen=True)
class Gap:
    id: int
    query: str
    times: int
    asked_by: int | None
    asked_at: datetime
    status: str
    closed_by: int | None
    closed_at: datetime | None
    resolution_entry_id: int | None


@dataclass(frozen=True)
class SynonymGroup:
    id: int
    members: tuple[str, ...]


@dataclass
class ImportReport:
    """Outcome of an import: counts, and each bad row as ``(row number, Chinese message)``."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    synonyms_added: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# ----------------------------------------------------------------------------- helpers
def split_keywords(value: object) -> tuple[str, ...]:
    """Keywords from a list or a string separated by 、,，;； or spaces (duplicates dropped)."""
    if value is None:
        return ()
    parts: list[str] = []
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if item is None:
            continue
        parts.extend(p for p in _KEYWORD_SPLIT.split(str(item)) if p)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate and tidy the fields of an entry; raises KbError naming the first problem."""
    question = " ".join(_text(values.get("question")).split())
    answer = _text(values.get("answer")).replace("\r\n", "\n")
    keywords = split_keywords(values.get("keywords"))
    category = " ".join(_text(values.get("category")).split())
    source = " ".join(_text(values.get("source")).split())
    if not question:
        raise KbError("问题不能为空")
    if not normalize(question):
        raise KbError("问题里没有文字")
    if len(question) > MAX_QUESTION:
        raise KbError(f"问题太长（{len(question)} 字，最多 {MAX_QUESTION} 字）")
    if not answer:
        raise KbError("答复口径不能为空")
    if len(answer) > MAX_ANSWER:
        raise KbError(f"答复口径太长（{len(answer)} 字，最多 {MAX_ANSWER} 字）")
    if len(keywords) > MAX_KEYWORDS:
        raise KbError(f"关键词太多（{len(keywords)} 个，最多 {MAX_KEYWORDS} 个）")
    for kw in keywords:
        if len(kw) > MAX_KEYWORD:
            raise KbError(f"关键词“{kw[:40]}”太长（最多 {MAX_KEYWORD} 字）")
    if len(category) > MAX_CATEGORY:
        raise KbError(f"分类太长（最多 {MAX_CATEGORY} 字）")
    if len(source) > MAX_SOURCE:
        raise KbError(f"来源太长（最多 {MAX_SOURCE} 字）")
    return {"question": question, "answer": answer, "keywords": keywords,
            "category": category, "source": source}


def check_field(name: str, value: object) -> Any:
    """Validate and tidy one field (for dialogues that ask field by field)."""
    values: dict[str, Any] = {"question": "问题", "answer": "答复", name: value}
    return _clean(values)[name]


def _keywords_of(row: KbEntry) -> tuple[str, ...]:
    return tuple(k for k in row.keywords.split("、") if k) if row.keywords else ()


def _entry(row: KbEntry) -> Entry:
    assert row.id is not None
    return Entry(id=row.id, question=row.question, answer=row.answer,
                 keywords=_keywords_of(row), category=row.category, source=row.source,
                 status=row.status, version=row.version, created_at=row.created_at,
                 created_by=row.created_by, updated_at=row.updated_at,
                 updated_by=row.updated_by)


def _doc(row: KbEntry) -> KbDoc:
    assert row.id is not None
    return KbDoc(id=row.id, question=row.question, answer=row.answer,
                 keywords=_keywords_of(row), category=row.category, source=row.source)


def _gap(row: KbGap) -> Gap:
    assert row.id is not None
    return Gap(id=row.id, query=row.query, times=row.times, asked_by=row.asked_by,
               asked_at=row.asked_at, status=row.status, closed_by=row.closed_by,
               closed_at=row.closed_at, resolution_entry_id=row.resolution_entry_id)


def _snapshot(row: KbEntry) -> str:
    return json.dumps({"question": row.question, "answer": row.answer,
                       "keywords": list(_keywords_of(row)), "category": row.category,
                       "source": row.source, "status": row.status}, ensure_ascii=False)


def _changed(row: KbEntry, values: Mapping[str, Any]) -> list[str]:
    """The fields of ``values`` that differ from the row."""
    out = []
    for name in FIELDS:
        if name not in values:
            continue
        old: object = _keywords_of(row) if name == "keywords" else getattr(row, name)
        if old != values[name]:
            out.append(name)
    return out


def _apply(row: KbEntry, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name == "keywords":
            row.keywords = "、".join(value)
        elif name == "question":
            row.question = value
            row.question_key = normalize(value)[:256]
        else:
            setattr(row, name, value)


def _members(raw: str) -> tuple[str, ...]:
    try:
        data = json.loads(raw)
    except ValueError:
        return ()
    return tuple(str(m) for m in data) if isinstance(data, list) else ()


# ----------------------------------------------------------------------------- service
class KnowledgeBase:
    """Entries, versions, synonyms and gaps in the database; the search index in memory."""

    def __init__(self, engine: Engine, clock: Clock, *, seed_starter: bool = True) -> None:
        self.engine, self.clock = engine, clock
        self._pending: OrderedDict[str, str] = OrderedDict()
        self.seeded = self._seed(seed_starter)
        self._entries_mark: tuple[int, int] = (0, 0)  # (count, max id) of versions indexed
        self._synonyms_mark: tuple[Any, ...] = ()
        self.index = SearchIndex()
        self._reload_all()

    # -- loading -----------------------------------------------------------------------
    def _seed(self, starter: bool) -> int:
        """Fresh install (no entries at all): the default synonyms and the starter content."""
        with session_scope(self.engine) as s:
            if s.exec(select(func.count()).select_from(KbEntry)).one():
                return 0
            now = self.clock.now()
            if not s.exec(select(func.count()).select_from(KbSynonym)).one():
                for group in load_default_synonyms():
                    s.add(KbSynonym(members=json.dumps(group, ensure_ascii=False),
                                    updated_at=now))
            if not starter:
                return 0
            n = 0
            for raw in load_starter_entries():
                values = _clean(raw)
                self._insert(s, values, actor=None, summary="初始内容", now=now)
                n += 1
            audit.record(session=s, clock=self.clock, actor_id=None, action="kb.seed",
                         detail=f"{n} entries")
        log.info("knowledge base seeded with %d starter entries", n)
        return n

    def _entry_fingerprint(self, s: Session) -> tuple[int, int]:
        count, top = s.exec(select(func.count(col(KbVersion.id)), func.max(KbVersion.id))).one()
        return int(count or 0), int(top or 0)

    def _synonym_fingerprint(self, s: Session) -> tuple[Any, ...]:
        count, top, at = s.exec(select(func.count(col(KbSynonym.id)), func.max(KbSynonym.id),
                                       func.max(KbSynonym.updated_at))).one()
        return int(count or 0), int(top or 0), str(at)

    def _load_groups(self, s: Session) -> list[tuple[str, ...]]:
        rows = s.exec(select(KbSynonym).order_by(col(KbSynonym.id))).all()
        return [m for m in (_members(r.members) for r in rows) if m]

    def _reload_all(self) -> None:
        with session_scope(self.engine) as s:
            entries_mark = self._entry_fingerprint(s)
            synonyms_mark = self._synonym_fingerprint(s)
            groups = self._load_groups(s)
            rows = s.exec(select(KbEntry).where(KbEntry.status == KbStatus.active.value)
                          .order_by(col(KbEntry.id))).all()
            docs = [_doc(r) for r in rows]
        self.index = SearchIndex(docs, synonyms=groups)
        self._entries_mark, self._synonyms_mark = entries_mark, synonyms_mark

    def refresh(self, _now: object = None) -> bool:
        """Pick up changes made by another process; cheap when nothing changed."""
        with session_scope(self.engine) as s:
            synonyms_mark = self._synonym_fingerprint(s)
            groups = self._load_groups(s) if synonyms_mark != self._synonyms_mark else None
            entries_mark = self._entry_fingerprint(s)
            changed: list[KbEntry] | None = []
            if entries_mark != self._entries_mark:
                old_count, old_top = self._entries_mark
                ids = s.exec(select(KbVersion.entry_id).where(col(KbVersion.id) > old_top)).all()
                if len(ids) != entries_mark[0] - old_count:
                    changed = None  # versions appeared below the mark: reload everything
                else:
                    changed = list(s.exec(select(KbEntry).where(
                        col(KbEntry.id).in_(sorted(set(ids))))).all()) if ids else []
        if groups is None and changed == [] and entries_mark == self._entries_mark:
            return False
        if changed is None:
            self._reload_all()
            return True
        if groups is not None:
            self.index.set_synonyms(groups)
            self._synonyms_mark = synonyms_mark
        for row in changed:
            self._index_row(row)
        self._entries_mark = entries_mark
        return True

    def _index_row(self, row: KbEntry) -> None:
        assert row.id is not None
        if row.status == KbStatus.active.value:
            self.index.upsert(_doc(row))
        else:
            self.index.remove(row.id)

    # -- reading -----------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 5) -> list[SearchHit]:
        """Best active entries for ``query`` (≤ limit), each with a score and ``strong``."""
        return self.index.search(query, limit=limit)

    def get(self, entry_id: int) -> Entry | None:
        """An entry by id (active or deleted), or None."""
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            return _entry(row) if row is not None else None

    def find_question(self, question: str) -> Entry | None:
        """The active entry with the same (normalised) question, if any."""
        with session_scope(self.engine) as s:
            row = self._active_by_key(s, normalize(question)[:256])
            return _entry(row) if row is not None else None

    def get_many(self, ids: Sequence[int]) -> dict[int, Entry]:
        if not ids:
            return {}
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbEntry).where(col(KbEntry.id).in_(list(ids)))).all()
            return {r.id: _entry(r) for r in rows if r.id is not None}

    def count(self) -> int:
        """Active entries."""
        return len(self.index)

    def categories(self, limit: int = 12) -> list[str]:
        """The categories in use, most entries first."""
        with session_scope(self.engine) as s:
            n = func.count(col(KbEntry.id))
            rows = s.exec(select(KbEntry.category, n)
                          .where(KbEntry.status == KbStatus.active.value, KbEntry.category != "")
                          .group_by(col(KbEntry.category))
                          .order_by(n.desc(), col(KbEntry.category))
                          .limit(limit)).all()
        return [c for c, _ in rows]

    def history(self, entry_id: int) -> list[Version]:
        """Every version of an entry, oldest first ([] when there is no such entry)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbVersion).where(KbVersion.entry_id == entry_id)
                          .order_by(col(KbVersion.version))).all()
            return [Version(entry_id=r.entry_id, version=r.version, at=r.at,
                            actor_id=r.actor_id, summary=r.summary,
                            snapshot=json.loads(r.snapshot)) for r in rows]

    def export_rows(self) -> list[dict[str, Any]]:
        """The active entries as dicts with the import columns (keywords as a list)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbEntry).where(KbEntry.status == KbStatus.active.value)
                          .order_by(col(KbEntry.id))).all()
            return [_entry(r).fields() for r in rows]

    # -- changing ----------------------------------------------------------------------
    def _insert(self, s: Session, values: Mapping[str, Any], *, actor: int | None,
                summary: str, now: datetime) -> KbEntry:
        row = KbEntry(question="", question_key="", answer="", created_at=now, created_by=actor,
                      updated_at=now, updated_by=actor, version=1)
        _apply(row, values)
        s.add(row)
        s.flush()
        self._version(s, row, actor=actor, summary=summary, now=now)
        return row

    def _version(self, s: Session, row: KbEntry, *, actor: int | None, summary: str,
                 now: datetime) -> None:
        assert row.id is not None
        s.add(KbVersion(entry_id=row.id, version=row.version, at=now, actor_id=actor,
                        summary=summary[:256], snapshot=_snapshot(row)))

    def _active_by_key(self, s: Session, key: str) -> KbEntry | None:
        return s.exec(select(KbEntry).where(KbEntry.question_key == key,
                                            KbEntry.status == KbStatus.active.value)
                      .order_by(col(KbEntry.id))).first()

    def add(self, *, actor: int | None, question: str, answer: str,
            keywords: object = (), category: str = "", source: str = "") -> Entry:
        """Create an entry (version 1); KbError when invalid or the question already exists."""
        values = _clean({"question": question, "answer": answer, "keywords": keywords,
                         "category": category, "source": source})
        with session_scope(self.engine) as s:
            same = self._active_by_key(s, normalize(values["question"])[:256])
            if same is not None:
                raise KbError(f"已有相同的问题：#{same.id}（可用 /kb_edit {same.id} 修改）")
            row = self._insert(s, values, actor=actor, summary="新建", now=self.clock.now())
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.add",
                         target=f"kb:{row.id}")
        self._index_row(row)
        return _entry(row)

    def edit(self, *, actor: int | None, entry_id: int, **changes: Any) -> Entry:
        """Change some fields of an active entry (a new version); KbError when invalid."""
        unknown = set(changes) - set(FIELDS)
        if unknown:
            raise KbError("未知字段：" + "、".join(sorted(unknown)))
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            if row is None or row.status != KbStatus.active.value:
                raise KbError(f"没有编号为 {entry_id} 的知识条目")
            merged = _entry(row).fields() | changes
            values = {k: v for k, v in _clean(merged).items() if k in changes}
            if "question" in values:
                same = self._active_by_key(s, normalize(values["question"])[:256])
                if same is not None and same.id != row.id:
                    raise KbError(f"已有相同的问题：#{same.id}")
            names = _changed(row, values)
            if not names:
                return _entry(row)
            self._touch(s, row, {k: values[k] for k in names}, actor=actor,
                        summary="修改：" + "、".join(FIELD_NAMES_ZH[n] for n in names))
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.edit",
                         target=f"kb:{row.id}", detail=",".join(names))
        self._index_row(row)
        return _entry(row)

    def _touch(self, s: Session, row: KbEntry, values: Mapping[str, Any], *,
               actor: int | None, summary: str, status: str | None = None) -> None:
        now = self.clock.now()
        _apply(row, values)
        if status is not None:
            row.status = status
        row.version += 1
        row.updated_at, row.updated_by = now, actor
        s.add(row)
        s.flush()
        self._version(s, row, actor=actor, summary=summary, now=now)

    def delete(self, *, actor: int | None, entry_id: int) -> Entry:
        """Mark an entry deleted (its history stays); KbError when there is no active one."""
        with session_scope(self.engine) as s:
            row = s.get(KbEntry, entry_id)
            if row is None or row.status != KbStatus.active.value:
                raise KbError(f"没有编号为 {entry_id} 的知识条目（或已删除）")
            self._touch(s, row, {}, actor=actor, summary="删除", status=KbStatus.deleted.value)
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.delete",
                         target=f"kb:{row.id}")
        self._index_row(row)
        return _entry(row)

    # -- import --------------------------------------------------------------------------
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
                    values = _clean(raw)
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
                names = _changed(current, values)
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

    # -- synonyms ------------------------------------------------------------------------
    def synonyms(self) -> list[SynonymGroup]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbSynonym).order_by(col(KbSynonym.id))).all()
            return [SynonymGroup(r.id, _members(r.members)) for r in rows if r.id is not None]

    def _reload_synonyms(self) -> None:
        with session_scope(self.engine) as s:
            mark = self._synonym_fingerprint(s)
            groups = self._load_groups(s)
        self.index.set_synonyms(groups)
        self._synonyms_mark = mark

    @staticmethod
    def _clean_group(members: Iterable[str]) -> tuple[str, ...]:
        out: list[str] = []
        for m in members:
            for part in _KEYWORD_SPLIT.split(str(m)):
                part = part.strip().replace("=", "")
                if part and part not in out:
                    out.append(part)
        for m in out:
            if len(m) > MAX_KEYWORD:
                raise KbError(f"同义词“{m[:40]}”太长（最多 {MAX_KEYWORD} 字）")
            if not normalize(m):
                raise KbError(f"同义词“{m}”里没有文字")
        if len({normalize(m) for m in out}) < 2:
            raise KbError("一组同义词至少要有两个不同的词")
        return tuple(out)

    def add_synonyms(self, *, actor: int | None, members: Iterable[str]) -> SynonymGroup:
        """Add a group, or extend the group whose first (canonical) member is the same."""
        group = self._clean_group(members)
        with session_scope(self.engine) as s:
            target = None
            for row in s.exec(select(KbSynonym).order_by(col(KbSynonym.id))).all():
                have = _members(row.members)
                if have and normalize(have[0]) == normalize(group[0]):
                    target = row
                    group = tuple(dict.fromkeys(have + group))
                    break
            now = self.clock.now()
            if target is None:
                target = KbSynonym(members="", updated_at=now)
            target.members = json.dumps(list(group), ensure_ascii=False)
            target.updated_at, target.updated_by = now, actor
            s.add(target)
            s.flush()
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.synonyms.add",
                         target=f"kbsyn:{target.id}")
            assert target.id is not None
            result = SynonymGroup(target.id, group)
        self._reload_synonyms()
        return result

    def remove_synonyms(self, *, actor: int | None, group_id: int,
                        member: str | None = None) -> SynonymGroup | None:
        """Delete a group, or only one member of it (a group left with one member goes).

        Returns the group as it is now (None when it was deleted)."""
        with session_scope(self.engine) as s:
            row = s.get(KbSynonym, group_id)
            if row is None:
                raise KbError(f"没有编号为 {group_id} 的同义词组")
            have = _members(row.members)
            result: SynonymGroup | None = None
            if member is not None:
                key = normalize(member)
                left = tuple(m for m in have if normalize(m) != key)
                if len(left) == len(have):
                    raise KbError(f"同义词组 {group_id} 里没有“{member}”")
                if len(left) >= 2:
                    row.members = json.dumps(list(left), ensure_ascii=False)
                    row.updated_at, row.updated_by = self.clock.now(), actor
                    s.add(row)
                    result = SynonymGroup(group_id, left)
            if result is None:
                s.delete(row)
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.synonyms.del",
                         target=f"kbsyn:{group_id}")
        self._reload_synonyms()
        return result

    def import_synonyms(self, groups: Iterable[Iterable[str]], *,
                        actor: int | None = None) -> int:
        """Add the groups not already present (same members in any order); returns how many.

        A group that is invalid (fewer than two terms) is skipped."""
        with session_scope(self.engine) as s:
            have = {frozenset(normalize(m) for m in _members(r.members))
                    for r in s.exec(select(KbSynonym)).all()}
            now, added = self.clock.now(), 0
            for raw in groups:
                try:
                    group = self._clean_group(raw)
                except KbError:
                    continue
                key = frozenset(normalize(m) for m in group)
                if any(key <= h for h in have):
                    continue
                have.add(key)
                s.add(KbSynonym(members=json.dumps(list(group), ensure_ascii=False),
                                updated_at=now, updated_by=actor))
                added += 1
        if added:
            self._reload_synonyms()
        return added

    # -- gaps ----------------------------------------------------------------------------
    def remember_query(self, query: str) -> str:
        """A short token for a query (the gap button's callback data cannot hold the text).

        The query is masked here already: the token store never holds a phone number."""
        token = secrets.token_hex(4)
        self._pending[token] = mask_text(query.strip())[:MAX_GAP_QUERY]
        while len(self._pending) > _PENDING_MAX:
            self._pending.popitem(last=False)
        return token

    def pending_query(self, token: str) -> str | None:
        return self._pending.get(token)

    def record_gap(self, query: str, actor: int | None) -> tuple[Gap, bool]:
        """Record a search that found no good answer (masked); an open gap with the same
        question is counted again instead of doubled. Returns (gap, newly created)."""
        text = " ".join(mask_text(query or "").split())[:MAX_GAP_QUERY]
        key = (normalize(text) or text)[:256]
        if not key:
            raise KbError("检索内容为空")
        now = self.clock.now()
        with session_scope(self.engine) as s:
            row = s.exec(select(KbGap).where(KbGap.query_key == key,
                                             KbGap.status == GapStatus.open.value)).first()
            created = row is None
            if row is None:
                row = KbGap(query=text, query_key=key, asked_by=actor, asked_at=now)
            else:
                row.times += 1
            s.add(row)
            s.flush()
            return _gap(row), created

    def open_gaps(self, limit: int | None = None) -> list[Gap]:
        """Open gaps, oldest first."""
        with session_scope(self.engine) as s:
            q = select(KbGap).where(KbGap.status == GapStatus.open.value) \
                .order_by(col(KbGap.asked_at), col(KbGap.id))
            if limit is not None:
                q = q.limit(limit)
            return [_gap(r) for r in s.exec(q).all()]

    def count_open_gaps(self) -> int:
        with session_scope(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(KbGap)
                              .where(KbGap.status == GapStatus.open.value)).one())

    def close_gap(self, *, actor: int | None, gap_id: int,
                  entry_id: int | None = None) -> Gap:
        """Close a gap, optionally naming the entry that now answers it."""
        with session_scope(self.engine) as s:
            row = s.get(KbGap, gap_id)
            if row is None:
                raise KbError(f"没有编号为 {gap_id} 的知识库缺口")
            if row.status != GapStatus.open.value:
                raise KbError(f"缺口 #{gap_id} 已经关闭")
            if entry_id is not None:
                entry = s.get(KbEntry, entry_id)
                if entry is None or entry.status != KbStatus.active.value:
                    raise KbError(f"没有编号为 {entry_id} 的知识条目")
            row.status = GapStatus.closed.value
            row.closed_by, row.closed_at = actor, self.clock.now()
            row.resolution_entry_id = entry_id
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.gap.close",
                         target=f"kbgap:{gap_id}",
                         detail=f"entry {entry_id}" if entry_id is not None else None)
            return _gap(row)

    def gaps_between(self, start: datetime, end: datetime) -> list[Gap]:
        """Gaps first recorded in [start, end), open or closed (for the reports)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbGap).where(col(KbGap.asked_at) >= start,
                                              col(KbGap.asked_at) < end)
                          .order_by(col(KbGap.asked_at), col(KbGap.id))).all()
            return [_gap(r) for r in rows]

    def gap_count(self, *, start: datetime, end: datetime) -> int:
        """How many gaps were recorded in [start, end) (the weekly report's figure)."""
        with session_scope(self.engine) as s:
            return int(s.exec(select(func.count()).select_from(KbGap).where(
                col(KbGap.asked_at) >= start, col(KbGap.asked_at) < end)).one())


def attach(svc: Services) -> None:
    """Build the knowledge base (seeding an empty one), set `svc.kb`, refresh on every tick."""
    kb = KnowledgeBase(svc.engine, svc.clock,
                       seed_starter=svc.settings.kb_seed_starter)
    svc.kb = kb
    svc.periodic.append(kb.refresh)
