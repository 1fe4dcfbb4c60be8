"""Send one message through one channel, exactly as each vendor documents its API.

* WeCom group robot: POST JSON ``{"msgtype": "text", "text": {"content",
  "mentioned_mobile_list"}}`` (or ``markdown``) to the webhook; answer ``{"errcode": 0}``.
* DingTalk custom robot: ``timestamp`` (ms) and ``sign`` = urlencode(base64(HmacSHA256(key=secret,
  msg="{timestamp}\\n{secret}"))) appended to the webhook URL; body ``{"msgtype": "text",
  "text": {"content"}, "at": {"atMobiles", "isAtAll": false}}``; answer ``{"errcode": 0}``.
* Feishu/Lark custom bot: body ``{"timestamp": seconds, "sign": base64(HmacSHA256(key=
  "{timestamp}\\n{secret}", msg="")), "msg_type": "text", "content": {"text"}}``; answer
  ``{"code": 0}``.
* SMS / voice: POST the configured JSON body template with ``{phone}``, ``{text}`` and
  ``{ticket}`` filled in, with the configured headers; any 2xx is success.
* E-mail: SMTP over SSL, STARTTLS or (loopback only) plain, with login when a user is set.

Every sender returns a :class:`Outcome`; it never raises for a delivery problem, and it never
puts a URL, key or secret in the outcome's detail (that detail is logged and shown in
``channels list``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

from bot.channels.config import ChannelsConfig, Gateway, Robot, Smtp

if TYPE_CHECKING:
    import aiohttp


@dataclass(frozen=True)
class ChannelMessage:
    """What one channel delivery carries (already masked for an outside audience)."""

    text: str
    subject: str = ""
    ticket: str = ""
    mobiles: tuple[str, ...] = ()  # robots: the people to @-mention


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retryable: bool = False
    detail: str = ""


SENT = Outcome(True, detail="ok")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    string_to_sign = f"{timestamp_s}\n{secret}"
    digest = hmac.new(string_to_sign.encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def wecom_payload(robot: Robot, msg: ChannelMessage) -> dict[str, Any]:
    if robot.msgtype == "markdown":
        return {"msgtype": "markdown", "markdown": {"content": msg.text}}
    return {"msgtype": "text", "text": {"content": msg.text,
                                        "mentioned_mobile_list": list(msg.mobiles)}}


def dingtalk_payload(msg: ChannelMessage) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": msg.text},
            "at": {"atMobiles": list(msg.mobiles), "isAtAll": False}}


def feishu_payload(robot: Robot, msg: ChannelMessage, timestamp_s: int) -> dict[str, Any]:
    body: dict[str, Any] = {"msg_type": "text", "content": {"text": msg.text}}
    if robot.secret is not None:
        body = {"timestamp": str(timestamp_s),
                "sign": feishu_sign(robot.secret.get_secret_value(), timestamp_s), **body}
    return body


def gateway_body(template: Any, *, phone: str, text: str, ticket: str) -> Any:
    """The body template with its placeholders filled, recursively, in string values only."""
    if isinstance(template, dict):
        return {k: gateway_body(v, phone=phone, text=text, ticket=ticket)
                for k, v in template.items()}
    if isinstance(template, list):
        return [gateway_body(v, phone=phone, text=text, ticket=ticket) for v in template]
    if isinstance(template, str):
        return (template.replace("{phone}", phone).replace("{text}", text)
                .replace("{ticket}", ticket))
    return template


class Senders:
    """One HTTP session for every robot and gateway; e-mail in a worker thread."""

    def __init__(self, config: ChannelsConfig, *, timeout: float = 10.0) -> None:
        self.config = config
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        import aiohttp  # imported by the first channel message, not by every start

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    async def send(self, channel: str, destination: str, msg: ChannelMessage) -> Outcome:
        """Send through a channel by its name (``wecom:leaders``, ``sms``…) to a phone or
        address (robots: ``destination`` is unused)."""
        kind, _, name = channel.partition(":")
        if name:
            return await self.robot(kind, name, msg)
        if kind in ("sms", "voice"):
            return await self.gateway(kind, destination, msg)
        if kind == "email":
            return await self.email(destination, msg)
        return Outcome(False, detail=f"unknown channel {kind}")

    async def robot(self, kind: str, name: str, msg: ChannelMessage) -> Outcome:
        robot = self.config.robot(kind, name)
        if robot is None:
            return Outcome(False, detail=f"{kind}:{name} is not configured")
        url = robot.url.get_secret_value()
        now = time.time()
        if kind == "wecom":
            body = wecom_payload(robot, msg)
        elif kind == "dingtalk":
            body = dingtalk_payload(msg)
            if robot.secret is not None:
                ms = int(now * 1000)
                url += ("&" if "?" in url else "?") + \
                    f"timestamp={ms}&sign={dingtalk_sign(robot.secret.get_secret_value(), ms)}"
        else:
            body = feishu_payload(robot, msg, int(now))
        return await self._post(url, body, {}, vendor=kind)

    async def gateway(self, kind: str, phone: str, msg: ChannelMessage) -> Outcome:
        gw: Gateway | None = getattr(self.config, kind, None)
        if gw is None:
            return Outcome(False, detail=f"{kind} is not configured")
        body = gateway_body(gw.body, phone=phone, text=msg.text, ticket=msg.ticket)
        headers = {k: v.get_secret_value() for k, v in gw.headers.items()}
        return await self._post(gw.url.get_secret_value(), body, headers, vendor=kind,
                                seconds=gw.timeout_seconds)

    async def email(self, address: str, msg: ChannelMessage) -> Outcome:
        smtp = self.config.email
        if smtp is None:
            return Outcome(False, detail="email is not configured")
        return await asyncio.to_thread(send_email, smtp, address, msg)

    async def _post(self, url: str, body: Any, headers: dict[str, str], *, vendor: str,
                    seconds: float | None = None) -> Outcome:
        import aiohttp

        try:
            async with self._http().post(
                    url, json=body, headers=headers,
                    timeout=aiohttp.ClientTimeout(total=seconds or self.timeout)) as resp:
                status = resp.status
                answer = await resp.json(content_type=None) if status < 300 else None
        except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
            return Outcome(False, retryable=True, detail=type(exc).__name__)
        if status >= 500 or status == 429:
            return Outcome(False, retryable=True, detail=f"HTTP {status}")
        if status >= 300:
            return Outcome(False, retryable=False, detail=f"HTTP {status}")
        return _vendor_answer(vendor, answer)


def _vendor_answer(vendor: str, answer: Any) -> Outcome:
    """Robots answer 200 with an error code inside; gateways only need a 2xx."""
    if vendor in ("wecom", "dingtalk"):
        code = answer.get("errcode") if isinstance(answer, dict) else None
        if code == 0:
            return SENT
        # 45009: WeCom's "too many messages" — worth waiting for; others are config errors
        return Outcome(False, retryable=code in (45009, 130101),
                       detail=f"errcode {code}")
    if vendor == "feishu":
        code = (answer.get("code", answer.get("StatusCode"))
                if isinstance(answer, dict) else None)
        if code == 0:
            return SENT
        return Outcome(False, retryable=code in (9499, 11232), detail=f"code {code}")
    return SENT


def send_email(smtp: Smtp, address: str, msg: ChannelMessage) -> Outcome:
    mail = EmailMessage()
    mail["From"], mail["To"] = smtp.sender, address
    mail["Subject"] = msg.subject or "紧急案件提醒"
    mail.set_content(msg.text)
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout_seconds,
                context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password.get_secret_value())
            client.send_message(mail)
    except smtplib.SMTPAuthenticationError as exc:
        return Outcome(False, retryable=False, detail=f"SMTP auth {exc.smtp_code}")
    except smtplib.SMTPRecipientsRefused:
        return Outcome(False, retryable=False, detail="recipient refused")
    except (smtplib.SMTPException, OSError) as exc:
        return Outcome(False, retryable=True, detail=type(exc).__name__)
    return SENT
