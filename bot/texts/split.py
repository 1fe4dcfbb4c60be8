"""Split long HTML messages at line boundaries, never inside a tag or an entity.

Telegram refuses text over 4096 characters (counted after entities are parsed). We split
on the raw markup with a safety margin and re-open any tags still open at the cut, so every
chunk parses on its own.
"""

from __future__ import annotations

import re

LIMIT = 4096
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)([^>]*)>")


def _visible_len(html: str) -> int:
    text = _TAG.sub("", html)
    return len(re.sub(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);", "x", text))


def _open_tags(html: str) -> list[tuple[str, str]]:
    stack: list[tuple[str, str]] = []
    for closing, name, attrs in _TAG.findall(html):
        if closing:
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        else:
            stack.append((name, attrs))
    return stack


def split_message(text: str, limit: int = LIMIT) -> list[str]:
    """Return chunks whose visible length is ≤ limit; tags are closed and reopened."""
    if _visible_len(text) <= limit:
        return [text]
    budget = limit - 64  # room for reopened/closed tags and the continuation marks
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    reopen = ""
    for line in _pieces(text.split("\n"), budget):
        n = _visible_len(line) + 1
        if current and size + n > budget:
            chunk = reopen + "\n".join(current)
            stack = _open_tags(chunk)
            chunks.append(chunk + "".join(f"</{name}>" for name, _ in reversed(stack)))
            reopen = "".join(f"<{name}{attrs}>" for name, attrs in stack)
            current, size = [], 0
        current.append(line)
        size += n
    if current:
        chunks.append(reopen + "\n".join(current))
    return chunks


def _pieces(lines: list[str], budget: int) -> list[str]:
    """Break single over-long lines at a character boundary outside tags and entities."""
    out: list[str] = []
    for line in lines:
        while _visible_len(line) > budget:
            cut = _safe_cut(line, budget)
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def _safe_cut(line: str, budget: int) -> int:
    visible = 0
    i = 0
    last_safe = 0
    while i < len(line) and visible < budget:
        ch = line[i]
        if ch == "<":
            end = line.find(">", i)
            i = len(line) if end < 0 else end + 1
            continue
        if ch == "&":
            end = line.find(";", i)
            i = i + 1 if end < 0 or end - i > 10 else end + 1
        else:
            i += 1
        visible += 1
        last_safe = i
    return max(last_safe, 1)
