"""Query analysis: what a search looks for, and how much each part of it counts.

A query in Chinese characters gets the same terms as an entry's question (one reading per
character). A query typed in latin letters is read as pinyin (``chusheng zhengming``,
``chushengzhengming``) and/or as initials (``csyxzm``): the readings that may be wrong are
*speculative* — they count only when some entry has them, so a word that is not pinyin does not
drag down the confidence of a latin query.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import knowledge_base.normalize as nz
from knowledge_base.query_weights import CLASS_WEIGHT, cjk_query_weights
from knowledge_base.synonyms import SynonymTable
from knowledge_base.terms import fuzzy_py, lenient_split

__all__ = ["CLASS_WEIGHT", "QueryPlan", "plan_query"]

_MAX_QUERY_CHARS = 200
_TRIGRAM_WITH_WORDS = 0.3  # weight factor of initials trigrams when word initials are read


@dataclass(slots=True)
class QueryPlan:
    terms: dict[str, float]  # term -> class weight
    speculative: frozenset[str]  # terms that only count in the denominator when known
    latin: bool  # the query is latin letters only (pinyin / initials)
    text: str  # canonical stop-word-free text for fuzzy matching (or latin letters)
    pinyin: str  # fuzzy pinyin string of the query (CJK queries)


def plan_query(query: str, syn: SynonymTable) -> QueryPlan | None:
    """The terms of ``query`` with their class weights; None when it has nothing to search."""
    spaced = nz.normalize_spaced(query[:_MAX_QUERY_CHARS])
    qn = spaced.replace(" ", "")
    if not qn:
        return None
    if any(nz.is_cjk(ch) for ch in qn):
        planned = cjk_query_weights(qn, syn)
        if planned is None:
            return None
        weights, content = planned
        text = syn.canonicalize(content)
        pinyin = "".join(fuzzy_py(nz.syllables(text))) + "".join(nz.latin_chunks(text))
        return QueryPlan(weights, frozenset(), False, text, pinyin)
    return _latin_plan(spaced, qn)


def _latin_plan(spaced: str, qn: str) -> QueryPlan | None:
    """A query in latin letters: pinyin (spaced or not), initials, latin tokens."""
    terms: set[str] = set()
    speculative: set[str] = set()
    chunks = [c for c in spaced.split(" ") if c]
    letters = "".join(ch for ch in qn if ch.isalpha())
    syls: list[str] = []
    pinyin_ok = True
    for chunk in chunks:
        terms.add("l:" + chunk)
        if chunk.isdigit():
            continue
        split = lenient_split("".join(ch for ch in chunk if ch.isalpha()))
        if split is None:
            pinyin_ok = False
            continue
        fz = fuzzy_py(split)
        syls.extend(fz)
        if len(fz) >= 2:
            terms.add("y:" + "".join(fz))
    if syls and (pinyin_ok or len(syls) >= 2):
        terms.update(f"p:{a}_{b}" for a, b in itertools.pairwise(syls))
        # word pinyin of every 2..4 syllable window: matches jieba words of entries
        for n in (2, 3, 4):
            for i in range(len(syls) - n + 1):
                speculative.add("y:" + "".join(syls[i : i + n]))
    strict_pinyin = bool(chunks) and all(
        c.isdigit() or nz.split_pinyin(c) is not None for c in chunks
    )
    if len(letters) >= 3 and (not strict_pinyin or len(letters) <= 4):
        for i in range(len(letters) - 2):
            speculative.add("i:" + letters[i : i + 3])
    speculative |= _word_initials(chunks)
    speculative -= terms
    terms |= speculative
    if not terms:
        return None
    weights = {t: CLASS_WEIGHT[t[0]] for t in terms}
    if any(t[0] == "n" for t in terms):
        # short initials: whole words (疫苗 + 接种) say more than three letters anywhere
        weights = {t: w * (_TRIGRAM_WITH_WORDS if t[0] == "i" else 1.0)
                   for t, w in weights.items()}
    return QueryPlan(weights, frozenset(speculative), True, letters or qn, "")


def _word_initials(chunks: list[str]) -> set[str]:
    """Word-initials readings of short letter chunks: ``ym`` (疫苗, 医美), ``ymjz`` (疫苗接种,
    or 疫苗 + 接种)."""
    out: set[str] = set()
    for chunk in chunks:
        if not chunk.isalpha() or not 2 <= len(chunk) <= 8 or nz.split_pinyin(chunk):
            continue
        if len(chunk) <= 6:
            out.add("n:" + chunk)
        if len(chunk) % 2 == 0 and len(chunk) > 2:
            out.update("n:" + chunk[i:i + 2] for i in range(0, len(chunk), 2))
    return out
