"""Shared constants for the ticket unit tests (importable, unlike conftest)."""

from datetime import datetime

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.reference.data import load_reference

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=SHANGHAI)
REFERENCE = load_reference()
