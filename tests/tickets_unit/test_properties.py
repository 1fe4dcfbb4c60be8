"""Property tests: the paste parser survives any input and keeps content intact."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.tickets.fields import ParseResult, parse_field
from bot.services.tickets.paste import parse_ticket_text
from bot.texts.tickets import field_problem
from tests.tickets_unit.helpers import NOW, REFERENCE

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LABELY = st.sampled_from([
    "工单编号", "来电人", "联系电话", "诉求类型", "问题分类", "承办单位", "紧急程度", "诉求内容",
    "内容", "地址", "办理时限", "来电时间", "【工单编号】", "未知标签", "时间",
])
LINE = st.one_of(
    st.text(max_size=40),
    st.builds(lambda lab, colon, val: f"{lab}{colon}{val}", LABELY,
              st.sampled_from(["：", ":", " : ", "\t", ""]), st.text(max_size=30)),
)


@given(st.text())
@PROPS
def test_never_raises_on_arbitrary_text(text: str) -> None:
    res = parse_ticket_text(text, reference=REFERENCE, now=NOW)
    assert isinstance(res, ParseResult)
    assert res.errors or res.ticket is not None
    assert isinstance(res.ticket.missing(), list)


@given(st.lists(LINE, max_size=15))
@PROPS
def test_never_raises_on_label_soup(lines: list[str]) -> None:
    res = parse_ticket_text("\n".join(lines), reference=REFERENCE, now=NOW)
    for error in res.errors:
        assert field_problem(error) and error.field
    if res.ticket.received_at is not None:
        assert res.ticket.received_at.tzinfo is not None


@given(field=st.sampled_from(["platform_no", "citizen_name", "phone", "request_type", "category",
                              "unit", "urgency", "content", "address", "received_at", "industry",
                              "platform_deadline"]),
       value=st.text(max_size=60))
@PROPS
def test_parse_field_never_raises(field: str, value: str) -> None:
    result, error = parse_field(field, value, reference=REFERENCE, now=NOW)
    assert result is None or error is None


SPECIAL = st.sampled_from(
    ["<", ">", "&", "*", "_", "😀", "🏥", "<b>", "&amp;", "__", "**", "👍🏻"]
)
PLAIN = st.text(
    alphabet=st.characters(codec="utf-8", blacklist_categories=["Cc", "Cs", "Zl", "Zp", "Zs"],
                           blacklist_characters="：:\t【】[]"),
    max_size=10,
)


@given(st.lists(st.one_of(SPECIAL, PLAIN), min_size=1, max_size=12).map("".join)
       .filter(lambda s: s.strip() == s and s != ""))
@PROPS
def test_special_characters_survive_in_content(body: str) -> None:
    text = f"工单编号：2026112500123\n诉求内容：{body}\n紧急程度：一般"
    res = parse_ticket_text(text, reference=REFERENCE, now=NOW)
    assert res.ticket.content == body


@given(st.lists(st.one_of(SPECIAL, PLAIN), min_size=1, max_size=8).map("".join)
       .filter(lambda s: s.strip() == s and s != ""), st.integers(min_value=1, max_value=4))
@PROPS
def test_multiline_special_content_survives(body: str, lines: int) -> None:
    block = "\n".join([body] * lines)
    text = f"诉求内容：\n{block}\n承办单位：朝阳医院"
    res = parse_ticket_text(text, reference=REFERENCE, now=NOW)
    assert res.ticket.content == block
    assert res.ticket.unit == "首都医科大学附属北京朝阳医院"
