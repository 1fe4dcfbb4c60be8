"""`python -m bot kb import|export FILE`, `kb search`: the knowledge base from the command line.

Import is idempotent: an entry whose (normalised) question is already in the knowledge base is
updated — a deleted one restored — and an identical one left alone, so importing the same file
twice changes nothing. Bad rows are listed (on stderr) with their row number; the good rows
go in. Exit status: 0 every row went in; 1 the file was read but some rows were bad (the good
ones are imported); 2 the file could not be read at all (nothing imported). A running bot
picks up the changes on its next tick (`KnowledgeBase.refresh`); the imported entries are
embedded here (about 0.1 s each on one core) so the bot does not have to.

`kb search [--json] [--limit N] [QUERY …]` searches exactly as `/kb` does (the same
`KnowledgeBase.lookup`); without QUERY it reads one query per line from standard input.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.clock import Clock
from bot.config import load_settings_or_exit

_UNIT = {"row": "行", "entry": "条"}  # how a file's rows are counted: sheet rows, YAML items


def _kb():  # -> KnowledgeBase (imported lazily: jieba, the model & co. are heavy)
    from bot.runtime import prepare_database, setup_logging
    from knowledge_base.service import build_knowledge_base

    settings = load_settings_or_exit(require_token=False)
    setup_logging("WARNING")
    return build_knowledge_base(prepare_database(settings), Clock(settings.tz),
                                seed_starter=settings.kb_seed_starter, background=False)


def _error(exc: Exception) -> str:
    from bot.texts.kb import kb_error

    return kb_error(exc, html=False)


def _import(args: argparse.Namespace) -> int:
    from knowledge_base.io import KbFileError, read_file

    try:
        parsed = read_file(args.file)
    except (KbFileError, OSError) as exc:
        print(f"无法导入 {args.file}：{_error(exc)}", file=sys.stderr)
        return 2
    kb = _kb()
    report = kb.importer.import_rows(parsed.rows, actor=None, dry_run=args.dry_run)
    errors = sorted(((n, _error(e)) for n, e in parsed.errors + report.errors))
    synonyms = 0
    if parsed.synonyms and not args.dry_run:
        synonyms = kb.synonyms.import_groups(parsed.synonyms, actor=None)
    head = "检查结果（未写入）" if args.dry_run else "已导入"
    print(f"{head}：新增 {report.added} 条，更新 {report.updated} 条，未变 {report.unchanged} 条，"
          f"有误 {len(errors)} {_UNIT[parsed.row_unit]}"
          f"（added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
          f"bad rows {len(errors)}）")
    if synonyms:
        print(f"新增同义词组 {synonyms} 组。")
    for row_no, message in errors:
        print(f"第 {row_no} {_UNIT[parsed.row_unit]}：{message}", file=sys.stderr)
    return 1 if errors else 0


def _export(args: argparse.Namespace) -> int:
    from knowledge_base.io import KbFileError, file_format, write_file

    try:
        fmt = file_format(args.file)
    except KbFileError as exc:
        print(_error(exc), file=sys.stderr)
        return 2
    kb = _kb()
    groups = [g.members for g in kb.synonyms.list()] if fmt != "csv" else []
    try:
        n = write_file(args.file, kb.entries.export_rows(), groups)
    except OSError as exc:
        print(f"无法写入 {args.file}：{exc.strerror or exc}", file=sys.stderr)
        return 2
    extra = f"、同义词 {len(groups)} 组" if groups else ""
    print(f"已导出 {n} 条知识条目{extra}到 {args.file}")
    return 0


def _search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        print("--limit 应为正整数", file=sys.stderr)
        return 2
    queries = args.query or [line.strip() for line in sys.stdin if line.strip()]
    kb = _kb()
    for query in queries:
        out = kb.lookup(query, limit=args.limit)
        results = [{"id": h.id, "question": h.question, "score": round(h.score, 2),
                    "strong": h.strong} for h in out.hits]
        if args.json:
            print(json.dumps({"query": query, "results": results, "ms": round(out.ms, 2)},
                             ensure_ascii=False))
            continue
        print(f"{query}  ({out.confidence}, {out.mode}, {out.ms:.1f} ms)")
        for i, r in enumerate(results, start=1):
            mark = " ★" if r["strong"] else ""
            print(f"  {i}. #{r['id']} {r['question']}  {r['score']:.1f}{mark}")
        if not results:
            print("  —")
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    kb = sub.add_parser("kb", help="knowledge base: import / export YAML, CSV or XLSX; search",
                        description="Knowledge-base entries with the columns question, answer, "
                        "keywords, category, source, similar (docs/knowledge_base.md).")
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
    p = cmds.add_parser(
        "search", help="search as /kb does (for scripts and evaluation)",
        description="Search the knowledge base exactly as /kb does. Without QUERY, one query "
        "per line is read from standard input. --json prints one object per query and line: "
        '{"query", "results": [{"id", "question", "score", "strong"}], "ms"}.')
    p.add_argument("query", nargs="*", help="the query (several: one search each)")
    p.add_argument("--json", action="store_true", help="one JSON object per query and line")
    p.add_argument("--limit", type=int, default=5, help="results per query (default 5)")
    p.set_defaults(func=_search)
