"""Knowledge-base upkeep (managers and admins): /kb_add and /kb_edit dialogues, /kb_del,
/kb_gaps, /kb_syn, /kb_stats.

Dialogue buttons use `kbd1:` (only meaningful while the dialogue runs; afterwards the stale
handler answers them); standalone buttons use `kb1:` — `kb1:del:<id>` / `kb1:x` (confirm or
cancel a deletion), `kb1:gc:<gap id>` (close a gap).

The handlers live in `handlers/kb_add.py` (/kb_add), `handlers/kb_edit.py` (/kb_edit, /kb_del),
`handlers/kb_upkeep.py` (/kb_gaps, /kb_syn) and `handlers/kb_common.py` (what they share). This
module wires them — `handlers/kb.py`'s `register(app)` calls the three `register_*` functions
at the right points of its handler order — and re-exports the handlers.
"""

from __future__ import annotations

from handlers.kb_add import (
    add_answer,
    add_category,
    add_category_button,
    add_keywords,
    add_keywords_skip,
    add_question,
    add_save,
    add_source,
    add_source_skip,
    add_start,
)
from handlers.kb_common import (
    CONFIRM,
    DRAFT,
    PICK,
    VALUE,
    A,
    C,
    K,
    Q,
    S,
    dialogue_cancel,
    timed_out,
)
from handlers.kb_edit import (
    cancel_button,
    delete,
    delete_button,
    edit_pick,
    edit_start,
    edit_value,
)
from handlers.kb_upkeep import GAPS_SHOWN, close_gap_button, gaps, stats, synonyms

__all__ = [
    "CONFIRM",
    "DRAFT",
    "GAPS_SHOWN",
    "PICK",
    "VALUE",
    "A",
    "C",
    "K",
    "Q",
    "S",
    "add_answer",
    "add_category",
    "add_category_button",
    "add_keywords",
    "add_keywords_skip",
    "add_question",
    "add_save",
    "add_source",
    "add_source_skip",
    "add_start",
    "cancel_button",
    "close_gap_button",
    "delete",
    "delete_button",
    "dialogue_cancel",
    "edit_pick",
    "edit_start",
    "edit_value",
    "gaps",
    "stats",
    "synonyms",
    "timed_out",
]
