"""Knowledge base (知识库): entries with their full version history, synonyms, and gaps.

An entry is never removed from the table: deletion sets ``status = "deleted"`` and writes a
version, so ``/kb_history`` still shows what it said. ``question_key`` is the normalised
question (``knowledge_base.normalize.normalize``): imports match on it, so importing the same
file twice updates rather than doubles. Gap queries are masked (phones, ID numbers) before they
are stored: citizens' personal data does not belong in the knowledge base.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Column, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class KbStatus(enum.StrEnum):
    active = "active"
    deleted = "deleted"


class GapStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class KbEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    question: str = Field(max_length=256)
    question_key: str = Field(max_length=256, index=True)  # normalised, for idempotent import
    answer: str = Field(sa_column=Column(Text, nullable=False))
    keywords: str = Field(default="", sa_column=Column(Text, nullable=False))  # "、"-joined
    # similar phrasings (相似问法), one per line: searched like the question
    similar: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    category: str = Field(default="", max_length=64, index=True)
    source: str = Field(default="", max_length=512)
    status: str = Field(default=KbStatus.active.value, max_length=8, index=True)
    version: int = Field(default=1)  # number of the latest KbVersion
    created_at: datetime = Field(sa_type=AwareDateTime)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    updated_at: datetime = Field(sa_type=AwareDateTime, index=True)
    updated_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class KbVersion(SQLModel, table=True):
    """One change of an entry: who, when, what changed, and the fields after the change."""

    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_kbversion_entry_version"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="kbentry.id", index=True)
    version: int
    at: datetime = Field(sa_type=AwareDateTime)
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    summary: str = Field(default="", max_length=256)  # e.g. "修改：答复口径、关键词"
    snapshot: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the fields


class KbSynonym(SQLModel, table=True):
    """A synonym group: ``members`` is a JSON list, the first member is the canonical term."""

    id: int | None = Field(default=None, primary_key=True)
    members: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(sa_type=AwareDateTime, index=True)
    updated_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class KbGap(SQLModel, table=True):
    """A search that found no good answer, recorded by a duty officer for the managers."""

    id: int | None = Field(default=None, primary_key=True)
    query: str = Field(max_length=256)  # masked (no phone / ID numbers)
    query_key: str = Field(max_length=256, index=True)  # normalised, to merge repeats
    times: int = Field(default=1)  # how often it was recorded while open
    asked_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    asked_at: datetime = Field(sa_type=AwareDateTime, index=True)
    status: str = Field(default=GapStatus.open.value, max_length=8, index=True)
    closed_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    closed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    resolution_entry_id: int | None = Field(default=None, foreign_key="kbentry.id")


class KbVector(SQLModel, table=True):
    """The embedding vectors of an entry under one model (semantic search).

    ``data`` holds ``rows`` float32 vectors of ``dim`` numbers (row-major): the question with
    its keywords, then each similar phrasing. ``text_hash`` is the hash of the texts embedded,
    so an edit (or a different model) is noticed and the entry re-embedded.
    """

    __table_args__ = (UniqueConstraint("entry_id", "model", name="uq_kbvector_entry_model"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="kbentry.id", index=True)
    model: str = Field(max_length=64)
    model_version: str = Field(max_length=32)
    text_hash: str = Field(max_length=64)
    dim: int
    rows: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class PickStatus(enum.StrEnum):
    pending = "pending"  # waiting for a second, independent pick (or a manager)
    promoted = "promoted"  # became a similar phrasing of the entry
    superseded = "superseded"  # the entry already had it, or was deleted


class KbPick(SQLModel, table=True):
    """A staff member picked ``entry_id`` from the candidates shown for ``query`` (masked).

    Kept after promotion: the history of what the search learned, from whom, and when.
    """

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="kbentry.id", index=True)
    query: str = Field(max_length=256)  # masked (no phone / ID numbers)
    query_key: str = Field(max_length=256, index=True)  # normalised
    picked_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    picked_at: datetime = Field(sa_type=AwareDateTime, index=True)
    by_manager: bool = Field(default=False)
    status: str = Field(default=PickStatus.pending.value, max_length=12, index=True)
    decided_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
