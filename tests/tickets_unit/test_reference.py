from pathlib import Path

import pytest
import yaml

from bot.services.reference.data import Reference, default_reference_path, load_reference
from bot.services.reference.problems import ReferenceDataError
from bot.services.reference.units import UNIT_KINDS, Unit
from bot.texts.admin import reference_error


def test_packaged_file_loads_and_is_valid(ref: Reference) -> None:
    assert ref.problems() == []
    assert len(ref.units) >= 40
    assert {u.kind for u in ref.units} <= set(UNIT_KINDS)
    assert ref.request_types == ["投诉", "举报", "求助", "咨询", "建议", "表扬"]
    assert ref.urgencies == ["一般", "急", "重点", "紧急", "涉稳"]
    assert set(ref.alert_urgencies) == {"重点", "紧急", "涉稳"}
    assert all(ref.urgency_descriptions[u] for u in ref.urgencies)
    for l1 in ("医疗服务", "医德医风", "预约挂号", "疫苗接种", "出生医学证明", "计划生育奖励扶助",
               "母婴保健", "控烟", "公共场所卫生", "生活饮用水", "医疗美容与非法行医",
               "院前急救120", "职业健康", "老年健康与医养结合", "传染病防控", "执业注册",
               "医疗纠纷", "其他"):
        assert ref.categories[l1], l1


def test_units_have_sections_and_no_personal_data(ref: Reference) -> None:
    sections = {u.name for u in ref.units if u.kind == "科室"}
    assert {"办公室", "医政医管科", "基层卫生科", "综合监督科"} <= sections
    for unit in ref.units:
        assert unit.section in sections
        assert not any(ch.isdigit() for ch in unit.contact + unit.leader), unit.name
    centre = ref.unit("望京社区卫生服务中心")
    assert centre is not None and centre.kind == "社区卫生服务中心"
    assert centre.section == "基层卫生科"
    assert any(u.name == "望京社区卫生服务中心" for u in ref.units_in_section("基层卫生科"))


def test_round_trip_through_dict(ref: Reference) -> None:
    again = Reference.from_dict(ref.to_dict())
    assert again == ref
    unit = ref.units[0]
    assert Unit.from_dict(unit.to_dict()) == unit


def test_load_explicit_path(tmp_path: Path, ref: Reference) -> None:
    path = tmp_path / "ref.yaml"
    path.write_text(yaml.safe_dump(ref.to_dict(), allow_unicode=True), encoding="utf-8")
    assert load_reference(path) == ref
    assert load_reference(default_reference_path()) == ref


def _minimal() -> dict:
    return {
        "units": [
            {"name": "医政医管科", "kind": "科室", "aliases": ["医政科"], "contact": "联络员",
             "leader": "科长", "section": "医政医管科"},
            {"name": "某医院", "kind": "医院", "aliases": [], "contact": "联络员",
             "leader": "分管副院长", "section": "医政医管科"},
        ],
        "categories": {"医疗服务": ["服务态度", "其他"]},
        "industries": ["医疗卫生"],
        "request_types": ["投诉"],
        "urgencies": [{"name": "一般", "description": "常规"}],
    }


def test_minimal_dict_is_valid() -> None:
    ref = Reference.from_dict(_minimal())
    assert ref.match_unit("医政科").value == "医政医管科"


def test_duplicate_unit_name_is_reported_with_entry() -> None:
    data = _minimal()
    data["units"].append(dict(data["units"][1]))
    with pytest.raises(ReferenceDataError) as exc:
        Reference.from_dict(data)
    assert "units 第3项“某医院”" in reference_error(exc.value)
    assert "重复" in reference_error(exc.value)


def test_alias_clash_is_reported() -> None:
    data = _minimal()
    data["units"][1]["aliases"] = ["医政科"]
    with pytest.raises(ReferenceDataError) as exc:
        Reference.from_dict(data)
    assert "医政科" in reference_error(exc.value)


def test_missing_fields_and_bad_kind_are_reported() -> None:
    data = _minimal()
    del data["units"][1]["section"]
    data["units"][1]["kind"] = "诊所"
    with pytest.raises(ReferenceDataError) as exc:
        Reference.from_dict(data)
    text = reference_error(exc.value)
    assert "“某医院”：缺少字段 section" in text
    assert "kind“诊所”无效" in text


def test_unknown_section_and_alias_target_are_reported() -> None:
    data = _minimal()
    data["units"][1]["section"] = "不存在科"
    data["urgency_aliases"] = {"特急": "非常急"}
    with pytest.raises(ReferenceDataError) as exc:
        Reference.from_dict(data)
    assert "不存在科" in reference_error(exc.value)
    assert "urgency_aliases“特急”" in reference_error(exc.value)


def test_bad_shapes_are_reported_not_crashing(tmp_path: Path) -> None:
    def problems(call) -> str:  # type: ignore[no-untyped-def]
        with pytest.raises(ReferenceDataError) as exc:
            call()
        return reference_error(exc.value)

    assert "文件顶层应为键值映射" in problems(lambda: Reference.from_dict(["not", "a"]))
    text = problems(lambda: Reference.from_dict({"units": "x", "categories": {"a": "b"}}))
    assert "units：应为承办单位列表" in text and "categories“a”：二级分类应为列表" in text
    bad = tmp_path / "bad.yaml"
    bad.write_text("units: [\n", encoding="utf-8")
    assert "YAML" in problems(lambda: load_reference(bad))
    assert "无法读取" in problems(lambda: load_reference(tmp_path / "missing.yaml"))


