"""In-memory search index over knowledge-base entries (pure Python + rapidfuzz + numpy).

How a query is answered
-----------------------
1. **Analysis.** The query is normalised (:mod:`knowledge_base.normalize`) and turned into
   weighted *terms*: character bigrams and unigrams, jieba words, synonym-group ids, pinyin
   syllable bigrams and word pinyin (with 模糊音 folding so 出身/出生 meet), initials trigrams
   (``csyxzm``) and latin tokens (``hpv``, ``120``). A query typed in latin letters is read as
   pinyin (``chusheng zhengming``, ``chushengzhengming``) and/or as initials (``csyxzm``).
2. **Candidates.** An inverted index maps each term to the entries having it in their question
   or keywords (weight 1) or only in their answer (weight ``BODY_WEIGHT``). A vectorised
   (numpy) IDF-weighted sum gives every entry its *coverage*: the share of the query's
   information found in the entry, 0..1. Only the best ``CANDIDATES`` entries go on.
3. **Fuzzy re-scoring.** ``rapidfuzz.process.cdist`` compares the query with the candidates'
   questions and keywords (characters after synonym canonicalisation, and pinyin), which
   rewards near matches that the terms miss (typos, word order, a missing character).
4. **Score.** ``100 * (0.6 * coverage + 0.3 * fuzzy + 0.1 * question coverage)``, 0..100.

Confidence thresholds
---------------------
``STRONG_THRESHOLD`` — a hit at or above it is a confident match (``SearchHit.strong``):
the bot can show the answer directly. ``WEAK_THRESHOLD`` — hits below it are not returned;
hits between the two are "可能相关" (possibly related) suggestions. On the labelled evaluation
set (``bench/kb_queries.yaml``) most correct first hits score above ``STRONG_THRESHOLD`` and
nonsense queries stay below it; see ``bench/kb_bench.py`` for the distribution.

Thread safety: all public methods take an internal lock, so searches may run while another
thread upserts; with asyncio (single thread) the lock is uncontended.
"""

from __future__ import annotations

import gc
import itertools
import math
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from knowledge_base import normalize as nz
from knowledge_base.synonyms import SynonymTable

__all__ = [
    "BODY_WEIGHT",
    "CANDIDATES",
    "STRONG_MARGIN",
    "STRONG_THRESHOLD",
    "WEAK_THRESHOLD",
    "KbDoc",
    "SearchHit",
    "SearchIndex",
]

#: A hit is a confident match (``SearchHit.strong``) when it scores at least this (0..100)
#: *and* beats the next hit by ``STRONG_MARGIN`` (an ambiguous query such as "医院" or "疫苗"
#: matches many entries equally well: none of them is strong, the bot lists them).
STRONG_THRESHOLD = 60.0
STRONG_MARGIN = 1.0
#: Hits scoring below this are dropped; between the two they are "可能相关" suggestions.
WEAK_THRESHOLD = 20.0
#: Weight of a term found only in an entry's answer (question/keywords weigh 1).
BODY_WEIGHT = 0.35
#: How many entries (best coverage first) are re-scored with rapidfuzz.
CANDIDATES = 60

# Weight of each term class in a query.
_CLASS_WEIGHT = {
    "c": 1.0,  # character bigram
    "u": 0.35,  # character unigram
    "v": 0.5,  # a query's one-character word (same postings as "u")
    "w": 1.0,  # jieba word
    "s": 2.5,  # synonym group
    "p": 0.6,  # fuzzy pinyin syllable bigram
    "y": 0.7,  # fuzzy pinyin of a word
    "i": 0.9,  # initials trigram
    "l": 1.2,  # latin / digit token
}
_W_COVERAGE = 0.6
_W_FUZZY = 0.3
_W_QCOVER = 0.1
_MAX_QUERY_CHARS = 200
_FIELD_CACHE_MAX = 200_000
_UNKNOWN_WEIGHT = 0.5
_KEYWORD_FUZZY = 0.95  # a fuzzy match on a keyword counts a little less than on the question


