from datetime import datetime

import pytest

from bot.config import DEFAULT_TZ as SHANGHAI
from bot.services.reference.data import Reference
from bot.services.tickets.fields import ParsedTicket, parse_field
from bot.services.tickets.labels import (
    FIELD_LABELS_ZH,
    LABEL_SYNONYMS,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
)
from bot.services.tickets.paste import parse_ticket_text
from bot.services.tickets.values import parse_datetime
from bot.texts.tickets import FIELD_PROMPTS_ZH, field_problem

FULL = """工单编号：2026112500123
来电时间：2026-11-25 09:12
来电人：张三
联系电话：138 0013 8000
诉求类型：投诉
问题分类：医疗服务/服务态度
承办单位：朝阳医院
紧急程度：一般
地址：朝阳区某某路1号
诉求内容：市民反映在门诊就医时医生态度生硬。
时间：上午
希望核实处理。
办理时限：2026-12-02 18:00
"""


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def parse(text: str, ref: Reference, now: datetime):
    return parse_ticket_text(text, reference=ref, now=now)


def test_full_block(ref: Reference, now: datetime) -> None:
    res = parse(FULL, ref, now)
    t = res.ticket
    assert res.errors == []
    assert res.complete
    assert t.platform_no == "2026112500123"
    assert t.received_at == at(2026, 11, 25, 9, 12)
    assert t.citizen_name == "张三"
    assert t.phone == "13800138000"
    assert t.request_type == "投诉"
    assert (t.category_l1, t.category_l2) == ("医疗服务", "服务态度")
    assert t.unit == "首都医科大学附属北京朝阳医院"
    assert t.urgency == "一般"
    assert t.address == "朝阳区某某路1号"
    assert t.content == "市民反映在门诊就医时医生态度生硬。\n时间：上午\n希望核实处理。"
    assert t.platform_deadline == at(2026, 12, 2, 18, 0)
    assert t.extra_phones == []
    assert t.missing() == []


def test_ascii_colons_spaces_blank_lines_and_command(ref: Reference, now: datetime) -> None:
    text = "/new\n\n  工单编号 : 2026112500123  \n\n来电人:  张三\n联系电话 ：13800138000\n\n" \
           "诉求类型:投诉\n问题分类 : 医疗服务 / 服务态度\n承办单位:朝阳医院\n紧急程度 : 紧急\n" \
           "诉求内容 :  有人反映\n\n第二段\n\n"
    res = parse(text, ref, now)
    assert res.errors == []
    t = res.ticket
    assert t.platform_no == "2026112500123" and t.citizen_name == "张三"
    assert t.urgency == "紧急" and t.content == "有人反映\n\n第二段"
    assert t.missing() == []


def test_bracket_style_and_tabs(ref: Reference, now: datetime) -> None:
    text = "【工单编号】2026112500123\n【来电人】：李四\n联系电话\t13900139000\n【诉求内容】内容"
    t = parse(text, ref, now).ticket
    assert (t.platform_no, t.citizen_name, t.phone, t.content) == (
        "2026112500123", "李四", "13900139000", "内容")


@pytest.mark.parametrize(
    ("field", "value", "attr", "expected"),
    [
        ("platform_no", "2026112500123", "platform_no", "2026112500123"),
        ("citizen_name", "王五", "citizen_name", "王五"),
        ("phone", "13800138000", "phone", "13800138000"),
        ("content", "一些诉求", "content", "一些诉求"),
        ("unit", "朝阳医院", "unit", "首都医科大学附属北京朝阳医院"),
        ("category", "控烟/室内吸烟", "category_l1", "控烟"),
        ("request_type", "咨询", "request_type", "咨询"),
        ("urgency", "涉稳", "urgency", "涉稳"),
        ("address", "朝阳区望京街1号", "address", "朝阳区望京街1号"),
        ("received_at", "2026-11-25 08:00", "received_at", at(2026, 11, 25, 8, 0)),
        ("industry", "医疗卫生", "industry", "医疗卫生"),
        ("platform_deadline", "2026-12-01 12:00", "platform_deadline", at(2026, 12, 1, 12)),
    ],
)
def test_every_label_synonym(ref: Reference, now: datetime, field: str, value: str, attr: str,
                             expected: object) -> None:
    for label in LABEL_SYNONYMS[field]:
        for colon in ("：", ":"):
            t = parse(f"{label}{colon}{value}", ref, now).ticket
            assert getattr(t, attr) == expected, (label, colon)


