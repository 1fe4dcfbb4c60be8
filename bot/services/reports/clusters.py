"""多人反映同一问题: group a period's tickets whose content says the same thing.

Chinese-aware fuzzy matching that scales to a year of tickets:

1. **Shingles.** Content is lower-cased, the hotline's boiler-plate words (市民, 来电, 反映,
   希望…) are removed, and each run of Chinese characters becomes its character bigrams (Chinese
   has no spaces; bigrams are the standard unit for fuzzy Chinese matching and cost ~10 µs a
   ticket, where jieba costs ~160 µs — 30 s for 200,000 tickets). Latin words and numbers stay
   whole. Shingles found in more than `common_share` (1%) of the period's tickets (医院, 工作,
   人员…) are dropped.
2. **Blocking.** Each ticket's `keys_per_ticket` rarest shingles (seen at least twice, in at
   most `max_block` tickets) are its keys. A ticket is compared (once) with the union of the
   `BAND` tickets received before it under each of its keys, if within `window_days`.
3. **Scoring.** rapidfuzz's Indel ratio over the two shingle sets, each a sorted sequence of
   vocabulary ids: on sorted sequences of distinct items it is exactly the Dice coefficient
   2·|A∩B| / (|A|+|B|) × 100 (the token-set ratio used at logging scores any near-subset 100 and
   so chains unrelated groups together). Pairs at or above `threshold` are joined (union-find),
   so a group is a connected component.
4. A group is reported when it has at least `min_size` tickets from at least `min_callers`
   different phone numbers.

Cost: shingling and blocking are linear in the number of tickets n; the comparisons are at most
n × keys_per_ticket × BAND and in practice far fewer, because rare shingles have short key lists.
So clustering grows linearly with n (see bench/bench_reports.py for measured times).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

from bot.services.reports.config import ClusterConfig

BAND = 24  # within one key, compare a ticket with at most this many earlier ones
MIN_SHINGLES = 3

_STOP = (
    "市民 来电人 来电 反映 表示 称其 诉求 希望 要求 问题 情况 相关部门 部门 一下 我们 他们 "
    "自己 这个 那个 没有 什么 如何 怎么 已经 但是 因为 所以 进行 处理 工作人员 人员 单位 "
    "北京市 朝阳区 北京 朝阳 请求 咨询 投诉 举报 建议 核实 尽快 给予 答复 解决"
).split()
_STOP_RE = re.compile("|".join(sorted(_STOP, key=len, reverse=True)))
_RUNS = re.compile(r"[\u3400-\u9fff]+|[a-z0-9]+")


def shingles(text: str) -> frozenset[str]:
    """Character bigrams of the Chinese runs and whole Latin words/numbers, boiler-plate out."""
    out: set[str] = set()
    for run in _RUNS.findall(_STOP_RE.sub(" ", text.lower())):
        if run[0] < "\u3400":
            if len(run) >= 2:
                out.add(run)
        elif len(run) == 1:
            out.add(run)
        else:
            out.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class ClusterDoc:
    ticket_id: int
    at: datetime
    phone: str
    category: str
    unit: str
    content: str
    platform_no: str = ""


@dataclass
class Cluster:
    size: int
    callers: int
    first_at: datetime
    last_at: datetime
    category: str
    units: list[str]
    sample: str  # the content of the most connected ticket (mask before showing it)
    ticket_ids: list[int] = field(default_factory=list)
    platform_nos: list[str] = field(default_factory=list)


def cluster_tickets(docs: list[ClusterDoc], cfg: ClusterConfig) -> list[Cluster]:
    """Groups of similar tickets, largest first. `docs` must be in order of receipt."""
    if len(docs) < 2:
        return []
    ids = _shingle_ids(docs)
    df = _document_frequency(ids)
    common = max(50, int(len(docs) * cfg.common_share))
    keys_of, pos_of, blocks = _block(ids, df, common, cfg)
    del df
    parent, degree = _link(docs, ids, keys_of, pos_of, blocks, cfg)
    del blocks, keys_of, pos_of, ids
    return _report(docs, parent, degree, cfg)


def _shingle_ids(docs: list[ClusterDoc]) -> list[tuple[int, ...]]:
    """Each ticket's shingles as a sorted tuple of vocabulary ids: a tenth of the memory of
    sets of strings."""
    vocab: dict[str, int] = {}
    return [tuple(sorted(vocab.setdefault(w, len(vocab)) for w in shingles(d.content)))
            for d in docs]


def _document_frequency(ids: list[tuple[int, ...]]) -> list[int]:
    """df[w]: in how many tickets shingle `w` occurs."""
    counts: Counter[int] = Counter()
    for t in ids:
        counts.update(t)
    df = [0] * (max(counts) + 1 if counts else 0)
    for w, c in counts.items():
        df[w] = c
    return df


def _block(ids: list[tuple[int, ...]], df: list[int], common: int, cfg: ClusterConfig
           ) -> tuple[list[list[int]], list[list[int]], dict[int, list[int]]]:
    """Drop common shingles (in place) and pick each ticket's keys.

    Returns each ticket's keys, its position in each key's block, and the blocks (key →
    tickets in order of receipt). Tickets left with fewer than MIN_SHINGLES have no keys.
    """
    k, max_block = cfg.keys_per_ticket, cfg.max_block
    blocks: dict[int, list[int]] = defaultdict(list)
    keys_of: list[list[int]] = []
    pos_of: list[list[int]] = []
    for i, t in enumerate(ids):
        kept = tuple(w for w in t if df[w] <= common)
        if len(kept) < MIN_SHINGLES:
            ids[i] = ()
            keys_of.append([])
            pos_of.append([])
            continue
        ids[i] = kept
        keys = sorted((w for w in kept if 2 <= df[w] <= max_block), key=df.__getitem__)[:k]
        keys_of.append(keys)
        pos = []
        for w in keys:
            lst = blocks[w]
            pos.append(len(lst))
            lst.append(i)
        pos_of.append(pos)
    return keys_of, pos_of, blocks


def _find(parent: list[int], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _link(docs: list[ClusterDoc], ids: list[tuple[int, ...]], keys_of: list[list[int]],
          pos_of: list[list[int]], blocks: dict[int, list[int]], cfg: ClusterConfig
          ) -> tuple[list[int], Counter[int]]:
    """Compare each ticket with the BAND earlier ones under each of its keys (within the
    window); join pairs at or above the threshold. Returns the union-find parents and each
    ticket's number of matches."""
    parent = list(range(len(docs)))
    window = cfg.window_days * 86400.0
    ats = [d.at.timestamp() for d in docs]
    threshold = cfg.threshold
    degree: Counter[int] = Counter()
    ratio = fuzz.ratio
    for j, keys in enumerate(keys_of):
        if not keys:
            continue
        cands: set[int] = set()
        for w, p in zip(keys, pos_of[j], strict=True):
            if p:
                cands.update(blocks[w][max(0, p - BAND):p])
        tj, aj = ids[j], ats[j]
        for i in cands:
            if aj - ats[i] > window:
                continue
            if ratio(ids[i], tj, score_cutoff=threshold):
                degree[i] += 1
                degree[j] += 1
                ri, rj = _find(parent, i), _find(parent, j)
                if ri != rj:
                    parent[rj] = ri
    return parent, degree


def _report(docs: list[ClusterDoc], parent: list[int], degree: Counter[int],
            cfg: ClusterConfig) -> list[Cluster]:
    """The connected components big enough and from enough callers, largest first."""
    groups: dict[int, list[int]] = defaultdict(list)
    for i in degree:
        groups[_find(parent, i)].append(i)
    out: list[Cluster] = []
    for members in groups.values():
        if len(members) < cfg.min_size:
            continue
        members.sort()
        phones = {docs[i].phone for i in members if docs[i].phone}
        if len(phones) < cfg.min_callers:
            continue
        best = max(members, key=lambda i: (degree[i], -i))
        units = Counter(docs[i].unit for i in members)
        cats = Counter(docs[i].category for i in members)
        out.append(Cluster(
            size=len(members), callers=len(phones), first_at=docs[members[0]].at,
            last_at=docs[members[-1]].at, category=cats.most_common(1)[0][0],
            units=[u for u, _ in units.most_common(3)], sample=docs[best].content[:120],
            ticket_ids=[docs[i].ticket_id for i in members],
            platform_nos=[docs[i].platform_no for i in members if docs[i].platform_no][:50],
        ))
    out.sort(key=lambda c: (-c.size, c.first_at))
    return out
