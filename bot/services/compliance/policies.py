"""The policy documents the contract requires (热线运营管理制度, 工作流程制度, 培训制度,
安全管理制度; the list comes from the rules file). Each upload is a new version with its
revision date; the file itself is an :class:`Attachment`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from bot.clock import Clock
from bot.services.compliance.attachments import POLICY, AttachmentStore, IncomingFile
from bot.services.compliance.errors import ComplianceError
from bot.services.staff import audit
from models.compliance import Attachment, PolicyRevision
from models.db import session_scope


@dataclass(frozen=True)
class PolicyStatus:
    policy: str
    version: int | None = None  # None: never uploaded (as of the date asked)
    revised_on: date | None = None
    uploaded_at: datetime | None = None
    uploaded_by: int | None = None
    file_name: str = ""
    file_id: str = ""

    @property
    def present(self) -> bool:
        return self.version is not None


class PolicyShelf:
    def __init__(self, engine: Engine, clock: Clock, attachments: AttachmentStore,
                 required: tuple[str, ...]) -> None:
        self.engine, self.clock, self.attachments = engine, clock, attachments
        self.required = required

    def named(self, text: str) -> str:
        """The policy meant by its name, a unique part of it, or its number (1–4)."""
        t = unicodedata.normalize("NFKC", text).strip().strip("《》")
        if t.isdigit() and 1 <= int(t) <= len(self.required):
            return self.required[int(t) - 1]
        hits = [p for p in self.required if t and (t == p or t in p)]
        if len(hits) == 1:
            return hits[0]
        raise ComplianceError("unknown_policy", text=text, choices=list(self.required))

    def status(self, as_of: date | None = None) -> list[PolicyStatus]:
        """Each required policy's latest version uploaded on or before `as_of` (or now)."""
        latest: dict[str, PolicyStatus] = {}
        with session_scope(self.engine) as s:
            q = select(PolicyRevision, Attachment).join(
                Attachment, col(Attachment.id) == col(PolicyRevision.attachment_id)
            ).order_by(col(PolicyRevision.policy), col(PolicyRevision.version))
            for rev, att in s.exec(q).all():
                local_day = rev.uploaded_at.astimezone(self.clock.tz).date()
                if as_of is None or local_day <= as_of:
                    latest[rev.policy] = PolicyStatus(
                        rev.policy, rev.version, rev.revised_on, rev.uploaded_at,
                        rev.uploaded_by, att.file_name, att.file_id)
        return [latest.get(p, PolicyStatus(p)) for p in self.required]

    def store(self, *, policy: str, incoming: IncomingFile, content: bytes,
              actor_id: int | None, revised_on: date | None = None,
              chat_id: int | None = None) -> PolicyStatus:
        """Keep a new version of `policy` (revision date: given, else today)."""
        if policy not in self.required:
            raise ComplianceError("unknown_policy", text=policy, choices=list(self.required))
        revised_on = revised_on or self.clock.today()
        with session_scope(self.engine) as s:
            last = s.exec(select(func.max(PolicyRevision.version)).where(
                PolicyRevision.policy == policy)).one()
            version = int(last or 0) + 1
            stored = self.attachments.save(incoming, content, purpose=POLICY,
                                           uploaded_by=actor_id, session=s)
            rev = PolicyRevision(policy=policy, version=version, revised_on=revised_on,
                                 attachment_id=stored.id, uploaded_by=actor_id,
                                 uploaded_at=stored.uploaded_at)
            s.add(rev)
            audit.record(session=s, clock=self.clock, actor_id=actor_id, chat_id=chat_id,
                         action="compliance.policy", target=policy, detail=f"v{version}")
        return PolicyStatus(policy, version, revised_on, stored.uploaded_at, actor_id,
                            stored.file_name, stored.file_id)
