"""Wire format seen by any HTTP client: envelopes, status codes, JSON/query/multipart bodies."""

from __future__ import annotations

import json

import aiohttp

from bot.emulator import BotApiEmulator
from bot.emulator.markdown_v2 import parse_markdown, parse_markdown_v2
from tests.emulator.conftest import USER


async def test_envelopes_and_transports(emu: BotApiEmulator) -> None:
    api = f"{emu.base_url}{emu.token}"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{api}/getMe") as response:
            body = await response.json()
            assert response.status == 200 and body["ok"] is True
            assert body["result"]["username"] == "hotline_duty_bot"
        markup = {"inline_keyboard": [[{"text": "好", "callback_data": "x"}]]}
        payload = {"chat_id": USER, "text": "json 请求", "reply_markup": markup}
        async with http.post(f"{api}/sendMessage", json=payload) as response:
            result = (await response.json())["result"]
            assert result["reply_markup"] == markup and result["chat"]["id"] == USER
        async with http.post(f"{api}/sendmessage?chat_id={USER}&text=query") as response:
            assert (await response.json())["result"]["text"] == "query"
        form = aiohttp.FormData()
        form.add_field("chat_id", str(USER))
        form.add_field("reply_markup", json.dumps(markup))
        form.add_field("document", b"%PDF-1.4", filename="r.pdf", content_type="application/pdf")
        async with http.post(f"{api}/sendDocument", data=form) as response:
            document = (await response.json())["result"]["document"]
            assert document["mime_type"] == "application/pdf"
        assert emu.calls_to("sendDocument")[0].params["reply_markup"] == markup
        async with http.post(f"{api}/sendMessage", json={"chat_id": USER}) as response:
            assert response.status == 400
            error = {"ok": False, "error_code": 400}
            assert await response.json() == {
                **error, "description": "Bad Request: message text is empty",
            }  # fmt: skip
        emu.fail("sendMessage", status=429, retry_after=5)
        async with http.post(f"{api}/sendMessage", json=payload) as response:
            assert response.status == 429
            assert (await response.json())["parameters"] == {"retry_after": 5}
        async with http.post(f"{api}/nope") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False, "error_code": 404, "description": "Not Found",
            }  # fmt: skip
        async with http.post(f"{emu.base_url}1:bad/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"


async def test_listener_sees_every_call(emu: BotApiEmulator) -> None:
    seen: list[str] = []
    emu.add_listener(lambda call: seen.append(call.method))
    async with aiohttp.ClientSession() as http:
        await http.post(f"{emu.base_url}{emu.token}/getMe")
    assert seen == ["getMe"]
    emu.reset_calls()
    assert emu.mark() == 0


def test_markdown_parsers() -> None:
    assert parse_markdown_v2(">引用\n>第二行\n正文") == (
        "引用\n第二行\n正文",
        [{"type": "blockquote", "offset": 0, "length": 6}],
    )
    assert parse_markdown_v2("```\ncode . here\n```")[0] == "code . here\n"
    text, entities = parse_markdown("*粗* 1.0 [链接](https://a.cn)")
    assert text == "粗 1.0 链接"
    assert [e["type"] for e in entities] == ["bold", "text_link"]
