"""A YAML document that remembers where every value came from.

Config files edited by hand (the holidays store, the deadline policy, the escalation rules)
must report errors with a file name and line number, which ``yaml.safe_load`` loses; this
keeps the node tree instead and builds plain values on demand. ``validate(Model)`` checks a
whole document against a pydantic model and maps the first error back to its line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

# libyaml composes a document about ten times faster than the pure-Python parser, and the bot
# reads seven files at every start. A file it cannot parse is read again by the pure-Python
# parser, whose error messages (with the offending line quoted) are the ones users see.
_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSource:
    """A YAML document kept as a node tree so every value can report its line number.

    Shared by the holidays file and the deadline policy loader. ``error_cls`` is raised for
    unreadable or syntactically invalid files.
    """

    def __init__(self, path: str | os.PathLike[str], error_cls: type[Exception]) -> None:
        self.path = Path(path)
        self._error_cls = error_cls
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise self.error(f"文件不存在 / file not found ({exc.strerror})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise self.error(f"无法读取文件 / cannot read file: {exc}") from None
        self._key_nodes: dict[int, yaml.Node] = {}
        try:
            self._loader, self.root = _compose(text, _FAST_LOADER)
        except yaml.YAMLError:
            try:
                self._loader, self.root = _compose(text, yaml.SafeLoader)
            except yaml.YAMLError as exc:
                line = None
                mark = getattr(exc, "problem_mark", None)
                if mark is not None:
                    line = mark.line + 1
                raise self.error(f"YAML 格式错误 / YAML syntax error: {exc}",
                                 line=line) from None

    def error(self, message: str, node: yaml.Node | None = None, *,
              line: int | None = None) -> Exception:
        if node is not None:
            line = self.line(node)
        return self._error_cls(message, path=self.path, line=line)

    @staticmethod
    def line(node: yaml.Node) -> int:
        return node.start_mark.line + 1

    def value(self, node: yaml.Node) -> Any:
        """The plain Python value of a node (YAML 1.1 safe types)."""
        try:
            return self._loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            shown = f" {node.value!r}" if isinstance(node, yaml.ScalarNode) else ""
            raise self.error(f"无法解析的值 / invalid value{shown}: {exc}", node) from None

    @staticmethod
    def is_null(node: yaml.Node | None) -> bool:
        return node is None or (isinstance(node, yaml.ScalarNode)
                                and node.tag == "tag:yaml.org,2002:null")

    def key_of(self, value_node: yaml.Node) -> yaml.Node:
        """The key node a value came from (for "unknown key" errors); itself if unknown."""
        return self._key_nodes.get(id(value_node), value_node)

    def mapping(self, node: yaml.Node | None, what: str) -> list[tuple[str, yaml.Node]]:
        """(key, value-node) pairs of a mapping node; duplicate or non-string keys are errors."""
        if not isinstance(node, yaml.MappingNode):
            raise self.error(f"{what} 应为映射 / {what} must be a mapping", node)
        seen: dict[str, int] = {}
        pairs: list[tuple[str, yaml.Node]] = []
        for key_node, value_node in node.value:
            key = self.value(key_node)
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise self.error(f"{what} 中的键无效 / invalid key in {what}: {key!r}", key_node)
            key = str(key)
            if key in seen:
                raise self.error(
                    f"键 {key!r} 重复（首次出现在第 {seen[key]} 行）/ duplicate key {key!r} "
                    f"(first on line {seen[key]})", key_node)
            seen[key] = self.line(key_node)
            self._key_nodes[id(value_node)] = key_node
            pairs.append((key, value_node))
        return pairs

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.error(f"{what} 应为列表 / {what} must be a list", node)
        return list(node.value)

    # ------------------------------------------------------------------ pydantic models
    def plain(self, node: yaml.Node | None = None) -> Any:
        """The whole document (or a node) as plain values, duplicate keys refused."""
        node = self.root if node is None else node
        if node is None or self.is_null(node):
            return None
        if isinstance(node, yaml.MappingNode):
            return {k: self.plain(v) for k, v in self.mapping(node, "映射")}
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(v) for v in node.value]
        return self.value(node)

    def node_at(self, loc: tuple[int | str, ...]) -> yaml.Node | None:
        """The deepest node along a pydantic error location (for its line number)."""
        node = self.root
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = next((v for k, v in node.value
                            if str(getattr(k, "value", "")) == str(part)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                    and 0 <= part < len(node.value):
                nxt = node.value[part]
            else:
                nxt = None
            if nxt is None:
                break
            node = nxt
        return node

    def validate(self, model: type[M]) -> M:
        """Build ``model`` from the document; the first problem raises with its line."""
        try:
            return model.model_validate(self.plain() or {})
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            loc = tuple(first.get("loc", ()))
            where = ".".join(str(p) for p in loc) or "文件"
            raise self.error(f"{where}: {first.get('msg', '')}", self.node_at(loc)) from None


def _compose(text: str, loader_cls: type[yaml.SafeLoader]) -> tuple[Any, yaml.Node | None]:
    """The loader (it builds values from the nodes later) and the document's root node."""
    loader = loader_cls(text)
    try:
        return loader, loader.get_single_node()
    finally:
        loader.dispose()
