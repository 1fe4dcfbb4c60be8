from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.services.calendar.work import WorkCalendar
from bot.services.tickets.deadlines import DeadlinePolicy


@pytest.fixture
def write(tmp_path: Path):
    """write(name, text) -> path, with the text dedented (line 1 = first line of text)."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def policy() -> DeadlinePolicy:
    return DeadlinePolicy.load()


@pytest.fixture
def calendar() -> WorkCalendar:
    """Package data only (no override files): 2027 falls back to the provisional calendar."""
    return WorkCalendar()
