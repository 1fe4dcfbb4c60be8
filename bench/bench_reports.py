"""Benchmark of the reports: /weekly on 1,000,000 tickets, /annual on 200,000 in the year.

    .venv/bin/python -m bench.bench_reports [--db PATH] [--tickets 1000000] [--per-year 200000]

Fills the database once with demo data (years ending with the clock's year, `--per-year` each,
the last year up to 25 Nov), then builds each report in a fresh process and prints the wall
time (figures, chart, XLSX, DOCX) and the process's peak memory. Also times the clustering
alone on growing numbers of tickets to show how it scales. Limits: /weekly ≤ 2 s, /annual ≤ 20 s,
memory < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from bot.clock import MovableClock
from bot.config import DEFAULT_TZ as SHANGHAI

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)


def _engine(db: Path):  # type: ignore[no-untyped-def]
    from models.db import make_engine
    from models.migrate import upgrade

    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    return engine


def fill(db: Path, total: int, per_year: int) -> None:
    from sqlalchemy import func, select

    from bot.services.reports.demo.store import generate
    from models.ticket import Ticket

    engine = _engine(db)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(Ticket.__table__)).scalar_one()
    if have >= total:
        print(f"database has {have} tickets")
        return
    year, left = NOW.year, total - have
    t0 = time.perf_counter()
    while left > 0:
        n = min(per_year, left)
        # the reports read no history events: leave out the millions of them
        generate(engine, tickets=n, year=year, now=NOW, force=True, history=False)
        print(f"  {year}: {n} tickets ({time.perf_counter() - t0:.0f} s)", flush=True)
        left -= n
        year -= 1
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    print(f"filled {total - have} tickets in {time.perf_counter() - t0:.0f} s")


def measure(db: Path, kind: str, args: list[str]) -> dict[str, object]:
    from bot.services.reports.config import ReportConfig
    from bot.services.reports.service import ReportService
    from bot.texts.reports.files import build_files
    from bot.texts.reports.periods import label

    engine = _engine(db)
    service = ReportService(engine, MovableClock(NOW), ReportConfig.load())
    from bot.texts.reports.fonts import find_cjk_font

    find_cjk_font()  # once per process, done at start in the bot
    t0 = time.perf_counter()
    files = build_files(service, service.period(kind, args))
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "period": label(files.figures.period),
            "tickets": files.figures.counts.total, "wall": round(wall, 2),
            "timings": {k: round(v, 2) for k, v in files.timings.items()},
            "clusters": files.figures.cluster_total, "xlsx_kb": len(files.xlsx or b"") // 1024,
            "docx_kb": len(files.docx or b"") // 1024, "peak_mb": round(rss)}


def scaling(db: Path) -> list[tuple[int, float, int]]:
    from bot.services.reports.clusters import cluster_tickets
    from bot.services.reports.config import ReportConfig
    from bot.services.reports.periods import year
    from bot.services.reports.queries import FigureQueries

    engine = _engine(db)
    cfg = ReportConfig.load()
    p = year(NOW.year - 1, tz=SHANGHAI)
    with engine.connect() as conn:
        docs, _ = FigureQueries(cfg).cluster_docs(conn, p.start, p.end, 1_000_000)
    out = []
    for n in (25_000, 50_000, 100_000, 200_000):
        if n > len(docs):
            break
        part = docs[-n:]
        t0 = time.perf_counter()
        groups = cluster_tickets(part, cfg.clusters)
        out.append((n, round(time.perf_counter() - t0, 2), len(groups)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, default=Path("/tmp/bench_reports.db"))
    ap.add_argument("--tickets", type=int, default=1_000_000)
    ap.add_argument("--per-year", type=int, default=200_000)
    ap.add_argument("--measure", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--scaling", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.measure:
        print(json.dumps(measure(a.db, a.measure[0], a.measure[1:]), ensure_ascii=False))
        return 0
    if a.scaling:
        print(json.dumps(scaling(a.db)))
        return 0
    fill(a.db, a.tickets, a.per_year)
    rows = []
    for kind, args, limit in (("week", [], 2.0), ("week", [], 2.0), ("month", [], None),
                              ("year", [str(NOW.year - 1)], 20.0)):
        out = subprocess.run([sys.executable, "-m", "bench.bench_reports", "--db", str(a.db),
                              "--measure", kind, *args], capture_output=True, text=True,
                             check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        r["limit"] = limit
        rows.append(r)
    print()
    print(f"{'report':8} {'period':28} {'tickets':>8} {'wall s':>7} {'limit':>6} "
          f"{'peak MB':>8}  breakdown")
    for r in rows:
        lim = "—" if r["limit"] is None else f"{r['limit']:.0f}"
        ok = "" if r["limit"] is None or r["wall"] <= r["limit"] else "  OVER"
        print(f"{r['kind']:8} {r['period']:28} {r['tickets']:>8} {r['wall']:>7.2f} {lim:>6} "
              f"{r['peak_mb']:>8}  {r['timings']}{ok}")
    out = subprocess.run([sys.executable, "-m", "bench.bench_reports", "--db", str(a.db),
                          "--scaling"], capture_output=True, text=True, check=True).stdout
    print("\nclustering alone (tickets, seconds, groups):")
    for n, secs, groups in json.loads(out.strip().splitlines()[-1]):
        print(f"  {n:>8} {secs:>7.2f} s {groups:>6} groups  ({1e6 * secs / n:.1f} µs/ticket)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
