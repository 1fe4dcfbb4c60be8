"""An unusable DATABASE_URL ends any entry point with one line naming it, and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import BotRun

SECRET_URL = "postgresql+psycopg://u:secretpw@127.0.0.1:1/db"  # nothing listens on port 1


@pytest.mark.parametrize("url", [
    "foo", "", "mysql://u:p@localhost/db", "postgres://u:p@localhost/db", SECRET_URL,
    "FILE_PARENT",  # a parent "folder" that is a file
])
def test_bad_database_url_is_one_line_and_exit_2(url: str, tmp_path: Path,
                                                 run_bot: Callable[..., BotRun]) -> None:
    if url == "FILE_PARENT":
        (tmp_path / "afile").write_text("x")
        url = f"sqlite:///{tmp_path / 'afile' / 'x.db'}"
    run = run_bot("db", "upgrade", DATABASE_URL=url, TELEGRAM_BOT_TOKEN="1:abc")
    assert run.status == 2, run.err
    assert len(run.err_lines) == 1 and "DATABASE_URL" in run.err, run.err_lines
    assert "secretpw" not in run.err + "".join(run.warnings)


def test_the_process_exits_2_with_one_line_and_no_secret(tmp_path: Path) -> None:
    """The same through `python -m bot` itself: its exit status, and everything it writes
    to stderr (logging included)."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
           "DATABASE_URL": SECRET_URL, "TELEGRAM_BOT_TOKEN": "1:abc"}
    run = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2, run.stderr
    err = run.stderr.strip()
    assert "\n" not in err and "DATABASE_URL" in err and "Traceback" not in err
    assert "secretpw" not in err
