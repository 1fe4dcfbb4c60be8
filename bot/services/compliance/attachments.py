"""Files received from Telegram, kept twice: the `file_id` (to send it again) and a local
copy under the data folder, readable by the bot's user only (0600 files, 0700 folders).

Used for the policy documents now; the ticket attachments (call recordings at 回访, photos
and documents at any step) use the same store with ``purpose="ticket"``, a ticket id and a
stage — :meth:`AttachmentStore.for_ticket` and :meth:`AttachmentStore.ticket_summary` are
what the ticket card and the callback ledger will read.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.compliance.errors import ComplianceError
from models.compliance import Attachment
from models.db import session_scope

POLICY, TICKET = "policy", "ticket"
MEDIA = ("document", "voice", "audio", "photo")
_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class IncomingFile:
    """What the handler read from a Telegram message (no bytes yet)."""

    media: str
    file_id: str
    file_unique_id: str = ""
    file_name: str = ""
    mime_type: str = ""
    size: int | None = None


@dataclass(frozen=True)
class StoredAttachment:
    id: int
    purpose: str
    media: str
    file_id: str
    file_name: str
    size: int
    local_path: str
    uploaded_by: int | None
    uploaded_at: datetime
    ticket_id: int | None = None
    stage: str | None = None


def _stored(row: Attachment) -> StoredAttachment:
    assert row.id is not None
    return StoredAttachment(row.id, row.purpose, row.media, row.file_id, row.file_name,
                            row.size, row.local_path, row.uploaded_by, row.uploaded_at,
                            row.ticket_id, row.stage)


def safe_name(name: str, media: str) -> str:
    """A file name safe on any disk: letters (CJK too), digits, dot, dash, underscore."""
    cleaned = _UNSAFE.sub("_", name).strip("._")[:80]
    return cleaned or media


class AttachmentStore:
    def __init__(self, engine: Engine, clock: Clock, folder: Path, *, max_bytes: int) -> None:
        self.engine, self.clock, self.folder, self.max_bytes = engine, clock, folder, max_bytes

    def check_size(self, size: int | None) -> None:
        """Refuse a file over the limit before it is downloaded (Telegram tells the size)."""
        if size is not None and size > self.max_bytes:
            raise ComplianceError("too_large", size=size, limit=self.max_bytes)

    def save(self, incoming: IncomingFile, content: bytes, *, purpose: str,
             uploaded_by: int | None, session: Session | None = None,
             ticket_id: int | None = None, stage: str | None = None) -> StoredAttachment:
        """Write the local copy, then the row (in `session` when given, so the caller's
        own rows commit together with it)."""
        if not content:
            raise ComplianceError("empty_file")
        self.check_size(len(content))
        now = self.clock.now()
        digest = hashlib.sha256(content).hexdigest()
        path = self._write(purpose, now, digest, safe_name(incoming.file_name, incoming.media),
                           content)
        row = Attachment(purpose=purpose, ticket_id=ticket_id, stage=stage, media=incoming.media,
                         file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
                         file_name=incoming.file_name[:255], mime_type=incoming.mime_type[:128],
                         size=len(content), sha256=digest, local_path=str(path),
                         uploaded_by=uploaded_by, uploaded_at=now)
        if session is not None:
            session.add(row)
            session.flush()
            return _stored(row)
        with session_scope(self.engine) as s:
            s.add(row)
            s.flush()
            return _stored(row)

    def _write(self, purpose: str, now: datetime, digest: str, name: str,
               content: bytes) -> Path:
        folder = self.folder / purpose / f"{now:%Y-%m}"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for part in (self.folder, self.folder / purpose, folder):
            os.chmod(part, 0o700)
        path = folder / f"{now:%d%H%M%S}-{digest[:12]}-{name}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(path, 0o600)  # an existing file keeps its old mode through O_CREAT
        return path

    def get(self, attachment_id: int) -> StoredAttachment | None:
        with session_scope(self.engine) as s:
            row = s.get(Attachment, attachment_id)
            return _stored(row) if row is not None else None

    def read(self, attachment: StoredAttachment) -> bytes:
        return Path(attachment.local_path).read_bytes()

    # ------------------------------------------------------------------ ticket attachments
    def for_ticket(self, ticket_id: int) -> list[StoredAttachment]:
        """A ticket's attachments, oldest first (the card lists their count and kinds)."""
        with session_scope(self.engine) as s:
            rows = s.exec(select(Attachment).where(
                Attachment.purpose == TICKET, Attachment.ticket_id == ticket_id
            ).order_by(col(Attachment.id))).all()
            return [_stored(r) for r in rows]

    def ticket_summary(self, ticket_ids: list[int], *,
                       stage: str | None = None) -> dict[int, Counter[str]]:
        """Per ticket, how many attachments of each media kind (optionally of one stage):
        the callback ledger's "recording present" column in one query."""
        out: dict[int, Counter[str]] = {}
        if not ticket_ids:
            return out
        with session_scope(self.engine) as s:
            q = select(Attachment.ticket_id, Attachment.media).where(
                Attachment.purpose == TICKET, col(Attachment.ticket_id).in_(ticket_ids))
            if stage is not None:
                q = q.where(Attachment.stage == stage)
            for ticket_id, media in s.exec(q).all():
                out.setdefault(int(ticket_id), Counter())[media] += 1
        return out
