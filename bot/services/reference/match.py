"""Matching what staff type against the reference data: units, categories and short choices.

Exact names and aliases win; a unique fragment or contained name comes next; fuzzy similarity
is accepted only above a threshold *and* clearly ahead of the runner-up, because a wrongly
guessed unit sends a ticket to the wrong office. Otherwise the nearest names are suggested.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.services.reference.units import Unit

# A fuzzy match is accepted when it scores at least this (rapidfuzz 0–100) …
UNIT_THRESHOLD = 80.0
CATEGORY_THRESHOLD = 75.0
# … and beats the runner-up (another target) by this margin: near-ties are asked, not guessed.
MARGIN = 4.0
SUGGESTION_LIMIT = 5
SUGGESTION_CUTOFF = 40.0

_PREFIXES = ("北京市朝阳区", "北京朝阳区", "北京市", "朝阳区")
_CATEGORY_SEPARATORS = re.compile(r"\s*(?:[/／>＞\\|｜→\-－—–·•、:：]+|>>)\s*")


@dataclass
class MatchResult:
    """``value`` is the canonical name, or None; ``suggestions`` are the nearest names."""

    value: str | None
    suggestions: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def ok(self) -> bool:
        return self.value is not None


@dataclass
class CategoryMatch:
    """A two-level category; ``suggestions`` are "一级/二级" strings (or level-2 names)."""

    l1: str | None
    l2: str | None
    suggestions: list[str] = field(default_factory=list)
    # The level-1 category was recognised but the level-2 one was missing or unknown.
    l1_only: bool = False

    @property
    def value(self) -> tuple[str, str] | None:
        if self.l1 is None or self.l2 is None:
            return None
        return (self.l1, self.l2)

    @property
    def ok(self) -> bool:
        return self.value is not None


def match_unit(units: Sequence[Unit], text: str) -> MatchResult:
    """Match a responsible unit by name, alias, unique fragment or fuzzy similarity."""
    keys: dict[str, str] = {}  # normalised name/alias -> canonical name
    for unit in units:
        for key in (unit.name, *unit.aliases):
            keys.setdefault(normalize_name(key), unit.name)
    return match_name(text, keys, threshold=UNIT_THRESHOLD, names=[u.name for u in units])


def match_simple(text: str, values: list[str], aliases: dict[str, str]) -> MatchResult:
    """Match a short choice (request type, urgency, industry) by whole value or alias."""
    norm = simple_norm(text)
    for suffix in ("", "类", "件", "案件", "诉求"):
        if suffix and not norm.endswith(suffix):
            continue
        stem = norm[: len(norm) - len(suffix)] if suffix else norm
        if stem in values:
            return MatchResult(stem, [], 100.0)
        if stem in aliases:
            return MatchResult(aliases[stem], [], 100.0)
    # Only whole values: fuzzy guessing between 急 and 紧急 would be dangerous.
    return MatchResult(None, list(values))


def normalize_name(text: str) -> str:
    """Fold width, drop spaces/brackets and the 北京市/朝阳区 prefixes for comparing names."""
    s = unicodedata.normalize("NFKC", text or "")
    s = re.sub(r"[\s\u3000\"'“”‘’《》<>]+", "", s)
    s = s.replace("（", "(").replace("）", ")")
    s = s.lower()
    for prefix in _PREFIXES:
        if s.startswith(prefix) and len(s) > len(prefix):
            s = s[len(prefix) :]
            break
    return s


def simple_norm(text: str) -> str:
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", text or ""))


def match_name(
    text: str, keys: dict[str, str], *, threshold: float, names: list[str]
) -> MatchResult:
    query = normalize_name(text)
    if not query:
        return MatchResult(None, names[:SUGGESTION_LIMIT])
    if query in keys:
        return MatchResult(keys[query], [], 100.0)
    # A fragment that appears in exactly one unit's names ("中日友好" → 中日友好医院).
    if len(query) >= 2:
        owners = {owner for key, owner in keys.items() if query in key}
        if len(owners) == 1:
            return MatchResult(owners.pop(), [], 95.0)
    # A longer text that contains exactly one unit's name ("朝阳医院京西院区").
    contained = sorted(
        ((len(key), owner) for key, owner in keys.items() if len(key) >= 4 and key in query),
        reverse=True,
    )
    if contained and (len(contained) == 1 or contained[0][0] > contained[1][0]):
        return MatchResult(contained[0][1], [], 90.0)
    hits = process.extract(query, list(keys), scorer=fuzz.ratio, limit=20)
    ranked: list[tuple[str, float]] = []
    for key, score, _ in hits:
        owner = keys[key]
        if owner not in {o for o, _ in ranked}:
            ranked.append((owner, float(score)))
    if ranked and ranked[0][1] >= threshold:
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if ranked[0][1] - runner_up >= MARGIN:
            return MatchResult(ranked[0][0], [], ranked[0][1])
    return MatchResult(None, _suggest(query, keys), ranked[0][1] if ranked else 0.0)


def _suggest(query: str, keys: dict[str, str]) -> list[str]:
    hits = process.extract(
        query, list(keys), scorer=fuzz.WRatio, limit=SUGGESTION_LIMIT * 4,
        score_cutoff=SUGGESTION_CUTOFF,
    )
    if not hits:  # nothing similar: still offer the nearest few so the user sees the options
        hits = process.extract(query, list(keys), scorer=fuzz.WRatio, limit=SUGGESTION_LIMIT * 4)
    out: list[str] = []
    for key, _, _ in hits:
        owner = keys[key]
        if owner not in out:
            out.append(owner)
        if len(out) >= SUGGESTION_LIMIT:
            break
    return out


def match_category(categories: Mapping[str, list[str]], aliases: Mapping[str, str],
                   text: str) -> CategoryMatch:
    """Match "一级/二级" (also "一级-二级", "一级>二级", a unique 二级 name, or fuzzy);
    ``aliases`` name level-1 categories."""
    raw = simple_norm(text)
    parts = [p for p in _CATEGORY_SEPARATORS.split(raw) if p]
    combos = {f"{l1}/{l2}": (l1, l2) for l1, l2s in categories.items() for l2 in l2s}
    if not parts:
        return CategoryMatch(None, None, list(combos)[:SUGGESTION_LIMIT])
    l1_keys = {normalize_name(k): k for k in categories}
    for alias, target in aliases.items():
        l1_keys.setdefault(normalize_name(alias), target)

    def find_l1(part: str) -> str | None:
        res = match_name(part, l1_keys, threshold=CATEGORY_THRESHOLD, names=list(categories))
        return res.value

    def find_l2(l1: str, part: str) -> CategoryMatch:
        l2_keys = {normalize_name(x): x for x in categories[l1]}
        res = match_name(part, l2_keys, threshold=CATEGORY_THRESHOLD, names=categories[l1])
        if res.value is not None:
            return CategoryMatch(l1, res.value)
        return CategoryMatch(l1, None, [f"{l1}/{x}" for x in categories[l1]], l1_only=True)

    if len(parts) >= 2:
        l1 = find_l1(parts[0])
        if l1 is not None:
            return find_l2(l1, "".join(parts[1:]))
    elif (l1 := find_l1(parts[0])) is not None and normalize_name(parts[0]) in l1_keys:
        # Only a level-1 name: the level-2 one must still be chosen.
        return CategoryMatch(l1, None, [f"{l1}/{x}" for x in categories[l1]], l1_only=True)
    else:
        # Just a level-2 name, unique across the taxonomy ("收受红包").
        owners = [combo for combo in combos.values() if combo[1] == parts[0]]
        if len(owners) == 1:
            return CategoryMatch(*owners[0])
    # Fuzzy over the whole "一级/二级" string.
    joined = "/".join(parts)
    combo_keys = {normalize_name(k): k for k in combos}
    res = match_name(joined, combo_keys, threshold=CATEGORY_THRESHOLD, names=list(combos))
    if res.value is not None:
        return CategoryMatch(*combos[res.value])
    if res.score >= SUGGESTION_CUTOFF and res.suggestions:
        return CategoryMatch(None, None, res.suggestions[:SUGGESTION_LIMIT])
    # nothing close: suggest nothing rather than the whole taxonomy (the dialogue offers
    # every level-1 category as buttons anyway)
    return CategoryMatch(None, None, [])
