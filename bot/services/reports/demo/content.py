"""The words of the demo tickets: the phrase banks in `bot/data/demo_tickets.yaml` and the
composer that builds a ticket's content, a unit's feedback or a reason from them.

A ticket is composed of several phrases drawn independently (opening, time, what happened, a
detail, the demand), each filled with its own place, unit, department, relative and numbers.
Two tickets of one category therefore share a sentence now and then but rarely most of their
words — as real callers do — so the report's "多人反映同一问题" groups are the bursts that were
meant as such, not templates that happen to coincide.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.configfiles.errors import ConfigFileError
from bot.configfiles.yaml_source import YamlSource

CONTENT_FILE = Path(__file__).resolve().parents[3] / "data" / "demo_tickets.yaml"
#: The catch-all category: its phrases serve categories that have none of their own.
OTHER = "其他"
#: Request types told as something that happened (the others ask, suggest or praise).
INCIDENT_TYPES = frozenset({"投诉", "举报", "求助"})
#: Slots drawn from a list of the content, and numbers (low, high, step).
_BANKS = {"dept": "depts", "rel": "relatives", "disease": "diseases", "surgery": "surgeries",
          "drug": "drugs", "check": "checks"}
_NUMBERS = {"n": (2, 9, 1), "money": (3, 300, 10), "age": (60, 92, 1), "kid": (1, 12, 1),
            "hour": (7, 22, 1), "minute": (10, 59, 1), "queue": (10, 300, 1),
            "tail": (1000, 9999, 1)}
#: ``[a|b|c]`` in a phrase: several wordings of one thing (staff write them differently).
_CHOICE = re.compile(r"\[([^\[\]]+)\]")


class DemoContent(BaseModel):
    """The words of the demo tickets (`bot/data/demo_tickets.yaml`); order matters (seeded)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = 2
    category_weights: dict[str, int]
    seasonal: dict[str, dict[int, float]]
    type_by_category: dict[str, dict[str, int]]
    default_types: dict[str, int]
    industry: dict[str, str]
    default_industry: str
    surnames: str
    given: str
    areas: list[str]
    estates: list[str]
    address: str
    depts: list[str]
    unit_prefixes: list[str]
    relatives: list[str]
    elders: list[str]
    children: list[str]
    diseases: list[str]
    drugs: list[str]
    checks: list[str]
    surgeries: list[str]
    staff_titles: list[str]
    brand_chars: str
    shops: list[str]
    schools: list[str]
    openers: list[str]
    backgrounds: list[str]
    residents: list[str]
    resident_categories: list[str]
    specifics: list[str]
    asides: list[str]
    whens: list[str]
    events: dict[str, list[str]]
    details: list[str]
    demands: list[str]
    topics: dict[str, list[str]]
    asks: list[str]
    contexts: list[str]
    suggestions: dict[str, list[str]]
    reasons: list[str]
    praises: list[str]
    praise_details: list[str]
    thanks: list[str]
    bursts: list[tuple[str, str]]
    filler: list[str]
    nags: list[str]
    feedback_process: list[str]
    feedback_result: list[str]
    feedback_follow: list[str]
    return_reasons: list[str]
    extend_reasons: list[str]
    supervise_reasons: list[str]


@lru_cache(maxsize=1)
def content() -> DemoContent:
    """The packaged demo content, read once."""
    return YamlSource(CONTENT_FILE, ConfigFileError).validate(DemoContent)


