"""Blocking work off the event loop: ``await db(fn, *args, **kwargs)``.

The services and the knowledge base are plain synchronous code over SQLAlchemy sessions (one
choice for the whole project). Called straight from a handler, the courier or the scheduler,
a query runs on the event loop: while another process holds SQLite's write lock (a
``python -m bot kb import``, a backup) a write waits up to ``busy_timeout`` and every other
update, every alert and every button waits with it. :func:`db` runs the call in a bounded
pool of worker threads instead, so the loop keeps answering other chats and sending what is
due while one call waits for the database.

The pool is bounded (:data:`WORKERS`) so a burst cannot open more sessions than the engine's
connection pool holds; a call waits for a free worker rather than failing. The caller's
context variables go with the call (as :func:`asyncio.to_thread` does).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

__all__ = ["WORKERS", "db"]

P = ParamSpec("P")
T = TypeVar("T")

#: Worker threads for database and other blocking service work. Below the engine's pool
#: (models/db.py) so every worker can hold a connection at once.
WORKERS = 12

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="db")
        return _pool


async def db(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run ``fn(*args, **kwargs)`` in a worker thread and return (or raise) what it did.

    Use it for every service call that may touch the database; pure rendering and parsing
    stay on the loop. A cancelled caller stops waiting, the call itself runs to its end (a
    thread cannot be interrupted; its transaction commits or rolls back as usual).
    """
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, fn, *args, **kwargs)
    return await loop.run_in_executor(_executor(), call)
