"""`python -m bot kb import|export FILE`: the knowledge base as YAML, CSV or XLSX.

Import is idempotent: an entry whose (normalised) question is already in the knowledge base is
updated — a deleted one restored — and an identical one left alone, so importing the same file
twice changes nothing. Bad rows are listed (on stderr) with their row number; the good rows
go in. Exit status: 0 every row went in; 1 the file was read but some rows were bad (the good
ones are imported); 2 the file could not be read at all (nothing imported). A running bot
picks up the changes on its next tick (`KnowledgeBase.refresh`).
"""

from __future__ import annotations

import argparse
import sys

from bot.clock import Clock
from bot.config import load_settings_or_exit
from bot.runtime import prepare_database, setup_logging


def _kb():  # -> KnowledgeBase (imported lazily: jieba & co. are heavy)
    settings = load_settings_or_exit(require_token=False)
    setup_logging("WARNING")
    from knowledge_base.service import KnowledgeBase

    return KnowledgeBase(prepare_database(settings), Clock(settings.tz),
                         seed_starter=settings.kb_seed_starter)


def _import(args: argparse.Namespace) -> int:
    from knowledge_base.io import KbFileError, read_file

    try:
        parsed = read_file(args.file)
    except (KbFileError, OSError) as exc:
        print(f"无法导入 {args.file}：{exc}", file=sys.stderr)
        return 2
    kb = _kb()
    report = kb.import_rows(parsed.rows, actor=None, dry_run=args.dry_run)
    errors = sorted(parsed.errors + report.errors)
    synonyms = 0
    if parsed.synonyms and not args.dry_run:
        synonyms = kb.import_synonyms(parsed.synonyms, actor=None)
    head = "检查结果（未写入）" if args.dry_run else "已导入"
    print(f"{head}：新增 {report.added} 条，更新 {report.updated} 条，未变 {report.unchanged} 条，"
          f"有误 {len(errors)} {parsed.row_word}"
          f"（added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
          f"bad rows {len(errors)}）")
    if synonyms:
        print(f"新增同义词组 {synonyms} 组。")
    for row_no, message in errors:
        print(f"第 {row_no} {parsed.row_word}：{message}", file=sys.stderr)
    return 1 if errors else 0


def _export(args: argparse.Namespace) -> int:
    from knowledge_base.io import KbFileError, file_format, write_file

    try:
        fmt = file_format(args.file)
    except KbFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    kb = _kb()
    groups = [g.members for g in kb.synonyms()] if fmt != "csv" else []
    try:
        n = write_file(args.file, kb.export_rows(), groups)
    except OSError as exc:
        print(f"无法写入 {args.file}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    extra = f"、同义词 {len(groups)} 组" if groups else ""
    print(f"已导出 {n} 条知识条目{extra}到 {args.file}")
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    kb = sub.add_parser("kb", help="knowledge base: import / export YAML, CSV or XLSX",
                        description="Knowledge-base entries with the columns question, answer, "
                        "keywords, category, source (docs/knowledge_base.md).")
    cmds = kb.add_subparsers(dest="kb_command", required=True)
    p = cmds.add_parser(
        "import", help="add or update entries from a .yaml/.yml, .csv or .xlsx file",
        description="Entries with the same question are updated, not doubled. Bad rows are "
        "listed with their row number and skipped; the good rows go in. Exit status: 0 all "
        "rows imported, 1 some rows bad, 2 file unreadable.")
    p.add_argument("file", help="FILE.yaml, FILE.csv or FILE.xlsx (header: question,answer,"
                   "keywords,category,source)")
    p.add_argument("--dry-run", action="store_true",
                   help="only check the file and report what would change")
    p.set_defaults(func=_import)
    p = cmds.add_parser("export", help="write the active entries (format by extension)",
                        description="Write the active entries as .yaml/.yml, .csv or .xlsx "
                        "(YAML and XLSX include the synonym groups).")
    p.add_argument("file", help="where to write: FILE.yaml, FILE.csv or FILE.xlsx")
    p.set_defaults(func=_export)
