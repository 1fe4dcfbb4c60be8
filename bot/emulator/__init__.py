"""Local Telegram Bot API emulator (aiohttp loopback server) for tests, console and benchmarks.

Usage::

    async with BotApiEmulator() as emu:
        app = (ApplicationBuilder().token(emu.token).base_url(emu.base_url)
               .base_file_url(emu.base_file_url).build())
        ...
        emu.send_message(user_id=1, text="/start")
        reply = await emu.wait_for_message(1)
"""

from bot.emulator.emulator import BotApiEmulator
from bot.emulator.errors import ApiError
from bot.emulator.state import ApiCall, SentFile

__all__ = ["ApiCall", "ApiError", "BotApiEmulator", "SentFile"]
