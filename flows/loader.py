"""Read content YAML keeping where each value came from, so every problem names its file,
its path inside the file (`steps[3].answer.max`) and its line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import TypeAdapter, ValidationError

PathKey = tuple[str | int, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ContentError(Exception):
    """Content that cannot be used; `problems` holds one line each."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = list(problems)


def dotted(path: PathKey) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class Source:
    """One YAML file: its data and the line where each path starts."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: PathKey) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def problem(self, path: PathKey, message: str) -> Problem:
        return Problem(self.file, self.line(path), dotted(path), message)

    def parse(self, shape: type[T]) -> T:
        """The data validated as `shape` (a pydantic model or any type pydantic knows)."""
        try:
            return TypeAdapter(shape).validate_python(self.data)
        except ValidationError as error:
            problems = [self._explain(item) for item in error.errors()]
            raise ContentError(sorted(problems, key=lambda problem: problem.line or 0)) from None

    def _explain(self, item: Any) -> Problem:
        path = self._real_path(item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (a typo?)"
        elif item["type"] == "missing":
            message = "is required but missing"
        return self.problem(path, message)

    def _real_path(self, loc: Sequence[Any]) -> PathKey:
        """Pydantic's location minus the parts that are not in the data (union tags)."""
        path: list[str | int] = []
        node = self.data
        for part in loc:
            if _holds(node, part):
                node = node[part]
            elif isinstance(node, dict) and isinstance(part, str) and part.isidentifier():
                if part == node.get("type"):
                    continue  # the tag of a tagged union, not a key
                path.append(part)  # a missing or unknown key: name it and stop there
                break
            else:
                continue
            path.append(part)
        return tuple(path)


def _holds(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def read(path: Path, root: Path) -> Source:
    """Load one YAML file; a syntax error or a key given twice is a problem with its line."""
    name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ContentError([Problem(name, None, "", f"cannot read: {error}")]) from None
    loader = yaml.SafeLoader(text)
    source = Source(name, None)
    try:
        node = loader.get_single_node()
        source.data = None if node is None else _build(loader, node, (), source)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise ContentError([Problem(name, line, "", f"not valid YAML: {error.problem}")]) from None
    finally:
        loader.dispose()
    return source


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: PathKey, source: Source) -> Any:
    source.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            if key in mapping:
                line = key_node.start_mark.line + 1
                problem = Problem(source.file, line, dotted((*path, key)), "this key is given twice")
                raise ContentError([problem])
            mapping[key] = _build(loader, value_node, (*path, key), source)
            source.lines[(*path, key)] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), source) for i, item in enumerate(node.value)]
    return loader.construct_object(node)
