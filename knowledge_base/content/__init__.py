"""Starter content and default synonym groups shipped with the package.

The bot's database layer imports the starter entries on first start
(:func:`load_starter_entries`) and seeds the synonym table (:func:`load_default_synonyms`);
after that, managers maintain both in the database.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from knowledge_base.index import KbDoc

__all__ = [
    "load_default_synonyms",
    "load_starter_docs",
    "load_starter_entries",
    "load_variant_lexicon",
]

_FIELDS = ("question", "answer", "keywords", "similar", "category", "source")


# libyaml when the machine has it (about ten times faster than the pure-Python parser)
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _read_yaml(package: str, name: str) -> Any:
    """A packaged file, parsed once per process (every knowledge base built — at start, by
    each CLI command, by each test — seeds from the same files). Callers build new values
    from it and never change it."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)


def load_starter_entries() -> list[dict[str, Any]]:
    """The starter knowledge-base entries, in file order.

    Each entry is a new dict with exactly the keys ``question`` (str), ``answer`` (str),
    ``keywords`` (list[str]), ``similar`` (list[str]: the similar phrasings, 相似问法),
    ``category`` (str) and ``source`` (str)."""
    data = _read_yaml("knowledge_base.content", "starter.yaml")
    out: list[dict[str, Any]] = []
    for raw in data["entries"]:
        entry = {
            "question": str(raw["question"]).strip(),
            "answer": str(raw["answer"]).strip(),
            "keywords": [str(k).strip() for k in raw.get("keywords") or [] if str(k).strip()],
            "similar": [str(k).strip() for k in raw.get("similar") or [] if str(k).strip()],
            "category": str(raw.get("category") or "").strip(),
            "source": str(raw.get("source") or "").strip(),
        }
        out.append({k: entry[k] for k in _FIELDS})
    return out


def load_default_synonyms() -> list[list[str]]:
    """The default synonym groups as lists of strings: ``knowledge_base/synonyms.yaml`` (the
    hotline's own terms), then the health variant lexicon (:func:`load_variant_lexicon`)."""
    data = _read_yaml("knowledge_base", "synonyms.yaml")
    return [[str(m) for m in group] for group in data["groups"] if group] + load_variant_lexicon()


def load_variant_lexicon() -> list[list[str]]:
    """The health-domain variant groups (``knowledge_base/variants.yaml``: taken from the
    HIT IR-Lab Tongyici Cilin (Extended), plus a few marked additions)."""
    data = _read_yaml("knowledge_base", "variants.yaml")
    groups = list(data.get("cilin") or []) + list(data.get("additions") or [])
    return [[str(m) for m in group] for group in groups if group]


def load_starter_docs() -> list[KbDoc]:
    """The starter entries as search documents, numbered from 1 in file order."""
    from knowledge_base.index import KbDoc

    return [KbDoc(id=i + 1, question=e["question"], answer=e["answer"],
                  keywords=tuple(e["keywords"]), category=e["category"], source=e["source"],
                  similar=tuple(e["similar"]))
            for i, e in enumerate(load_starter_entries())]
