"""Contract compliance (issue 17): the staff register, trainings, policy documents, incidents,
stored files and the monthly work reports produced.

People are referred to by Telegram id (as everywhere else); tickets by id plus a snapshot of
the platform number, so an incident still reads right if the ticket is ever renumbered.
Nothing here holds a citizen's personal data.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class StaffRecord(SQLModel, table=True):
    """The staff register (人员台账): what the contract checks about each team member.

    A person counts in the team from `hire_date` until `leave_date` (exclusive); leaders of
    the commission have no record. `leave_approved`: the commission agreed to the departure,
    so it does not count against the quarterly limit.
    """

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    hire_date: date | None = Field(default=None)
    leave_date: date | None = Field(default=None, index=True)
    leave_approved: bool = Field(default=False)
    education: str | None = Field(default=None, max_length=8)
    major: str | None = Field(default=None, max_length=64)
    medical: bool | None = Field(default=None)
    onboarding_date: date | None = Field(default=None)
    exam_passed: bool | None = Field(default=None)
    updated_at: datetime = Field(sa_type=AwareDateTime)
    updated_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class Training(SQLModel, table=True):
    """A training or event (业务培训 / 全系统培训 / 宣传活动 / 入职培训)."""

    id: int | None = Field(default=None, primary_key=True)
    held_on: date = Field(index=True)
    kind: str = Field(max_length=16, index=True)
    topic: str = Field(max_length=128)
    external: str = Field(default="", max_length=256)  # participants outside the team
    follow_up: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    follow_up_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(sa_type=AwareDateTime)


class TrainingAttendance(SQLModel, table=True):
    """One team member attended one training."""

    __table_args__ = (UniqueConstraint("training_id", "telegram_id", name="uq_training_person"),)

    id: int | None = Field(default=None, primary_key=True)
    training_id: int = Field(foreign_key="training.id", index=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))


class Attachment(SQLModel, table=True):
    """A file received from Telegram: its `file_id` plus a local copy (mode 0600).

    `purpose` says what it belongs to ("policy" now; "ticket" for call recordings and other
    ticket attachments). `ticket_id`/`stage` are filled for ticket attachments.
    """

    id: int | None = Field(default=None, primary_key=True)
    purpose: str = Field(max_length=16, index=True)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    stage: str | None = Field(default=None, max_length=8)
    media: str = Field(max_length=16)  # document / voice / audio / photo
    file_id: str = Field(max_length=256)
    file_unique_id: str = Field(default="", max_length=128)
    file_name: str = Field(default="", max_length=255)
    mime_type: str = Field(default="", max_length=128)
    size: int = Field(default=0)
    sha256: str = Field(max_length=64)
    local_path: str = Field(max_length=512)
    uploaded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    uploaded_at: datetime = Field(sa_type=AwareDateTime, index=True)


class PolicyRevision(SQLModel, table=True):
    """One version of one of the required policy documents (制度)."""

    __table_args__ = (UniqueConstraint("policy", "version", name="uq_policy_version"),)

    id: int | None = Field(default=None, primary_key=True)
    policy: str = Field(max_length=32, index=True)
    version: int
    revised_on: date
    attachment_id: int = Field(foreign_key="attachment.id")
    uploaded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    uploaded_at: datetime = Field(sa_type=AwareDateTime)


class Incident(SQLModel, table=True):
    """An assessment item against the team: a handling mistake, a verified complaint, or
    another breach. Removal (admins only) keeps the row with who, when and why."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16, index=True)  # mistake / complaint / other
    occurred_on: date = Field(index=True)
    telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id", index=True)
    platform_no: str | None = Field(default=None, max_length=32)
    stage: str | None = Field(default=None, max_length=8)  # 签收 / 分派 / 督办
    note: str = Field(sa_column=Column(Text, nullable=False))
    recorded_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    recorded_at: datetime = Field(sa_type=AwareDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    removed_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    removed_reason: str = Field(default="", max_length=256)


class WorkReportLog(SQLModel, table=True):
    """A monthly work report draft was produced (`/workreport`); stops the month-end nag."""

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)  # "2026-11"
    produced_at: datetime = Field(sa_type=AwareDateTime)
    produced_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
