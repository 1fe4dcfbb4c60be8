"""Notes: what the bot tells people on its own initiative, as data.

A producer (an alert escalating, a reminder falling due, the daily post) describes *what*
happened as a :class:`Note` and puts it in the outbox. The courier renders it with
``bot.texts.render`` at send time, for the audience of the chat it goes to — so the domain
never writes a sentence, and masking is decided where the text meets its reader.

Notes are pydantic models so they survive in the database as JSON (``OutboxMessage.payload``)
and come back as the same typed object after a restart. Each subclass names itself with a
unique ``kind``; :func:`load_note` finds the class again.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Note(BaseModel):
    """Base of every note. Subclasses set ``kind`` (unique, ≤ 48 characters)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ClassVar[str] = ""
    _types: ClassVar[dict[str, type[Note]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.__dict__.get("abstract", False):  # a base for other notes, never stored
            return
        if not cls.kind:
            raise TypeError(f"{cls.__name__} must set a unique `kind`")
        other = Note._types.get(cls.kind)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise TypeError(f"note kind {cls.kind!r} used by {other.__name__} and {cls.__name__}")
        Note._types[cls.kind] = cls

    def dump(self) -> str:
        return self.model_dump_json()


class ChannelNote(Note):
    """A note for an outside channel (a WeCom robot, SMS, e-mail…): what the words are about,
    plus what the transport needs besides the words. Rendered for ``Audience.CHANNEL``."""

    abstract: ClassVar[bool] = True

    medium: str  # wecom, dingtalk, feishu, sms, voice, email
    mentions: tuple[str, ...] = ()  # robots: phones of the people to @-mention
    ticket: str = ""  # a gateway body template's {ticket}
    start: str = ""  # the /start payload of the deep link into the bot ("" = no link)
    link: str = ""  # the deep link itself, filled in at send time (the bot's username)


class UnknownNote(LookupError):
    """A stored note whose kind no longer exists (the row is failed, not retried)."""


def load_note(kind: str, payload: str) -> Note:
    cls = Note._types.get(kind)
    if cls is None:
        raise UnknownNote(kind)
    return cls.model_validate_json(payload)
