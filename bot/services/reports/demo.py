"""Synthetic tickets so a new user can try every report (`python -m bot demo-data`).

Deterministic for a seed. The mix follows a district health commission's hotline: categories
and units from the packaged reference data, request types, urgency, seasonality (flu-vaccine
autumn, winter and summer infectious disease, the Spring Festival dip), office-hour peaks,
repeat callers (一人多反映) and bursts of many callers about one problem (多人反映同一问题).
Demo tickets are numbered ``DEMO<year><seq>``; a database holding any other ticket is "real"
and refused unless forced. Rows go in with SQLAlchemy Core ``insert()`` in chunks.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from bot.clock import SHANGHAI
from bot.services.reference.data import load_reference
from models.ticket import Ticket

PREFIX = "DEMO"
CHUNK = 5000

CATEGORY_WEIGHTS = {
    "医疗服务": 28, "预约挂号": 10, "疫苗接种": 7, "医德医风": 5, "出生医学证明": 5,
    "计划生育奖励扶助": 5, "母婴保健": 4, "控烟": 5, "公共场所卫生": 3, "生活饮用水": 3,
    "医疗美容与非法行医": 4, "院前急救120": 3, "职业健康": 2, "老年健康与医养结合": 4,
    "传染病防控": 4, "执业注册": 2, "医疗纠纷": 4, "其他": 3,
}
MONTH_WEIGHTS = (0.95, 0.7, 1.0, 1.0, 1.0, 1.05, 1.15, 1.15, 1.05, 1.1, 1.15, 1.05)
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 11, 8, 10, 13, 13, 12, 10, 7, 6, 5, 4, 3, 2)
SEASONAL = {"疫苗接种": {9: 2.0, 10: 2.4, 11: 2.0}, "传染病防控": {1: 1.8, 2: 1.6, 12: 1.8,
                                                        7: 1.5, 8: 1.5}}
TYPE_BY_CATEGORY = {
    "医疗服务": {"投诉": 60, "咨询": 20, "求助": 10, "建议": 5, "表扬": 5},
    "医德医风": {"投诉": 70, "举报": 25, "建议": 5},
    "医疗美容与非法行医": {"举报": 70, "投诉": 20, "咨询": 10},
    "控烟": {"举报": 75, "投诉": 20, "建议": 5},
}
DEFAULT_TYPES = {"咨询": 40, "投诉": 30, "求助": 15, "建议": 10, "表扬": 5}
INDUSTRY = {"计划生育奖励扶助": "计划生育", "母婴保健": "妇幼健康", "出生医学证明": "妇幼健康",
            "老年健康与医养结合": "老龄健康", "职业健康": "职业健康", "传染病防控": "公共卫生",
            "疫苗接种": "公共卫生", "控烟": "公共卫生", "公共场所卫生": "公共卫生",
            "生活饮用水": "公共卫生", "其他": "其他"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍建华红梅志强海燕春"
PLACES = ("望京西园", "酒仙桥北路", "劲松八区", "团结湖北里", "潘家园南里", "双井富力城",
          "呼家楼西里", "三里屯南路", "八里庄东里", "十八里店小武基", "东坝家园", "常营保利",
          "管庄北一里", "亚运村安慧里", "安贞西里", "太阳宫芍药居", "来广营清河营", "大屯北苑")
DEPTS = ("门诊", "急诊", "儿科", "妇产科", "口腔科", "眼科", "检验科", "放射科", "收费处",
         "住院部", "药房", "挂号处", "发热门诊", "预防接种门诊")

TEMPLATES: dict[str, list[str]] = {
    "医疗服务": [
        "{who}在{unit}{dept}就诊时，医生{bad}，{detail}，要求医院核实并给予合理解释。",
        "{who}{when}带孩子到{unit}{dept}看病，排队{n}个小时仍未就诊，{detail}。",
        "{who}在{unit}{dept}缴费后检查结果迟迟未出，{detail}，希望医院改进流程。",
    ],
    "预约挂号": [
        "{who}通过挂号平台预约{unit}{dept}专家号，连续{n}天显示无号，怀疑号源被号贩子占用。",
        "{who}在{unit}退号后费用{n}天未退回，{detail}。",
    ],
    "疫苗接种": [
        "{who}在{place}附近社区卫生服务中心预约流感疫苗，电话一直无人接听，{detail}。",
        "{who}咨询孩子{n}月龄疫苗接种安排，{unit}预约已满，希望增加接种名额。",
    ],
    "医德医风": [
        "{who}反映{unit}{dept}医生收取患者家属红包，{detail}，要求严肃处理。",
        "{who}称{unit}{dept}工作人员推诿患者，拒绝接诊，{detail}。",
    ],
    "出生医学证明": [
        "{who}咨询孩子出生医学证明信息有误如何更正，{unit}称需{n}个工作日，{detail}。",
        "{who}办理出生医学证明补发，多次往返{unit}未能办结，{detail}。",
    ],
    "计划生育奖励扶助": [
        "{who}咨询独生子女父母奖励申领条件，所在街道告知材料不全，{detail}。",
        "{who}反映计划生育家庭特别扶助金{n}个月未到账，{detail}。",
    ],
    "母婴保健": [
        "{who}家住{place}，在{unit}建档后第{n}次产检预约困难，{detail}。",
        "{who}反映{place}母婴室设施损坏长期无人维修，{detail}。",
    ],
    "控烟": [
        "{who}举报{place}一家餐厅室内有人吸烟无人劝阻，{detail}。",
        "{who}反映{place}写字楼楼道内长期有人吸烟，烟味很大，{detail}。",
    ],
    "公共场所卫生": [
        "{who}反映{place}一家美容店卫生条件差，毛巾重复使用，{detail}。",
        "{who}称{place}游泳馆水质浑浊，{detail}，要求监督部门检查。",
    ],
    "生活饮用水": [
        "{who}反映{place}小区自来水发黄有异味已{n}天，{detail}，要求检测水质。",
        "{who}称{place}二次供水水箱长期未清洗，{detail}。",
    ],
    "医疗美容与非法行医": [
        "{who}举报{place}一家工作室无资质开展注射美容，{detail}。",
        "{who}反映{place}有人在居民楼内开设无证诊所，{detail}。",
    ],
    "院前急救120": [
        "{who}反映拨打120后救护车{n}十分钟才到达{place}，{detail}。",
        "{who}从{place}转运到{unit}，对120收费{n}百元有异议，{detail}。",
    ],
    "职业健康": [
        "{who}在{place}附近一家{dept}工厂工作，单位{n}年未组织职业健康检查，{detail}。",
        "{who}家住{place}，咨询到{unit}做职业病诊断的流程，{detail}。",
    ],
    "老年健康与医养结合": [
        "{who}反映家中老人在{place}签约家庭医生后无人上门随访，{detail}。",
        "{who}咨询{place}附近医养结合机构收费标准，{detail}。",
    ],
    "传染病防控": [
        "{who}反映{place}小区蚊虫较多，希望开展病媒生物消杀，{detail}。",
        "{who}称{unit}发热门诊排队时间过长，{detail}。",
    ],
    "执业注册": [
        "{who}是{place}一家诊所的医师，咨询执业注册变更到{unit}的办理时限，{detail}。",
        "{who}在{unit}工作，护士执业注册网上申请{n}天未审核，{detail}。",
    ],
    "医疗纠纷": [
        "{who}称家属在{unit}手术后出现并发症，对治疗结果有异议，{detail}，要求调解。",
        "{who}{when}到{unit}{dept}申请复印病历被拒绝，{detail}。",
    ],
    "其他": [
        "{who}来电表扬{unit}{dept}医护人员{when}服务热情周到，家住{place}。",
        "{who}家住{place}，咨询{unit}的{dept}相关卫生健康政策，{detail}。",
    ],
}
WHO = ("市民", "来电人", "市民来电", "诉求人", "患者家属", "居民")
WHEN = ("今天上午", "昨天下午", "本周一", "上周末", "近日")
BAD = ("态度恶劣", "不耐心解释", "说话难听", "敷衍了事", "问诊草率")
DETAILS = ("多次沟通无果", "至今没有答复", "影响正常生活", "给家人带来很大困扰", "情绪比较激动",
           "已向医院反映但未解决", "希望尽快处理", "对处理结果不满意", "希望相关部门督促落实",
           "曾拨打医院电话无人接听")
BURSTS = (
    ("生活饮用水",
     "{place}小区自来水发黄浑浊并有异味，已持续多日，住户无法正常饮用，要求尽快检测水质"),
    ("疫苗接种",
     "{place}社区卫生服务中心流感疫苗预约电话长期占线，现场排队也约不上，要求增加接种名额"),
    ("控烟", "{place}某网吧室内大量顾客吸烟，烟雾弥漫，经营者不劝阻不制止，要求执法检查"),
    ("传染病防控", "{place}小区垃圾站周边蚊蝇老鼠泛滥，气味难闻，要求尽快开展病媒生物消杀"),
    ("医疗服务", "{unit}儿科夜间急诊只有一名医生值班，候诊超过四个小时，患儿高烧无人处置"),
    ("预约挂号", "{unit}专家号在挂号平台开放即被抢空，疑似号贩子囤号倒卖，要求严厉打击"),
    ("医疗美容与非法行医", "{place}底商一家美容店无医疗资质开展玻尿酸注射，多名顾客出现红肿"),
    ("院前急救120", "{place}一带拨打120后救护车迟迟不到，等待超过四十分钟，延误病人救治"),
)
FILLER = ("", "请尽快处理。", "希望给个说法。", "多次反映未果。", "周边邻居都有同样情况。",
          "情况紧急。", "望相关部门重视。")


@dataclass(frozen=True)
class DemoResult:
    inserted: int
    first_no: str
    last_no: str


class RealTicketsError(RuntimeError):
    pass


def real_ticket_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Ticket.__table__).where(
            Ticket.__table__.c.platform_no.not_like(f"{PREFIX}%"))).scalar_one())


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Gen:
    def __init__(self, seed: int, tz: tzinfo) -> None:
        self.rng = random.Random(seed)
        self.tz = tz
        ref = load_reference()
        self.categories = ref.categories
        units = ref.units
        kind: dict[str, list[str]] = {}
        for u in units:
            kind.setdefault(u.kind, []).append(u.name)
        self.hospitals = kind.get("医院", ["朝阳医院"])
        self.chc = kind.get("社区卫生服务中心", ["社区卫生服务中心"])
        self.cdc = (kind.get("疾控中心") or ["疾控中心"])[0]
        self.supervision = (kind.get("监督所") or ["卫生监督所"])[0]
        sections = {u.name for u in units if u.kind == "科室"}

        def sec(name: str) -> str:
            return name if name in sections else next(iter(sorted(sections)), name)

        emergency = next((h for h in self.hospitals if "急救" in h), self.hospitals[0])
        mch = next((h for h in self.hospitals if "妇幼" in h), self.hospitals[0])
        self.unit_for: dict[str, Callable[[], str]] = {
            "医疗服务": self._hospital, "预约挂号": self._hospital, "医德医风": self._hospital,
            "医疗纠纷": self._hospital,
            "疫苗接种": lambda: self.rng.choice(self.chc) if self.rng.random() < 0.8 else self.cdc,
            "出生医学证明": lambda: mch, "母婴保健": lambda: mch,
            "计划生育奖励扶助": lambda: sec("人口家庭科"),
            "控烟": lambda: self.supervision, "公共场所卫生": lambda: self.supervision,
            "生活饮用水": lambda: self.supervision, "医疗美容与非法行医": lambda: self.supervision,
            "院前急救120": lambda: emergency, "职业健康": lambda: sec("职业健康科"),
            "老年健康与医养结合": lambda: self.rng.choice(self.chc)
            if self.rng.random() < 0.6 else sec("老龄健康科"),
            "传染病防控": lambda: self.cdc, "执业注册": lambda: sec("医政医管科"),
            "其他": lambda: sec("办公室"),
        }
        # a few large hospitals take most hospital tickets
        self.hospital_weights = [max(1, 12 - i) for i in range(len(self.hospitals))]
        self.repeaters = [self._phone() for _ in range(2000)]
        self.repeater_names = [self._name() for _ in self.repeaters]
        self.repeater_cats = [_weighted(self.rng, CATEGORY_WEIGHTS) for _ in self.repeaters]

    def _hospital(self) -> str:
        return self.rng.choices(self.hospitals, weights=self.hospital_weights)[0]

    def _phone(self) -> str:
        return "1" + self.rng.choice("3578") + "".join(self.rng.choices("0123456789", k=9))

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice(
            (1, 2, 2))))

    def _content(self, cat: str, unit: str) -> str:
        rng = self.rng
        tpl = rng.choice(TEMPLATES.get(cat) or TEMPLATES["其他"])
        short = unit.replace("北京市朝阳区", "").replace("首都医科大学附属", "")
        return tpl.format(who=rng.choice(WHO), unit=short, dept=rng.choice(DEPTS),
                          bad=rng.choice(BAD), detail=rng.choice(DETAILS),
                          n=rng.randint(2, 9), place=rng.choice(PLACES), when=rng.choice(WHEN))

    def times(self, n: int, start: datetime, end: datetime) -> list[datetime]:
        """n receipt times between start and end with month, weekday and hour patterns."""
        rng = self.rng
        days = []
        d = start
        while d < end:
            w = MONTH_WEIGHTS[d.month - 1] * (0.75 if d.weekday() >= 5 else 1.0)
            days.append((d, w))
            d += timedelta(days=1)
        picks = rng.choices([x for x, _ in days], weights=[w for _, w in days], k=n)
        hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=n)
        out = []
        for day, h in zip(picks, hours, strict=True):
            t = day.replace(hour=h, minute=rng.randrange(60), second=rng.randrange(60))
            out.append(min(t, end - timedelta(seconds=1)))
        out.sort()
        return out

    def ticket(self, no: str, at: datetime, now: datetime, *, cat: str | None = None,
               content: str | None = None, phone: str | None = None, name: str | None = None,
               unit: str | None = None) -> dict[str, Any]:
        rng = self.rng
        if cat is None:
            weights = {k: v * SEASONAL.get(k, {}).get(at.month, 1.0)
                       for k, v in CATEGORY_WEIGHTS.items()}
            cat = _weighted(rng, weights)
        l2s = self.categories.get(cat) or ["其他"]
        cat2 = rng.choice(l2s[:-1] or l2s) if rng.random() < 0.9 else l2s[-1]
        unit = unit or self.unit_for.get(cat, self._hospital)()
        content = content or self._content(cat, unit)
        rtype = _weighted(rng, TYPE_BY_CATEGORY.get(cat, DEFAULT_TYPES))
        urg_r = rng.random()
        urgency = ("涉稳" if urg_r < 0.004 else "紧急" if urg_r < 0.015 else
                   "重点" if urg_r < 0.04 else "急" if urg_r < 0.12 else "一般")
        fast = urgency in ("紧急", "涉稳")
        sign_by = at + timedelta(minutes=30 if fast else 120)
        contact_by = at + timedelta(hours=2 if fast else 24)
        complete_by = at + timedelta(days=1 if fast else 7)
        row: dict[str, Any] = {
            "platform_no": no, "received_at": at, "citizen_name": name or self._name(),
            "phone": phone or self._phone(), "address": f"朝阳区{rng.choice(PLACES)}"
            f"{rng.randint(1, 30)}号楼", "request_type": rtype, "category_l1": cat,
            "category_l2": cat2, "unit": unit, "industry": INDUSTRY.get(cat, "医疗卫生"),
            "urgency": urgency, "complex_case": False, "content": content,
            "platform_deadline": None, "status": "待签收", "handler_id": None,
            "created_by": None, "created_at": at, "updated_at": at, "sign_by": sign_by,
            "contact_by": contact_by, "first_feedback_by": None, "complete_by": complete_by,
            "deadlines_provisional": False, "policy_class": "demo", "signed_at": None,
            "contacted_at": None, "dispatched_at": None, "feedback_at": None,
            "callback_at": None, "closed_at": None, "dispatched_units": "", "copied_to": "",
            "solved": None, "satisfaction": None, "callback_reached": None,
            "extension_count": 0, "supervise_count": 0, "repeat_count": 0, "repeat_refs": "",
            "similar_refs": "",
        }
        self._progress(row, at, now, fast)
        return row

    def _progress(self, row: dict[str, Any], at: datetime, now: datetime, fast: bool) -> None:
        """Move the ticket along the workflow as far as `now` allows."""
        rng = self.rng
        steps: list[tuple[str, datetime]] = []
        t = at + timedelta(minutes=rng.randint(3, 25) if rng.random() < 0.95 else
                           rng.randint(130, 600))
        if rng.random() < 0.03:  # 退回: not this commission's duty
            if t <= now:
                row.update(status="退回", signed_at=None, updated_at=t)
            return
        steps.append(("signed_at", t))
        t2 = t + timedelta(minutes=rng.randint(5, 60))
        steps.append(("dispatched_at", t2))
        contact = at + (timedelta(minutes=rng.randint(20, 100)) if fast else
                        timedelta(hours=rng.uniform(1, 20)))
        if rng.random() < 0.06:
            contact += timedelta(hours=30)
        if contact <= now:
            row["contacted_at"] = contact
        extend = rng.random() < 0.05
        long_open = rng.random() < 0.01  # stays with the unit: a long-standing problem
        fb = t2 + timedelta(days=rng.uniform(0.2, 1 if fast else 6.5))
        if rng.random() < 0.05:
            fb += timedelta(days=rng.uniform(1, 5))
        if not long_open:
            cb = fb + timedelta(hours=rng.uniform(2, 40))
            close = cb + timedelta(hours=rng.uniform(0.5, 8))
            steps += [("feedback_at", fb), ("callback_at", cb), ("closed_at", close)]
        status_after = {"signed_at": "已签收", "dispatched_at": "已派发", "feedback_at": "已反馈",
                        "callback_at": "已回访", "closed_at": "已办结"}
        for field_name, when in steps:
            if when > now:
                break
            row[field_name] = when
            row["status"] = status_after[field_name]
            row["updated_at"] = max(row["updated_at"], when)
        if row["dispatched_at"]:
            row["dispatched_units"] = row["unit"]
        if extend and row["dispatched_at"]:
            row["extension_count"] = 1
            row["complete_by"] = row["complete_by"] + timedelta(days=7)
        if row["callback_at"]:
            reached = rng.random() < 0.88
            row["callback_reached"] = reached
            if reached:
                solved = rng.random() < 0.78
                r = rng.random()
                sat = ("满意" if r < (0.82 if solved else 0.25) else
                       "基本满意" if r < (0.95 if solved else 0.55) else "不满意")
                row.update(solved=solved, satisfaction=sat)
                if not solved and rng.random() < 0.3:
                    row["supervise_count"] = 1
                    if row["status"] == "已回访":
                        row["status"] = "督办"


def generate(engine: Engine, *, tickets: int, year: int, now: datetime, seed: int = 12345,
             force: bool = False, tz: tzinfo = SHANGHAI,
             progress: Callable[[int], None] | None = None) -> DemoResult:
    """Insert `tickets` synthetic tickets received in `year` (up to `now`)."""
    if not force and real_ticket_count(engine):
        raise RealTicketsError("数据库中已有真实工单，拒绝写入演示数据（确需写入请加 --force）。")
    start = datetime(year, 1, 1, tzinfo=tz)
    end = min(datetime(year + 1, 1, 1, tzinfo=tz), now)
    if end <= start:
        raise ValueError(f"{year} 年尚未开始。")
    gen = _Gen(seed + year, tz)
    c = Ticket.__table__.c
    with engine.connect() as conn:
        last = conn.execute(select(func.max(c.platform_no)).where(
            c.platform_no.like(f"{PREFIX}{year}%"))).scalar_one()
    first_seq = int(last[len(PREFIX) + 4:]) + 1 if last else 1
    nos = iter(range(first_seq, first_seq + tickets))
    rows = _rows(gen, tickets, start, end, now, year, nos)
    inserted = 0
    first_no = last_no = ""
    stmt = insert(Ticket.__table__)
    chunk: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                conn.execute(stmt, chunk)
                inserted += len(chunk)
                first_no = first_no or chunk[0]["platform_no"]
                last_no = chunk[-1]["platform_no"]
                chunk = []
                if progress:
                    progress(inserted)
        if chunk:
            conn.execute(stmt, chunk)
            inserted += len(chunk)
            first_no = first_no or chunk[0]["platform_no"]
            last_no = chunk[-1]["platform_no"]
    return DemoResult(inserted, first_no, last_no)


def _rows(gen: _Gen, n: int, start: datetime, end: datetime, now: datetime, year: int,
          nos: Iterator[int]) -> Iterator[dict[str, Any]]:
    rng = gen.rng
    n_burst = max(1, n // 1500) if n >= 200 else 0
    burst_sizes = [rng.randint(4, 25) for _ in range(n_burst)]
    n_repeat = n // 25 if n >= 100 else 0
    n_callers = max(5, min(len(gen.repeaters), n // 200))
    caller_weights = [1 / (i + 1) ** 0.5 for i in range(n_callers)]
    n_plain = max(0, n - sum(burst_sizes) - n_repeat)
    plan: list[tuple[datetime, Any]] = [(t, None) for t in gen.times(n_plain, start, end)]
    for size in burst_sizes:  # 多人反映同一问题: several callers, a few days
        cat, text = rng.choice(BURSTS)
        unit = gen.unit_for.get(cat, gen._hospital)()
        text = text.format(place=rng.choice(PLACES),
                           unit=unit.replace("北京市朝阳区", "").replace("首都医科大学附属", ""))
        t0 = gen.times(1, start, end)[0]
        for _ in range(size):
            t = min(t0 + timedelta(hours=rng.uniform(0, 24 * 10)), end - timedelta(seconds=1))
            plan.append((t, ("burst", cat, text, unit)))
    for _ in range(n_repeat):  # 一人多反映: a pool of frequent callers, each on their topic
        i = rng.choices(range(n_callers), weights=caller_weights)[0]
        t = gen.times(1, start, end)[0]
        plan.append((t, ("repeat", i)))
    plan.sort(key=lambda x: x[0])
    for seq, (at, what) in zip(nos, plan, strict=False):
        no = f"{PREFIX}{year}{seq:07d}"
        if what is None:
            yield gen.ticket(no, at, now)
        elif what[0] == "burst":
            _, cat, text, unit = what
            words = [rng.choice(WHO), "反映", text, rng.choice(FILLER)]
            yield gen.ticket(no, at, now, cat=cat, content="".join(words), unit=unit)
        else:
            i = what[1]
            row = gen.ticket(no, at, now, cat=gen.repeater_cats[i], phone=gen.repeaters[i],
                             name=gen.repeater_names[i])
            row["repeat_count"] = 1
            yield row
