"""Typed errors of the knowledge base: a code and the fields a message needs, no sentences.

The domain never words a message: ``bot/texts/kb.py`` (:func:`bot.texts.kb.kb_error`) turns a
code and its fields into the Chinese sentence a user sees, and the command line prints the same.
``str(error)`` is for logs and tests: the code and the fields.
"""

from __future__ import annotations

from typing import Any

__all__ = ["KbError", "KbFileError"]


class KbError(ValueError):
    """A change the knowledge base refuses: ``code`` names the problem, ``fields`` its details.

    Codes: ``question_empty``, ``question_no_text``, ``question_too_long`` (n, max),
    ``answer_empty``, ``answer_too_long`` (n, max), ``keywords_too_many`` (n, max),
    ``keyword_too_long`` (keyword, max), ``similar_too_many`` (n, max), ``similar_too_long``
    (text, max), ``category_too_long`` (max), ``source_too_long`` (max), ``duplicate_question``
    (id), ``unknown_fields`` (names), ``no_entry`` (id), ``no_active_entry`` (id),
    ``synonym_too_long`` (term, max), ``synonym_no_text`` (term), ``synonym_group_small``,
    ``no_synonym_group`` (id), ``synonym_not_in_group`` (id, term), ``empty_query``,
    ``no_gap`` (id), ``gap_closed`` (id).
    """

    def __init__(self, code: str, **fields: Any) -> None:
        self.code = code
        self.fields = fields
        detail = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        super().__init__(f"{code}({detail})" if detail else code)


class KbFileError(ValueError):
    """A knowledge-base file that cannot be read at all: ``code`` and its fields.

    Codes: ``bad_extension`` (suffix), ``missing_file`` (path), ``missing_columns`` (names),
    ``empty_file``, ``bad_csv_encoding``, ``bad_csv`` (detail), ``bad_xlsx`` (detail),
    ``no_entries_sheet``, ``empty_sheet``, ``bad_yaml_encoding``, ``bad_yaml`` (line),
    ``bad_yaml_synonyms``, ``bad_yaml_shape``; row problems: ``row_not_mapping``.
    """

    def __init__(self, code: str, **fields: Any) -> None:
        self.code = code
        self.fields = fields
        detail = ", ".join(f"{k}={v!r}" for k, v in fields.items())
        super().__init__(f"{code}({detail})" if detail else code)
