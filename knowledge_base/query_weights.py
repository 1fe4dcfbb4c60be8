"""Weights of a Chinese query's terms: every content word counts once.

A query is split into *units*: its content words (jieba tokens that are neither frames nor
stop words), where the words a synonym-group member spans form one unit (出生|医学|证明 is one
thing). A unit yields many terms — character bigrams and unigrams, the word and its sub-words,
their pinyin, synonym groups — and they share one budget of weight, whatever the unit's length:
a four-character word does not count four times over through its pieces and pinyin, and a
one-character word (肉, 吐) counts as much as any other word. Bigrams that straddle two units
get a little weight (they help with typos that change the segmentation); each frame is one
intent term of low weight.
"""

from __future__ import annotations

import itertools

import knowledge_base.normalize as nz
from knowledge_base.frames import split_tokens
from knowledge_base.synonyms import SynonymTable
from knowledge_base.terms import bigrams, fuzzy_py, sub_words

__all__ = [
    "CLASS_WEIGHT",
    "FRAME_WEIGHT",
    "GLUE_WEIGHT",
    "SYNONYM_SHARE",
    "UNIT_BUDGET",
    "cjk_query_weights",
]

# Relative weight of each term class within a unit (and, for latin queries, absolute).
CLASS_WEIGHT = {
    "c": 1.0,  # character bigram
    "u": 0.35,  # character unigram
    "v": 0.5,  # a query's one-character word (same postings as "u")
    "w": 1.0,  # jieba word
    "s": 2.5,  # synonym group
    "p": 0.6,  # fuzzy pinyin syllable bigram
    "y": 0.7,  # fuzzy pinyin of a word
    "i": 0.9,  # initials trigram
    "n": 1.0,  # initials of a word (疫苗 → ym)
    "l": 1.2,  # latin / digit token
    "f": 1.0,  # question frame (intent)
}
UNIT_BUDGET = 2.5  # total weight of one content word's terms
FRAME_WEIGHT = 0.6  # one intent term
GLUE_WEIGHT = 0.25  # a bigram across two units
SYNONYM_SHARE = 0.5  # of a unit's budget, for its synonym groups
SINGLE_SHARE = 0.6  # a lone one-character word: counts, a little less than a word


def _units(content: list[str], syn: SynonymTable) -> list[str]:
    """Content tokens, merged where one synonym member spans several of them."""
    text = "".join(content)
    owner: list[int] = []
    for i, tok in enumerate(content):
        owner.extend([i] * len(tok))
    merged = list(range(len(content)))  # token -> unit representative
    for start, end, _ in syn.find(text):
        first, last = owner[start], owner[end - 1]
        for i in range(first, last + 1):
            merged[i] = merged[first]
    units: list[str] = []
    last_rep = -1
    for i, tok in enumerate(content):
        single_run = bool(units) and len(tok) == 1 and len(content[i - 1]) == 1 \
            and nz.is_cjk(tok) and nz.is_cjk(content[i - 1]) and merged[i - 1] == last_rep
        if merged[i] == last_rep or single_run:
            # one synonym member, or characters the tokenizer could not make a word of
            # (an unknown word or a typo: 举|包): one unit
            units[-1] += tok
            last_rep = merged[i]
        else:
            units.append(tok)
            last_rep = merged[i]
    return units


def _unit_terms(unit: str, syn: SynonymTable) -> set[str]:
    terms: set[str] = set()
    for run in nz.cjk_runs(unit):
        terms.update("c:" + b for b in bigrams(run))
        terms.update("u:" + ch for ch in run)
        syls = fuzzy_py(nz.syllables(run))
        terms.update(f"p:{a}_{b}" for a, b in itertools.pairwise(syls))
    for chunk in nz.latin_chunks(unit):
        terms.add("l:" + chunk)
    for word in (unit, *sub_words(unit)):
        if not nz.is_cjk(word[0]):
            continue
        if len(word) >= 2:
            terms.add("w:" + word)
            terms.add("y:" + "".join(fuzzy_py(nz.word_syllables(word))))
        else:
            terms.add("v:" + word)
    terms.update(f"s:{gid}" for gid in syn.group_ids(unit))
    return terms


def _share(terms: set[str], budget: float) -> dict[str, float]:
    """Split one unit's budget over its terms: half to its synonym groups when it is a
    member of one (the group is what it means), the rest by class weight."""
    groups = [t for t in terms if t[0] == "s"]
    rest = [t for t in terms if t[0] != "s"]
    out: dict[str, float] = {}
    if groups:
        for t in groups:
            out[t] = SYNONYM_SHARE * budget / len(groups)
        budget *= 1.0 - SYNONYM_SHARE
    total = sum(CLASS_WEIGHT[t[0]] for t in rest)
    for t in rest:
        out[t] = CLASS_WEIGHT[t[0]] * budget / total
    return out


def cjk_query_weights(qn: str, syn: SynonymTable) -> tuple[dict[str, float], str] | None:
    """The weighted terms of a normalised query with Chinese characters, and its content
    text (for fuzzy matching); None when it has no content word."""
    content, intents = split_tokens(nz.precise_tokens(qn))
    if not content:
        return None
    units = _units(content, syn)
    weights: dict[str, float] = {}
    for unit in units:
        budget = UNIT_BUDGET * (SINGLE_SHARE if len(unit) == 1 else 1.0)
        for t, w in _share(_unit_terms(unit, syn), budget).items():
            weights[t] = max(weights.get(t, 0.0), w)
    for left, right in itertools.pairwise(units):
        if nz.is_cjk(left[-1]) and nz.is_cjk(right[0]):
            weights.setdefault("c:" + left[-1] + right[0], GLUE_WEIGHT)
            a, b = fuzzy_py(nz.syllables(left[-1] + right[0]))[:2] or ("", "")
            if a and b:
                weights.setdefault(f"p:{a}_{b}", GLUE_WEIGHT)
    # members spelled with a function word (丢了, 刚出生的孩子) are only found in the raw text
    for gid in syn.group_ids(qn):
        weights.setdefault(f"s:{gid}", UNIT_BUDGET * 0.5)
    for intent in intents:
        weights["f:" + intent] = FRAME_WEIGHT
    return weights, "".join(content)
