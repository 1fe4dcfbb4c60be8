"""The compliance feature's domain vocabulary: values stored in the database and the labels
of the register file and the training form (data, not sentences). Words the bot *says* live
in ``bot/texts/compliance.py``.
"""

from __future__ import annotations

# education levels, highest first (stored as these words)
EDUCATION = ("博士", "硕士", "本科", "专科", "其他")
BACHELOR_OR_ABOVE = frozenset({"博士", "硕士", "本科"})
COLLEGE_OR_ABOVE = BACHELOR_OR_ABOVE | {"专科"}
EDUCATION_ALIASES = {"博士研究生": "博士", "研究生": "硕士", "硕士研究生": "硕士",
                     "大学本科": "本科", "学士": "本科", "大专": "专科", "高职": "专科",
                     "中专": "其他", "高中": "其他"}

# training and event kinds
TRAINING_KINDS = ("业务培训", "全系统培训", "宣传活动", "入职培训")

# the four policy documents the contract requires (考核细则 item 2)
POLICIES = ("热线运营管理制度", "工作流程制度", "培训制度", "安全管理制度")

# incidents
MISTAKE, COMPLAINT, OTHER = "mistake", "complaint", "other"
INCIDENT_KINDS = (MISTAKE, COMPLAINT, OTHER)
INCIDENT_KIND_WORDS = {"mistake": MISTAKE, "失误": MISTAKE, "complaint": COMPLAINT,
                       "投诉": COMPLAINT, "other": OTHER, "其他": OTHER, "违约": OTHER}
STAGES = ("签收", "分派", "督办")
STAGE_ALIASES = {"派发": "分派", "派单": "分派", "转办": "分派"}

# yes / no, passed / failed as people type them
YES = frozenset({"是", "有", "y", "yes", "true", "1", "√", "医学", "同意"})
NO = frozenset({"否", "无", "n", "no", "false", "0", "×", "非医学", "不同意"})
PASSED = frozenset({"通过", "合格", "pass", "passed", "是", "√"})
FAILED = frozenset({"未通过", "不合格", "fail", "failed", "否", "×"})

# register fields: key -> label (the /staffinfo keys and the XLSX header)
FIELD_LABELS = {
    "hire_date": "入职日期",
    "leave_date": "离职日期",
    "leave_approved": "委方同意离职",
    "education": "学历",
    "major": "专业",
    "medical": "医学专业",
    "onboarding_date": "入职培训日期",
    "exam_passed": "考试结果",
}
FIELD_ALIASES = {"入职": "hire_date", "离职": "leave_date", "同意离职": "leave_approved",
                 "同意": "leave_approved", "医学": "medical", "培训": "onboarding_date",
                 "入职培训": "onboarding_date", "考试": "exam_passed", "考核": "exam_passed"}
DATE_FIELDS = frozenset({"hire_date", "leave_date", "onboarding_date"})
BOOL_FIELDS = frozenset({"leave_approved", "medical"})

# register file columns (export writes them in this order; import needs the first one)
COL_TG, COL_NAME = "TG号", "姓名"
REGISTER_COLUMNS = (COL_TG, COL_NAME, *FIELD_LABELS.values())
# optional columns of the register file: a member's contact for the alert channels (admins')
COL_PHONE, COL_EMAIL = "手机", "邮箱"
CONTACT_COLUMNS = {COL_PHONE: "phone", COL_EMAIL: "email"}

# the training form (labelled lines, like a pasted ticket)
TRAINING_LABELS = {"日期": "held_on", "类型": "kind", "主题": "topic", "参加人员": "attendees",
                   "参加": "attendees", "外部参加": "external", "效果跟踪": "follow_up",
                   "跟踪": "follow_up"}
