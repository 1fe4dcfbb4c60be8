"""Wording shared by every rendering of a report: its title, file name, and how rates,
scores and changes are written."""

from __future__ import annotations

from bot.services.masker import mask
from bot.services.reports.figures import Figures, change
from bot.texts.reports.periods import KIND_ZH

NA = "—"


def title(f: Figures) -> str:
    return f"接诉即办{KIND_ZH[f.period.kind]}"


def file_stem(f: Figures) -> str:
    key = f.period.key.replace("~", "_")
    return f"接诉即办{KIND_ZH[f.period.kind]}_{key}"


def rate(v: float | None) -> str:
    return NA if v is None else f"{v:.2f}%"


def score(v: float | None) -> str:
    return NA if v is None else f"{v:.2f}"


def trend(cur: float | None, old: float | None) -> str:
    pct = change(cur, old)
    if pct is None:
        return NA
    if pct == 0:
        return "持平"
    return f"{'↑' if pct > 0 else '↓'}{abs(pct):.1f}%"


def points(cur: float | None, old: float | None) -> str:
    """Difference in percentage points (for rates)."""
    if cur is None or old is None:
        return NA
    d = round(cur - old, 2)
    if d == 0:
        return "持平"
    return f"{'↑' if d > 0 else '↓'}{abs(d):.2f}个百分点"


def masked(text: str) -> str:
    return mask(text)


def cluster_note(f: Figures) -> str:
    """Says when clustering looked at the latest tickets only; empty otherwise."""
    cap = f.cluster_cap
    return "" if cap is None else f"期内工单 {cap.total} 件，聚类仅取最近 {cap.used} 件。"
