"""Document preparation: what the index keeps of an entry, computed once when it is indexed.

An entry's question and each of its keywords become an :class:`AnalysedField` — its terms
(for candidate generation) and the strings that fuzzy re-scoring compares (canonical text,
pinyin, initials) — so that a search does no analysis of entries at all. Keywords repeat across
entries, so the analysis of a question / keyword is memoised per :class:`DocumentAnalyzer`
(one per synonym table: the analysis depends on the groups).
"""

from __future__ import annotations

from dataclasses import dataclass

import knowledge_base.normalize as nz
from knowledge_base.synonyms import SynonymTable
from knowledge_base.terms import body_terms, fuzzy_py, head_terms

__all__ = ["NO_FIELD", "AnalysedField", "DocumentAnalyzer", "KbDoc", "Prepared"]

_FIELD_CACHE_MAX = 10_000  # keywords; bounded: a keyword analysis holds its term set
_ENTRY_CACHE_MAX = 4_096  # whole entries, shared across analyzers (see ``_shared``)


@dataclass(frozen=True)
class KbDoc:
    """A knowledge-base entry as the index sees it."""

    id: int
    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    category: str = ""
    source: str = ""
    similar: tuple[str, ...] = ()  # similar phrasings (相似问法): searched like the question


@dataclass(frozen=True, slots=True)
class AnalysedField:
    """What fuzzy re-scoring compares of a question / phrasing / keyword (its terms go to the
    postings and are not kept here: per-entry term sets were most of the index's memory)."""

    text: str  # content words, synonyms canonicalised (for character fuzzy matching)
    plain: str  # toneless pinyin (for latin queries)
    pinyin: str  # folded pinyin of ``text`` (for homophones)
    initials: str


@dataclass(slots=True)
class Prepared:
    doc: KbDoc
    fields: tuple[AnalysedField, ...]  # question, similar phrasings, then keywords
    qterms: tuple[str, ...]  # the question's terms of classes c/w/s/f (question coverage)
    n_questions: int = 1  # how many of ``fields`` are the question and its phrasings


NO_FIELD = AnalysedField(text="", plain="", pinyin="", initials="")


class DocumentAnalyzer:
    """Turns :class:`KbDoc` entries into :class:`Prepared` ones under one synonym table.

    ``intern`` maps a term to one shared string object (the postings' vocabulary), so the
    question terms an entry keeps cost a pointer each."""

    def __init__(self, syn: SynonymTable, intern: dict[str, str] | None = None) -> None:
        self.syn = syn
        self.intern = intern if intern is not None else {}
        # memoised analysis of keywords (they repeat across entries); questions are unique
        self._fields: dict[str, tuple[AnalysedField, frozenset[str]]] = {}
        self._entries = _entries_for(syn)

    def field(self, text: str, *, cache: bool = False,
              phrasing: bool = False) -> tuple[AnalysedField, frozenset[str]] | None:
        """Analysis of one question / phrasing / keyword: its fuzzy strings and its terms.

        A similar phrasing is not read as pinyin or initials (only its own latin letters, if
        any): a query typed in latin letters is meant for the standard terms of the question
        and keywords, while the many syllables of a colloquial sentence match random letter
        strings (``xyzxyz``, or ``jtys`` for a phrasing that mentions 家庭医生 in passing)."""
        cached = self._fields.get(text) if cache else None
        if cached is not None:
            return cached
        norm = nz.normalize(text)
        if not norm:
            return None
        syn = self.syn
        terms: set[str] = set()
        content = head_terms(norm, syn, terms, readings=not phrasing)
        canonical = syn.canonicalize(content)
        latin = "".join(nz.latin_chunks(content))
        plain_syls = nz.syllables(content)
        canon_syls = plain_syls if canonical == content else nz.syllables(canonical)
        field = AnalysedField(
            text=canonical,
            plain=latin if phrasing else "".join(plain_syls) + latin,
            pinyin="".join(fuzzy_py(canon_syls)) + latin,
            initials="" if phrasing else nz.initials(content),
        )
        out = (field, frozenset(terms))
        if cache:
            if len(self._fields) >= _FIELD_CACHE_MAX:
                self._fields.clear()
            self._fields[text] = out
        return out

    @staticmethod
    def _texts(doc: KbDoc) -> list[tuple[str, bool, bool]]:
        """(text, cache its analysis, is a phrasing) for the question, phrasings, keywords."""
        return ([(doc.question, False, False)] + [(t, False, True) for t in doc.similar]
                + [(k, True, False) for k in doc.keywords])

    def prepare(self, doc: KbDoc) -> tuple[Prepared, frozenset[str], frozenset[str]]:
        """The prepared entry, its head terms (question / keywords) and its body-only terms.

        An entry analysed before under the same synonym groups — by any analyzer of this
        process: the index rebuilt after another process's change, each knowledge base a CLI
        command or a test builds — is taken from the shared cache (the analysis is a function of
        the entry and the groups alone; nothing changes a prepared entry afterwards)."""
        known = self._entries.get(doc)
        if known is None:
            known = self._prepare(doc)
            if len(self._entries) >= _ENTRY_CACHE_MAX:
                self._entries.clear()
            self._entries[doc] = known
        return known

    def _prepare(self, doc: KbDoc) -> tuple[Prepared, frozenset[str], frozenset[str]]:
        fields: list[AnalysedField] = []
        head: set[str] = set()
        qterms: tuple[str, ...] = ()
        n_questions = 1
        for n, (text, cache, phrasing) in enumerate(self._texts(doc)):
            if n == 1 + len(doc.similar):
                n_questions = max(1, len(fields))
            got = self.field(text, cache=cache, phrasing=phrasing)
            if got is None:
                continue
            fields.append(got[0])
            head |= got[1]
            if n == 0:
                qterms = tuple(self.intern.setdefault(t, t) for t in got[1] if t[0] in "cwsf")
        if not doc.keywords:
            n_questions = max(1, len(fields))
        prepared = Prepared(doc=doc, fields=tuple(fields) or (NO_FIELD,), qterms=qterms,
                            n_questions=n_questions)
        body = body_terms(nz.normalize(doc.answer), self.syn) - head
        return prepared, frozenset(head), frozenset(body)


#: synonym groups -> entry -> its analysis (``DocumentAnalyzer.prepare``)
_SHARED: dict[tuple[tuple[str, ...], ...],
              dict[KbDoc, tuple[Prepared, frozenset[str], frozenset[str]]]] = {}


def _entries_for(syn: SynonymTable) -> dict[KbDoc, tuple[Prepared, frozenset[str],
                                                          frozenset[str]]]:
    cache = _SHARED.setdefault(syn.groups, {})
    while len(_SHARED) > 4:  # a few synonym tables at most (each edit makes a new one)
        del _SHARED[next(iter(_SHARED))]
    return cache
