"""`python -m bot channels list` and `python -m bot channels test <name> [--to …]`.

`list` shows every channel CHANNELS_FILE configures — its target host (never the URL's path or
query, where keys live, never a secret or credential) and its last outcome as the bot
recorded it. `test` sends one clearly marked test message through one channel, with nothing
of a case or a citizen in it; SMS, voice and e-mail need `--to` (a phone, an address, or a
member's TG号 whose contact is on record). Exit status: 0 sent, 1 the channel failed,
2 a bad setting, file or argument.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import Settings, load_settings_or_exit

if TYPE_CHECKING:
    from bot.channels.config import ChannelsConfig
    from bot.channels.senders import ChannelMessage, Outcome

# The senders (aiohttp), the database and the texts are imported where a subcommand runs:
# building the parser (`--help`, a bad setting) stays cheap.


def _setup() -> tuple[Settings, ChannelsConfig] | None:
    from bot.channels.config import ChannelsFileError, load_channels
    from bot.runtime import setup_logging

    settings = load_settings_or_exit(require_token=False)
    setup_logging("WARNING")
    try:
        return settings, load_channels(settings.channels_file)
    except ChannelsFileError as exc:
        print("配置错误: " + " ".join(str(exc).split()), file=sys.stderr)
        return None


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _list(args: argparse.Namespace) -> int:
    from bot.channels.ledger import ChannelLedger
    from bot.runtime import prepare_database
    from bot.texts import channels as texts

    setup = _setup()
    if setup is None:
        return 2
    settings, config = setup
    states = ChannelLedger(prepare_database(settings), Clock(settings.tz)).states()
    if not config.names():
        print(texts.NONE_CONFIGURED)
        return 0
    rows = [list(texts.LIST_HEAD)]
    for name in config.names():
        st = states.get(name)
        rows.append([name, config.target(name),
                     texts.when(st.last_at if st else None, settings.tz),
                     texts.outcome_words(st.last_ok if st and st.last_at else None,
                                         st.last_detail if st else ""),
                     str(st.sent if st else 0), str(st.failed if st else 0),
                     str(st.streak if st else 0)])
    print(_table(rows))
    return 0


def _recipient(settings: Settings, medium: str, to: str) -> str:
    """--to as a phone or address, or a member's contact on record (by TG号)."""
    from bot.runtime import prepare_database
    from bot.services.staff.contacts import ContactError, Contacts, parse_email, parse_phone
    from bot.services.staff.directory import StaffDirectory
    from bot.texts import channels as texts

    try:
        return parse_email(to) if medium == "email" else parse_phone(to)
    except ContactError:
        pass
    if not to.strip().isdigit():
        raise ValueError(texts.BAD_TO.format(text=to))
    engine = prepare_database(settings)
    clock = Clock(settings.tz)
    contact = Contacts(engine, clock, StaffDirectory(engine, clock)).get(int(to))
    address = contact.email if medium == "email" else contact.phone
    if not address:
        what = texts.WHAT["email" if medium == "email" else "phone"]
        raise ValueError(texts.NO_CONTACT.format(tid=to.strip(), what=what))
    return address


async def _send(config: ChannelsConfig, name: str, to: str, msg: ChannelMessage) -> Outcome:
    from bot.channels.senders import Senders

    senders = Senders(config)
    try:
        return await senders.send(name, to, msg)
    finally:
        await senders.close()


def _test(args: argparse.Namespace) -> int:
    from bot.channels.ledger import ChannelLedger
    from bot.channels.notes import ChannelTest
    from bot.channels.senders import ChannelMessage
    from bot.runtime import prepare_database
    from bot.texts import channels as texts
    from bot.texts.audience import Audience
    from bot.texts.render import render

    setup = _setup()
    if setup is None:
        return 2
    settings, config = setup
    name, medium = args.name, args.name.partition(":")[0]
    if name not in config.names():
        print(texts.UNKNOWN_CHANNEL.format(name=name, names=", ".join(config.names()) or "—"),
              file=sys.stderr)
        return 2
    to = ""
    if medium in ("sms", "voice", "email"):
        if not args.to:
            print(texts.NEEDS_TO.format(name=name), file=sys.stderr)
            return 2
        try:
            to = _recipient(settings, medium, args.to)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    clock = Clock(settings.tz)
    out = render(ChannelTest(medium=medium, channel=name, at=clock.now()), Audience.CHANNEL)
    outcome = asyncio.run(_send(config, name, to, ChannelMessage(out.text, out.subject)))
    ChannelLedger(prepare_database(settings), clock).record_test(
        name, ok=outcome.ok, detail=outcome.detail)
    if outcome.ok:
        print(texts.TEST_SENT.format(name=name, detail=outcome.detail))
        return 0
    print(texts.TEST_FAILED.format(name=name, detail=outcome.detail,
                                   retry=texts.RETRYABLE[outcome.retryable]), file=sys.stderr)
    return 1


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("channels", help="alert channels beyond Telegram (docs/channels.md)",
                       description="WeCom/DingTalk/Feishu robots, SMS, voice and e-mail as "
                       "configured in CHANNELS_FILE.")
    cs = p.add_subparsers(dest="channels_command", required=True, metavar="COMMAND")
    lp = cs.add_parser("list", help="configured channels and their last outcome (no secrets)")
    lp.set_defaults(func=_list)
    tp = cs.add_parser("test", help="send a clearly marked test message through one channel",
                       description="Send a test message (no case, no citizen data) and "
                       "record its outcome.")
    tp.add_argument("name", help="wecom:<robot>, dingtalk:<robot>, feishu:<robot>, sms, voice "
                    "or email (as `channels list` shows)")
    tp.add_argument("--to", help="sms/voice: a mobile number; email: an address; or a "
                    "member's TG号 (the contact recorded with /setcontact)")
    tp.set_defaults(func=_test)
