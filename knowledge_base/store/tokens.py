"""Short tokens for search queries: a button's callback data (64 bytes) cannot hold the text.

A query is masked (phone and ID numbers) before it is kept, so the token store never holds
personal data; it lives in memory only (after a restart the buttons answer "expired").
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from bot.services.masker import mask

__all__ = ["MAX_QUERY", "QueryTokens"]

MAX_QUERY = 200
_MAX_TOKENS = 2000


class QueryTokens:
    """Remembers the latest queries under 8-character tokens."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, query: str) -> str:
        token = secrets.token_hex(4)
        with self._lock:
            self._items[token] = mask(query.strip())[:MAX_QUERY]
            while len(self._items) > _MAX_TOKENS:
                self._items.popitem(last=False)
        return token

    def get(self, token: str) -> str | None:
        with self._lock:
            return self._items.get(token)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
