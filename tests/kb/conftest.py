from __future__ import annotations

import pytest

from knowledge_base.content import (
    load_default_synonyms,
    load_starter_docs,
)
from knowledge_base.index import KbDoc, SearchIndex


def starter_docs() -> list[KbDoc]:
    return load_starter_docs()


@pytest.fixture(scope="session")
def starter_index() -> SearchIndex:
    """The starter content with the default synonyms (read-only: do not mutate)."""
    return SearchIndex(starter_docs(), synonyms=load_default_synonyms())


@pytest.fixture(scope="session")
def question_ids() -> dict[str, int]:
    return {d.question: d.id for d in starter_docs()}
