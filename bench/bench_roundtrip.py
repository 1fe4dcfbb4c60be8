"""Round trip of an update through the emulator: this bot's /help vs a bare echo application.

Run: .venv/bin/python -m bench.bench_roundtrip [--n 300] [--users 20] [--per-user 25]
Both applications use the same emulator, in the same run, over python-telegram-bot's real HTTP
request layer; the bot runs exactly as `build_application()` builds it for production
(access gate, role check, SQLite database, scheduler, rate limiter).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bench.common import running_bot, scratch_engine, summary, table
from bot.emulator import BotApiEmulator
from bot.runtime import start_app, stop_app
from models.staff import Role


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(update.effective_message.text or "")  # type: ignore[union-attr]


async def one(emu: BotApiEmulator, user: int, text: str) -> float:
    mark = emu.mark()
    t0 = time.perf_counter()
    emu.send_message(user_id=user, text=text)
    await emu.wait_for_call(
        lambda c: c.method == "sendMessage" and c.params.get("chat_id") == user, after=mark,
        timeout=30)
    return (time.perf_counter() - t0) * 1000


async def measure(emu: BotApiEmulator, users: list[int], n: int, per_user: int) -> dict[str, Any]:
    for u in users[:5]:  # warm up
        await one(emu, u, "/help")
    lat = [await one(emu, users[i % len(users)], "/help") for i in range(n)]

    async def client(u: int) -> None:
        for _ in range(per_user):
            await one(emu, u, "/help")

    t0 = time.perf_counter()
    await asyncio.gather(*(client(u) for u in users))
    elapsed = time.perf_counter() - t0
    med, p95 = summary(lat)
    return {"median": med, "p95": p95, "rate": len(users) * per_user / elapsed}


async def run_bare(n: int, users: list[int], per_user: int) -> dict[str, Any]:
    async with BotApiEmulator() as emu:
        for u in users:
            emu.add_user(u)
        app = (ApplicationBuilder().token(emu.token).base_url(emu.base_url)
               .base_file_url(emu.base_file_url).build())
        app.add_handler(CommandHandler("help", _echo))
        await start_app(app, poll_timeout=1)
        try:
            return await measure(emu, users, n, per_user)
        finally:
            await stop_app(app)


async def run_bot(n: int, users: list[int], per_user: int) -> dict[str, Any]:
    engine, url = scratch_engine()
    async with BotApiEmulator() as emu:
        for u in users:
            emu.add_user(u)
        async with running_bot(emu, engine, url) as app:
            staff = app.bot_data.svc.staff
            for u in users:
                staff.add(actor_id=1, telegram_id=u, role=Role.staff, name=f"值班员{u}")
            return await measure(emu, users, n, per_user)


async def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--n", type=int, default=300, help="sequential round trips")
    p.add_argument("--users", type=int, default=20, help="concurrent users")
    p.add_argument("--per-user", type=int, default=25, help="updates per concurrent user")
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    users = [50_000 + i for i in range(a.users)]
    runs: list[tuple[str, Callable[..., Any]]] = [("bare echo app", run_bare),
                                                  ("this bot /help", run_bot)]
    results = {name: await fn(a.n, users, a.per_user) for name, fn in runs}
    bare, bot = results["bare echo app"], results["this bot /help"]
    rows = [[name, r["median"], r["p95"], r["rate"]] for name, r in results.items()]
    rows.append(["ratio bot/bare", bot["median"] / bare["median"], bot["p95"] / bare["p95"],
                 bot["rate"] / bare["rate"]])
    print(table(["application", "median ms", "p95 ms", f"updates/s ({a.users} users)"], rows))
    ratio = bot["median"] / bare["median"]
    print(f"\ntargets: per-update cost ≤ 1.5× bare (median ratio {ratio:.2f}),"
          f" ≥ 200 updates/s with {a.users} users ({bot['rate']:.0f}/s)")


if __name__ == "__main__":
    asyncio.run(main())
