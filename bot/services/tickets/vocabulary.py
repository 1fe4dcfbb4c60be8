"""The words of the 接诉即办 trade that are data: urgencies, request types, the parts of a
unit's feedback, callback answers, and the names of history events that are not workflow
actions (those are `bot.services.tickets.workflow.Action`)."""

from __future__ import annotations

import enum

#: Ticket urgencies known to the product (the deadline policy file may name only these).
URGENCIES: tuple[str, ...] = ("一般", "急", "重点", "紧急", "涉稳")
DEFAULT_URGENCY = "一般"
#: Urgencies that alert the commission's leaders at once.
ALERT_URGENCIES = frozenset({"紧急", "涉稳", "重点"})
#: The urgency /urgent gives a ticket that was not urgent yet.
URGENT = "紧急"
#: Ticket request types known to the product.
REQUEST_TYPES: tuple[str, ...] = ("投诉", "举报", "求助", "咨询", "建议", "表扬")
#: The only request type that may be answered (and closed) during the call.
CONSULTATION = "咨询"
#: The parts a unit's feedback must label.
FEEDBACK_PARTS = ("背景", "过程", "结果", "后续")
#: A reached citizen's satisfaction, as the callback asks it.
SATISFACTION = ("满意", "基本满意", "不满意")


class EventName(enum.StrEnum):
    """History events besides the workflow actions (stored in `TicketEvent.action`)."""

    logged = "登记"
    complex = "复杂疑难"
    not_complex = "取消复杂疑难"
    urgency = "改紧急程度"
