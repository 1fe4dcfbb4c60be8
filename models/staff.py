"""Staff members and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field, SQLModel

from models.base import AwareDateTime


class Role(enum.StrEnum):
    staff = "staff"
    leader = "leader"
    manager = "manager"
    admin = "admin"


ROLE_NAMES_ZH = {
    Role.staff: "值班员",
    Role.leader: "领导",
    Role.manager: "项目经理/组长",
    Role.admin: "管理员",
}


class StaffBase(SQLModel):
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False, index=True))
    name: str = Field(max_length=64)
    role: str = Field(default=Role.staff.value, max_length=16, index=True)
    active: bool = Field(default=True, index=True)


class Staff(StaffBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    section: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_type=AwareDateTime)
    updated_at: datetime = Field(sa_type=AwareDateTime)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class AccessRequest(SQLModel, table=True):
    """An unregistered user asked to use the bot; admins approve or ignore it once."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_column=Column(BigInteger, unique=True, nullable=False))
    display_name: str = Field(default="", max_length=128)
    status: str = Field(default="pending", max_length=16)  # pending / approved / ignored
    created_at: datetime = Field(sa_type=AwareDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    decided_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class StaffContact(SQLModel, table=True):
    """A member's phone and e-mail for the alert channels beyond Telegram (SMS, voice,
    e-mail, robot @-mentions). Admins set them with /setcontact; only admins see them whole."""

    telegram_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=128)
    updated_at: datetime = Field(sa_type=AwareDateTime)
    updated_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
