"""Find tickets whose content is like a new one (多人反映同一问题), fast.

Content is segmented with jieba; an inverted index from words to recent tickets gives the
candidate set, and rapidfuzz's token-set ratio scores the candidates in one vectorised call.
Candidates come from the query's rarest words first and stop growing at MAX_CANDIDATES, so a
query costs O(MAX_CANDIDATES) however many tickets the window holds; frequent words still
count (many people raising the same problem makes its words frequent), they are just reached
last.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import jieba
from rapidfuzz import fuzz, process

jieba.setLogLevel(logging.WARNING)

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
_STOP = frozenset(
    "市民 来电 反映 表示 称 诉求 希望 要求 问题 情况 相关 部门 一下 我们 他们 "
    "自己 这个 那个 没有 什么 如何 怎么 已经 但是 因为 所以 进行 处理 工作 "
    "人员 单位 北京市 朝阳区 北京 朝阳".split()
)
MAX_CANDIDATES = 3000
THRESHOLD = 75.0


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) rather than on the first ticket."""
    jieba.initialize()


def tokens(text: str) -> list[str]:
    words = jieba.lcut(_NOISE.sub(" ", text.lower()), HMM=False)
    return [w for w in words if len(w) > 1 and not w.isspace() and w not in _STOP]


@dataclass(frozen=True)
class Similar:
    ticket_id: int
    platform_no: str
    score: float


@dataclass
class _Doc:
    ticket_id: int
    platform_no: str
    at: datetime
    words: tuple[str, ...]
    joined: str


class SimilarityIndex:
    """Recent tickets' content, kept in memory; rebuilt from the database at start."""

    def __init__(self) -> None:
        self._docs: dict[int, _Doc] = {}
        self._postings: dict[str, set[int]] = defaultdict(set)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, ticket_id: int, platform_no: str, at: datetime, content: str) -> None:
        words = tuple(dict.fromkeys(tokens(content)))
        doc = _Doc(ticket_id, platform_no, at, words, " ".join(sorted(words)))
        with self._lock:
            self.remove(ticket_id, _locked=True)
            self._docs[ticket_id] = doc
            for w in words:
                self._postings[w].add(ticket_id)

    def remove(self, ticket_id: int, *, _locked: bool = False) -> None:
        if not _locked:
            with self._lock:
                return self.remove(ticket_id, _locked=True)
        doc = self._docs.pop(ticket_id, None)
        if doc is None:
            return None
        for w in doc.words:
            ids = self._postings.get(w)
            if ids is not None:
                ids.discard(ticket_id)
                if not ids:
                    del self._postings[w]
        return None

    def prune(self, before: datetime) -> int:
        """Forget tickets received before `before` (the similarity window)."""
        with self._lock:  # handlers add tickets from other threads meanwhile
            old = [d.ticket_id for d in self._docs.values() if d.at < before]
        for tid in old:
            self.remove(tid)
        return len(old)

    def similar(self, content: str, *, since: datetime, exclude: int | None = None,
                limit: int = 10, threshold: float = THRESHOLD) -> list[Similar]:
        words = list(dict.fromkeys(tokens(content)))
        if not words:
            return []
        with self._lock:
            postings = sorted((self._postings.get(w, set()) for w in words), key=len)
            ids: set[int] = set()
            for p in postings:
                if p:
                    ids |= p
                if len(ids) >= MAX_CANDIDATES:
                    break
            ids.discard(exclude)  # type: ignore[arg-type]
            cands = [d for d in map(self._docs.__getitem__, ids) if d.at >= since]
        if not cands:
            return []
        query = " ".join(sorted(words))
        hits = process.extract(query, [c.joined for c in cands], scorer=fuzz.token_set_ratio,
                               score_cutoff=threshold, limit=limit)
        return [Similar(cands[i].ticket_id, cands[i].platform_no, float(score))
                for _, score, i in hits]
