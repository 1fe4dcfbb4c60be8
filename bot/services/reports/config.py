"""The report configuration: rate definitions, weights, list sizes and clustering.

The packaged file is `bot/data/report_config.yaml`; the `REPORT_CONFIG_FILE` setting points at
a replacement, so an office can change its definitions without editing the installed package.
The file is described by `ReportConfigFile` (pydantic) and read with `YamlSource.validate`, so
a bad value is refused at start with the file and the line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.yaml_source import YamlSource
from bot.services.reports.vocab import SATISFACTION
from bot.services.tickets.workflow import Status

PACKAGED_CONFIG = Path(__file__).resolve().parents[2] / "data" / "report_config.yaml"
BASES = ("callback_at", "received_at")
Basis = Literal["callback_at", "received_at"]
DEFAULT_SATISFACTION_WEIGHTS = dict(zip(SATISFACTION, (1.0, 0.9, 0.0), strict=True))


class ReportConfigError(ConfigFileError):
    """The report configuration (rates, weights, clustering) is invalid."""

    prefix = "报表配置错误 / report config error: "


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClusterConfig(_Strict):
    """多人反映同一问题: how content clustering compares tickets (see clusters.py)."""

    threshold: float = Field(default=55.0, ge=0, le=100)
    common_share: float = Field(default=0.01, gt=0, le=1)
    min_size: int = Field(default=3, ge=2)
    min_callers: int = Field(default=2, ge=1)
    window_days: int = Field(default=30, ge=1)
    keys_per_ticket: int = Field(default=4, ge=1)
    max_block: int = Field(default=400, ge=2)
    max_tickets: int = Field(default=300_000, ge=2)
    show: int = Field(default=10, ge=0)


class ResponseRate(_Strict):
    name: str = "响应率"
    exclude_statuses: list[str] = Field(default_factory=lambda: [Status.returned.value])


class SolvedRate(_Strict):
    name: str = "解决率"
    basis: Basis = "callback_at"


class SatisfiedRate(_Strict):
    name: str = "满意率"
    basis: Basis = "callback_at"
    weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_SATISFACTION_WEIGHTS))

    @field_validator("weights")
    @classmethod
    def _three_answers(cls, v: dict[str, float]) -> dict[str, float]:
        if set(v) != set(SATISFACTION):
            raise ValueError(f"needs exactly {', '.join(SATISFACTION)}")
        return v


class Rates(_Strict):
    response: ResponseRate = Field(default_factory=ResponseRate)
    solved: SolvedRate = Field(default_factory=SolvedRate)
    satisfied: SatisfiedRate = Field(default_factory=SatisfiedRate)


class ScoreWeights(_Strict):
    """综合得分 = Σ weight × rate; when given, all three weights are."""

    response: float
    solved: float
    satisfied: float


DEFAULT_SCORE_WEIGHTS = ScoreWeights(response=0.1, solved=0.5, satisfied=0.4)


class ReportConfigFile(_Strict):
    """`report_config.yaml` as written (see the comments in the packaged file)."""

    version: Literal[1] = 1
    rates: Rates = Field(default_factory=Rates)
    score_weights: ScoreWeights = DEFAULT_SCORE_WEIGHTS
    top_n: int = Field(default=10, ge=1)
    long_open_days: int = Field(default=30, ge=1)
    recurring_lookback_days: int = Field(default=90, ge=1)
    repeat_min_tickets: int = Field(default=2, ge=2)
    clusters: ClusterConfig = Field(default_factory=ClusterConfig)
    xlsx_max_rows: int = Field(default=20_000, ge=1)


@dataclass(frozen=True)
class ReportConfig:
    """What the figures read: the file's values, flattened, plus the assessment-month start
    day (the `REPORT_MONTH_START_DAY` setting, not the file)."""

    response_exclude: tuple[str, ...] = (Status.returned.value,)
    solved_basis: str = "callback_at"
    satisfied_basis: str = "callback_at"
    satisfaction_weights: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_SATISFACTION_WEIGHTS))
    score_weights: dict[str, float] = field(
        default_factory=DEFAULT_SCORE_WEIGHTS.model_dump)
    top_n: int = 10
    long_open_days: int = 30
    recurring_lookback_days: int = 90
    repeat_min_tickets: int = 2
    clusters: ClusterConfig = field(default_factory=ClusterConfig)
    xlsx_max_rows: int = 20_000
    month_start_day: int = 1

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *,
             month_start_day: int = 1) -> ReportConfig:
        """Read the file (default: the packaged one); ReportConfigError names file and line."""
        src = YamlSource(path if path is not None else PACKAGED_CONFIG, ReportConfigError)
        return cls.from_model(src.validate(ReportConfigFile), month_start_day=month_start_day)

    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, month_start_day: int = 1) -> ReportConfig:
        """The configuration from plain values shaped like the file (tests, tools)."""
        try:
            model = ReportConfigFile.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise ReportConfigError(f"{where}: {first.get('msg', '')}") from None
        return cls.from_model(model, month_start_day=month_start_day)

    @classmethod
    def from_model(cls, m: ReportConfigFile, *, month_start_day: int = 1) -> ReportConfig:
        if not 1 <= month_start_day <= 28:
            raise ValueError("REPORT_MONTH_START_DAY must be 1..28")
        return cls(
            response_exclude=tuple(m.rates.response.exclude_statuses),
            solved_basis=m.rates.solved.basis, satisfied_basis=m.rates.satisfied.basis,
            satisfaction_weights=dict(m.rates.satisfied.weights),
            score_weights=m.score_weights.model_dump(), top_n=m.top_n,
            long_open_days=m.long_open_days, recurring_lookback_days=m.recurring_lookback_days,
            repeat_min_tickets=m.repeat_min_tickets, clusters=m.clusters,
            xlsx_max_rows=m.xlsx_max_rows, month_start_day=month_start_day)
