"""Staff registry: registration, roles, deactivation, access requests.

Reads go through `StaffDirectory`, an in-process cache that every write refreshes, so the
per-update access check costs a dict lookup instead of a query.
"""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.clock import Clock
from bot.services.staff import audit
from models.db import session_scope
from models.staff import ROLE_NAMES_ZH, AccessRequest, Role, Staff

MAX_NAME = 32


class StaffRefusal(enum.StrEnum):
    """Why a staff operation is refused; the fields each carries are listed."""

    bad_role = "bad_role"  # text
    bad_telegram_id = "bad_telegram_id"  # text
    name_missing = "name_missing"
    name_too_long = "name_too_long"  # limit
    already_registered = "already_registered"  # name, telegram_id
    own_admin_role = "own_admin_role"
    deactivate_self = "deactivate_self"
    already_inactive = "already_inactive"  # name, telegram_id
    not_found = "not_found"  # telegram_id


class StaffError(ValueError):
    """A refused staff operation: `code` says why, `fields` about what (`bot.texts.admin`
    words it). A plain message is still accepted from callers not yet converted."""

    def __init__(self, code: StaffRefusal | str, **fields: object) -> None:
        self.code = code
        self.fields = fields
        super().__init__(f"{code}: {fields}" if isinstance(code, StaffRefusal) else code)


@dataclass(frozen=True)
class Member:
    telegram_id: int
    name: str
    role: Role
    active: bool
    section: str | None = None


def _member(row: Staff) -> Member:
    return Member(row.telegram_id, row.name, Role(row.role), row.active, row.section)


#: What an admin may type for a role (/adduser, /setrole).
ROLE_WORDS: dict[str, Role] = {
    "staff": Role.staff, "值班员": Role.staff, "leader": Role.leader, "领导": Role.leader,
    "manager": Role.manager, "经理": Role.manager, "组长": Role.manager,
    "项目经理": Role.manager, "admin": Role.admin, "管理员": Role.admin,
}


def parse_role(text: str) -> Role:
    role = ROLE_WORDS.get(text.strip().lower())
    if role is None:
        raise StaffError(StaffRefusal.bad_role, text=text)
    return role


def parse_telegram_id(text: str) -> int:
    t = text.strip()
    if not (t.isascii() and t.isdigit()) or not 0 < int(t) < 10**15:
        raise StaffError(StaffRefusal.bad_telegram_id, text=t)
    return int(t)


def validate_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise StaffError(StaffRefusal.name_missing)
    if len(name) > MAX_NAME:
        raise StaffError(StaffRefusal.name_too_long, limit=MAX_NAME)
    return name


