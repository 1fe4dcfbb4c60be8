"""Synthetic ticket text for benchmarks: varied phrases of a health-commission hotline."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

PLACES = ["朝阳医院", "中日友好医院", "安贞医院", "垂杨柳医院", "望京社区卫生服务中心",
          "劲松社区卫生服务中心", "朝阳区妇幼保健院", "双井社区卫生服务中心", "某口腔诊所",
          "某美容院", "小区游泳馆", "某餐馆", "某药店", "朝阳区疾控中心", "区急救中心"]
PROBLEMS = [
    "挂号时工作人员态度恶劣", "医生接诊时推诿患者", "门诊收费与公示价格不一致",
    "检查结果迟迟拿不到",
    "预约不上狂犬疫苗", "新生儿出生医学证明办理慢", "独生子女父母奖励费未发放",
    "餐厅内有人吸烟无人劝阻", "美容院无资质开展注射项目", "120救护车到达太慢",
    "小区二次供水水质发黄", "游泳池水浑浊有异味", "社区医院家庭医生签约后无人服务",
    "医院停车难排队时间长", "医生收受红包", "孩子入学查验预防接种证补种困难",
    "老人体检报告错误", "职业病诊断申请无人受理", "发热门诊候诊时间过长", "药品断供买不到",
]
ASKS = ["要求核实处理", "希望尽快解决", "要求给予答复", "要求相关部门加强监管", "要求退费并道歉",
        "希望改进服务", "要求查处", "咨询办理流程"]
CATEGORIES = [
    ("医疗服务", "服务态度"), ("医疗服务", "诊疗质量"), ("医疗服务", "收费问题"),
    ("疫苗接种", "疫苗预约"), ("出生医学证明", "办理"), ("计划生育奖励扶助", "奖励发放"),
    ("控烟", "公共场所吸烟"), ("医疗美容与非法行医", "非法行医"),
    ("院前急救120", "急救时效"), ("生活饮用水", "二次供水"),
]
TYPES = ["投诉", "投诉", "投诉", "举报", "求助", "咨询", "咨询", "建议"]
URGENCIES = ["一般"] * 18 + ["急", "重点"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def content(rng: random.Random) -> str:
    place = rng.choice(PLACES)
    return (f"市民来电反映，{rng.choice(['近日', '今天上午', '上周', '多次'])}在{place}"
            f"{rng.choice(PROBLEMS)}，{rng.choice(PROBLEMS)}，{rng.choice(ASKS)}。")


def ticket_rows(n: int, *, start: datetime, days: int, seed: int = 7,
                prefix: str = "B") -> list[dict[str, Any]]:
    """Rows for a bulk insert into `ticket` (core insert), spread over `days` days."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        at = start + timedelta(seconds=rng.randrange(days * 86400))
        l1, l2 = rng.choice(CATEGORIES)
        rows.append({
            "platform_no": f"{prefix}{i:09d}", "received_at": at,
            "citizen_name": rng.choice(SURNAMES) + "先生",
            "phone": f"139{rng.randrange(10**8):08d}",
            "address": f"朝阳区{rng.choice(PLACES)}附近", "request_type": rng.choice(TYPES),
            "category_l1": l1, "category_l2": l2, "unit": rng.choice(PLACES),
            "industry": "医疗卫生",
            "urgency": rng.choice(URGENCIES), "complex_case": False, "content": content(rng),
            "status": rng.choice(["待签收", "已签收", "已派发", "已反馈", "已办结", "已办结"]),
            "created_at": at, "updated_at": at, "complete_by": at + timedelta(days=7),
            "deadlines_provisional": False, "policy_class": "一般", "dispatched_units": "",
            "copied_to": "", "extension_count": 0, "supervise_count": 0, "repeat_count": 0,
            "repeat_refs": "", "similar_refs": "",
        })
    return rows
