"""Log lines never hold a citizen's data or the bot token, at any LOG_LEVEL.

A filter on every root handler renders each record (message, arguments and traceback) and
masks it with the same masker the groups get, then replaces the token. Library loggers that
dump whole Bot API payloads at DEBUG (python-telegram-bot's request/response logging, httpx's
URLs with the token in them) are capped, so the masker is a second line of defence there.
"""

from __future__ import annotations

import logging

from bot.services.masker import mask

HIDDEN_TOKEN = "<token>"
# Loggers that write request/response bodies or token-bearing URLs below these levels.
CAPPED_LOGGERS = {
    # PTB as a whole: `telegram.ext.Application` logs every update ("Processing update …"),
    # the webhook handler every body, `telegram.Bot` every call's parameters.
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram.Bot": logging.INFO,
    "telegram.ext.ExtBot": logging.INFO,
    "telegram.request": logging.INFO,
    "telegram.ext.Updater": logging.WARNING,
    "apscheduler": logging.WARNING,
    "aiohttp.access": logging.WARNING,
}


class PrivacyFilter(logging.Filter):
    """Mask personal data and the token in the fully rendered record (never drops it)."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)
        self._formatter = logging.Formatter()

    def hide(self, *secrets: str) -> None:
        """Also replace these strings (channel webhook keys, passwords) from now on."""
        # longest first, so a secret that contains another is replaced whole
        self.secrets = tuple(sorted({*self.secrets, *(s for s in secrets if s)}, key=len,
                                    reverse=True))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep the raw message, masked
            message = str(record.msg)
        record.msg, record.args = self._clean(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, HIDDEN_TOKEN)
        return mask(text)


_installed: list[PrivacyFilter] = []


def install(token: str | None = None) -> PrivacyFilter:
    """Put the filter on every handler (the root's and any logger's own) and cap the chatty
    library loggers. Call it again after adding a handler; the previous filter's secrets are
    kept (the token is added)."""
    flt = PrivacyFilter(((token,) if token else ()) + (_installed[-1].secrets if _installed
                                                       else ()))
    _installed[:] = [flt]
    for handler in _all_handlers():
        for old in [f for f in handler.filters if isinstance(f, PrivacyFilter)]:
            handler.removeFilter(old)
        handler.addFilter(flt)
    for name, level in CAPPED_LOGGERS.items():
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)
    return flt


def hide(*secrets: str) -> None:
    """Hide more secrets (e.g. the channels' webhook keys, known once their file is read) in
    every log line from now on; a no-op before :func:`install`."""
    for flt in _installed:
        flt.hide(*secrets)


def _all_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    seen: dict[int, logging.Handler] = {}
    for lg in loggers:
        for h in lg.handlers:
            seen[id(h)] = h
    return list(seen.values())
