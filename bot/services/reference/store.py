"""Reference data in the database: the newest import wins, the packaged file is the default."""

from __future__ import annotations

import threading
from pathlib import Path

import yaml
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.clock import Clock
from bot.services.reference.data import Reference, load_reference
from bot.services.staff import audit
from models.db import session_scope
from models.ticket import ReferenceData


class ReferenceStore:
    """Holds the current `Reference`; `import_file` validates, stores and swaps it.

    Handlers read `current` from worker threads while the scheduler's `refresh` or an
    `import_file` may swap it: the swap (the reference and the row it came from) happens
    under a lock, and `current` is only ever replaced whole, never changed in place."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine, self.clock = engine, clock
        self._lock = threading.Lock()
        self._row_id: int | None = None
        self.current: Reference = self._load()

    def _latest_id(self) -> int | None:
        with session_scope(self.engine) as s:
            return s.exec(select(func.max(ReferenceData.id))).one()

    def _load(self) -> Reference:
        with session_scope(self.engine) as s:
            row = s.exec(select(ReferenceData).order_by(col(ReferenceData.id).desc())).first()
        if row is None:
            return load_reference()
        self._row_id = row.id
        return Reference.from_dict(yaml.safe_load(row.body))

    def refresh(self, _now: object = None) -> bool:
        """Pick up an import made by another process (`python -m bot units import`)."""
        with self._lock:
            if self._latest_id() == self._row_id:
                return False
            self.current = self._load()
            return True

    def import_file(self, path: str | Path, *, actor_id: int | None = None) -> Reference:
        """Validate the file (ReferenceDataError names each problem) and make it current."""
        ref = load_reference(path)
        body = yaml.safe_dump(ref.to_dict(), allow_unicode=True, sort_keys=False)
        with session_scope(self.engine) as s:
            row = ReferenceData(imported_at=self.clock.now(), imported_by=actor_id, body=body)
            s.add(row)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, action="reference.import",
                         detail=f"{len(ref.units)} units")
        with self._lock:
            self.current, self._row_id = ref, row.id
        return ref

    def export(self) -> str:
        return yaml.safe_dump(self.current.to_dict(), allow_unicode=True, sort_keys=False)
