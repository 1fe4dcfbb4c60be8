"""The one helper that makes user input safe to quote in an HTML message.

Every message the bot sends is HTML (parse mode set once, in ``bot.app.make_bot``). Anything
a user typed or the database holds — a command's arguments, a name, a ticket's content, a
file's cell — may contain ``<``, ``>`` or ``&``; quoted raw, Telegram refuses the whole
message ("can't parse entities") and the user gets no answer at all. So every such value is
passed through :func:`escape` on its way into a text, and nothing else in the code calls
``html.escape`` (``.ci/check_architecture.py`` fails the build if it does): one rule, one
place to change it.
"""

from __future__ import annotations

import html


def escape(value: object) -> str:
    """``value`` as literal text inside an HTML message (``<``, ``>``, ``&`` and quotes
    become entities); ``None`` is the empty text, anything else is shown as ``str()``."""
    if value is None:
        return ""
    return html.escape(value if isinstance(value, str) else str(value))