@dataclass(frozen=True)
class KbDoc:
    """A knowledge-base entry as the index sees it."""

    id: int
    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    category: str = ""
    source: str = ""


@dataclass(frozen=True)
class SearchHit:
    """One search result: ``score`` is a 0..100 confidence; ``strong`` means confident."""

    id: int
    score: float
    question: str
    strong: bool


# ----------------------------------------------------------------------------- analysis
def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _fuzzy_py(syls: Iterable[str]) -> list[str]:
    return [nz.fuzzy_syllable(s) for s in syls]


def _cjk_terms(
    content: str,
    words: Iterable[str],
    syn: SynonymTable,
    out: set[str],
    *,
    initials: bool,
    raw: str = "",
) -> None:
    """Terms of a stop-word-free normalised text (question, keyword or CJK query).

    ``raw`` is the normalised text *with* its stop words: synonym members are looked for in
    both, so members spelled with a function word (丢了, 再办, 刚出生的孩子) are found too.
    Initials trigrams are only wanted on the entry side (a CJK query never needs them)."""
    for run in nz.cjk_runs(content):
        out.update("c:" + b for b in _bigrams(run))
        out.update("u:" + ch for ch in run)
        if initials:  # entry side: every reading of a 多音字
            opts = [tuple(dict.fromkeys(_fuzzy_py(o))) for o in nz.syllable_options(run)]
            for a, b in itertools.pairwise(opts):
                out.update(f"p:{x}_{y}" for x in a for y in b)
            firsts = [tuple(dict.fromkeys(o[0] for o in opt)) for opt in opts]
            for i in range(len(firsts) - 2):
                out.update(
                    f"i:{x}{y}{z}" for x in firsts[i] for y in firsts[i + 1] for z in firsts[i + 2]
                )
        else:
            syls = _fuzzy_py(nz.syllables(run))
            out.update(f"p:{a}_{b}" for a, b in itertools.pairwise(syls))
    for word in words:
        if word in nz.STOPWORDS:
            continue
        if nz.is_cjk(word[0]):
            if len(word) >= 2:
                out.add("w:" + word)
                out.add("y:" + "".join(_fuzzy_py(nz.word_syllables(word))))
                if initials:  # entry side: the word read with other readings of a 多音字
                    opts = nz.syllable_options(word)
                    if len(opts) == len(word) and any(len(o) > 1 for o in opts):
                        for i, opt in enumerate(opts):
                            for alt in opt[1:]:
                                syls = [o[0] for o in opts]
                                syls[i] = alt
                                out.add("y:" + "".join(_fuzzy_py(syls)))
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


def _content_words(text_norm: str) -> tuple[str, list[str]]:
    """Stop-word-free text and its words: the precise-mode tokens that are not stop words,
    plus the search-mode sub-words of each (出生医学证明 → 出生, 医学, 证明)."""
    tokens = nz.content_tokens(text_norm)
    if not tokens:  # only stop words: keep them rather than nothing
        tokens = nz.precise_tokens(text_norm)
    words: list[str] = []
    for tok in tokens:
        words.append(tok)
        if len(tok) > 2:
            words.extend(w for w in nz.segment(tok) if w != tok)
    return "".join(tokens), words


def _head_terms(text_norm: str, syn: SynonymTable, out: set[str]) -> str:
    """Add the terms of a question / keyword to ``out``; returns its stop-word-free text."""
    content, words = _content_words(text_norm)
    _cjk_terms(content, words, syn, out, initials=True, raw=text_norm)
    return content


def _body_terms(answer_norm: str, syn: SynonymTable) -> set[str]:
    """Cheap terms of an answer: character bigrams, synonym groups and latin tokens."""
    out: set[str] = set()
    for run in nz.cjk_runs(answer_norm):
        out.update("c:" + b for b in _bigrams(run))
    for gid in syn.group_ids(answer_norm):
        out.add(f"s:{gid}")
    for chunk in nz.latin_chunks(answer_norm):
        out.add("l:" + chunk)
    return out


