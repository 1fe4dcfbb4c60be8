"""Fixtures for the channels: the vendors' stand-ins, a real local SMTP server, and a
CHANNELS_FILE pointing at both."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.channels.standins import StandIns


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    """An aiosmtpd handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self._arrived:
            self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
            self._arrived.notify_all()
        return "250 OK"

    def parsed(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default)  # type: ignore[misc]
                for _, _, raw in self.messages]

    def wait_for(self, count: int, within: float = 10.0) -> list[EmailMessage]:
        """Block (in a worker thread: `asyncio.to_thread`) until `count` messages arrived."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, within):
                raise AssertionError(f"e-mail: {len(self.messages)} of {count} arrived")
        return self.parsed()


@pytest.fixture
async def stand() -> AsyncIterator[StandIns]:
    s = await StandIns().start()
    yield s
    await s.stop()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


def channels_yaml(stand: StandIns, smtp_port: int | None = None, *, extra: str = "",
                  timeout: float = 10) -> str:
    u = stand.urls()
    text = f"""
wecom:    {{leaders: {{url: "{u['wecom']}"}}}}
dingtalk: {{leaders: {{url: "{u['dingtalk']}", secret: "{stand.dingtalk_secret}"}}}}
feishu:   {{leaders: {{url: "{u['feishu']}", secret: "{stand.feishu_secret}"}}}}
sms:      {{url: "{u['sms']}", headers: {{Authorization: "Bearer t0k"}},
           body: {{to: "{{phone}}", text: "{{text}}", ref: "{{ticket}}"}},
           timeout_seconds: {timeout}}}
voice:    {{url: "{u['voice']}", body: {{callee: "{{phone}}", tts: "{{text}}"}},
           timeout_seconds: {timeout}}}
"""
    if smtp_port is not None:
        text += (f"email:    {{host: 127.0.0.1, port: {smtp_port}, security: none, "
                 "sender: bot@example.org}\n")
    return text + extra


def write_channels(tmp_path: Path, stand: StandIns, smtp_port: int | None = None,
                   **kwargs: object) -> Path:
    f = tmp_path / "channels.yaml"
    f.write_text(channels_yaml(stand, smtp_port, **kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return f
