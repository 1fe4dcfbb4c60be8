"""Each channel against a local stand-in that checks payloads and signatures like the vendor."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.channels.config import ChannelsConfig, ChannelsFileError, load_channels
from bot.channels.senders import ChannelMessage, Senders
from tests.channels.conftest import Mailbox, write_channels
from tests.channels.standins import StandIns

MSG = ChannelMessage(text="🔴紧急 工单 2026112500123 朝阳医院 服务态度 已等待 12 分钟",
                     subject="紧急案件提醒", ticket="2026112500123", mobiles=("13800000001",))


def _config(stand: StandIns, tmp_path: Path) -> ChannelsConfig:
    return load_channels(write_channels(tmp_path, stand))


async def test_robots_sign_and_shape_their_payloads(stand: StandIns, tmp_path: Path) -> None:
    senders = Senders(_config(stand, tmp_path))
    try:
        for kind in ("wecom", "dingtalk", "feishu"):
            out = await senders.robot(kind, "leaders", MSG)
            assert out.ok, (kind, out, stand.rejected)
    finally:
        await senders.close()
    assert not stand.rejected
    by = {r.vendor: r.body for r in stand.received}
    assert by["wecom"]["text"]["mentioned_mobile_list"] == ["13800000001"]
    assert by["dingtalk"]["at"] == {"atMobiles": ["13800000001"], "isAtAll": False}
    assert by["feishu"]["content"]["text"] == MSG.text


async def test_a_wrong_secret_is_refused_and_not_retried(stand: StandIns,
                                                        tmp_path: Path) -> None:
    stand.dingtalk_secret, stand.feishu_secret = "other", "other2"
    config = _config(stand, tmp_path)
    stand.dingtalk_secret, stand.feishu_secret = "SECright", "right"  # the vendor's secret
    senders = Senders(config)
    try:
        d = await senders.robot("dingtalk", "leaders", MSG)
        f = await senders.robot("feishu", "leaders", MSG)
    finally:
        await senders.close()
    assert not d.ok and not d.retryable and not f.ok and not f.retryable
    assert any("sign" in r for r in stand.rejected)


async def test_gateways_fill_the_template_and_headers(stand: StandIns, tmp_path: Path) -> None:
    senders = Senders(_config(stand, tmp_path))
    try:
        assert (await senders.gateway("sms", "13800000002", MSG)).ok
        assert (await senders.gateway("voice", "13800000002", MSG)).ok
    finally:
        await senders.close()
    sms = next(r for r in stand.received if r.vendor == "sms")
    assert sms.body == {"to": "13800000002", "text": MSG.text, "ref": "2026112500123"}
    assert sms.headers["Authorization"] == "Bearer t0k"
    voice = next(r for r in stand.received if r.vendor == "voice")
    assert voice.body == {"callee": "13800000002", "tts": MSG.text}


async def test_5xx_and_timeouts_are_retryable(stand: StandIns, tmp_path: Path) -> None:
    stand.fail["wecom"] = 502
    stand.hang.add("dingtalk")
    senders = Senders(_config(stand, tmp_path), timeout=0.5)
    try:
        w = await senders.robot("wecom", "leaders", MSG)
        d = await asyncio.wait_for(senders.robot("dingtalk", "leaders", MSG), 30)
    finally:
        await senders.close()
    assert not w.ok and w.retryable and "502" in w.detail
    assert not d.ok and d.retryable


async def test_email_over_a_real_smtp_server(tmp_path: Path,
                                             mailbox: tuple[Mailbox, int]) -> None:
    box, port = mailbox
    f = tmp_path / "c.yaml"
    f.write_text(f"email: {{host: 127.0.0.1, port: {port}, security: none, "
                 f"sender: bot@example.org}}\n", encoding="utf-8")
    senders = Senders(load_channels(f))
    out = await senders.email("leader@example.org", MSG)
    assert out.ok, out
    sender, rcpts, content = box.messages[0]
    assert sender == "bot@example.org" and rcpts == ["leader@example.org"]
    assert "2026112500123" in content.decode("utf-8", "replace") or b"=?utf-8?" in content


def test_the_channels_file_is_validated_with_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("wecom:\n  leaders:\n    url: http://qyapi.weixin.qq.com/x\n",
                 encoding="utf-8")
    with pytest.raises(ChannelsFileError) as err:
        load_channels(f)
    message = str(err.value)
    assert "第 3 行" in message and "https" in message and "qyapi" not in message
    f.write_text("sms: {url: 'https://x.example/sms', body: {to: '{phone}'}}\n",
                 encoding="utf-8")
    with pytest.raises(ChannelsFileError, match="text"):
        load_channels(f)
    assert load_channels(None).names() == []
