"""The ticket fields and every user-facing word about them: labels, synonyms, prompts, errors.

Kept in one place so the wording shown in the dialogue, the labels recognised in a paste and
the error messages stay consistent (and can be reviewed without reading parser code).
"""

from __future__ import annotations

REQUIRED_FIELDS = (
    "platform_no", "citizen_name", "phone", "request_type", "category", "unit", "urgency",
    "content",
)
OPTIONAL_FIELDS = ("address", "received_at", "industry", "platform_deadline", "answered_on_spot",
                   "complex_case")
ALL_FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

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

FIELD_PROMPTS_ZH: dict[str, str] = {
    "platform_no": "请输入工单编号（6–32位数字、字母或“-”）：",
    "citizen_name": "请输入来电人姓名：",
    "phone": "请输入联系电话（手机号或北京固话）：",
    "request_type": "请输入诉求类型（投诉/举报/求助/咨询/建议/表扬）：",
    "category": "请输入问题分类，格式“一级分类/二级分类”，例如“医疗服务/服务态度”：",
    "unit": "请输入承办单位名称（可用简称，例如“朝阳医院”）：",
    "urgency": "请输入紧急程度（一般/急/重点/紧急/涉稳）：",
    "content": "请输入诉求内容：",
    "address": "请输入地址：",
    "received_at": "请输入来电时间，例如“2026-11-25 09:12”：",
    "industry": "请输入所属行业：",
    "platform_deadline": "请输入办理时限，例如“2026-12-02 18:00”：",
    "answered_on_spot": "请输入是否即时办结（咨询已当场答复：是/否）：",
    "complex_case": "请输入是否复杂疑难（是/否）：",
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

MSG_REQUIRED = "{label}不能为空，请重新输入。"
MSG_PHONE = "联系电话“{value}”不是有效的手机号或北京固话，请核对后重新输入。"
MSG_PLATFORM_NO = "工单编号“{value}”格式不正确：应为6–32位数字、字母或“-”，请核对后重新输入。"
MSG_NAME_LONG = "来电人姓名“{value}”过长（最多20个字），请核对后重新输入。"
MSG_NAME_DIGITS = "来电人姓名“{value}”中含有号码，请只填写姓名，电话请填在联系电话中。"
MSG_CHOICE = "{label}“{value}”无效，请从以下选项中选择：{options}。"
MSG_UNIT = "承办单位“{value}”未找到。您要找的是不是：{options}？请输入准确的单位名称。"
MSG_UNIT_NONE = "承办单位“{value}”未找到，请输入准确的单位名称。"
MSG_CATEGORY = "问题分类“{value}”未找到。相近的分类有：{options}。请按“一级分类/二级分类”输入。"
MSG_CATEGORY_L2 = (
    "问题分类“{value}”缺少或无法识别二级分类，可选：{options}。请按“一级分类/二级分类”输入。"
)
MSG_TIME = "{label}“{value}”无法识别，请按“2026-11-25 09:12”的格式输入。"
MSG_TIME_FUTURE = "来电时间“{value}”晚于当前时间，请核对后重新输入。"
MSG_DEADLINE_EARLY = "办理时限“{value}”早于来电时间，请核对后重新输入。"
MSG_UNKNOWN_FIELD = "未知字段：{value}"
MSG_YES_NO = "{label}“{value}”无法识别，请填写“是”或“否”。"
YES_NO_WORDS = {"是": True, "是的": True, "对": True, "y": True, "yes": True, "1": True,
                "√": True, "否": False, "不是": False, "n": False, "no": False, "0": False,
                "×": False}
MSG_INVALID = "{label}无法识别，请重新输入。"
MSG_PARSE_FAILED = "工单内容无法解析，请检查后重新粘贴，或逐项输入。"
OTHER_PHONES_LABEL = "其他联系电话"