def test_multi_line_content_keeps_colon_lines_until_next_known_label(
    ref: Reference, now: datetime
) -> None:
    text = "诉求内容：\n第一行\n时间：上午十点\n  缩进的行\n\n最后一行\n紧急程度：一般\n备注：尽快"
    t = parse(text, ref, now).ticket
    assert t.content == "第一行\n时间：上午十点\n  缩进的行\n\n最后一行\n备注：尽快"
    assert t.urgency == "一般"


def test_unknown_labels_and_loose_lines_are_kept_in_content(ref: Reference, now: datetime) -> None:
    text = "来源：12345热线\n工单编号：ABC-123456\n诉求内容：反映问题\n办理时限：2026-12-01\n" \
           "回复要求: 电话回复"
    t = parse(text, ref, now).ticket
    assert t.content == "反映问题\n来源：12345热线\n回复要求: 电话回复"
    assert t.platform_deadline == at(2026, 12, 1, 23, 59)


def test_text_without_labels_becomes_content(ref: Reference, now: datetime) -> None:
    res = parse("市民反映某诊所无证行医", ref, now)
    assert res.ticket.content == "市民反映某诊所无证行医"
    assert res.ticket.missing() == [f for f in REQUIRED_FIELDS if f != "content"]


def test_value_on_the_next_line(ref: Reference, now: datetime) -> None:
    t = parse("来电人：\n张三\n联系电话：\n13800138000", ref, now).ticket
    assert (t.citizen_name, t.phone) == ("张三", "13800138000")


def test_several_pairs_on_one_line(ref: Reference, now: datetime) -> None:
    t = parse("来电人：张三  联系电话：13800138000，诉求类型：求助 诉求内容：内容 电话：x",
              ref, now).ticket
    assert (t.citizen_name, t.phone, t.request_type) == ("张三", "13800138000", "求助")
    assert t.content == "内容 电话：x"


def test_repeated_label_does_not_overwrite(ref: Reference, now: datetime) -> None:
    t = parse("来电人：张三\n姓名：李四", ref, now).ticket
    assert t.citizen_name == "张三"
    assert t.content == "姓名：李四"


def test_missing_fields_in_order(ref: Reference, now: datetime) -> None:
    res = parse("来电人：张三\n承办单位：朝阳医院", ref, now)
    assert res.errors == []
    assert res.ticket.missing() == [
        "platform_no", "phone", "request_type", "category", "urgency", "content"]
    assert not res.complete
    assert res.ticket.received_at is None  # no 来电时间 line: counted from logging
    assert ParsedTicket().missing() == list(REQUIRED_FIELDS)


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-13800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("010-65001234", "01065001234"),
        ("(010)6500 1234", "01065001234"),
        ("65001234", "01065001234"),
        ("+86 10 6500 1234", "01065001234"),
    ],
)
def test_valid_phones(ref: Reference, now: datetime, raw: str, expected: str) -> None:
    from bot.services.tickets.values import normalize_phone

    assert normalize_phone(raw) == expected
    assert parse(f"联系电话：{raw}", ref, now).ticket.phone == expected
    assert parse_field("phone", raw, reference=ref, now=now) == (expected, None)


@pytest.mark.parametrize(
    "raw", ["1380013", "12800138000", "138001380001", "022-23456789", "01065001", "12345",
            "abc", "+1 650 253 0000", "05001234"],
)
def test_invalid_phones(ref: Reference, now: datetime, raw: str) -> None:
    res = parse(f"联系电话：{raw}", ref, now)
    assert res.ticket.phone is None
    assert [e.field for e in res.errors] == ["phone"]
    assert field_problem(res.errors[0]) == \
        f"联系电话“{raw}”不是有效的手机号或北京固话，请核对后重新输入。"
    assert "phone" in res.ticket.missing()
    value, error = parse_field("phone", raw, reference=ref, now=now)
    assert value is None and error


