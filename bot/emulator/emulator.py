"""The public facade: :class:`BotApiEmulator` = state + HTTP server + injection + observation.

Point python-telegram-bot at it with
``ApplicationBuilder().base_url(emu.base_url).base_file_url(emu.base_file_url)``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from bot.emulator.faults import Faults, RateLimiter
from bot.emulator.injection import InjectionMixin
from bot.emulator.observe import ObservationMixin
from bot.emulator.server import ApiServer
from bot.emulator.state import JSON, EmulatorState
from bot.emulator.uploads import UploadMixin


class BotApiEmulator(InjectionMixin, UploadMixin, ObservationMixin):
    """A loopback Telegram Bot API server for tests, console mode and benchmarks.

    ``rate_limits`` enforces the flood limits with 429s (sends are counted either way);
    ``strict_html`` rejects a bare ``&`` in HTML (the real server tolerates it, but its docs
    require escaping); ``clock`` supplies the unix time used for message dates.
    """

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        bot_id: int = 123456,
        bot_username: str = "hotline_duty_bot",
        host: str = "127.0.0.1",
        port: int = 0,
        bot_first_name: str = "值班助手",
        rate_limits: bool = False,
        strict_html: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.token = token
        self.host = host
        self.port: int | None = None
        self._requested_port = port
        self.state = EmulatorState(
            bot_id=bot_id,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            clock=clock,
            strict_html=strict_html,
        )
        self.faults = Faults()
        self.limiter = RateLimiter(enforce=rate_limits)
        self._init_observation()
        self._server = ApiServer(
            token=token,
            state=self.state,
            faults=self.faults,
            limiter=self.limiter,
            record=self._record,
        )

    # --- lifecycle ----------------------------------------------------------------------
    async def start(self) -> None:
        """Bind the loopback server (idempotent)."""
        if self.port is None:
            self.port = await self._server.start(self.host, self._requested_port)

    async def stop(self) -> None:
        """Answer pending long polls and shut the server down."""
        await self._server.stop()

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _root(self) -> str:
        if self.port is None:
            raise RuntimeError("BotApiEmulator.start() has not been awaited yet")
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``base_url=``: PTB appends ``<token>/<method>``."""
        return f"{self._root()}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``base_file_url=``: PTB appends ``<token>/<file_path>``."""
        return f"{self._root()}/file/bot"

    def _busy(self) -> bool:
        return self._server.in_flight > 0

    # --- state views --------------------------------------------------------------------
    @property
    def bot_user(self) -> JSON:
        """The bot's User object."""
        return dict(self.state.bot_user)

    @property
    def commands(self) -> dict[str, list[JSON]]:
        """setMyCommands state: "default", "all_private_chats", "chat:<id>",
        "chat_member:<chat>:<user>", ...; ``#<lang>`` suffix when a language_code was given."""
        return self.state.commands

    @property
    def left_chats(self) -> set[int]:
        """Groups the bot left (leaveChat) or was removed from."""
        return self.state.left_chats

    # --- failure injection --------------------------------------------------------------
    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        description: str | None = None,
        text_contains: str | None = None,
    ) -> None:
        """Next ``times`` calls of ``method`` (optionally only to ``chat_id``, only with
        ``text_contains`` in their text) fail."""
        self.faults.fail(
            method, status=status, retry_after=retry_after, times=times, chat_id=chat_id,
            description=description, text_contains=text_contains,
        )  # fmt: skip

    def clear_faults(self) -> None:
        """Drop every failure and delay still queued by :meth:`fail` / :meth:`delay`."""
        self.faults.clear()

    def delay(self, method: str, seconds: float, *, times: int = 1,
              chat_id: int | None = None) -> None:
        """Next ``times`` calls of ``method`` (optionally only to ``chat_id``) are carried out
        and answered after ``seconds``, even if the client stopped waiting."""
        self.faults.delay(method, seconds, times=times, chat_id=chat_id)
