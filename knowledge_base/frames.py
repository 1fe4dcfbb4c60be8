"""Question frames (怎么办, 为什么, 在哪里 …) and stop words, applied to whole jieba tokens.

A *frame* says what kind of answer is wanted; it becomes one intent term (``f:why``) of low
weight, so ``糖尿病人低血糖怎么办`` and ``糖尿病人低血糖原因`` differ in intent without the frame
drowning the topic. A *stop word* (的, 了, 我, 请问 …) is dropped — only as a whole token, and a
modal verb glued to a one-character word by the tokenizer (想|吐, 能|吃) is kept: it is part of
what the caller says. Frames: ``frames.txt``; stop words: ``stopwords.txt``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import knowledge_base.normalize as nz

__all__ = ["FRAMES", "split_tokens"]

_PATH = Path(__file__).resolve().parent / "frames.txt"
_MAX_TOKENS = 3  # a frame spans at most this many tokens (去|哪里, 能|不能)
#: stop words that are kept when the tokenizer split them off a one-character word
_GLUE = frozenset("想要能会有")


def _load() -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in _PATH.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        intent, *phrases = line.split()
        for phrase in phrases:
            out.setdefault(phrase, intent)
    return out


#: phrase -> intent
FRAMES: dict[str, str] = _load()


def _glued(tokens: Sequence[str], i: int) -> bool:
    tok = tokens[i]
    if tok not in _GLUE or i + 1 >= len(tokens):
        return False
    nxt = tokens[i + 1]
    return len(nxt) == 1 and nz.is_cjk(nxt) and nxt not in nz.STOPWORDS and nxt not in FRAMES


def split_tokens(tokens: Sequence[str]) -> tuple[list[str], set[str]]:
    """The content tokens (in order) and the intents of a tokenised text."""
    content: list[str] = []
    intents: set[str] = set()
    i = 0
    while i < len(tokens):
        for n in range(min(_MAX_TOKENS, len(tokens) - i), 0, -1):
            phrase = "".join(tokens[i:i + n])
            if phrase in FRAMES:
                intents.add(FRAMES[phrase])
                i += n
                break
        else:
            tok = tokens[i]
            if tok not in nz.STOPWORDS or _glued(tokens, i):
                content.append(tok)
            i += 1
    return content, intents
