"""Which unit handles a demo ticket of a category, from the packaged reference data."""

from __future__ import annotations

import random
from collections.abc import Callable

from bot.services.reference.data import load_reference
from bot.services.reports.demo.content import OTHER


class UnitPicker:
    """Hospitals for medical care, the supervision institute for public hygiene, community
    health centres for vaccination, sections of the commission for the rest."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        ref = load_reference()
        self.categories = ref.categories
        kind: dict[str, list[str]] = {}
        for u in ref.units:
            kind.setdefault(u.kind, []).append(u.name)
        self.hospitals = kind.get("医院", ["朝阳医院"])
        chc = kind.get("社区卫生服务中心", ["社区卫生服务中心"])
        cdc = (kind.get("疾控中心") or ["疾控中心"])[0]
        supervision = (kind.get("监督所") or ["卫生监督所"])[0]
        sections = {u.name for u in ref.units if u.kind == "科室"}

        def sec(name: str) -> str:
            return name if name in sections else next(iter(sorted(sections)), name)

        emergency = next((h for h in self.hospitals if "急救" in h), self.hospitals[0])
        mch = next((h for h in self.hospitals if "妇幼" in h), self.hospitals[0])
        # a few large hospitals take most hospital tickets
        self.hospital_weights = [max(1, 12 - i) for i in range(len(self.hospitals))]
        hospital = self.hospital
        self.unit_for: dict[str, Callable[[], str]] = {
            "医疗服务": hospital, "预约挂号": hospital, "医德医风": hospital, "医疗纠纷": hospital,
            "疫苗接种": lambda: rng.choice(chc) if rng.random() < 0.8 else cdc,
            "出生医学证明": lambda: mch, "母婴保健": lambda: mch,
            "计划生育奖励扶助": lambda: sec("人口家庭科"),
            "控烟": lambda: supervision, "公共场所卫生": lambda: supervision,
            "生活饮用水": lambda: supervision, "医疗美容与非法行医": lambda: supervision,
            "院前急救120": lambda: emergency, "职业健康": lambda: sec("职业健康科"),
            "老年健康与医养结合": lambda: rng.choice(chc) if rng.random() < 0.6
            else sec("老龄健康科"),
            "传染病防控": lambda: cdc, "执业注册": lambda: sec("医政医管科"),
            OTHER: lambda: sec("办公室"),
        }

    def hospital(self) -> str:
        return self.rng.choices(self.hospitals, weights=self.hospital_weights)[0]

    def unit(self, category: str) -> str:
        return self.unit_for.get(category, self.hospital)()

    def category_l2(self, category: str) -> str:
        """A second-level category: mostly a specific one, sometimes the catch-all last."""
        l2s = self.categories.get(category) or [OTHER]
        return self.rng.choice(l2s[:-1] or l2s) if self.rng.random() < 0.9 else l2s[-1]
