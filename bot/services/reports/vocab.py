"""The reports' domain vocabulary: the urgency, request-type and satisfaction names stored in
tickets, in the order reports list them, and the names given to empty values. Data, not
sentences: the renderers show them as they are."""

from __future__ import annotations

KEY_URGENCIES = ("重点", "紧急", "涉稳")  # 重点案件: key cases in every report
URGENCY_ORDER = ("一般", "急", "重点", "紧急", "涉稳")
TYPE_ORDER = ("投诉", "举报", "求助", "咨询", "建议", "表扬")
SATISFACTION = ("满意", "基本满意", "不满意")  # the callback's three answers, best first
EMPTY = "（空）"  # a dimension (category, unit…) left blank
NO_INDUSTRY = "未填写"  # the industry left blank