@dataclass(slots=True)
class _QueryPlan:
    terms: dict[str, float]  # term -> class weight
    speculative: frozenset[str]  # terms that only count in the denominator when known
    latin: bool  # the query is latin letters only (pinyin / initials)
    text: str  # canonical stop-word-free text for fuzzy matching (or latin letters)
    pinyin: str  # fuzzy pinyin string of the query (CJK queries)


@dataclass(frozen=True, slots=True)
class _Field:
    terms: frozenset[str]
    text: str  # stop-word-free, synonyms canonicalised (for character fuzzy matching)
    plain: str  # toneless pinyin (for latin queries)
    pinyin: str  # folded pinyin of ``text`` (for homophones)
    initials: str


@dataclass(slots=True)
class _Prepared:
    doc: KbDoc
    fields: tuple[_Field, ...]  # question first (if it has any content), then keywords
    qterms: frozenset[str]  # the question's terms of classes c/w/s (for question coverage)

    def head(self) -> set[str]:
        out: set[str] = set()
        for f in self.fields:
            out |= f.terms
        return out


_NO_FIELD = _Field(terms=frozenset(), text="", plain="", pinyin="", initials="")


def _lenient_split(chunk: str) -> tuple[str, ...] | None:
    """Pinyin syllables of a latin chunk, tolerating about one stray letter in six."""
    return nz.split_pinyin_lenient(chunk)