class StaffDirectory:
    """Cached view of the staff table plus every write operation on it."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[int, Member] = {}
        self.reload()

    def reload(self) -> None:
        with session_scope(self._engine) as s:
            rows = s.exec(select(Staff)).all()
            cache = {r.telegram_id: _member(r) for r in rows}
        with self._lock:
            self._cache = cache

    # reads ------------------------------------------------------------------------------
    def get(self, telegram_id: int) -> Member | None:
        """The active member with this id, or None (unknown or deactivated)."""
        m = self._cache.get(telegram_id)
        return m if m and m.active else None

    def get_any(self, telegram_id: int) -> Member | None:
        return self._cache.get(telegram_id)

    def active(self, *roles: Role) -> list[Member]:
        out = [m for m in self._cache.values() if m.active and (not roles or m.role in roles)]
        return sorted(out, key=lambda m: (list(Role).index(m.role), m.name))

    def all(self) -> list[Member]:
        return sorted(self._cache.values(), key=lambda m: (not m.active, m.role, m.name))

    def find_by_name(self, name: str) -> list[Member]:
        return [m for m in self._cache.values() if m.active and m.name == name.strip()]

    # writes ------------------------------------------------------------------------------
    def ensure_admins(self, admin_ids: tuple[int, ...]) -> None:
        """Make every configured admin an active admin (first start and later starts)."""
        now = self._clock.now()
        with session_scope(self._engine) as s:
            for tid in admin_ids:
                row = s.exec(select(Staff).where(Staff.telegram_id == tid)).first()
                if row is None:
                    s.add(Staff(telegram_id=tid, name=f"{ROLE_NAMES_ZH[Role.admin]}{tid}",
                                role=Role.admin.value,
                                created_at=now, updated_at=now))
                elif row.role != Role.admin.value or not row.active:
                    row.role, row.active, row.updated_at = Role.admin.value, True, now
                    s.add(row)
        self.reload()

    def add(self, *, actor_id: int, telegram_id: int, role: Role, name: str,
            chat_id: int | None = None) -> tuple[Member, bool]:
        """Register or re-activate someone. Returns (member, created)."""
        name = validate_name(name)
        now = self._clock.now()
        with session_scope(self._engine) as s:
            row = s.exec(select(Staff).where(Staff.telegram_id == telegram_id)).first()
            created = row is None
            if row is None:
                row = Staff(telegram_id=telegram_id, name=name, role=role.value,
                            created_at=now, updated_at=now)
            elif row.active and row.role == role.value and row.name == name:
                raise StaffError(StaffRefusal.already_registered, name=name,
                                 telegram_id=telegram_id)
            else:
                row.name, row.role, row.active, row.updated_at = name, role.value, True, now
            s.add(row)
            self._resolve_request(s, telegram_id, actor_id, "approved")
            audit.record(session=s, clock=self._clock, actor_id=actor_id, chat_id=chat_id,
                         action="staff.add", target=str(telegram_id), detail=role.value)
            member = _member(row)
        self.reload()
        return member, created

    def set_role(self, *, actor_id: int, telegram_id: int, role: Role,
                 chat_id: int | None = None) -> Member:
        with session_scope(self._engine) as s:
            row = self._require(s, telegram_id)
            if actor_id == telegram_id and role != Role.admin and row.role == Role.admin.value:
                raise StaffError(StaffRefusal.own_admin_role)
            row.role, row.updated_at = role.value, self._clock.now()
            s.add(row)
            audit.record(session=s, clock=self._clock, actor_id=actor_id, chat_id=chat_id,
                         action="staff.set_role", target=str(telegram_id), detail=role.value)
            member = _member(row)
        self.reload()
        return member

    def assume_local_role(self, *, telegram_id: int, role: Role,
                          name: str) -> tuple[Member, Role | None]:
        """Make the console's local user an active member with exactly `role`.

        Whoever runs the console already holds the database, so no admin is asked; the change
        is audited as `console.role` (no actor) so a later reader sees where it came from.
        Returns the member and the role it had before (None when it was just created).
        """
        now = self._clock.now()
        with session_scope(self._engine) as s:
            row = s.exec(select(Staff).where(Staff.telegram_id == telegram_id)).first()
            before = Role(row.role) if row is not None else None
            if row is not None and row.active and before == role:
                return _member(row), before
            if row is None:
                row = Staff(telegram_id=telegram_id, name=validate_name(name), role=role.value,
                            created_at=now, updated_at=now)
            else:
                row.role, row.active, row.updated_at = role.value, True, now
            s.add(row)
            audit.record(session=s, clock=self._clock, actor_id=None, action="console.role",
                         target=str(telegram_id), detail=f"{before or 'none'}->{role.value}")
            member = _member(row)
        self.reload()
        return member, before

    def deactivate(self, *, actor_id: int, telegram_id: int, chat_id: int | None = None) -> Member:
        if actor_id == telegram_id:
            raise StaffError(StaffRefusal.deactivate_self)
        with session_scope(self._engine) as s:
            row = self._require(s, telegram_id)
            if not row.active:
                raise StaffError(StaffRefusal.already_inactive, name=row.name,
                                 telegram_id=telegram_id)
            row.active, row.updated_at = False, self._clock.now()
            s.add(row)
            audit.record(session=s, clock=self._clock, actor_id=actor_id, chat_id=chat_id,
                         action="staff.deactivate", target=str(telegram_id))
            member = _member(row)
        self.reload()
        return member

    def _require(self, s: Session, telegram_id: int) -> Staff:
        row = s.exec(select(Staff).where(Staff.telegram_id == telegram_id)).first()
        if row is None:
            raise StaffError(StaffRefusal.not_found, telegram_id=telegram_id)
        return row

    # access requests -------------------------------------------------------------------
    def request_access(self, telegram_id: int, display_name: str) -> bool:
        """Record a request from an unknown user. True the first time (admins are told)."""
        with session_scope(self._engine) as s:
            q = select(AccessRequest).where(AccessRequest.telegram_id == telegram_id)
            if s.exec(q).first() is not None:
                return False
            s.add(AccessRequest(telegram_id=telegram_id, display_name=display_name[:128],
                                created_at=self._clock.now()))
        return True

    def pending_request(self, telegram_id: int) -> AccessRequest | None:
        with session_scope(self._engine) as s:
            return s.exec(
                select(AccessRequest).where(
                    AccessRequest.telegram_id == telegram_id, AccessRequest.status == "pending"
                )
            ).first()

    def ignore_request(self, *, actor_id: int, telegram_id: int) -> bool:
        with session_scope(self._engine) as s:
            return self._resolve_request(s, telegram_id, actor_id, "ignored")

    def _resolve_request(self, s: Session, telegram_id: int, actor_id: int, status: str) -> bool:
        row = s.exec(
            select(AccessRequest).where(
                AccessRequest.telegram_id == telegram_id, AccessRequest.status == "pending"
            )
        ).first()
        if row is None:
            return False
        row.status, row.decided_at, row.decided_by = status, self._clock.now(), actor_id
        s.add(row)
        return True
