"""Term analysis: the weighted vocabulary that entries and queries are matched on.

Both sides of a search are turned into *terms* by the same functions, so that a query term and
an entry term meet exactly when they mean the same thing. A term is ``"<class>:<value>"``; the
classes (see ``knowledge_base.query.CLASS_WEIGHT`` for their weights) are character bigrams
``c`` and unigrams ``u``, a query's one-character words ``v``, jieba words ``w``, synonym-group
ids ``s``, fuzzy pinyin syllable bigrams ``p`` and word pinyin ``y``, initials trigrams ``i``
and latin / digit tokens ``l``.

Entries get the expensive terms (every reading of a 多音字, initials trigrams) once, at
indexing time, so that a query needs only its own single reading.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import knowledge_base.normalize as nz
from knowledge_base.frames import split_tokens
from knowledge_base.synonyms import SynonymTable

__all__ = [
    "bigrams",
    "body_terms",
    "cjk_terms",
    "content_words",
    "fuzzy_py",
    "head_terms",
    "lenient_split",
    "sub_words",
    "word_initials",
]


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def fuzzy_py(syls: Iterable[str]) -> list[str]:
    return [nz.fuzzy_syllable(s) for s in syls]


def cjk_terms(
    content: str,
    words: Iterable[str],
    syn: SynonymTable,
    out: set[str],
    *,
    initials: bool,
    raw: str = "",
    readings: bool = True,
) -> None:
    """Terms of a stop-word-free normalised text (question, keyword or CJK query).

    ``raw`` is the normalised text *with* its stop words: synonym members are looked for in
    both, so members spelled with a function word (丢了, 再办, 刚出生的孩子) are found too.
    Initials trigrams are only wanted on the entry side (a CJK query never needs them).
    ``readings=False`` leaves out the pinyin terms (``p``, ``y``, ``i``): a similar phrasing
    is a colloquial sentence, and its letters would match random strings typed in latin."""
    for run in nz.cjk_runs(content):
        out.update("c:" + b for b in bigrams(run))
        out.update("u:" + ch for ch in run)
        if not readings:
            continue
        _run_readings(run, out, initials=initials)
    for word in words:
        if word in nz.STOPWORDS:
            continue
        if nz.is_cjk(word[0]):
            if len(word) >= 2:
                out.add("w:" + word)
                if not readings:
                    continue
                out.add("y:" + "".join(fuzzy_py(nz.word_syllables(word))))
                if initials:  # entry side: the word read with other readings of a 多音字
                    opts = nz.syllable_options(word)
                    if len(opts) == len(word) and any(len(o) > 1 for o in opts):
                        for i, opt in enumerate(opts):
                            for alt in opt[1:]:
                                syls = [o[0] for o in opts]
                                syls[i] = alt
                                out.add("y:" + "".join(fuzzy_py(syls)))
            elif not initials:  # a one-character word of a query (罚, 查, 咬) is a real word
                out.add("v:" + word)
        else:
            out.add("l:" + word)
    gids = syn.group_ids(content)
    if raw and raw != content:
        gids |= syn.group_ids(raw)
    for gid in gids:
        out.add(f"s:{gid}")
    for chunk in nz.latin_chunks(content):
        out.add("l:" + chunk)


def _run_readings(run: str, out: set[str], *, initials: bool) -> None:
    """Pinyin syllable bigrams of a CJK run; on the entry side (``initials``) under every
    reading of a 多音字, with initials trigrams."""
    if not initials:
        syls = fuzzy_py(nz.syllables(run))
        out.update(f"p:{a}_{b}" for a, b in itertools.pairwise(syls))
        return
    opts = [tuple(dict.fromkeys(fuzzy_py(o))) for o in nz.syllable_options(run)]
    for a, b in itertools.pairwise(opts):
        out.update(f"p:{x}_{y}" for x in a for y in b)
    firsts = [tuple(dict.fromkeys(o[0] for o in opt)) for opt in opts]
    for i in range(len(firsts) - 2):
        out.update(
            f"i:{x}{y}{z}" for x in firsts[i] for y in firsts[i + 1] for z in firsts[i + 2]
        )


def content_words(text_norm: str) -> tuple[str, list[str], set[str]]:
    """Frame- and stop-word-free text, its words and its intents: the precise-mode tokens
    that are content (:func:`knowledge_base.frames.split_tokens`), plus the search-mode
    sub-words of each (出生医学证明 → 出生, 医学, 证明)."""
    tokens = nz.precise_tokens(text_norm)
    content, intents = split_tokens(tokens)
    if not content and not intents:  # only stop words: keep them rather than nothing
        content = tokens
    words: list[str] = []
    for tok in content:
        words.append(tok)
        words.extend(sub_words(tok))
    return "".join(content), words, intents


def sub_words(token: str) -> list[str]:
    """The search-mode sub-words of a long token (出生医学证明 → 出生, 医学, 证明)."""
    if len(token) <= 2:
        return []
    return [w for w in nz.segment(token) if w != token]


def word_initials(word: str) -> str:
    """``疫苗`` → ``ym``: what a caller types for a word with the IME off."""
    return "".join(s[0] for s in nz.word_syllables(word) if s)


def head_terms(text_norm: str, syn: SynonymTable, out: set[str], *,
               readings: bool = True) -> str:
    """Add the terms of a question / keyword / phrasing to ``out``; returns its content text
    (``readings=False``, for phrasings: no pinyin or initials terms)."""
    content, words, intents = content_words(text_norm)
    cjk_terms(content, words, syn, out, initials=True, raw=text_norm, readings=readings)
    out.update("f:" + intent for intent in intents)
    if not readings:
        return content
    for word in words:  # word initials (疫苗 → n:ym) for short initials queries
        if len(word) >= 2 and nz.is_cjk(word[0]) and word not in nz.STOPWORDS:
            out.update("n:" + w for w in _initials_readings(word))
    return content


def _initials_readings(word: str) -> set[str]:
    """Initials of a word under each reading of its 多音字 (医调委 → ydw, ytw), at most 4."""
    opts = nz.syllable_options(word)
    if len(opts) != len(word):
        return {word_initials(word)}
    firsts = [tuple(dict.fromkeys(o[0] for o in opt if o)) or ("",) for opt in opts]
    out: set[str] = set()
    for combo in itertools.product(*firsts):
        out.add("".join(combo))
        if len(out) >= 4:
            break
    return out


def body_terms(answer_norm: str, syn: SynonymTable) -> set[str]:
    """Cheap terms of an answer: character bigrams, synonym groups and latin tokens."""
    out: set[str] = set()
    for run in nz.cjk_runs(answer_norm):
        out.update("c:" + b for b in bigrams(run))
    for gid in syn.group_ids(answer_norm):
        out.add(f"s:{gid}")
    for chunk in nz.latin_chunks(answer_norm):
        out.add("l:" + chunk)
    return out


def lenient_split(chunk: str) -> tuple[str, ...] | None:
    """Pinyin syllables of a latin chunk, tolerating about one stray letter in six."""
    return nz.split_pinyin_lenient(chunk)
