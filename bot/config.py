"""Typed settings from the environment and `.env`, validated once at start.

A missing or malformed setting stops the bot with one line that names it (exit status 2):
`load_settings_or_exit()` is the only place that turns validation errors into that line.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DB_URL = "sqlite:///data/hotline.db"
DEFAULT_TIMEZONE = "Asia/Shanghai"  # the one place the zone is named; TIMEZONE overrides it
DEFAULT_TZ = ZoneInfo(DEFAULT_TIMEZONE)
_PLACEHOLDERS = {"", "changeme", "your-token-here", "<token>", "123456:ABC-DEF"}


class Settings(BaseSettings):
    """Every setting the bot reads. `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr
    telegram_api_base_url: str | None = None
    database_url: str = DEFAULT_DB_URL
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    duty_group_id: int | None = None
    leader_group_id: int | None = None
    timezone: str = DEFAULT_TIMEZONE
    log_level: str = "INFO"
    escalate_after_minutes: int = Field(default=10, ge=1, le=24 * 60)
    daily_summary_at: str = "08:30"
    tick_seconds: float = Field(default=20.0, gt=0, le=3600)
    # how long a request (a send above all) waits for Telegram's answer before it counts as
    # lost; far above the Bot API's usual answer time, so a slow answer is not sent twice
    send_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    holidays_file: Path = Path("data/holidays.yaml")
    deadline_policy_file: Path | None = None
    shifts_file: Path | None = None  # roster (docs/roster.md); default bot/data/shifts.yaml
    new_ticket_timeout_minutes: int = Field(default=15, ge=1, le=240)
    # reports (docs/reports.md): the day the monthly assessment period starts (the city: 19)
    report_month_start_day: int = Field(default=1, ge=1, le=28)
    report_config_file: Path | None = None  # default: the packaged bot/data/report_config.yaml
    # urgent alerts (docs/alerts.md): policy file (default: packaged bot/data/escalation.yaml),
    # the second wait (acknowledged but still not dispatched -> remind), how long 暂缓 holds
    escalation_policy_file: Path | None = None
    alert_ack_timeout_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    alert_snooze_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # alert channels beyond Telegram (docs/channels.md): robots, SMS/voice gateway, SMTP —
    # URLs, secrets and credentials live in this file only; unset = Telegram only
    channels_file: Path | None = None
    # reminders (issue 3): leads before each deadline, the 21:00 sweep, the morning digest
    reminder_leads: str = "24h,2h,0"
    overnight_sweep_at: str = "21:00"
    reminder_digest_at: str = "08:00"
    # outbox: days after which the text of a delivered (or failed/cancelled) message is
    # cleared; the row stays for its dedup key and the counts (docs/alerts.md, issue 13)
    outbox_retention_days: int = Field(default=7, ge=1, le=3650)
    # knowledge base (docs/knowledge_base.md): load the starter content into an empty KB
    kb_seed_starter: bool = True
    # contract compliance (docs/assessment.md): the 考核细则 file (default: the packaged
    # bot/data/assessment.yaml), the on-boarding gate of the roster, where received files are
    # kept (0600) and how big one may be
    assessment_rules_file: Path | None = None
    onboarding_gate: Literal["warn", "refuse"] = "warn"
    attachments_dir: Path = Path("data/attachments")
    attachment_max_mb: int = Field(default=20, ge=1, le=2000)

    @field_validator("channels_file", mode="before")
    @classmethod
    def _channels_file(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("reminder_leads")
    @classmethod
    def _reminder_leads(cls, v: str) -> str:
        from bot.services.reminders.leads import parse_leads

        parse_leads(v)  # raises ValueError naming the bad item
        return v

    @field_validator("overnight_sweep_at", "reminder_digest_at")
    @classmethod
    def _reminder_hhmm(cls, v: str) -> str:
        hh, _, mm = v.strip().partition(":")
        if not (hh.isdigit() and mm.isdigit() and 0 <= int(hh) < 24 and 0 <= int(mm) < 60):
            raise ValueError("must be HH:MM")
        return f"{int(hh):02d}:{int(mm):02d}"

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, v: SecretStr) -> SecretStr:
        raw = v.get_secret_value().strip()
        if raw in _PLACEHOLDERS:
            raise ValueError("is empty or a placeholder")
        head, _, tail = raw.partition(":")
        if not head.isdigit() or not tail:
            raise ValueError("must look like 123456789:AA… (from @BotFather)")
        return SecretStr(raw)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("is empty (default: " + DEFAULT_DB_URL + ")")
        scheme = v.partition("://")[0]
        if not v.partition("://")[2]:
            raise ValueError(f"{v!r} is not a database URL (e.g. {DEFAULT_DB_URL})")
        if scheme in ("postgres", "postgresql", "postgresql+psycopg2"):
            raise ValueError("use the scheme postgresql+psycopg://user:password@host/db")
        if scheme not in ("sqlite", "postgresql+psycopg"):
            raise ValueError(f"unsupported database {scheme!r}: use sqlite:///path or "
                             "postgresql+psycopg://…")
        return v

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        v = v.strip()
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, v: object) -> object:
        if isinstance(v, str):
            parts = [p.strip() for p in v.replace(";", ",").split(",") if p.strip()]
            out = []
            for p in parts:
                if not p.lstrip("-").isdigit():
                    raise ValueError(f"{p!r} is not a Telegram user id")
                out.append(int(p))
            return tuple(out)
        if isinstance(v, int):
            return (v,)
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v

    @field_validator("daily_summary_at")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        hh, _, mm = v.strip().partition(":")
        if not (hh.isdigit() and mm.isdigit() and 0 <= int(hh) < 24 and 0 <= int(mm) < 60):
            raise ValueError("must be HH:MM")
        return f"{int(hh):02d}:{int(mm):02d}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str:
        return self.telegram_bot_token.get_secret_value()

    def sqlite_path(self) -> Path | None:
        """The SQLite file, when the database is SQLite on disk."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            return Path(self.database_url[len(prefix):])
        return None


def describe_error(exc: ValidationError) -> str:
    """One line naming the first bad setting, in the environment variable's spelling."""
    err = exc.errors()[0]
    name = str(err["loc"][0]).upper() if err.get("loc") else "SETTINGS"
    if err.get("type") == "missing":
        return f"配置错误: {name} is required but not set (see .env.example)"
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    return f"配置错误: {name} is invalid: {msg}"


OFFLINE_TOKEN = "0:offline"  # for subcommands that never talk to Telegram


def load_settings_or_exit(*, require_token: bool = True, **overrides: object) -> Settings:
    """Build settings; on any problem print one line to stderr and exit with status 2."""
    if not require_token:
        overrides.setdefault("telegram_bot_token", _env_token() or OFFLINE_TOKEN)
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        print(describe_error(exc), file=sys.stderr)
        raise SystemExit(2) from None


def _env_token() -> str | None:
    import os

    return os.environ.get("TELEGRAM_BOT_TOKEN") or None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings_or_exit()