def test_several_phones_first_valid_is_primary(ref: Reference, now: datetime) -> None:
    text = "联系电话：123，138 0013 8000、010-65001234；13900139000\n诉求内容：内容"
    res = parse(text, ref, now)
    t = res.ticket
    assert res.errors == []
    assert t.phone == "13800138000"
    assert t.extra_phones == ["01065001234", "13900139000"]
    assert t.content == "内容\n其他联系电话：01065001234、13900139000、123"


def test_space_separated_phones(ref: Reference, now: datetime) -> None:
    t = parse("手机：13800138000 13900139000", ref, now).ticket
    assert (t.phone, t.extra_phones) == ("13800138000", ["13900139000"])


# ---------------------------------------------------------------- other fields


def test_invalid_values_produce_clear_errors(ref: Reference, now: datetime) -> None:
    text = "工单编号：12#4\n诉求类型：抱怨\n紧急程度：超级\n问题分类：天气/下雨\n" \
           "承办单位：火星医院\n来电时间：昨天\n行业：航天\n诉求内容：内容"
    res = parse(text, ref, now)
    fields = {e.field: field_problem(e) for e in res.errors}
    assert set(fields) == {"platform_no", "request_type", "urgency", "category", "unit",
                           "received_at", "industry"}
    assert "投诉、举报、求助、咨询、建议、表扬" in fields["request_type"]
    assert "一般、急、重点、紧急、涉稳" in fields["urgency"]
    assert "请按“一级分类/二级分类”输入" in fields["category"]
    assert fields["unit"].startswith("承办单位“火星医院”未找到。您要找的是不是：")
    assert "2026-11-25 09:12" in fields["received_at"]
    t = res.ticket
    assert t.missing() == ["platform_no", "citizen_name", "phone", "request_type", "category",
                           "unit", "urgency", "received_at"]
    # a bad time is asked again (never "now"); other optional fields that failed are kept
    # in the content; required ones are asked again
    assert t.content == "内容\n行业：航天"
    assert t.received_at is None and t.recheck == {"received_at"}


def test_unit_error_lists_nearest(ref: Reference, now: datetime) -> None:
    value, error = parse_field("unit", "安贞", reference=ref, now=now)
    assert value is None
    assert error is not None
    words = field_problem(error)
    assert "首都医科大学附属北京安贞医院" in words and "安贞社区卫生服务中心" in words


def test_category_level_two_missing(ref: Reference, now: datetime) -> None:
    value, error = parse_field("category", "医疗服务", reference=ref, now=now)
    assert value is None
    assert error is not None and "医疗服务/服务态度" in field_problem(error)


def test_category_field_returns_tuple(ref: Reference, now: datetime) -> None:
    assert parse_field("category", "医德医风>收受红包", reference=ref, now=now) == (
        ("医德医风", "收受红包"), None)
    ticket = ParsedTicket()
    ticket.apply("category", ("医德医风", "收受红包"))
    assert "category" not in ticket.missing()


@pytest.mark.parametrize("value", ["abc-12345", "ab12", "x" * 33, "12345 678#"])
def test_platform_number(ref: Reference, now: datetime, value: str) -> None:
    result, error = parse_field("platform_no", value, reference=ref, now=now)
    if value == "abc-12345":
        assert (result, error) == ("ABC-12345", None)
    else:
        assert result is None and error and "6–32位" in field_problem(error)


def test_name_validation(ref: Reference, now: datetime) -> None:
    assert parse_field("citizen_name", " 张先生 ", reference=ref, now=now) == ("张先生", None)
    assert parse_field("citizen_name", "张三13800138000", reference=ref, now=now)[0] is None
    assert parse_field("citizen_name", "名" * 21, reference=ref, now=now)[0] is None


def test_required_empty_and_optional_empty(ref: Reference, now: datetime) -> None:
    value, error = parse_field("content", "  ", reference=ref, now=now)
    assert value is None and error and field_problem(error) == "诉求内容不能为空，请重新输入。"
    assert parse_field("address", "", reference=ref, now=now) == (None, None)
    error = parse_field("nonsense", "x", reference=ref, now=now)[1]
    assert error and field_problem(error) == "未知字段：nonsense"


