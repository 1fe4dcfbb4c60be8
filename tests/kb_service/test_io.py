"""Knowledge-base files (YAML/CSV/XLSX) and `python -m bot kb import|export`."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.engine import Engine

from bot.cli import main
from bot.clock import MovableClock
from bot.texts.kb import kb_error
from knowledge_base.io import KbFileError, read_file, write_file
from knowledge_base.service import build_knowledge_base

ENTRIES = [
    {"question": "献血证丢了怎么办？", "answer": "联系北京市红十字血液中心补办。\n第二行，含<b>&",
     "keywords": ["献血证", "补办"], "category": "采供血", "source": "北京市红十字血液中心"},
    {"question": "无偿献血后用血能报销吗", "answer": "可按规定办理用血费用返还。",
     "keywords": [], "category": "", "source": ""},
]
SYNONYMS = [["献血证", "无偿献血证"], ["用血返还", "血费报销"]]


@pytest.mark.parametrize("ext", ["yaml", "yml", "csv", "xlsx"])
def test_round_trip(tmp_path: Path, ext: str):
    path = tmp_path / f"kb.{ext}"
    assert write_file(path, ENTRIES, SYNONYMS) == 2
    parsed = read_file(path)
    assert not parsed.errors
    assert [r for r, _ in parsed.rows] == ([1, 2] if ext in ("yaml", "yml") else [2, 3])
    first = parsed.rows[0][1]
    assert first["question"] == ENTRIES[0]["question"] and first["answer"] == ENTRIES[0]["answer"]
    kw = first["keywords"]
    assert (kw if isinstance(kw, list) else kw.split("、")) == ["献血证", "补办"]
    assert parsed.synonyms == ([] if ext == "csv" else SYNONYMS)


def test_csv_gbk_chinese_headers_and_blank_lines(tmp_path: Path):
    path = tmp_path / "kb.csv"
    text = "问题,答复口径,关键词,分类,来源\n甲问题,甲答复,\"a,b\",类,源\n,,,,\n乙问题,,,,\n"
    path.write_bytes(text.encode("gb18030"))
    parsed = read_file(path)
    assert [r for r, _ in parsed.rows] == [2, 4]
    assert parsed.rows[0][1] == {"question": "甲问题", "answer": "甲答复", "keywords": "a,b",
                                 "category": "类", "source": "源"}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("kb.txt", "x", "不支持"),
    ("kb.csv", "title,body\nx,y\n", "缺少列"),
    ("kb.csv", "", "空"),
    ("kb.yaml", "entries: [\n", "YAML 格式错误"),
    ("kb.yaml", "entries: 5\n", "列表"),
    ("kb.xlsx", "not a zip", "无法读取"),
])
def test_unreadable_files(tmp_path: Path, name: str, content: str, message: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KbFileError) as exc:  # the code, worded by bot/texts/kb.py
        read_file(path)
    assert message in kb_error(exc.value, html=False)


def test_missing_file(tmp_path: Path):
    with pytest.raises(KbFileError, match="missing_file"):
        read_file(tmp_path / "nope.csv")


def test_yaml_list_and_bad_items(tmp_path: Path):
    path = tmp_path / "kb.yaml"
    path.write_text("- question: 甲\n  answer: 乙\n  keywords: 丙、丁\n- just a string\n",
                    encoding="utf-8")
    parsed = read_file(path)
    assert parsed.rows == [(1, {"question": "甲", "answer": "乙", "keywords": "丙、丁"})]
    assert [(n, e.code) for n, e in parsed.errors] == [(2, "row_not_mapping")]  # type: ignore[attr-defined]
    assert kb_error(parsed.errors[0][1]) == "不是“字段: 值”形式的条目"
    assert parsed.row_unit == "entry"


def test_xlsx_numbers_and_extra_columns(tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["编号", "Question", "Answer", "Keywords"])
    ws.append([1, "120急救电话收费吗", 120, None])
    path = tmp_path / "kb.xlsx"
    wb.save(path)
    parsed = read_file(path)
    assert parsed.rows == [(2, {"question": "120急救电话收费吗", "answer": 120, "keywords": None})]


# ----------------------------------------------------------------------------- the CLI
@pytest.fixture
def cli_env(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("KB_SEED_STARTER", "false")
    return tmp_path


def test_cli_import_bad_rows_then_again(cli_env: Path, engine: Engine, clock: MovableClock,
                                        capsys: pytest.CaptureFixture[str]):
    path = cli_env / "kb.csv"
    path.write_text("question,answer,keywords,category,source\n"
                    "献血证丢了怎么办,联系血液中心,献血证、补办,采供血,血液中心\n"
                    ",没有问题\n"
                    "只有问题,\n"
                    "无偿献血后用血能报销吗,可以返还,,,\n", encoding="utf-8")
    assert main(["kb", "import", str(path)]) == 1
    out, err = capsys.readouterr()
    assert "新增 2 条" in out and "更新 0 条" in out and "added 2, updated 0" in out
    assert "第 3 行：问题不能为空" in err and "第 4 行：答复口径不能为空" in err
    assert "第 2 行" not in err and "第 5 行" not in err
    kb = build_knowledge_base(engine, clock, seed_starter=False)
    assert kb.count() == 2 and kb.search("献血证丢了")[0].question == "献血证丢了怎么办"
    path.write_text("question,answer\n献血证丢了怎么办？,新的答复\n", encoding="utf-8")
    assert main(["kb", "import", str(path)]) == 0
    assert "新增 0 条，更新 1 条" in capsys.readouterr().out
    assert main(["kb", "import", str(path)]) == 0
    assert "新增 0 条，更新 0 条，未变 1 条" in capsys.readouterr().out
    assert build_knowledge_base(engine, clock).count() == 2


def test_cli_export_then_import_is_unchanged(cli_env: Path, engine: Engine,
                                             clock: MovableClock,
                                             capsys: pytest.CaptureFixture[str]):
    build_knowledge_base(engine, clock, seed_starter=True)  # the starter content
    for ext in ("yaml", "csv", "xlsx"):
        out_path = cli_env / f"out.{ext}"
        assert main(["kb", "export", str(out_path)]) == 0
        assert "已导出 84 条" in capsys.readouterr().out
        assert main(["kb", "import", str(out_path)]) == 0
        assert "未变 84 条" in capsys.readouterr().out
    wb = load_workbook(cli_env / "out.xlsx")
    assert [c.value for c in wb["entries"][1]] == ["question", "answer", "keywords", "category",
                                                   "source", "similar"]
    assert "synonyms" in wb.sheetnames


def test_cli_unreadable_file_and_help(cli_env: Path, capsys: pytest.CaptureFixture[str]):
    bad = cli_env / "kb.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert main(["kb", "import", str(bad)]) == 2
    assert "缺少列" in capsys.readouterr().err
    assert main(["kb", "import", str(cli_env / "kb.doc")]) == 2
    assert main(["kb", "export", str(cli_env / "kb.doc")]) == 2
    for argv in (["kb", "--help"], ["kb", "import", "--help"], ["kb", "export", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 0


def test_cli_dry_run(cli_env: Path, engine: Engine, clock: MovableClock,
                     capsys: pytest.CaptureFixture[str]):
    path = cli_env / "kb.yaml"
    write_file(path, ENTRIES, SYNONYMS)
    assert main(["kb", "import", "--dry-run", str(path)]) == 0
    assert "检查结果（未写入）：新增 2 条" in capsys.readouterr().out
    assert build_knowledge_base(engine, clock, seed_starter=False).count() == 0
    assert main(["kb", "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "新增 2 条" in out and "新增同义词组 2 组" in out
