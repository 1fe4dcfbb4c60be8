from __future__ import annotations

from knowledge_base import normalize as nz
from knowledge_base.frames import split_tokens


def test_full_width_becomes_half_width_and_lower_case() -> None:
    assert nz.normalize("ＨＰＶ疫苗１２０") == "hpv疫苗120"


def test_traditional_becomes_simplified() -> None:
    assert nz.normalize("出生證明丟了怎麼補辦") == "出生证明丢了怎么补办"
    assert nz.normalize("醫療糾紛") == "医疗纠纷"
    assert nz.normalize("吸菸") == "吸烟"


def test_punctuation_whitespace_and_emoji_are_stripped() -> None:
    assert nz.normalize("  出生，医学！证明？😀 <>&*_ \n") == "出生医学证明"
    assert nz.normalize("（医调委）") == "医调委"
    assert nz.normalize("") == ""
    assert nz.normalize("😀 ！？") == ""


def test_simplified_text_is_unchanged() -> None:
    text = "孩子打疫苗在哪里预约"
    assert nz.to_simplified(text) == text


def test_segmentation_uses_domain_dictionary() -> None:
    words = nz.segment("出生医学证明丢失了怎么补办")
    assert "出生医学证明" in words
    assert "预防接种" in nz.precise_tokens("孩子预防接种去哪里")
    assert "独生子女" in nz.segment("独生子女父母奖励")
    assert "计划生育" in nz.precise_tokens("计划生育家庭特别扶助")


def test_stop_words_removed() -> None:
    # issue 15: question frames are intents, not stop words (frames.split_tokens)
    assert split_tokens(nz.precise_tokens("孩子打疫苗在哪里预约")) == (
        ["孩子", "打疫苗", "预约"], {"where"})
    assert split_tokens(nz.precise_tokens("怎么办")) == ([], {"remedy"})
    assert split_tokens(nz.precise_tokens("想吐")) == (["想", "吐"], set())  # whole tokens


def test_pinyin_and_initials() -> None:
    assert nz.syllables("出生医学证明") == ["chu", "sheng", "yi", "xue", "zheng", "ming"]
    assert nz.initials("出生医学证明") == "csyxzm"
    assert nz.syllables("银行") == ["yin", "hang"]  # polyphonic character read in context


def test_polyphonic_characters_have_all_readings() -> None:
    options = nz.syllable_options("医调委")
    assert options[1][0] in {"diao", "tiao"}
    assert set(options[1]) >= {"diao", "tiao"}


def test_fuzzy_syllables_fold_near_homophones() -> None:
    assert nz.fuzzy_syllable("sheng") == nz.fuzzy_syllable("shen") == "sen"
    assert nz.fuzzy_syllable("zhong") == "zon"


def test_split_pinyin() -> None:
    assert nz.split_pinyin("chushengzhengming") == ("chu", "sheng", "zheng", "ming")
    assert nz.split_pinyin("xian") == ("xian",)
    assert nz.split_pinyin("csyxzm") is None
    assert nz.split_pinyin("") is None
    assert nz.split_pinyin_lenient("farementzhen") == ("fa", "re", "men", "zhen")
    assert nz.split_pinyin_lenient("qwrtpsdfg") is None