def test_empty_label_is_missing_not_error(ref: Reference, now: datetime) -> None:
    res = parse("工单编号：\n来电人：", ref, now)
    assert res.errors == []
    assert res.ticket.platform_no is None


def test_prompts_and_labels_cover_all_fields() -> None:
    for name in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        assert FIELD_PROMPTS_ZH[name].startswith("请输入")
        assert FIELD_LABELS_ZH[name]


# ---------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-25 09:12", at(2026, 11, 25, 9, 12)),
        ("2026-11-25 09:12:30", at(2026, 11, 25, 9, 12, 30)),
        ("2026/11/25 9:12", at(2026, 11, 25, 9, 12)),
        ("2026.11.25 9:12", at(2026, 11, 25, 9, 12)),
        ("2026年11月25日 09时12分", at(2026, 11, 25, 9, 12)),
        ("2026年11月25日09时12分30秒", at(2026, 11, 25, 9, 12, 30)),
        ("2026年11月25日 下午3点", at(2026, 11, 25, 15, 0)),
        ("2026年11月25日 上午9点半", at(2026, 11, 25, 9, 30)),
        ("11-25 09:12", at(2026, 11, 25, 9, 12)),
        ("11月25日 9:12", at(2026, 11, 25, 9, 12)),
        ("2026-11-25", at(2026, 11, 25, 0, 0)),
        ("09:12", at(2026, 11, 25, 9, 12)),
        ("2026-11-25T01:12:00+00:00", at(2026, 11, 25, 9, 12)),
        ("２０２６－１１－２５　０９：１２", at(2026, 11, 25, 9, 12)),
        ("2026/11/25 14:30", at(2026, 11, 25, 14, 30)),
        ("11月25日14时30分", at(2026, 11, 25, 14, 30)),
        ("11月25日14时3分", at(2026, 11, 25, 14, 3)),
        ("11月25日 14时", at(2026, 11, 25, 14, 0)),
        ("11月25日14点05", at(2026, 11, 25, 14, 5)),
        ("2026年11月25日 14:30", at(2026, 11, 25, 14, 30)),
        ("2026年11月25日14:30", at(2026, 11, 25, 14, 30)),
        ("11-25 14:30", at(2026, 11, 25, 14, 30)),
    ],
)
def test_time_formats(now: datetime, raw: str, expected: datetime) -> None:
    got = parse_datetime(raw, now=now)
    assert got == expected
    assert got is not None and got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "raw", ["昨天", "2026-13-01 09:00", "2026-02-30", "25:99", "", "11-25 25:00",
            "2026/11/25 14:3", "2026-11-24 25:99", "14时3", "9:5", "2026-11-25 14",
            "11月25日14时3", "2026-11-25 14:30:5"]
)
def test_bad_times(now: datetime, raw: str) -> None:
    assert parse_datetime(raw, now=now) is None


def test_year_inference_around_new_year() -> None:
    jan = at(2027, 1, 2, 8, 0)
    assert parse_datetime("12-31 23:00", now=jan) == at(2026, 12, 31, 23, 0)
    dec = at(2026, 12, 30, 8, 0)
    assert parse_datetime("01-05", now=dec, end_of_day=True) == at(2027, 1, 5, 23, 59)


def test_times_are_read_in_the_zone_of_now() -> None:
    from zoneinfo import ZoneInfo

    urumqi = ZoneInfo("Asia/Urumqi")
    got = parse_datetime("2026-11-25 09:12", now=datetime(2026, 11, 25, 10, tzinfo=urumqi))
    assert got == datetime(2026, 11, 25, 9, 12, tzinfo=urumqi)
    with pytest.raises(ValueError, match="aware"):  # no zone to read it in
        parse_datetime("2026-11-25 09:12", now=datetime(2026, 11, 25, 10))


def test_future_received_time_and_early_deadline(ref: Reference, now: datetime) -> None:
    res = parse("来电时间：2027-01-01 09:00\n办理时限：2026-11-20 18:00", ref, now)
    fields = {e.field for e in res.errors}
    assert fields == {"received_at", "platform_deadline"}
    assert res.ticket.platform_deadline is None
