"""Knowledge-base search benchmark: quality on the labelled set, speed on synthetic corpora.

Run from the repository root::

    python -m bench.kb_bench            # full run (10,000 and 100,000 entries)
    python -m bench.kb_bench --quick    # quality + 10,000 entries, fewer timing rounds
    python bench/kb_bench.py --split holdout --misses   # list the misses of one split

Quality: Recall@1, Recall@3 and MRR of ``SearchIndex.search`` on ``bench/kb_queries.yaml``
against the starter content, overall, per split (dev / holdout) and per query kind; plus the
share of correct first hits that are ``strong`` and how nonsense queries score.

Speed: synthetic entries are generated from the starter content by recombining realistic
phrases (deterministic seed). For each size: build time, median / p95 search latency over the
labelled queries, upsert latency, and the same queries through a plain
``rapidfuzz.process.extract(query, questions, limit=5)`` over the question strings.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/kb_bench.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml
from rapidfuzz import process

from knowledge_base.content import (
    load_default_synonyms,
    load_starter_docs,
    load_starter_entries,
)
from knowledge_base.index import STRONG_THRESHOLD, WEAK_THRESHOLD, KbDoc, SearchIndex
from knowledge_base.normalize import warm_up

QUERIES_PATH = Path(__file__).resolve().parent / "kb_queries.yaml"

#: Queries that match nothing in the starter content: they must not produce strong hits.
NONSENSE = [
    "今天天气怎么样",
    "asdfghjkl",
    "qwerty",
    "我想买一辆自行车",
    "股票什么时候涨",
    "😀😀😀",
    "<>&*_",
    "周末去哪里吃火锅",
    "手机屏幕碎了",
    "xyzxyz",
    "快递丢了找谁",
    "明天几点上班",
]


# ----------------------------------------------------------------------------- data
def starter_docs() -> list[KbDoc]:
    return load_starter_docs()


def load_queries() -> list[dict[str, Any]]:
    data = yaml.safe_load(QUERIES_PATH.read_text(encoding="utf-8"))
    return [
        {
            "query": str(q["query"]),
            "expected": str(q["expected"]),
            "kind": str(q["kind"]),
            "split": str(q.get("split", "dev")),
        }
        for q in data["queries"]
    ]


_PLACES = [
    "朝阳区",
    "望京街道",
    "酒仙桥",
    "三里屯",
    "双井",
    "劲松",
    "潘家园",
    "大屯",
    "亚运村",
    "小关",
    "安贞",
    "和平街",
    "左家庄",
    "麦子店",
    "团结湖",
    "呼家楼",
    "八里庄",
    "东风",
    "十八里店",
    "高碑店",
    "管庄",
    "常营",
    "金盏",
    "孙河",
    "崔各庄",
    "来广营",
    "东坝",
    "平房",
    "南磨房",
    "太阳宫",
    "我们小区",
    "单位附近",
    "社区",
    "学校周边",
]
_PEOPLE = [
    "老人",
    "孩子",
    "孕妇",
    "外地户籍人员",
    "退休职工",
    "新生儿家长",
    "残疾人",
    "低保户",
    "在校学生",
    "外籍人员",
    "农村户籍居民",
    "失独家庭",
    "个体经营者",
    "医务人员",
    "患者家属",
    "居民",
    "租户",
    "物业",
    "餐饮店老板",
    "企业职工",
]
_ACTIONS = [
    "怎么办理",
    "去哪里咨询",
    "需要带什么材料",
    "如何投诉",
    "收费标准是什么",
    "多长时间能办好",
    "找哪个部门",
    "可以网上办吗",
    "有什么条件",
    "流程是什么",
    "能不能加急",
    "谁负责",
    "不给办怎么办",
    "需要本人到场吗",
    "周末能办吗",
    "可以代办吗",
    "有没有补贴",
    "怎么查询进度",
    "政策有变化吗",
    "办理地点在哪",
    "需要预约吗",
    "要交钱吗",
    "是否需要户口",
    "怎么举报",
]
_FILLERS = [
    "请携带身份证件原件。",
    "具体以最新通知为准。",
    "可拨打12345咨询。",
    "也可以咨询所在社区卫生服务中心。",
    "办理时间为工作日。",
    "建议提前电话预约。",
    "相关材料需要提供复印件。",
    "逾期未办理的需重新申请。",
    "如有疑问可向街道反映。",
]


def synthetic_docs(n: int, *, seed: int = 20240601, start_id: int = 100_000) -> list[KbDoc]:
    """``n`` realistic-looking entries recombined from the starter content."""
    rng = random.Random(seed)
    starter = load_starter_entries()
    topics = sorted({k for e in starter for k in e["keywords"] if len(k) >= 2})
    sentences = sorted(
        {s.strip() + "。" for e in starter for s in e["answer"].split("。") if len(s.strip()) > 8}
    )
    categories = sorted({e["category"] for e in starter})
    sources = sorted({e["source"] for e in starter})
    seen: set[str] = set()
    docs: list[KbDoc] = []
    while len(docs) < n:
        who = rng.choice(_PLACES + _PEOPLE)
        topic = rng.choice(topics)
        if rng.random() < 0.3:
            topic += rng.choice(topics)
        question = f"{who}{topic}{rng.choice(_ACTIONS)}？"
        if question in seen:
            continue
        seen.add(question)
        answer = "".join(rng.sample(sentences, 3)) + rng.choice(_FILLERS)
        docs.append(
            KbDoc(
                id=start_id + len(docs),
                question=question,
                answer=answer,
                keywords=(*tuple(rng.sample(topics, 3)), topic),
                category=rng.choice(categories),
                source=rng.choice(sources),
            )
        )
    return docs


# ----------------------------------------------------------------------------- quality
def evaluate(index: SearchIndex, queries: list[dict[str, Any]], question_to_id: dict[str, int]):
    rows = []
    for q in queries:
        hits = index.search(q["query"], limit=5)
        want = question_to_id[q["expected"]]
        rank = next((i + 1 for i, h in enumerate(hits) if h.id == want), None)
        rows.append({**q, "rank": rank, "hits": hits})
    return rows


def summarize(rows: list[dict[str, Any]]) -> tuple[int, float, float, float]:
    n = len(rows)
    if n == 0:
        return 0, 0.0, 0.0, 0.0
    r1 = sum(1 for r in rows if r["rank"] == 1) / n
    r3 = sum(1 for r in rows if r["rank"] is not None and r["rank"] <= 3) / n
    mrr = sum(1.0 / r["rank"] for r in rows if r["rank"] is not None) / n
    return n, r1, r3, mrr


def print_quality(rows: list[dict[str, Any]]) -> None:
    print("\n## Quality on bench/kb_queries.yaml (starter content, limit=5)\n")
    print(f"| {'subset':<20} | {'n':>4} | {'R@1':>6} | {'R@3':>6} | {'MRR':>6} |")
    print(f"|{'-' * 22}|{'-' * 6}|{'-' * 8}|{'-' * 8}|{'-' * 8}|")

    def line(name: str, subset: list[dict[str, Any]]) -> None:
        n, r1, r3, mrr = summarize(subset)
        print(f"| {name:<20} | {n:>4} | {r1:>6.3f} | {r3:>6.3f} | {mrr:>6.3f} |")

    line("ALL", rows)
    for split in ("dev", "holdout"):
        line(f"split={split}", [r for r in rows if r["split"] == split])
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r)
    for kind in sorted(by_kind):
        line(f"kind={kind}", by_kind[kind])

    top_correct = [r["hits"][0] for r in rows if r["rank"] == 1]
    strong = sum(1 for h in top_correct if h.strong)
    wrong_strong = sum(1 for r in rows if r["hits"] and r["rank"] != 1 and r["hits"][0].strong)
    print(
        f"\ncorrect first hits that are strong (score ≥ {STRONG_THRESHOLD:g}): "
        f"{strong}/{len(top_correct)}; wrong first hits that are strong: {wrong_strong}"
    )
    if top_correct:
        scores = sorted(h.score for h in top_correct)
        print(
            f"score of correct first hits: min {scores[0]:.1f}, "
            f"p10 {scores[len(scores) // 10]:.1f}, median {statistics.median(scores):.1f}"
        )


def print_nonsense(index: SearchIndex) -> None:
    print(f"\n## Nonsense queries (weak ≥ {WEAK_THRESHOLD:g}, strong ≥ {STRONG_THRESHOLD:g})\n")
    n_strong = 0
    for q in NONSENSE:
        hits = index.search(q, limit=3)
        top = f"{hits[0].score:.1f} {'strong' if hits[0].strong else 'weak'}" if hits else "—"
        n_strong += bool(hits and hits[0].strong)
        print(f"- {q!r}: {len(hits)} hits, top {top}")
    print(f"\nnonsense queries with a strong hit: {n_strong}/{len(NONSENSE)}")


def print_misses(rows: list[dict[str, Any]]) -> None:
    print("\n## Misses (expected entry not first)\n")
    for r in rows:
        if r["rank"] == 1:
            continue
        got = r["hits"][0].question if r["hits"] else "—"
        score = f"{r['hits'][0].score:.1f}" if r["hits"] else ""
        print(f"- [{r['kind']}/{r['split']}] {r['query']} → rank {r['rank']}; got {got} {score}")


# ----------------------------------------------------------------------------- speed
def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def time_size(n: int, queries: list[str], *, rounds: int, upserts: int) -> dict[str, float]:
    starter = starter_docs()
    docs = starter + synthetic_docs(n - len(starter))
    synonyms = load_default_synonyms()
    t0 = time.perf_counter()
    c0 = time.process_time()
    index = SearchIndex(docs, synonyms=synonyms)
    build = time.perf_counter() - t0
    build_cpu = time.process_time() - c0

    for q in queries:  # warm caches (numpy postings, jieba, pinyin): the steady state
        index.search(q)
    lat: list[float] = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            index.search(q, limit=5)
            lat.append((time.perf_counter() - t) * 1000)

    questions = [d.question for d in docs]
    base: list[float] = []
    for q in queries:
        t = time.perf_counter()
        process.extract(q, questions, limit=5)
        base.append((time.perf_counter() - t) * 1000)

    rng = random.Random(7)
    up: list[float] = []
    visible = 0
    for i in range(upserts):
        victim = rng.choice(docs)
        edited = KbDoc(
            id=victim.id,
            question=f"{victim.question[:-1]}第{i}次修改",
            answer=victim.answer + "（已更新）",
            keywords=victim.keywords,
            category=victim.category,
            source=victim.source,
        )
        t = time.perf_counter()
        index.upsert(edited)
        up.append((time.perf_counter() - t) * 1000)
        hits = index.search(edited.question, limit=3)
        visible += bool(hits and hits[0].id == edited.id)
    first_search_after = []
    for _ in range(5):
        victim = rng.choice(docs)
        index.upsert(victim)
        t = time.perf_counter()
        index.search(victim.question)
        first_search_after.append((time.perf_counter() - t) * 1000)

    return {
        "n": float(len(index)),
        "build_s": build,
        "build_cpu_s": build_cpu,
        "med_ms": statistics.median(lat),
        "p95_ms": _pct(lat, 95),
        "base_med_ms": statistics.median(base),
        "base_p95_ms": _pct(base, 95),
        "up_med_ms": statistics.median(up),
        "up_max_ms": max(up),
        "visible": visible / max(upserts, 1),
        "after_up_ms": statistics.median(first_search_after),
    }


def print_speed(results: list[dict[str, float]]) -> None:
    print("\n## Speed (labelled queries, limit=5; baseline = process.extract over questions)\n")
    print(
        "| entries | build s (cpu s) | median ms | p95 ms | upsert med / max ms | "
        "1st search after upsert ms | edit found | "
        "baseline median ms | baseline p95 ms | ratio median | ratio p95 |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {int(r['n']):,} | {r['build_s']:.1f} ({r['build_cpu_s']:.1f}) | "
            f"{r['med_ms']:.2f} | {r['p95_ms']:.2f} | "
            f"{r['up_med_ms']:.2f} / {r['up_max_ms']:.1f} | {r['after_up_ms']:.2f} | "
            f"{r['visible']:.0%} | "
            f"{r['base_med_ms']:.2f} | {r['base_p95_ms']:.2f} | "
            f"{r['med_ms'] / r['base_med_ms']:.2f} | {r['p95_ms'] / r['base_p95_ms']:.2f} |"
        )
    print("\n(ratio = ours / baseline; below 1 means faster than the plain rapidfuzz scan)")
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"(load average {load} on {os.cpu_count()} CPUs: wall times grow with contention)")


# ----------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10,000 entries only, fewer rounds")
    ap.add_argument("--no-speed", action="store_true", help="quality only")
    ap.add_argument("--misses", action="store_true", help="list queries not ranked first")
    ap.add_argument("--split", choices=("dev", "holdout", "all"), default="all")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    warm_up()
    docs = starter_docs()
    index = SearchIndex(docs, synonyms=load_default_synonyms())
    print(f"starter entries: {len(index)}; warm-up + build {time.perf_counter() - t0:.2f} s")
    queries = load_queries()
    if args.split != "all":
        queries = [q for q in queries if q["split"] == args.split]
    rows = evaluate(index, queries, {d.question: d.id for d in docs})
    print_quality(rows)
    print_nonsense(index)
    if args.misses:
        print_misses(rows)
    if args.no_speed:
        return 0

    texts = [q["query"] for q in load_queries()]
    sizes = [10_000] if args.quick else [10_000, 100_000]
    results = []
    for n in sizes:
        rounds = 1 if args.quick or n > 10_000 else 3
        results.append(time_size(n, texts, rounds=rounds, upserts=20 if args.quick else 50))
    print_speed(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
