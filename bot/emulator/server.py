"""The HTTP face of the emulator: routing, parameter decoding, failure injection, recording.

python-telegram-bot posts ``application/x-www-form-urlencoded`` bodies (non-string values
JSON-encoded) or ``multipart/form-data`` when uploading; other clients post JSON or use the
query string. All of them are normalised here into one ``params`` dict with the JSON-valued
fields decoded, so method implementations never care about transport details.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.emulator.common import Context
from bot.emulator.errors import ApiError, bad_request, not_found, unauthorized
from bot.emulator.faults import Faults, RateLimiter
from bot.emulator.methods import METHODS, METHODS_LOWER
from bot.emulator.state import ApiCall, EmulatorState, Upload

JSON_KEYS = frozenset(
    {"reply_markup", "entities", "caption_entities", "results", "commands", "scope",
     "allowed_updates", "reply_parameters", "link_preview_options", "button", "media",
     "permissions", "input_message_content", "message_ids"}
)  # fmt: skip
INT_KEYS = frozenset(
    {"chat_id", "message_id", "user_id", "offset", "limit", "timeout", "reply_to_message_id",
     "message_thread_id", "cache_time", "from_chat_id", "until_date"}
)  # fmt: skip
BOOL_KEYS = frozenset(
    {"disable_notification", "protect_content", "show_alert", "is_personal",
     "drop_pending_updates", "allow_sending_without_reply", "disable_content_type_detection",
     "revoke_messages", "only_if_banned", "has_spoiler", "show_caption_above_media"}
)  # fmt: skip
MAX_UPLOAD = 50 * 1024 * 1024


def normalize(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode JSON-valued fields and coerce known integer/boolean fields given as strings."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in JSON_KEYS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key in INT_KEYS and value.lstrip("-").isdigit():
                value = int(value)
            elif key in BOOL_KEYS:
                value = value.lower() in ("true", "1")
        params[key] = value
    return params


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Merge query string and body (JSON, urlencoded or multipart) into params + uploads."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise bad_request("can't parse JSON object") from None
            if isinstance(body, dict):
                raw.update(body)
        else:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    files[key] = Upload(value.filename, content, value.content_type)
                else:
                    raw[key] = value
    return normalize(raw), files


def _gone(request: web.Request) -> bool:
    """True when the client already closed the connection (timed out or shut down)."""
    return request.transport is None or request.transport.is_closing()


def _response(call_ok: bool, result: Any, error: ApiError | None) -> web.Response:
    if error is not None:
        return web.json_response(error.payload(), status=error.status)
    return web.json_response({"ok": call_ok, "result": result})


class ApiServer:
    """aiohttp application bound to loopback; records every call through ``record``."""

    def __init__(
        self,
        *,
        token: str,
        state: EmulatorState,
        faults: Faults,
        limiter: RateLimiter,
        record: Callable[[ApiCall], None],
    ) -> None:
        self.token = token
        self.state = state
        self.faults = faults
        self.limiter = limiter
        self.record = record
        self.in_flight = 0
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()

    async def start(self, host: str, port: int) -> int:
        """Bind and return the actual port (port 0 picks a free one)."""
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Release long polls and delayed answers, then close the listener."""
        self.state.closing = True
        self._closing.set()
        self.state.notify_updates()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    async def _handle_api(self, request: web.Request) -> web.Response:
        raw_method = request.match_info["method"]
        name = METHODS_LOWER.get(raw_method.lower(), raw_method)
        error: ApiError | None = None
        result: Any = None
        params: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        polling = name == "getUpdates"  # long polls are not "work in progress" for idle()
        self.in_flight += 0 if polling else 1
        try:
            params, files = await read_params(request)
            if request.match_info["token"] != self.token:
                raise unauthorized()
            if name not in METHODS:
                raise not_found()
            delay = self.faults.take_delay(name, params.get("chat_id"))
            if delay:
                await self._sleep(delay)
            failure = self.faults.take_failure(name, params.get("chat_id"), params.get("text"))
            if failure is not None:
                raise failure
            ctx = Context(
                state=self.state,
                limiter=self.limiter,
                files=files,
                client_alive=lambda: not _gone(request),
            )
            result = METHODS[name](ctx, params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as exc:
            error, result = exc, None
        finally:
            self.in_flight -= 0 if polling else 1
        if polling and _gone(request):
            return _response(True, result, error)  # an abandoned long poll is not a bot call
        self.record(
            ApiCall(
                method=name,
                params=params,
                ok=error is None,
                result=result,
                error=error.description if error else None,
                at=time.monotonic(),
                wall=time.time(),
                files={key: upload.content for key, upload in files.items()},
            )
        )
        return _response(True, result, error)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(unauthorized().payload(), status=401)
        stored = self.state.file_by_path(request.match_info["path"])
        if stored is None:
            return web.json_response(not_found().payload(), status=404)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )
