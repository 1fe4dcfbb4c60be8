"""Local stand-ins for the vendors, checking requests exactly as their public documents say.

* WeCom group robot (企业微信群机器人): POST JSON to ``/cgi-bin/webhook/send?key=K``;
  ``msgtype`` text (``text.content``, optional ``mentioned_mobile_list``) or markdown.
* DingTalk custom robot (钉钉自定义机器人, 加签): ``?access_token=T&timestamp=ms&sign=S`` where
  S = urlencode(base64(HmacSHA256(secret, "{timestamp}\\n{secret}"))), the timestamp within one
  hour of now; ``msgtype`` text with ``at.atMobiles``.
* Feishu custom bot (飞书自定义机器人, 签名校验): body ``timestamp`` (seconds) and ``sign`` =
  base64(HmacSHA256 keyed with "{timestamp}\\n{secret}" over an empty message), within one
  hour; ``msg_type`` text with ``content.text``.
* An SMS/voice gateway that records JSON bodies and headers.

Each stand-in can be told to fail (5xx) or to hang, to test that one bad channel delays no
other. A request held by a hang is never answered nor recorded, even after `release()`: its
client gave up (a timeout) or died (kill -9) meanwhile, and the vendor never accepted it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from aiohttp import web


@dataclass
class Received:
    vendor: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class StandIns:
    wecom_key: str = "wkey"
    dingtalk_token: str = "dtoken"
    dingtalk_secret: str = "SECdingtalk"
    feishu_hook: str = "fhook"
    feishu_secret: str = "fsecret"
    received: list[Received] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    fail: dict[str, int] = field(default_factory=dict)  # vendor -> HTTP status to answer
    hang: set[str] = field(default_factory=set)  # vendors that never answer
    hanging: list[str] = field(default_factory=list)  # requests held by `hang` so far
    port: int = 0
    _runner: web.AppRunner | None = None
    _event: asyncio.Event = field(default_factory=asyncio.Event)
    _release: asyncio.Event = field(default_factory=asyncio.Event)  # ends every hang

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def urls(self) -> dict[str, str]:
        return {
            "wecom": f"{self.base}/cgi-bin/webhook/send?key={self.wecom_key}",
            "dingtalk": f"{self.base}/robot/send?access_token={self.dingtalk_token}",
            "feishu": f"{self.base}/open-apis/bot/v2/hook/{self.feishu_hook}",
            "sms": f"{self.base}/sms", "voice": f"{self.base}/voice",
        }

    async def start(self) -> StandIns:
        app = web.Application()
        app.router.add_post("/cgi-bin/webhook/send", self._wecom)
        app.router.add_post("/robot/send", self._dingtalk)
        app.router.add_post("/open-apis/bot/v2/hook/{hook}", self._feishu)
        app.router.add_post("/sms", self._gateway)
        app.router.add_post("/voice", self._gateway)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def release(self) -> None:
        """End every hang: the requests held so far are dropped, later ones go through."""
        self.hang.clear()
        self._release.set()

    def of(self, vendor: str) -> list[Received]:
        return [r for r in self.received if r.vendor == vendor]

    async def wait_hanging(self, vendor: str, within: float = 10.0) -> None:
        await self.until(lambda: vendor in self.hanging, f"{vendor}: no request held",
                          within)

    async def until(self, done: Any, what: str, within: float = 10.0) -> None:
        """Wait until `done()` holds, woken by each request (no polling)."""
        deadline = time.monotonic() + within
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(what)
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                pass

    async def wait_for(self, vendor: str, count: int = 1, within: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + within
        while True:
            got = [r for r in self.received if r.vendor == vendor]
            if len(got) >= count:
                return got
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"{vendor}: {len(got)} of {count} requests arrived")
            self._event.clear()
            try:
                await asyncio.wait_for(self._event.wait(), remaining)
            except TimeoutError:
                pass

    # ---------------------------------------------------------------- vendors
    async def _gate(self, vendor: str, request: web.Request) -> web.Response | None:
        if vendor in self.hang:
            self.hanging.append(vendor)
            self._event.set()
            await self._release.wait()
            raise ConnectionResetError("held until its client went away: never accepted")
        if vendor in self.fail:
            return web.json_response({"error": "injected"}, status=self.fail[vendor])
        return None

    async def _record(self, vendor: str, request: web.Request, body: Any) -> None:
        self.received.append(Received(vendor, request.path, dict(request.query),
                                      dict(request.headers), body, time.monotonic()))
        self._event.set()

    def _reject(self, vendor: str, why: str) -> web.Response:
        self.rejected.append(f"{vendor}: {why}")
        return web.json_response({"errcode": 310000, "errmsg": why, "code": 19021,
                                  "msg": why})

    async def _wecom(self, request: web.Request) -> web.Response:
        if (bad := await self._gate("wecom", request)) is not None:
            return bad
        body = await request.json()
        if request.query.get("key") != self.wecom_key:
            return self._reject("wecom", "invalid webhook url")
        kind = body.get("msgtype")
        if kind == "text":
            text = body.get("text", {})
            if not isinstance(text.get("content"), str) or not text["content"]:
                return self._reject("wecom", "empty content")
            if not all(isinstance(m, str) for m in text.get("mentioned_mobile_list", [])):
                return self._reject("wecom", "bad mentioned_mobile_list")
        elif kind == "markdown":
            if not body.get("markdown", {}).get("content"):
                return self._reject("wecom", "empty markdown")
        else:
            return self._reject("wecom", "invalid msgtype")
        await self._record("wecom", request, body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _dingtalk(self, request: web.Request) -> web.Response:
        if (bad := await self._gate("dingtalk", request)) is not None:
            return bad
        q = request.query
        if q.get("access_token") != self.dingtalk_token:
            return self._reject("dingtalk", "token is not exist")
        try:
            ts = int(q["timestamp"])
        except (KeyError, ValueError):
            return self._reject("dingtalk", "missing timestamp")
        if abs(time.time() * 1000 - ts) > 3600_000:
            return self._reject("dingtalk", "timestamp out of range")
        want = base64.b64encode(hmac.new(self.dingtalk_secret.encode(),
                                         f"{ts}\n{self.dingtalk_secret}".encode(),
                                         hashlib.sha256).digest()).decode()
        raw_sign = request.rel_url.raw_query_string.split("sign=", 1)[-1].split("&", 1)[0]
        if unquote_plus(raw_sign) != want:
            return self._reject("dingtalk", "sign not match")
        body = await request.json()
        if body.get("msgtype") != "text" or not body.get("text", {}).get("content"):
            return self._reject("dingtalk", "bad body")
        await self._record("dingtalk", request, body)
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    async def _feishu(self, request: web.Request) -> web.Response:
        if (bad := await self._gate("feishu", request)) is not None:
            return bad
        if request.match_info["hook"] != self.feishu_hook:
            return self._reject("feishu", "invalid hook")
        body = await request.json()
        try:
            ts = int(body["timestamp"])
        except (KeyError, ValueError):
            return self._reject("feishu", "missing timestamp")
        if abs(time.time() - ts) > 3600:
            return self._reject("feishu", "timestamp out of range")
        key = f"{ts}\n{self.feishu_secret}".encode()
        want = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        if body.get("sign") != want:
            return self._reject("feishu", "sign match fail")
        if body.get("msg_type") != "text" or not body.get("content", {}).get("text"):
            return self._reject("feishu", "bad body")
        await self._record("feishu", request, body)
        return web.json_response({"code": 0, "msg": "success", "data": {}})

    async def _gateway(self, request: web.Request) -> web.Response:
        vendor = request.path.strip("/")
        if (bad := await self._gate(vendor, request)) is not None:
            return bad
        await self._record(vendor, request, await request.json())
        return web.json_response({"ok": True})
