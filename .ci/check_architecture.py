"""Check the layering rules of docs/ARCHITECTURE.md with `ast` (run by CI, and by hand).

* no import cycle between the project's modules, counting imports inside functions and
  `if TYPE_CHECKING:` blocks;
* nothing under `bot/services/` or `knowledge_base/` imports `bot.texts`, `telegram`,
  `handlers` or `bot.context`;
* no product module over 400 lines and no function over 60 lines (tests, migrations and the
  Bot API emulator aside);
* the time zone `Asia/Shanghai` is named in at most 2 modules;
* the privacy boundary cannot be bypassed: no module but `bot/boundary.py` constructs a
  `Bot`/`ExtBot` (the application's bot is `bot.boundary.PrivacyBot`, which masks every text
  bound for a group), and only `bot/app.py` uses `ApplicationBuilder` (where it is handed
  that bot);
* user input is escaped by one helper: no module but `bot/texts/escape.py` calls
  `html.escape` (imported as `from html import escape` or called as `html.escape`).

Usage: `python .ci/check_architecture.py [PATH_PREFIX …]` — with prefixes, only problems in
those files are reported (the cycle check always looks at the whole tree).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "knowledge_base", "models")
DOMAIN = ("bot/services/", "knowledge_base/")
DOMAIN_FORBIDDEN = ("bot.texts", "telegram", "handlers", "bot.context")
EXEMPT = ("models/migrations/", "bot/emulator/")
MAX_MODULE_LINES, MAX_FUNCTION_LINES, MAX_TZ_MODULES = 400, 60, 2
BOUNDARY, APP, ESCAPER = "bot/boundary.py", "bot/app.py", "bot/texts/escape.py"
BOT_CLASSES = ("Bot", "ExtBot")


def modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = list(rel.parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def imported(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module.split(".") if is_package else module.split(".")[:-1]
                pkg = pkg[: len(pkg) - node.level + 1]
                base = ".".join([*pkg, base] if base else pkg)
            yield base, node.lineno
            for alias in node.names:  # `from pkg import submodule`
                yield f"{base}.{alias.name}", node.lineno


def resolve(name: str, known: dict[str, Path]) -> str | None:
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _called_name(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def boundary_breaches(rel: str, tree: ast.AST) -> Iterator[str]:
    """Ways around the Telegram privacy boundary and the one escaping helper."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _called_name(node)
            if name in BOT_CLASSES and rel != BOUNDARY:
                yield (f"line {node.lineno}: constructs a {name} (only {BOUNDARY}'s "
                       "PrivacyBot may talk to Telegram)")
            elif name == "ApplicationBuilder" and rel != APP:
                yield f"line {node.lineno}: uses ApplicationBuilder (only {APP} builds the app)"
            elif (name == "escape" and isinstance(node.func, ast.Attribute)
                  and isinstance(node.func.value, ast.Name) and node.func.value.id == "html"
                  and rel != ESCAPER):
                yield f"line {node.lineno}: calls html.escape (use {ESCAPER})"
        elif (isinstance(node, ast.ImportFrom) and node.module == "html" and rel != ESCAPER
              and any(a.name == "escape" for a in node.names)):
            yield f"line {node.lineno}: imports html.escape (use {ESCAPER})"


def main(prefixes: list[str]) -> int:
    known = modules()
    graph: dict[str, set[str]] = {}
    problems: list[str] = []
    tz_modules: list[str] = []

    def report(rel: str, message: str) -> None:
        if not prefixes or rel.startswith(tuple(prefixes)):
            problems.append(f"{rel}: {message}")

    for name, path in known.items():
        rel = str(path.relative_to(ROOT))
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        graph[name] = set()
        forbidden_lines: set[int] = set()  # `from x import y` yields x and x.y: report once
        for target, line in imported(tree, name, path.name == "__init__.py"):
            hit = resolve(target, known)
            if hit is not None and hit != name and not name.startswith(hit + "."):
                graph[name].add(hit)
            if (rel.startswith(DOMAIN) and target.startswith(DOMAIN_FORBIDDEN)
                    and line not in forbidden_lines):
                forbidden_lines.add(line)
                report(rel, f"line {line}: the domain imports {target}")
        if "Asia/Shanghai" in source:
            tz_modules.append(rel)
        if rel.startswith(EXEMPT):
            continue
        for breach in boundary_breaches(rel, tree):
            report(rel, breach)
        lines = source.count("\n") + 1
        if lines > MAX_MODULE_LINES:
            report(rel, f"{lines} lines (max {MAX_MODULE_LINES})")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    report(rel, f"line {node.lineno}: function {node.name} has {length} lines "
                                f"(max {MAX_FUNCTION_LINES})")
    for cycle in find_cycles(graph):
        problems.append("import cycle: " + " ⇄ ".join(cycle))
    if len(tz_modules) > MAX_TZ_MODULES:
        problems.append(f"Asia/Shanghai named in {len(tz_modules)} modules (max "
                        f"{MAX_TZ_MODULES}): {', '.join(tz_modules)}")
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
