"""What the compliance feature says on and around the ticket card (docs/assessment.md): the
attachment line, the 回访 recording step, files sent in reply to a card, the managers'
标记失误 dialogue and the callback ledger (/ledger).

File names are never repeated back (they may carry a citizen's name); a group sees only the
number of files, never their kinds.
"""

from __future__ import annotations

from collections import Counter

from bot.services.compliance.ledger import Ledger
from bot.services.compliance.ticket_files import TicketFilesSummary
from bot.services.reports.periods import Period
from bot.texts.compliance_words import yuan
from bot.texts.escape import escape
from bot.texts.reports.periods import label

MEDIA_ZH = {"voice": "语音", "audio": "音频", "document": "文档", "photo": "照片"}
MEDIA_ORDER = ("voice", "audio", "document", "photo")


def kinds(files: Counter[str]) -> str:
    """"语音 1、照片 2" in a fixed order."""
    order = {m: i for i, m in enumerate(MEDIA_ORDER)}
    ranked = sorted(files, key=lambda m: (order.get(m, len(order)), m))
    return "、".join(f"{MEDIA_ZH.get(m, m)} {files[m]}" for m in ranked if files[m])


# ---------------------------------------------------------------- the card
def attachments_line(summary: TicketFilesSummary, *, masked: bool) -> str:
    """The card's line about its files ("" for none); a group copy shows the count only."""
    if not summary.count:
        return ""
    if masked:
        return f"📎 附件 {summary.count} 件"
    return f"📎 附件 {summary.count} 件：{kinds(summary.kinds)}"


BTN_MISTAKE = "标记失误"

# ---------------------------------------------------------------- files on tickets
RECORDING_PROMPT = ("请发送本次回访的录音（语音、音频文件或文档，不超过 {limit} MB）；"
                    "没有录音请点“跳过”，之后也可回复工单卡片补发。")
BTN_SKIP_RECORDING = "跳过"
RECORDING_NOT_A_FILE = "请发送回访录音（语音、音频文件或文档），或点“跳过”。"
RECORDING_SKIPPED = "已跳过录音。之后可回复工单卡片补发录音。"
STALE_BUTTON = "该按钮已失效。补发录音请回复工单卡片。"
FILE_KIND_REFUSED = "只能附加语音、音频、照片或文档（视频等请转为文件发送）。"
FILE_HINT = ("要把文件附到工单，请在工单卡片上点“回复”后发送文件（/t 工单编号 可调出卡片）。"
             "回访录音也可在回访时直接发送。")
DOWNLOAD_FAILED = "文件下载失败，请稍后重新发送。"


def attached(platform_no: str, stage: str, media: str, size: int, total: int) -> str:
    kb = max(1, round(size / 1024))
    return (f"📎 已附到工单 {escape(platform_no)}（{escape(stage)}环节）："
            f"{MEDIA_ZH.get(media, media)}，{kb} KB。该工单共有附件 {total} 件。")


# ---------------------------------------------------------------- 标记失误
MISTAKE_PICK = "工单 {no}：失误发生在哪个环节？"
MISTAKE_GROUP = "请在与机器人的私聊中标记失误。"
MISTAKE_STAGE = "工单 {no}：失误环节 {stage}"
MISTAKE_CANCELLED = "已取消，未记录考核事项。"
MISTAKE_EXPIRED = "操作已过期，请在工单卡片上重新点“标记失误”。"
MISTAKE_TIMEOUT = "等待失误说明超时，未记录。需要时请重新点“标记失误”。"
MISTAKE_REPLY_TO_PROMPT = "失误说明请回复“标记失误”的提示消息发送；/cancel 取消。"


def mistake_ask(platform_no: str, stage: str, person: str | None, amount: int) -> str:
    who = f"记在承办人 {escape(person)} 名下" if person else "工单尚无承办人，不记在个人名下"
    return (f"工单 {escape(platform_no)}（{escape(stage)}）：请回复本消息，写明哪里出了问题。"
            f"{who}，按考核细则每次扣 {yuan(amount)}。/cancel 取消。")


# ---------------------------------------------------------------- /ledger
LEDGER_USAGE = ("用法：/ledger [时段]，不写为本月至今；时段可写 2026-11、2026-Q3、2026-H1、2026、"
                "一个日期（该日所在周）或起止两个日期。")


def ledger_empty(period: Period) -> str:
    return f"{escape(label(period))}没有回访记录。"


def ledger_caption(ledger: Ledger) -> str:
    n, missing = len(ledger.rows), ledger.missing
    tail = f"缺录音 {missing} 次（表中红色标出）" if missing else "均有录音"
    return f"回访台账：{escape(label(ledger.period))}，回访 {n} 次，{tail}。"