def test_every_problem_of_a_file_names_its_line(tmp_path: Path, ref: Reference) -> None:
    data = _minimal()
    data["units"][1]["kind"] = "诊所"
    data["units"][1]["phone"] = "x"
    path = tmp_path / "ref.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    line = next(i for i, text in enumerate(path.read_text("utf-8").splitlines(), 1)
                if "某医院" in text)
    with pytest.raises(ReferenceDataError) as exc:
        load_reference(path)
    assert reference_error(exc.value) == (
        f"参考数据有误：\n- units 第2项“某医院”：未知字段 phone（第 {line} 行）")
    del data["units"][1]["phone"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(ReferenceDataError) as exc:
        load_reference(path)
    assert reference_error(exc.value) == (
        f"参考数据有误：\n- units 第2项“某医院”：kind“诊所”无效，"
        f"应为 科室/医院/社区卫生服务中心/监督所/疾控中心/其他（第 {line} 行）")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("首都医科大学附属北京朝阳医院", "首都医科大学附属北京朝阳医院"),
        ("朝阳医院", "首都医科大学附属北京朝阳医院"),
        ("北京市朝阳区疾病预防控制中心", "北京市朝阳区疾病预防控制中心"),
        ("朝阳区疾病预防控制中心", "北京市朝阳区疾病预防控制中心"),
        ("朝阳疾控", "北京市朝阳区疾病预防控制中心"),
        ("卫生监督所", "北京市朝阳区卫生健康监督所"),
        ("医政科", "医政医管科"),
        ("中日友好", "中日友好医院"),
        ("望京社区卫生中心", "望京社区卫生服务中心"),
        ("北京市朝阳区望京社区卫生服务中心", "望京社区卫生服务中心"),
        ("朝阳医院京西院区", "首都医科大学附属北京朝阳医院"),
        ("  朝阳 医院 ", "首都医科大学附属北京朝阳医院"),
    ],
)
def test_match_unit(ref: Reference, text: str, expected: str) -> None:
    assert ref.match_unit(text).value == expected


@pytest.mark.parametrize("text", ["安贞", "疾控", "朝阳区医院"])
def test_ambiguous_unit_gives_suggestions(ref: Reference, text: str) -> None:
    res = ref.match_unit(text)
    assert res.value is None
    assert len(res.suggestions) >= 2


def test_unknown_unit_still_suggests_something(ref: Reference) -> None:
    res = ref.match_unit("火星第一人民医院")
    assert res.value is None
    assert res.suggestions and all(ref.unit(s) for s in res.suggestions)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("医疗服务/服务态度", ("医疗服务", "服务态度")),
        ("医疗服务-服务态度", ("医疗服务", "服务态度")),
        ("医疗服务>服务态度", ("医疗服务", "服务态度")),
        ("医疗服务／服务态度", ("医疗服务", "服务态度")),
        ("医疗服务 > 服务态度", ("医疗服务", "服务态度")),
        ("医疗服务服务态度", ("医疗服务", "服务态度")),
        ("医疗服/服务态度", ("医疗服务", "服务态度")),
        ("医疗服务/收费", ("医疗服务", "收费问题")),
        ("收受红包", ("医德医风", "收受红包")),
        ("医美/非法诊所", ("医疗美容与非法行医", "非法诊所")),
        ("120-急救响应", ("院前急救120", "急救响应")),
        ("疫苗 / 预约接种", ("疫苗接种", "预约接种")),
    ],
)
def test_match_category(ref: Reference, text: str, expected: tuple[str, str]) -> None:
    assert ref.match_category(text).value == expected


def test_category_level_one_only_lists_level_two(ref: Reference) -> None:
    res = ref.match_category("医疗服务")
    assert res.value is None and res.l1_only and res.l1 == "医疗服务"
    assert "医疗服务/服务态度" in res.suggestions


def test_unknown_category_lists_only_close_options(ref: Reference) -> None:
    """Issue 14: at most 5 close categories, never all 18 (nothing close: none)."""
    res = ref.match_category("天气/下雨")
    assert res.value is None and not res.l1_only
    assert res.suggestions == []
    near = ref.match_category("医疗/态度")
    assert near.value is None and 0 < len(near.suggestions) <= 5
    assert "医疗服务/服务态度" in near.suggestions


@pytest.mark.parametrize(
    ("method", "text", "expected"),
    [
        ("match_request_type", "投诉", "投诉"),
        ("match_request_type", "投诉举报", "投诉"),
        ("match_request_type", "咨询类", "咨询"),
        ("match_request_type", "意见建议", "建议"),
        ("match_request_type", "感谢", "表扬"),
        ("match_urgency", "急", "急"),
        ("match_urgency", "紧急", "紧急"),
        ("match_urgency", "重点案件", "重点"),
        ("match_urgency", "涉稳", "涉稳"),
        ("match_urgency", "普通", "一般"),
        ("match_industry", "医疗卫生", "医疗卫生"),
        ("match_industry", "计生", "计划生育"),
    ],
)
def test_match_simple_choices(ref: Reference, method: str, text: str, expected: str) -> None:
    assert getattr(ref, method)(text).value == expected


def test_unknown_choice_lists_all_options(ref: Reference) -> None:
    res = ref.match_urgency("超级急")
    assert res.value is None and res.suggestions == ref.urgencies


def test_every_unit_name_and_alias_matches_its_unit(ref: Reference) -> None:
    for unit in ref.units:
        for key in (unit.name, *unit.aliases):
            assert ref.match_unit(key).value == unit.name, key


def test_every_category_pair_round_trips(ref: Reference) -> None:
    for l1, l2s in ref.categories.items():
        for l2 in l2s:
            for sep in ("/", "-", ">", " / "):
                assert ref.match_category(f"{l1}{sep}{l2}").value == (l1, l2), (l1, sep, l2)
