"""Entry vectors in the database: what is embedded for an entry, and saving / loading it.

An entry's vectors (:func:`entry_vectors`) are its *topic* — the normalised mean of the vectors
of its question and of each keyword, embedded one by one — and one vector per similar phrasing.
The mean of many short texts says what the entry is about better than one long "question +
keywords" text does (dev split: semantic R@1 0.86 → 0.90, hybrid 0.930 → 0.951 with the
phrasings); a phrasing keeps its own row so that a learned phrasing matches itself exactly.

The vectors are stored with the model's name and version and a hash of the texts, so a
start-up loads them instead of re-embedding, and an edit, an import by another process or a
model change is noticed by the hash not matching.
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

__all__ = ["VectorStore", "doc_hash", "embed_texts", "entry_vectors", "text_hash"]

_LOAD_CHUNK = 5000
#: the recipe of :func:`entry_vectors`, hashed with the texts (a new recipe re-embeds)
RECIPE = "topic-mean+phrasings"


def embed_texts(doc: KbDoc) -> list[str]:
    """The texts embedded for an entry: its question, each keyword, then each phrasing."""
    return [doc.question, *doc.keywords, *doc.similar]


def entry_vectors(doc: KbDoc, embedded: np.ndarray) -> np.ndarray:
    """The rows indexed for ``doc`` from the vectors of :func:`embed_texts` (same order):
    the topic (normalised mean of question and keywords), then one row per phrasing."""
    n_topic = 1 + len(doc.keywords)
    topic = embedded[:n_topic].mean(axis=0)
    topic /= max(float(np.linalg.norm(topic)), 1e-12)
    return np.vstack([topic[None, :], embedded[n_topic:]]).astype(np.float32, copy=False)


def doc_hash(doc: KbDoc, model: str, version: str) -> str:
    """The hash stored with an entry's vectors: its texts (and where the phrasings start),
    the model and the recipe."""
    return text_hash([str(len(doc.keywords)), *embed_texts(doc)], model, version)


def text_hash(texts: Sequence[str], model: str, version: str) -> str:
    digest = hashlib.sha1(f"{model}\x00{version}\x00{RECIPE}".encode())
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
