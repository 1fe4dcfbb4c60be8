"""Synonym groups in the database (出生证 = 出生医学证明): listing, adding, removing, import.

A group's first member is its canonical form: adding a group whose first member is already
some group's first member extends that group instead of making a near-duplicate. Any change
re-indexes every entry (the analysis of an entry depends on the groups), which is why the
index is reloaded once per call rather than per member.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlmodel import col, select

from bot.services.staff import audit
from knowledge_base.normalize import normalize
from knowledge_base.store.core import KbCore
from knowledge_base.store.fields import KEYWORD_SPLIT, MAX_KEYWORD, KbError
from knowledge_base.store.views import SynonymGroup, members_of
from models.db import session_scope
from models.kb import KbSynonym

__all__ = ["SynonymsMixin"]


class SynonymsMixin(KbCore):
    """The synonym groups: list, add / extend, remove (a group or one member), import."""

    def synonyms(self) -> list[SynonymGroup]:
        with session_scope(self.engine) as s:
            rows = s.exec(select(KbSynonym).order_by(col(KbSynonym.id))).all()
            return [SynonymGroup(r.id, members_of(r.members)) for r in rows if r.id is not None]

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
            for part in KEYWORD_SPLIT.split(str(m)):
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
            have = members_of(row.members)
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
            have = {frozenset(normalize(m) for m in members_of(r.members))
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
