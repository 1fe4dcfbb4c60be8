"""Document preparation: what the index keeps of an entry, computed once when it is indexed.

An entry's question and each of its keywords become an :class:`AnalysedField` — its terms
(for candidate generation) and the strings that fuzzy re-scoring compares (canonical text,
pinyin, initials) — so that a search does no analysis of entries at all. Keywords repeat across
entries, so the analysis of a question / keyword is memoised per :class:`DocumentAnalyzer`
(one per synonym table: the analysis depends on the groups).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge_base import normalize as nz
from knowledge_base.synonyms import SynonymTable
from knowledge_base.terms import body_terms, fuzzy_py, head_terms

__all__ = ["NO_FIELD", "AnalysedField", "DocumentAnalyzer", "KbDoc", "Prepared"]

_FIELD_CACHE_MAX = 200_000


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
    terms: frozenset[str]
    text: str  # stop-word-free, synonyms canonicalised (for character fuzzy matching)
    plain: str  # toneless pinyin (for latin queries)
    pinyin: str  # folded pinyin of ``text`` (for homophones)
    initials: str


@dataclass(slots=True)
class Prepared:
    doc: KbDoc
    fields: tuple[AnalysedField, ...]  # question, similar phrasings, then keywords
    qterms: frozenset[str]  # the question's terms of classes c/w/s (for question coverage)
    n_questions: int = 1  # how many of ``fields`` are the question and its phrasings

    def head(self) -> set[str]:
        out: set[str] = set()
        for f in self.fields:
            out |= f.terms
        return out


NO_FIELD = AnalysedField(terms=frozenset(), text="", plain="", pinyin="", initials="")


class DocumentAnalyzer:
    """Turns :class:`KbDoc` entries into :class:`Prepared` ones under one synonym table."""

    def __init__(self, syn: SynonymTable) -> None:
        self.syn = syn
        self._fields: dict[str, AnalysedField] = {}  # memoised analysis of questions / keywords

    def field(self, text: str) -> AnalysedField | None:
        """Analysis of one question / keyword, memoised (keywords repeat across entries)."""
        cached = self._fields.get(text)
        if cached is not None:
            return cached
        norm = nz.normalize(text)
        if not norm:
            return None
        syn = self.syn
        terms: set[str] = set()
        content = head_terms(norm, syn, terms)
        canonical = syn.canonicalize(content)
        latin = "".join(nz.latin_chunks(content))
        plain_syls = nz.syllables(content)
        canon_syls = plain_syls if canonical == content else nz.syllables(canonical)
        field = AnalysedField(
            terms=frozenset(terms),
            text=canonical,
            plain="".join(plain_syls) + latin,
            pinyin="".join(fuzzy_py(canon_syls)) + latin,
            initials=nz.initials(content),
        )
        if len(self._fields) >= _FIELD_CACHE_MAX:
            self._fields.clear()
        self._fields[text] = field
        return field

    def prepare(self, doc: KbDoc) -> tuple[Prepared, set[str], set[str]]:
        """The prepared entry, its head terms (question / keywords) and its body-only terms."""
        question = self.field(doc.question)
        fields = [question] if question is not None else []
        fields.extend(f for f in map(self.field, doc.similar) if f is not None)
        n_questions = max(1, len(fields))
        fields.extend(f for f in map(self.field, doc.keywords) if f is not None)
        qterms = frozenset(t for t in question.terms if t[0] in "cwsf") if question \
            else frozenset()
        prepared = Prepared(doc=doc, fields=tuple(fields) or (NO_FIELD,), qterms=qterms,
                            n_questions=n_questions)
        head = prepared.head()
        body = body_terms(nz.normalize(doc.answer), self.syn) - head
        return prepared, head, body
