"""The ticket fields and the labels that name them in a paste: the parser's vocabulary.

The label synonyms are data (what the platform and the staff write), kept in one place so
they can be reviewed without reading parser code. The prompts and the messages about a field
are words, in ``bot.texts.tickets``.
"""

from __future__ import annotations

REQUIRED_FIELDS = (
    "platform_no", "citizen_name", "phone", "request_type", "category", "unit", "urgency",
    "content",
)
OPTIONAL_FIELDS = ("address", "received_at", "industry", "platform_deadline", "answered_on_spot",
                   "complex_case")
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
#: Optional fields that are asked again when given but unreadable: a wrong time would move
#: every deadline, so it is never replaced by "now" or the computed limit.
RECHECKED_FIELDS = ("received_at", "platform_deadline")

FIELD_LABELS_ZH: dict[str, str] = {
    "platform_no": "工单编号",
    "received_at": "来电时间",
    "citizen_name": "来电人",
    "phone": "联系电话",
    "address": "地址",
    "request_type": "诉求类型",
    "category": "问题分类",
    "unit": "承办单位",
    "industry": "行业",
    "urgency": "紧急程度",
    "content": "诉求内容",
    "platform_deadline": "办理时限",
    "answered_on_spot": "即时办结",
    "complex_case": "复杂疑难",
}

# Label as written on the platform (or by staff) -> field. Longer synonyms first is not needed:
# labels are compared whole, after removing spaces and brackets.
LABEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "platform_no": ("工单编号", "工单号", "编号", "受理编号", "工单编码"),
    "citizen_name": ("来电人", "诉求人", "联系人", "反映人", "市民姓名", "姓名", "来电人姓名"),
    "phone": ("联系电话", "电话", "手机", "手机号", "手机号码", "来电号码", "联系方式",
              "联系人电话", "来电电话"),
    "request_type": ("诉求类型", "类型", "工单类型"),
    "category": ("问题分类", "问题类别", "分类"),
    "unit": ("承办单位", "责任单位", "办理单位", "主办单位"),
    "urgency": ("紧急程度", "紧急", "缓急程度"),
    "address": ("地址", "事发地址", "诉求地址", "事发地点"),
    "received_at": ("来电时间", "受理时间", "派单时间"),
    "industry": ("行业", "所属行业"),
    "content": ("诉求内容", "内容", "问题描述", "反映内容", "诉求描述"),
    "platform_deadline": ("办理时限", "截止时间", "处理时限"),
    "answered_on_spot": ("即时办结", "当场答复", "当场办结"),
    "complex_case": ("复杂疑难", "疑难案件"),
}
LABEL_TO_FIELD: dict[str, str] = {syn: f for f, syns in LABEL_SYNONYMS.items() for syn in syns}

#: Yes/no answers for the flag fields (即时办结, 复杂疑难).
YES_NO_WORDS = {"是": True, "是的": True, "对": True, "y": True, "yes": True, "1": True,
                "√": True, "否": False, "不是": False, "n": False, "no": False, "0": False,
                "×": False}
#: The label under which extra phone numbers are kept in the content.
OTHER_PHONES_LABEL = "其他联系电话"
