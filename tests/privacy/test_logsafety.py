"""Log records are masked and the token hidden, whatever the level and however formatted."""

from __future__ import annotations

import io
import logging

from bot.logsafety import PrivacyFilter, install


def _logger_with_stream() -> tuple[logging.Logger, io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PrivacyFilter(("123456:SECRET-token",)))
    logger = logging.getLogger("tests.logsafety")
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.DEBUG)
    return logger, stream, handler


def test_message_args_and_traceback_are_masked() -> None:
    logger, stream, _ = _logger_with_stream()
    logger.debug("payload %s", {"text": "来电人张三丰 13812345678 身份证110105199003071234"})
    logger.info("url https://api.telegram.org/bot123456:SECRET-token/getUpdates")
    try:
        raise ValueError("患者李小明 电话 139-0000-1111")
    except ValueError:
        logger.exception("failed for %s", "zhangsan@example.com")
    out = stream.getvalue()
    for secret in ("张三丰", "13812345678", "19900307", "SECRET-token", "李小明",
                   "139-0000-1111", "zhangsan@"):
        assert secret not in out, secret
    assert "<token>" in out and "Traceback" in out and "ValueError" in out


def test_install_caps_payload_loggers_and_filters_root_handlers() -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    root.addHandler(handler)
    try:
        logging.getLogger("telegram.ext.ExtBot").setLevel(logging.DEBUG)
        install("1:abc")
        assert any(isinstance(f, PrivacyFilter) for f in handler.filters)
        assert logging.getLogger("telegram.ext.ExtBot").getEffectiveLevel() >= logging.INFO
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
    finally:
        root.removeHandler(handler)
        logging.getLogger("telegram.ext.ExtBot").setLevel(logging.NOTSET)
