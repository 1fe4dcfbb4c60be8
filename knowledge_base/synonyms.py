"""Synonym groups: detection of group members in text and canonicalisation.

A *group* is a set of interchangeable terms (出生证 = 出生医学证明 = 出生证明). Members are
normalised with :func:`knowledge_base.normalize.normalize` (so traditional / full-width members
work). Detection is a single compiled regular expression, longest member first, so it does not
depend on how jieba happens to segment a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from knowledge_base.normalize import normalize

__all__ = ["SynonymTable"]


class SynonymTable:
    """Immutable table of synonym groups.

    ``groups`` — iterable of iterables of strings; members are normalised, empty members and
    groups with fewer than two distinct members are dropped. A member that occurs in several
    groups belongs to all of them (the groups are *not* merged transitively).
    """

    def __init__(self, groups: Iterable[Iterable[str]] = ()) -> None:
        cleaned: list[tuple[str, ...]] = []
        seen_groups: set[tuple[str, ...]] = set()
        for group in groups:
            if isinstance(group, str):  # a bare string is not a group
                continue
            members: list[str] = []
            for member in group:
                norm = normalize(str(member))
                if norm and norm not in members:
                    members.append(norm)
            key = tuple(sorted(members))
            if len(members) >= 2 and key not in seen_groups:
                seen_groups.add(key)
                cleaned.append(tuple(members))
        self.groups: tuple[tuple[str, ...], ...] = tuple(cleaned)
        member_groups: dict[str, list[int]] = {}
        for gid, members in enumerate(self.groups):
            for member in members:
                member_groups.setdefault(member, []).append(gid)
        self._member_groups = {m: tuple(g) for m, g in member_groups.items()}
        # canonical form of a member: the first member of its first group
        self._canonical = {m: self.groups[g[0]][0] for m, g in self._member_groups.items()}
        if member_groups:
            alternation = "|".join(
                re.escape(m) for m in sorted(member_groups, key=lambda m: (-len(m), m))
            )
            self._regex: re.Pattern[str] | None = re.compile(alternation)
        else:
            self._regex = None

    def __len__(self) -> int:
        return len(self.groups)

    def __bool__(self) -> bool:
        return bool(self.groups)

    def group_ids(self, text: str) -> set[int]:
        """Ids of the groups having a member in the normalised ``text``."""
        if self._regex is None or not text:
            return set()
        out: set[int] = set()
        for match in self._regex.finditer(text):
            out.update(self._member_groups[match.group(0)])
        return out

    def find(self, text: str) -> list[tuple[int, int, tuple[int, ...]]]:
        """Non-overlapping member occurrences as ``(start, end, group ids)``."""
        if self._regex is None or not text:
            return []
        return [
            (m.start(), m.end(), self._member_groups[m.group(0)])
            for m in self._regex.finditer(text)
        ]

    def canonicalize(self, text: str) -> str:
        """Replace every member occurrence by the canonical member of its group."""
        if self._regex is None or not text:
            return text
        return self._regex.sub(lambda m: self._canonical[m.group(0)], text)
