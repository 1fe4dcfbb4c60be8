from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge_base.index import SearchIndex

CHARS = st.characters(codec="utf-8", exclude_categories=("Cs",))
TEXT = st.one_of(
    st.text(CHARS, max_size=60),
    st.text(
        st.sampled_from(list("出生医学证明疫苗控烟举报<>&*_😀🙂 ａＢ1２abcxyz，。！？")),
        max_size=40,
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=TEXT, limit=st.integers(min_value=-2, max_value=8))
def test_search_never_raises_and_respects_limit(
    starter_index: SearchIndex, query: str, limit: int
) -> None:
    hits = starter_index.search(query, limit=limit)
    assert len(hits) <= max(limit, 0)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 100.0 for s in scores)
    assert len({h.id for h in hits}) == len(hits)
