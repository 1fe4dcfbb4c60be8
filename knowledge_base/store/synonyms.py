"""Synonym groups in the database (出生证 = 出生医学证明): listing, adding, removing, import.

A group's first member is its canonical form: adding a group whose first member is already
some group's first member extends that group instead of making a near-duplicate. Any change
re-indexes every entry lexically (the analysis of an entry depends on the groups), which is
why the index is reloaded once per call rather than per member. Vectors do not depend on them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.staff import audit
from knowledge_base.hybrid import HybridIndex
from knowledge_base.normalize import normalize
from knowledge_base.store.fields import KEYWORD_SPLIT, MAX_KEYWORD, KbError
from knowledge_base.store.views import SynonymGroup, members_of
from models.db import session_scope
from models.kb import KbSynonym

__all__ = ["Synonyms", "load_groups", "synonym_fingerprint"]


def synonym_fingerprint(s: Session) -> tuple[Any, ...]:
    count, top, at = s.exec(select(func.count(col(KbSynonym.id)), func.max(KbSynonym.id),
                                   func.max(KbSynonym.updated_at))).one()
    return int(count or 0), int(top or 0), str(at)


def load_groups(s: Session) -> list[tuple[str, ...]]:
    rows = s.exec(select(KbSynonym).order_by(col(KbSynonym.id))).all()
    return [m for m in (members_of(r.members) for r in rows) if m]


def clean_group(members: Iterable[str]) -> tuple[str, ...]:
    """The members of a group, split and de-duplicated; KbError when it is not a group."""
    out: list[str] = []
    for m in members:
        for part in KEYWORD_SPLIT.split(str(m)):
            part = part.strip().replace("=", "")
            if part and part not in out:
                out.append(part)
    for m in out:
        if len(m) > MAX_KEYWORD:
            raise KbError("synonym_too_long", term=m[:40], max=MAX_KEYWORD)
        if not normalize(m):
            raise KbError("synonym_no_text", term=m)
    if len({normalize(m) for m in out}) < 2:
        raise KbError("synonym_group_small")
    return tuple(out)


class Synonyms:
    """The synonym groups: list, add / extend, remove (a group or one member), import."""

    def __init__(self, engine: Engine, clock: Clock, index: HybridIndex) -> None:
        self.engine, self.clock, self.index = engine, clock, index
        self.mark: tuple[Any, ...] = ()  # fingerprint of the groups indexed

    def list(self) -> list[SynonymGroup]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbSynonym).order_by(col(KbSynonym.id))).all()
            return [SynonymGroup(r.id, members_of(r.members)) for r in rows if r.id is not None]

    def reload(self) -> None:
        """Re-index with the groups as stored now."""
        with session_scope(self.engine) as s:
            mark = synonym_fingerprint(s)
            groups = load_groups(s)
        self.index.set_synonyms(groups)
        self.mark = mark

    def add(self, *, actor: int | None, members: Iterable[str]) -> SynonymGroup:
        """Add a group, or extend the group whose first (canonical) member is the same."""
        group = clean_group(members)
        with session_scope(self.engine) as s:
            target = None
            for row in s.exec(select(KbSynonym).order_by(col(KbSynonym.id))).all():
                have = members_of(row.members)
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
        self.reload()
        return result

    def remove(self, *, actor: int | None, group_id: int,
               member: str | None = None) -> SynonymGroup | None:
        """Delete a group, or only one member of it (a group left with one member goes).

        Returns the group as it is now (None when it was deleted)."""
        with session_scope(self.engine) as s:
            row = s.get(KbSynonym, group_id)
            if row is None:
                raise KbError("no_synonym_group", id=group_id)
            have = members_of(row.members)
            result: SynonymGroup | None = None
            if member is not None:
                key = normalize(member)
                left = tuple(m for m in have if normalize(m) != key)
                if len(left) == len(have):
                    raise KbError("synonym_not_in_group", id=group_id, term=member)
                if len(left) >= 2:
                    row.members = json.dumps(list(left), ensure_ascii=False)
                    row.updated_at, row.updated_by = self.clock.now(), actor
                    s.add(row)
                    result = SynonymGroup(group_id, left)
            if result is None:
                s.delete(row)
            audit.record(session=s, clock=self.clock, actor_id=actor, action="kb.synonyms.del",
                         target=f"kbsyn:{group_id}")
        self.reload()
        return result

    def import_groups(self, groups: Iterable[Iterable[str]], *, actor: int | None = None,
                      reload: bool = True) -> int:
        """Add the groups not already present (same members in any order); returns how many.

        A group that is invalid (fewer than two terms) is skipped."""
        with session_scope(self.engine) as s:
            have = {frozenset(normalize(m) for m in members_of(r.members))
                    for r in s.exec(select(KbSynonym)).all()}
            now, added = self.clock.now(), 0
            for raw in groups:
                try:
                    group = clean_group(raw)
                except KbError:
                    continue
                key = frozenset(normalize(m) for m in group)
                if any(key <= h for h in have):
                    continue
                have.add(key)
                s.add(KbSynonym(members=json.dumps(list(group), ensure_ascii=False),
                                updated_at=now, updated_by=actor))
                added += 1
        if added and reload:
            self.reload()
        return added
