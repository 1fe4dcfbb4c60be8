"""多人反映同一问题: group a period's tickets whose content says the same thing.

Chinese-aware fuzzy matching that scales to a year of tickets:

1. **Shingles.** Content is lower-cased, the hotline's boiler-plate words (市民, 来电, 反映,
   希望…) are removed, and each run of Chinese characters becomes its character bigrams (Chinese
   has no spaces; bigrams are the standard unit for fuzzy Chinese matching and cost ~10 µs a
   ticket, where jieba costs ~160 µs — 30 s for 200,000 tickets). Latin words and numbers stay
   whole. Shingles found in more than `common_share` (1%) of the period's tickets (医院, 工作,
   人员…) are dropped.
2. **Blocking.** Each ticket's `keys_per_ticket` rarest shingles (seen at least twice, in at
   most `max_block` tickets) are its keys. Two tickets are compared only when they share a key
   and were received within `window_days` of each other; within one key each ticket is compared
   with at most `BAND` earlier ones.
3. **Scoring.** rapidfuzz's token-sort ratio over the two sorted shingle lists (an edit-distance
   similarity of the shingle sets; the token-set ratio used at logging scores any near-subset
   100 and so chains unrelated groups together); pairs at or above `threshold` are joined
   (union-find), so a group is a connected component.
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
from datetime import datetime, timedelta

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


@dataclass(frozen=True)
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
    n = len(docs)
    if n < 2:
        return []
    sets = [shingles(d.content) for d in docs]
    df: Counter[str] = Counter()
    for s in sets:
        df.update(s)
    common = max(50, int(n * cfg.common_share))
    joined: list[str] = []
    blocks: dict[str, list[int]] = defaultdict(list)
    k, max_block = cfg.keys_per_ticket, cfg.max_block
    for i, s in enumerate(sets):
        kept = [w for w in s if df[w] <= common]
        joined.append(" ".join(sorted(kept)) if len(kept) >= MIN_SHINGLES else "")
        if len(kept) < MIN_SHINGLES:
            continue
        keys = sorted((w for w in kept if 2 <= df[w] <= max_block), key=df.__getitem__)[:k]
        for w in keys:
            blocks[w].append(i)
    del sets
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    window = timedelta(days=cfg.window_days)
    threshold = cfg.threshold
    seen: set[int] = set()
    degree: Counter[int] = Counter()
    ats = [d.at for d in docs]
    scorer = fuzz.token_sort_ratio
    for members in blocks.values():
        if len(members) < 2:
            continue
        for pos in range(1, len(members)):
            j = members[pos]
            lo = max(0, pos - BAND)
            for i in reversed(members[lo:pos]):
                if ats[j] - ats[i] > window:
                    break
                pair = i * n + j
                if pair in seen:
                    continue
                seen.add(pair)
                if scorer(joined[i], joined[j], score_cutoff=threshold):
                    degree[i] += 1
                    degree[j] += 1
                    ri, rj = find(i), find(j)
                    if ri != rj:
                        parent[rj] = ri
    del seen, blocks
    groups: dict[int, list[int]] = defaultdict(list)
    for i in degree:
        groups[find(i)].append(i)
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
