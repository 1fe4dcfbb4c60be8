"""The masker: secrets in random writings and positions never survive; ordinary numbers do."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.masker import Secrets, digits_of, mask, mask_name, mask_phone, shadow

SEPARATORS = [" ", "-", ".", "/", "_", "　", "－", "·"]
TRADITIONAL = {"张": "張", "丰": "豐", "陈": "陳", "刘": "劉", "华": "華", "国": "國",
               "东": "東", "伟": "偉", "杨": "楊", "赵": "趙", "吴": "吳", "孙": "孫"}
NAMES = ["张三丰", "陈小华", "刘国伟", "杨东", "赵敏", "吴孙华", "欧阳修远"]
FILLER = st.text(alphabet="医院反映态度差请尽快处理已联系科室患者家属情况说明，。；的了在和与及",
                 max_size=20)


def fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if ch.isdigit() else ch


@st.composite
def written_number(draw: st.DrawFn, digits: str) -> str:
    """The digits with random full-width digits and random separators between them."""
    out = []
    for i, d in enumerate(digits):
        out.append(fullwidth(d) if draw(st.booleans()) else d)
        if i < len(digits) - 1 and draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(SEPARATORS)))
    return "".join(out)


@st.composite
def written_name(draw: st.DrawFn, name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        out.append(TRADITIONAL.get(ch, ch) if draw(st.booleans()) else ch)
        if i < len(name) - 1 and draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from([" ", "·", "."])))
    return "".join(out)


mobiles = st.builds(lambda p, rest: "1" + p + rest, st.sampled_from("3456789"),
                    st.text(alphabet="0123456789", min_size=9, max_size=9))


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["110105", "110108", "130102", "320106"]))
    born = date(1940, 1, 1) + timedelta(days=draw(st.integers(0, 30000)))
    tail = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    check = draw(st.sampled_from("0123456789X"))
    if draw(st.booleans()):
        return region + born.strftime("%Y%m%d") + tail + check
    return region + born.strftime("%y%m%d") + tail  # the old 15-digit form


cards = st.builds(lambda n, rest: "62" + rest[: n - 2], st.integers(16, 19),
                  st.text(alphabet="0123456789", min_size=17, max_size=17))


def digit_runs(text: str) -> list[str]:
    """Digits of each number in the text, separators inside a number ignored."""
    sh = shadow(text)
    runs = re.findall(r"[0-9](?:[\s\-－—–./_·()（）]{0,2}[0-9])*", sh)
    return [re.sub(r"\D", "", r) for r in runs]


def leaks(secret_digits: str, text: str) -> bool:
    windows = {secret_digits[i:i + 8] for i in range(len(secret_digits) - 7)}
    return any(w in run for run in digit_runs(text) for w in windows)


def name_survives(name: str, text: str) -> bool:
    flat = re.sub(r"[\s·.]", "", shadow(text))
    return name in flat


@settings(max_examples=300, deadline=None)
@given(phone=mobiles, data=st.data(), before=FILLER, after=FILLER,
       prefix=st.sampled_from(["", "+86", "+86 ", "0086", "(", "电话："]))
def test_a_known_phone_never_survives(phone: str, data: st.DataObject, before: str,
                                      after: str, prefix: str) -> None:
    text = before + prefix + data.draw(written_number(phone)) + after
    out = mask(text, Secrets.of(phones=[phone]))
    assert not leaks(phone, out), (text, out)


@settings(max_examples=300, deadline=None)
@given(phone=mobiles, data=st.data(), before=FILLER, after=FILLER)
def test_an_unknown_mobile_never_survives(phone: str, data: st.DataObject, before: str,
                                          after: str) -> None:
    text = before + "，" + data.draw(written_number(phone)) + "，" + after
    out = mask(text)
    assert not leaks(phone, out), (text, out)


@settings(max_examples=300, deadline=None)
@given(number=st.one_of(id_numbers(), cards), data=st.data(), before=FILLER, after=FILLER)
def test_ids_and_cards_never_survive(number: str, data: st.DataObject, before: str,
                                     after: str) -> None:
    text = before + "号码" + data.draw(written_number(number)) + "。" + after
    out = mask(text)
    assert not leaks(number, out), (text, out)
    kept = digits_of(out)
    assert number[-4:].replace("X", "") in kept or number[-4:] in out  # the tail stays


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(NAMES), data=st.data(), before=FILLER, after=FILLER)
def test_a_known_name_never_survives_in_any_writing(name: str, data: st.DataObject,
                                                    before: str, after: str) -> None:
    text = before + data.draw(written_name(name)) + after
    out = mask(text, Secrets.of(names=[name]))
    assert not name_survives(name, out), (text, out)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(NAMES), label=st.sampled_from(["来电人", "姓名：", "联系人 ", "患者"]),
       after=FILLER)
def test_a_name_after_a_label_is_masked_without_knowing_it(name: str, label: str,
                                                           after: str) -> None:
    out = mask(label + name + "，" + after)
    assert not name_survives(name, out), out


def test_ordinary_numbers_stay_readable() -> None:
    text = ("工单编号 2026112500123，2026-11-25 14:30 来电，20261125 登记，罚款 50000 元，"
            "共 12 件，¥1,234.50，第 3 次，编号 GD202611250001")
    assert mask(text) == text


def test_the_tickets_own_number_stays_even_when_card_shaped() -> None:
    out = mask("工单 6222021234567890 已登记", Secrets.of(keep=["6222021234567890"]))
    assert "6222021234567890" in out


def test_examples_read_well() -> None:
    s = Secrets.of(["张三丰"], ["13812345678"])
    assert mask("来电人张三丰13812345678情绪激动", s) == "来电人张**138****5678情绪激动"
    assert mask("身份证 110105 19900307 1234") == "身份证 110105 ******** 1234"
    assert mask("邮箱 zhangsan@example.com") == "邮箱 z***@example.com"
    assert mask_name("张三") == "张*" and mask_phone("13800138000") == "138****8000"


def test_masking_is_idempotent() -> None:
    s = Secrets.of(["张三丰"], ["13812345678"])
    once = mask("张三丰 138 1234 5678 110105199003071234", s)
    assert mask(once, s) == once
