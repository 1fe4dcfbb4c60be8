"""The SQLite database watch tells "deleted" from "replaced" even when a new empty file has
appeared at the path before it looks (SQLite creates one on the next connection)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.serve import DatabaseWatch


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "hotline.db"
    path.write_bytes(b"original")
    return path


def test_untouched_file_is_no_problem(db: Path):
    watch = DatabaseWatch(db)
    db.write_bytes(b"written in place")
    assert watch.problem() is None
    watch.close()


def test_deleted_is_deleted_even_if_an_empty_file_appears_at_the_path(db: Path):
    watch = DatabaseWatch(db)
    db.unlink()
    assert watch.problem() == "deleted"
    db.write_bytes(b"")  # what the next SQLite connection does
    assert watch.problem() == "deleted"
    watch.close()


def test_another_file_renamed_over_it_is_replaced(db: Path, tmp_path: Path):
    watch = DatabaseWatch(db)
    other = tmp_path / "restored.db"
    other.write_bytes(b"a backup")
    keep = tmp_path / "old.db"
    os.link(db, keep)  # the original still exists elsewhere: only the path changed
    os.replace(other, db)
    assert watch.problem() == "replaced"
    watch.close()


def test_moved_away_is_deleted_and_no_path_means_no_watch(db: Path, tmp_path: Path):
    watch = DatabaseWatch(db)
    db.rename(tmp_path / "elsewhere.db")
    assert watch.problem() == "deleted"
    watch.close()
    assert DatabaseWatch(None).problem() is None
    assert DatabaseWatch(tmp_path / "missing.db").problem() is None