# ----------------------------------------------------------------------------- the index
class SearchIndex:
    """Incremental search index over :class:`KbDoc` entries.

    ``synonyms`` — synonym groups (iterables of strings), e.g.
    :func:`knowledge_base.content.load_default_synonyms` or the groups stored in the DB.
    """

    def __init__(
        self, docs: Iterable[KbDoc] = (), *, synonyms: Iterable[Iterable[str]] = ()
    ) -> None:
        self._lock = threading.RLock()
        self._syn = SynonymTable(synonyms)
        self._reset()
        self._bulk(docs)

    def _bulk(self, docs: Iterable[KbDoc]) -> None:
        # Indexing allocates millions of small objects and no reference cycles: with the
        # cyclic garbage collector paused, building 100,000 entries is several times faster.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for doc in docs:
                self._upsert(doc)
            # compact int32 arrays: half the memory of lists, and numpy reads them directly
            for post in (self._post_head, self._post_body):
                for term, posting in post.items():
                    if isinstance(posting, list):
                        post[term] = array("i", posting)
        finally:
            if was_enabled:
                gc.enable()

    # -- bookkeeping -------------------------------------------------------------------
    def _reset(self) -> None:
        self._slots: list[_Prepared | None] = []
        self._id2slot: dict[int, int] = {}
        self._alive = np.zeros(1024, dtype=bool)
        # term -> slots having it in question/keywords (head) or only in the answer (body)
        # (lists of slots while building, then int32 arrays; removed entries stay until the
        # posting is next converted to numpy)
        self._post_head: defaultdict[str, list[int] | array] = defaultdict(list)
        self._post_body: defaultdict[str, list[int] | array] = defaultdict(list)
        # term -> (posting length when converted, numpy array of live slots)
        self._np_head: dict[str, tuple[int, np.ndarray]] = {}
        self._np_body: dict[str, tuple[int, np.ndarray]] = {}
        self._fields: dict[str, _Field] = {}  # memoised analysis of questions / keywords

    def __len__(self) -> int:
        with self._lock:
            return len(self._id2slot)

    def __contains__(self, doc_id: object) -> bool:
        with self._lock:
            return doc_id in self._id2slot

    @property
    def synonym_groups(self) -> tuple[tuple[str, ...], ...]:
        """The (normalised) synonym groups in use."""
        return self._syn.groups

    def docs(self) -> list[KbDoc]:
        """The indexed entries (in insertion order of their latest version)."""
        with self._lock:
            return [p.doc for p in self._slots if p is not None]

    # -- mutation ------------------------------------------------------------------------
    def upsert(self, doc: KbDoc) -> None:
        """Add ``doc`` or replace the entry with the same id. Takes about a millisecond."""
        with self._lock:
            self._upsert(doc)

    def remove(self, doc_id: int) -> None:
        """Remove the entry ``doc_id`` (no error if absent)."""
        with self._lock:
            self._remove(doc_id)

    def set_synonyms(self, groups: Iterable[Iterable[str]]) -> None:
        """Replace the synonym groups and re-index every entry (about 0.2 ms per entry)."""
        table = SynonymTable(groups)
        with self._lock:
            docs = self.docs()
            self._syn = table
            self._reset()
            self._bulk(docs)

    def _upsert(self, doc: KbDoc) -> None:
        prepared, head, body = self._prepare(doc)
        self._remove(doc.id)
        self._insert(prepared, head, body)

    def _field(self, text: str) -> _Field | None:
        """Analysis of one question / keyword, memoised (keywords repeat across entries)."""
        cached = self._fields.get(text)
        if cached is not None:
            return cached
        norm = nz.normalize(text)
        if not norm:
            return None
        syn = self._syn
        terms: set[str] = set()
        content = _head_terms(norm, syn, terms)
        canonical = syn.canonicalize(content)
        latin = "".join(nz.latin_chunks(content))
        plain_syls = nz.syllables(content)
        canon_syls = plain_syls if canonical == content else nz.syllables(canonical)
        field = _Field(
            terms=frozenset(terms),
            text=canonical,
            plain="".join(plain_syls) + latin,
            pinyin="".join(_fuzzy_py(canon_syls)) + latin,
            initials=nz.initials(content),
        )
        if len(self._fields) >= _FIELD_CACHE_MAX:
            self._fields.clear()
        self._fields[text] = field
        return field

    def _prepare(self, doc: KbDoc) -> tuple[_Prepared, set[str], set[str]]:
        question = self._field(doc.question)
        fields = [question] if question is not None else []
        fields.extend(f for f in map(self._field, doc.keywords) if f is not None)
        qterms = frozenset(t for t in question.terms if t[0] in "cws") if question else frozenset()
        prepared = _Prepared(doc=doc, fields=tuple(fields) or (_NO_FIELD,), qterms=qterms)
        head = prepared.head()
        body = _body_terms(nz.normalize(doc.answer), self._syn) - head
        return prepared, head, body

    def _insert(self, prepared: _Prepared, head: set[str], body: set[str]) -> None:
        slot = len(self._slots)
        self._slots.append(prepared)
        self._id2slot[prepared.doc.id] = slot
        if slot >= len(self._alive):
            grown = np.zeros(len(self._alive) * 2, dtype=bool)
            grown[: len(self._alive)] = self._alive
            self._alive = grown
        self._alive[slot] = True
        post = self._post_head
        for term in head:
            post[term].append(slot)
        post = self._post_body
        for term in body:
            post[term].append(slot)

    def _remove(self, doc_id: int) -> None:
        slot = self._id2slot.pop(doc_id, None)
        if slot is None:
            return
        prepared = self._slots[slot]
        self._slots[slot] = None
        self._alive[slot] = False  # postings keep the slot until compacted (see _postings)
        assert prepared is not None
        for term in prepared.head():  # reconverted (and compacted) on next use
            self._np_head.pop(term, None)
        if not self._id2slot:  # empty again: drop the tombstones
            self._reset()

    def _postings(self, term: str, head: bool) -> np.ndarray | None:
        """Slots having ``term`` as a numpy array, cached until the posting list grows.

        Removed entries stay in posting lists (their slot is masked out by ``_alive``) and
        are dropped when the list is next converted, so a removal costs no list rewrite."""
        posting = (self._post_head if head else self._post_body).get(term)
        if posting is None:
            return None
        cache = self._np_head if head else self._np_body
        cached = cache.get(term)
        if cached is not None and cached[0] == len(posting):
            return cached[1]
        if isinstance(posting, array):
            arr = np.frombuffer(posting, dtype=np.int32)
        else:
            arr = np.array(posting, dtype=np.int32)
        live = arr[self._alive[arr]]
        if len(live) != len(arr):  # compact: drop removed entries for good
            posting = array("i", live.tobytes())
            if posting:
                (self._post_head if head else self._post_body)[term] = posting
            else:
                del (self._post_head if head else self._post_body)[term]
        cache[term] = (len(posting), live)
        return live

    def _raw_df(self, term: str) -> int:
        """Number of entries having ``term`` (removed ones may be counted until compaction)."""
        h = self._post_head.get(term)
        b = self._post_body.get(term)
        return (len(h) if h else 0) + (len(b) if b else 0)

    # -- query -------------------------------------------------------------------------
    def _plan(self, query: str) -> _QueryPlan | None:
        spaced = nz.normalize_spaced(query[:_MAX_QUERY_CHARS])
        qn = spaced.replace(" ", "")
        if not qn:
            return None
        syn = self._syn
        terms: set[str] = set()
        speculative: set[str] = set()
        if any(nz.is_cjk(ch) for ch in qn):
            tokens = nz.precise_tokens(qn)
            if all(t in nz.STOPWORDS for t in tokens):
                return None
            content, words = _content_words(qn)
            _cjk_terms(content, words, syn, terms, initials=False, raw=qn)
            text = syn.canonicalize(content)
            pinyin = "".join(_fuzzy_py(nz.syllables(text))) + "".join(nz.latin_chunks(text))
            latin = False
        else:
            chunks = [c for c in spaced.split(" ") if c]
            letters = "".join(ch for ch in qn if ch.isalpha())
            syls: list[str] = []
            pinyin_ok = True
            for chunk in chunks:
                terms.add("l:" + chunk)
                if chunk.isdigit():
                    continue
                split = _lenient_split("".join(ch for ch in chunk if ch.isalpha()))
                if split is None:
                    pinyin_ok = False
                    continue
                fz = _fuzzy_py(split)
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
            speculative -= terms
            terms |= speculative
            if not terms:
                return None
            text = letters or qn
            pinyin = ""
            latin = True
        weights = {t: _CLASS_WEIGHT[t[0]] for t in terms}
        return _QueryPlan(weights, frozenset(speculative), latin, text, pinyin)

    def search(self, query: str, *, limit: int = 5) -> list[SearchHit]:
        """Best entries for ``query``, best first (at most ``limit``; [] for empty/garbage)."""
        if not isinstance(query, str) or limit <= 0:
            return []
        with self._lock:
            if not self._id2slot:
                return []
            plan = self._plan(query)
            if plan is None:
                return []
            return self._search(plan, limit)

    def _search(self, plan: _QueryPlan, limit: int) -> list[SearchHit]:
        n_live = len(self._id2slot)
        n_slots = len(self._slots)
        scores = np.zeros(n_slots, dtype=np.float64)
        denom = 0.0
        term_w: dict[str, float] = {}
        for term, cw in plan.terms.items():
            if term[0] == "v":  # a one-character query word: the unigram postings
                term = "u" + term[1:]
            head_arr = self._postings(term, True)
            body_arr = self._postings(term, False)
            df = (0 if head_arr is None else len(head_arr)) + (
                0 if body_arr is None else len(body_arr)
            )
            if df == 0 and term in plan.speculative and term[0] != "i":
                continue
            idf = math.log(1.0 + (n_live - df + 0.5) / (df + 0.5))
            w = idf * cw
            if df == 0:
                # unknown to the whole index: a typo or an off-topic word; it lowers the
                # confidence, but by less than a known term that the entry lacks
                denom += w * _UNKNOWN_WEIGHT
                continue
            denom += w
            term_w[term] = term_w.get(term, 0.0) + w
            if head_arr is not None and len(head_arr):
                scores[head_arr] += w
            if body_arr is not None and len(body_arr):
                scores[body_arr] += w * BODY_WEIGHT
        if denom <= 0.0 or not term_w:
            return []
        scores *= self._alive[:n_slots]  # removed entries still sit in cached postings
        k = min(CANDIDATES, n_slots)
        if k < n_slots:
            cand = np.argpartition(scores, n_slots - k)[n_slots - k :]
        else:
            cand = np.arange(n_slots)
        cand = cand[scores[cand] > 0.0]
        if not len(cand):
            return []
        coverage = np.minimum(scores[cand] / denom, 1.0)
        prepared = [self._slots[int(s)] for s in cand]

        # question coverage: share of the question's own terms that the query has
        qcover = np.empty(len(cand))
        for i, p in enumerate(prepared):
            assert p is not None
            tot = 0.0
            hit = 0.0
            for t in p.qterms:
                df = max(1, self._raw_df(t))
                idf = math.log(1.0 + (n_live - df + 0.5) / (df + 0.5))
                tot += idf
                if t in term_w:
                    hit += idf
            qcover[i] = hit / tot if tot > 0 else 0.0

        fuzzy = self._fuzzy(plan, prepared)
        final = 100.0 * (_W_COVERAGE * coverage + _W_FUZZY * fuzzy + _W_QCOVER * qcover)
        order = np.lexsort((cand, -final))
        ranked = [float(round(final[i], 2)) for i in order[: limit + 1]]
        hits: list[SearchHit] = []
        for pos, i in enumerate(order[:limit]):
            score = ranked[pos]
            if score < WEAK_THRESHOLD:
                break
            p = prepared[int(i)]
            assert p is not None
            runner_up = ranked[pos + 1] if pos + 1 < len(ranked) else 0.0
            strong = score >= STRONG_THRESHOLD and score - runner_up >= STRONG_MARGIN
            hits.append(SearchHit(p.doc.id, score, p.doc.question, strong))
        return hits

    def _fuzzy(self, plan: _QueryPlan, prepared: list[_Prepared | None]) -> np.ndarray:
        """Best rapidfuzz similarity (0..1) of the query with each candidate's fields."""
        owners: list[int] = []
        factors: list[float] = []
        for p in prepared:
            assert p is not None
            factors.append(1.0)
            factors.extend([_KEYWORD_FUZZY] * (len(p.fields) - 1))
        if plan.latin:
            full: list[str] = []
            whole: list[str] = []
            for i, p in enumerate(prepared):
                assert p is not None
                full.extend(f.plain for f in p.fields)
                whole.extend(f.initials for f in p.fields)
                owners.extend([i] * len(p.fields))
            q = plan.text
            s1 = process.cdist([q], full, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
            s2 = process.cdist([q], full, scorer=fuzz.ratio, dtype=np.float32)[0]
            s3 = process.cdist([q], whole, scorer=fuzz.ratio, dtype=np.float32)[0]
            s4 = process.cdist([q], whole, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
            # partial matches of short strings are cheap: discount them by length
            ql = max(len(q), 1)
            lens = np.array([len(s) for s in full], dtype=np.float32)
            ilens = np.array([len(s) for s in whole], dtype=np.float32)
            s1 = s1 * np.minimum(1.0, np.minimum(lens, ql) / max(ql, 6))
            s4 = s4 * np.minimum(1.0, np.minimum(ilens, ql) / max(ql, 4))
            field = np.maximum.reduce([s1, s2, s3, s4])
        else:
            texts: list[str] = []
            pys: list[str] = []
            for i, p in enumerate(prepared):
                assert p is not None
                texts.extend(f.text for f in p.fields)
                pys.extend(f.pinyin for f in p.fields)
                owners.extend([i] * len(p.fields))
            q = plan.text
            s1 = process.cdist([q], texts, scorer=fuzz.partial_ratio, dtype=np.float32)[0]
            s2 = process.cdist([q], texts, scorer=fuzz.ratio, dtype=np.float32)[0]
            s3 = process.cdist([plan.pinyin], pys, scorer=fuzz.ratio, dtype=np.float32)[0]
            # a partial match counts by how much of the query it covers
            ql = max(len(q), 1)
            lens = np.array([len(s) for s in texts], dtype=np.float32)
            s1 = s1 * np.minimum(1.0, lens / ql)
            field = np.maximum.reduce([s1, s2, 0.95 * s3])
        field = field * np.asarray(factors, dtype=np.float32)
        best = np.zeros(len(prepared), dtype=np.float32)
        np.maximum.at(best, np.asarray(owners, dtype=np.intp), field)
        return best.astype(np.float64) / 100.0
