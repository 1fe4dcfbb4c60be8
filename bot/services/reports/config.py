"""The report configuration (`bot/data/report_config.yaml`): rate definitions and weights."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.configfiles.errors import ConfigFileError

PACKAGED_CONFIG = Path(__file__).resolve().parents[2] / "data" / "report_config.yaml"
BASES = ("callback_at", "received_at")


class ReportConfigError(ConfigFileError):
    """The report configuration (rates, weights, clustering) is invalid."""


@dataclass(frozen=True)
class ClusterConfig:
    threshold: float = 55.0
    common_share: float = 0.01
    min_size: int = 3
    min_callers: int = 2
    window_days: int = 30
    keys_per_ticket: int = 4
    max_block: int = 400
    max_tickets: int = 300_000
    show: int = 10


@dataclass(frozen=True)
class ReportConfig:
    response_exclude: tuple[str, ...] = ("退回",)
    solved_basis: str = "callback_at"
    satisfied_basis: str = "callback_at"
    satisfaction_weights: dict[str, float] = field(
        default_factory=lambda: {"满意": 1.0, "基本满意": 0.9, "不满意": 0.0})
    score_weights: dict[str, float] = field(
        default_factory=lambda: {"response": 0.1, "solved": 0.5, "satisfied": 0.4})
    top_n: int = 10
    long_open_days: int = 30
    recurring_lookback_days: int = 90
    repeat_min_tickets: int = 2
    clusters: ClusterConfig = field(default_factory=ClusterConfig)
    xlsx_max_rows: int = 20_000
    month_start_day: int = 1  # from the REPORT_MONTH_START_DAY setting, not the file

    @classmethod
    def load(cls, path: Path | None = None, *, month_start_day: int = 1) -> ReportConfig:
        path = path or PACKAGED_CONFIG
        try:
            raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ReportConfigError(f"{path}: {exc}") from exc
        return cls.from_dict(raw, month_start_day=month_start_day, source=str(path))

    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, month_start_day: int = 1,
                  source: str = "report config") -> ReportConfig:
        try:
            rates = raw.get("rates") or {}
            resp, solved, sat = (rates.get(k) or {} for k in ("response", "solved",
                                                               "satisfied"))
            weights = {str(k): float(v) for k, v in (sat.get("weights") or {
                "满意": 1.0, "基本满意": 0.9, "不满意": 0.0}).items()}
            score = {str(k): float(v) for k, v in (raw.get("score_weights") or {
                "response": 0.1, "solved": 0.5, "satisfied": 0.4}).items()}
            cl = ClusterConfig(**(raw.get("clusters") or {}))
            cfg = cls(
                response_exclude=tuple(resp.get("exclude_statuses", ["退回"]) or ()),
                solved_basis=str(solved.get("basis", "callback_at")),
                satisfied_basis=str(sat.get("basis", "callback_at")),
                satisfaction_weights=weights, score_weights=score,
                top_n=int(raw.get("top_n", 10)), long_open_days=int(raw.get("long_open_days", 30)),
                recurring_lookback_days=int(raw.get("recurring_lookback_days", 90)),
                repeat_min_tickets=int(raw.get("repeat_min_tickets", 2)), clusters=cl,
                xlsx_max_rows=int(raw.get("xlsx_max_rows", 20_000)),
                month_start_day=month_start_day,
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise ReportConfigError(f"{source}: {exc}") from exc
        if cfg.solved_basis not in BASES or cfg.satisfied_basis not in BASES:
            raise ReportConfigError(f"{source}: basis must be one of {', '.join(BASES)}")
        if set(cfg.score_weights) != {"response", "solved", "satisfied"}:
            raise ReportConfigError(f"{source}: score_weights needs response, solved, satisfied")
        if set(cfg.satisfaction_weights) != {"满意", "基本满意", "不满意"}:
            raise ReportConfigError(f"{source}: satisfied.weights needs 满意, 基本满意, 不满意")
        if not 1 <= month_start_day <= 28:
            raise ReportConfigError("REPORT_MONTH_START_DAY must be 1..28")
        return cfg
