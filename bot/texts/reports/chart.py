"""The report charts (PNG) with Chinese labels, drawn with matplotlib's object API (no pyplot:
reports are built in worker threads)."""

from __future__ import annotations

import io
import threading

import matplotlib
from matplotlib.figure import Figure

from bot.services.reports.figures import Figures
from bot.texts.reports.fonts import find_cjk_font
from bot.texts.reports.periods import KIND_ZH, bucket_label, label

_render_lock = threading.Lock()  # rc_context is process-wide
BLUE, ORANGE, GREY, GREEN = "#2f6db5", "#e07b39", "#9aa5b1", "#3a9d5d"


def _rc() -> dict[str, object]:
    font = find_cjk_font()
    return {"font.family": "sans-serif", "font.sans-serif": [font.family, "DejaVu Sans"],
            "axes.unicode_minus": False, "font.size": 10}


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


def _short(s: str, n: int = 10) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}"


def dashboard(f: Figures) -> bytes:
    """One image: intake trend, top categories, request types, the three rates and the score."""
    with _render_lock, matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(11, 8))
        (a, b), (c, d) = fig.subplots(2, 2)
        fig.suptitle(f"朝阳区卫生健康委接诉即办{KIND_ZH[f.period.kind]}　{label(f.period)}",
                     fontsize=13)
        labels = [bucket_label(x) for x, _ in f.series]
        values = [v for _, v in f.series]
        bars = a.bar(range(len(values)), values, color=BLUE)
        a.set_title(f"受理量趋势（合计 {f.counts.total} 件）")
        step = max(1, len(labels) // 12)
        a.set_xticks(range(0, len(labels), step), labels[::step], rotation=0, fontsize=8)
        if len(values) <= 31:
            a.bar_label(bars, fontsize=7)
        a.spines[["top", "right"]].set_visible(False)

        cats = f.by_cat1[:8][::-1]
        b.barh([_short(k) for k, _ in cats], [v for _, v in cats], color=ORANGE)
        b.set_title("问题分类（一级）前八")
        for i, (_, v) in enumerate(cats):
            b.text(v, i, f" {v}", va="center", fontsize=8)
        b.spines[["top", "right"]].set_visible(False)

        types = f.by_type or [("无", 0)]
        c.bar([k for k, _ in types], [v for _, v in types], color=GREEN)
        c.set_title("诉求类型")
        c.spines[["top", "right"]].set_visible(False)

        names = ["响应率", "解决率", "满意率", "综合得分"]
        cur = [f.rates.response, f.rates.solved_rate, f.rates.satisfied_rate, f.score]
        prev = [f.prev_rates.response, f.prev_rates.solved_rate, f.prev_rates.satisfied_rate,
                f.prev_score]
        xs = range(len(names))
        d.bar([x - 0.2 for x in xs], [v or 0 for v in cur], width=0.4, color=BLUE, label="本期")
        d.bar([x + 0.2 for x in xs], [v or 0 for v in prev], width=0.4, color=GREY,
              label="上期")
        for x, v in zip(xs, cur, strict=True):
            d.text(x - 0.2, (v or 0) + 1, _fmt(v), ha="center", fontsize=8)
        d.set_xticks(list(xs), names)
        d.set_ylim(0, 118)
        d.set_title("三率与综合得分（%）")
        d.legend(loc="upper right", ncol=2, fontsize=8, frameon=False)
        d.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return _png(fig)


def ranking(title: str, rows: list[tuple[str, int]], *, limit: int = 10) -> bytes:
    """A horizontal bar chart of a ranking table (for the Word draft)."""
    rows = rows[:limit][::-1] or [("无", 0)]
    with _render_lock, matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(8, 0.45 * len(rows) + 1.2))
        ax = fig.subplots()
        ax.barh([_short(k, 16) for k, _ in rows], [v for _, v in rows], color=BLUE)
        for i, (_, v) in enumerate(rows):
            ax.text(v, i, f" {v}", va="center", fontsize=8)
        ax.set_title(title)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return _png(fig)