class Words:
    """Draws names, phone numbers and texts from the content with one seeded generator."""

    def __init__(self, rng: random.Random, c: DemoContent) -> None:
        self.rng, self.c = rng, c

    def name(self) -> str:
        return self.rng.choice(self.c.surnames) + "".join(self.rng.choices(
            self.c.given, k=self.rng.choice((1, 2, 2))))

    def phone(self) -> str:
        return "1" + self.rng.choice("3578") + "".join(self.rng.choices("0123456789", k=9))

    def place(self) -> str:
        return self.rng.choice(self.c.areas) + self.rng.choice(self.c.estates)

    def address(self) -> str:
        return self.c.address.format(place=self.place(), n=self.rng.randint(1, 30))

    def short(self, unit: str) -> str:
        """The unit's name as callers say it (without the district or university prefix)."""
        for prefix in self.c.unit_prefixes:
            unit = unit.replace(prefix, "")
        return unit

    def fill(self, text: str, *, unit: str, at: datetime) -> str:
        """Pick one wording of each ``[a|b|c]`` and fill the slots, each with its own draw
        (a slot named twice in one text has one value)."""
        text = _CHOICE.sub(lambda m: self.rng.choice(m.group(1).split("|")), text)
        return text.format_map(_Slots(self, unit=unit, at=at))

    def slot(self, key: str, slots: Mapping[str, object]) -> object:
        """One slot's value; relatives named by kind follow the relative already named."""
        rng, c = self.rng, self.c
        if key in _BANKS:
            return rng.choice(getattr(c, _BANKS[key]))
        if key in _NUMBERS:
            lo, hi, step = _NUMBERS[key]
            return rng.randint(lo, hi) * step
        rel = slots.get("rel")
        match key:
            case "place":
                return self.place()
            case "elder":
                return rel if rel in c.elders else rng.choice(c.elders)
            case "child":
                return rel if rel in c.children else rng.choice(c.children)
            case "doc":
                return self.name() + rng.choice(c.staff_titles)
            case "room":
                return rng.randint(1, 25) * 100 + rng.randint(1, 6)
            case "name":
                return self.name()
            case "shop" | "school" | "shop_name":
                return self._brand({"shop": c.shops, "school": c.schools}.get(key, [""]))
        raise KeyError(key)

    def _brand(self, kinds: list[str]) -> str:
        """A shop's or school's name: two characters of a trade name and the kind."""
        return "".join(self.rng.sample(self.c.brand_chars, 2)) + self.rng.choice(kinds)

    def _background(self, cat: str) -> str:
        """Who is calling: where they live or work, and for medical matters the patient."""
        c = self.c
        medical = cat not in c.resident_categories and self.rng.random() < 0.7
        return self.rng.choice(c.backgrounds if medical else c.residents)

    def content(self, cat: str, rtype: str, *, unit: str, at: datetime) -> str:
        """What a caller of this category and request type says."""
        rng, c = self.rng, self.c
        opener = rng.choice(c.openers)
        about = f"{self._background(cat)}，" if rng.random() < 0.7 else ""
        about += f"{rng.choice(c.asides)}，"
        if rtype in INCIDENT_TYPES:
            event = rng.choice(c.events.get(cat) or c.events[OTHER])
            about = f"{self._background(cat)}，"
            more = "".join(f"{x}，" for x in rng.sample(c.specifics, 2))
            first, second = rng.sample(c.details, 2)
            text = (f"{opener}：{{when}}，{about}{event}，{more}{first}，{second}。"
                    f"{rng.choice(c.demands)}。")
        elif rtype == "咨询":
            topic = rng.choice(c.topics.get(cat) or c.topics[OTHER])
            why = f"{rng.choice(c.contexts)}，" if rng.random() < 0.6 else ""
            text = f"{opener}，{about}{why}咨询{topic}，{rng.choice(c.asks)}。"
        elif rtype == "建议":
            idea = rng.choice(c.suggestions.get(cat) or c.suggestions[OTHER])
            text = f"{opener}：{about}{idea}，{rng.choice(c.reasons)}。"
        else:  # 表扬
            text = (f"市民{rng.choice(c.praises)}，{about}{rng.choice(c.praise_details)}，"
                    f"{rng.choice(c.thanks)}。")
        return self.fill(text, unit=unit, at=at)

    def burst(self, text: str) -> str:
        """One of several callers about the same problem: the shared sentence, own framing."""
        return f"{self.rng.choice(self.c.openers)}：{text}。{self.rng.choice(self.c.filler)}"

    def follow_up(self, original: str, first_at: datetime) -> str:
        """The same caller again about an earlier ticket that is not settled yet."""
        said = original.split("：", 1)[-1]
        return (f"{self.rng.choice(self.c.openers)}：{first_at.month}月{first_at.day}日反映的问题"
                f"至今未解决，{self.rng.choice(self.c.nags)}。原诉求：{said}")

    def feedback(self, unit: str, at: datetime) -> str:
        """A unit's feedback with the four parts the workflow requires."""
        rng, c = self.rng, self.c
        process = self.fill(rng.choice(c.feedback_process), unit=unit, at=at)
        return (f"背景：{self.short(unit)}收到工单后高度重视。过程：{process}。"
                f"结果：{rng.choice(c.feedback_result)}。后续：{rng.choice(c.feedback_follow)}。")

    def reason(self, bank: list[str]) -> str:
        return self.rng.choice(bank)


class _Slots(dict[str, object]):
    """The slot values of one text, drawn when the text first names them."""

    def __init__(self, words: Words, *, unit: str, at: datetime) -> None:
        super().__init__(unit=words.short(unit))
        self.words, self.at = words, at

    def __missing__(self, key: str) -> object:
        if key in ("when", "date"):
            rng = self.words.rng
            day = self.at - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
            value: object = rng.choice(self.words.c.whens).format(
                date=f"{day.month}月{day.day}日") if key == "when" else f"{day.month}月{day.day}日"
        else:
            value = self.words.slot(key, self)
        self[key] = value
        return value
