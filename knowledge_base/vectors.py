"""Entry vectors in the database: what is embedded for an entry, and saving / loading it.

An entry is embedded as its question with its keywords (one passage), plus one passage per
similar phrasing. The vectors are stored with the model's name and version and a hash of the
texts, so a start-up loads them instead of re-embedding, and an edit, an import by another
process or a model change is noticed by the hash not matching.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import col, delete, select

from knowledge_base.documents import KbDoc
from models.db import session_scope
from models.kb import KbVector

__all__ = ["VectorStore", "embed_texts", "text_hash"]

_LOAD_CHUNK = 5000


def embed_texts(doc: KbDoc) -> list[str]:
    """The passages embedded for an entry: question + keywords, then each phrasing."""
    head = doc.question if not doc.keywords else doc.question + " " + " ".join(doc.keywords)
    return [head, *doc.similar]


def text_hash(texts: Sequence[str], model: str, version: str) -> str:
    digest = hashlib.sha1(f"{model}\x00{version}".encode())
    for t in texts:
        digest.update(b"\x00" + t.encode("utf-8"))
    return digest.hexdigest()


class VectorStore:
    """The ``KbVector`` table for one model (name, version)."""

    def __init__(self, engine: Engine, model: str, version: str, dim: int) -> None:
        self.engine, self.model, self.version, self.dim = engine, model, version, dim

    def load(self, entry_ids: Iterable[int] | None = None) -> dict[int, tuple[str, np.ndarray]]:
        """Stored vectors of this model: entry id -> (text hash, vectors); all entries when
        ``entry_ids`` is None."""
        out: dict[int, tuple[str, np.ndarray]] = {}
        ids = None if entry_ids is None else sorted(set(entry_ids))
        chunks = [None] if ids is None else [ids[i:i + _LOAD_CHUNK]
                                             for i in range(0, len(ids), _LOAD_CHUNK)]
        with session_scope(self.engine) as s:
            for chunk in chunks:
                q = select(KbVector.entry_id, KbVector.text_hash, KbVector.model_version,
                           KbVector.dim, KbVector.rows, KbVector.data).where(
                    KbVector.model == self.model)
                if chunk is not None:
                    q = q.where(col(KbVector.entry_id).in_(chunk))
                for entry_id, h, version, dim, rows, data in s.exec(q):
                    if version != self.version or dim != self.dim:
                        continue
                    vecs = np.frombuffer(data, dtype=np.float32).reshape(rows, dim)
                    out[entry_id] = (h, vecs)
        return out

    def save(self, items: Sequence[tuple[int, str, np.ndarray]]) -> None:
        """Store (entry id, text hash, vectors), replacing this model's previous vectors."""
        if not items:
            return
        with session_scope(self.engine) as s:
            ids = [i for i, _, _ in items]
            s.exec(delete(KbVector).where(col(KbVector.entry_id).in_(ids),
                                          KbVector.model == self.model))  # type: ignore[call-overload]
            for entry_id, h, vecs in items:
                arr = np.ascontiguousarray(vecs, dtype=np.float32)
                s.add(KbVector(entry_id=entry_id, model=self.model, model_version=self.version,
                               text_hash=h, dim=self.dim, rows=len(arr), data=arr.tobytes()))
