"""An unusable DATABASE_URL ends any entry point with one line naming it, and exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("url", [
    "foo", "", "mysql://u:p@localhost/db", "postgres://u:p@localhost/db",
    "postgresql+psycopg://u:secretpw@127.0.0.1:1/db",  # nothing listens on port 1
    "FILE_PARENT",  # a parent "folder" that is a file
])
def test_bad_database_url_is_one_line_and_exit_2(url: str, tmp_path: Path) -> None:
    if url == "FILE_PARENT":
        (tmp_path / "afile").write_text("x")
        url = f"sqlite:///{tmp_path / 'afile' / 'x.db'}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")},
           "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": "1:abc"}
    run = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 2, run.stderr
    err = run.stderr.strip()
    assert "\n" not in err and "DATABASE_URL" in err and "Traceback" not in err
    assert "secretpw" not in err
