"""Read content YAML keeping where each value came from, so every problem names its file,
its path inside the file (`steps[3].answer.max`) and its line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import TypeAdapter, ValidationError

from flows.faults import reason_of

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
        except Exception as error:  # a validator's own fault: this file's problem, not a traceback
            raise ContentError([self.problem((), unexpected(error))]) from None

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


# libyaml (in PyYAML's wheels) reads content about ten times faster than PyYAML's own loader,
# which reads again a file libyaml refuses: its messages name the character or the alias.
FAST_LOADER: type[yaml.CSafeLoader | yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(path: Path, root: Path) -> Source:
    """Load one YAML file; a syntax error, a key given twice, a value YAML cannot make or an
    alias inside itself is a problem with its line. It raises nothing but `ContentError`."""
    name = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    text = text_of(path, name)
    source = Source(name, None)
    try:
        try:
            source.data = _tree(FAST_LOADER, text, source)
        except yaml.YAMLError:
            source.data = _tree(yaml.SafeLoader, text, source)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at = mark.line + 1 if mark else None
        raise ContentError([Problem(name, at, "", f"not valid YAML: {error.problem}")]) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        message = f"not valid YAML: character #x{error.character:04x}: {error.reason}"
        raise ContentError([Problem(name, line, "", message)]) from None
    except ContentError:
        raise
    except Exception as error:
        raise ContentError([Problem(name, None, "", unexpected(error))]) from None
    return source


def text_of(path: Path, name: str) -> str:
    """A content file's text; one that cannot be read, or is not UTF-8, is a problem."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError([Problem(name, None, "", f"cannot read: {error.strerror}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError([Problem(name, line, "", "not UTF-8 text: save it as UTF-8")]) from None


def unexpected(error: Exception) -> str:
    """What a check that stopped on an error says, in place of a traceback: a problem reported
    beside it may be the cause (a word the bot cannot fill in), else it is circlebot's own."""
    why = reason_of(error)
    return f"checking stopped here ({why}); if no other problem explains it, please report it"


def _tree(kind: type[yaml.CSafeLoader | yaml.SafeLoader], text: str, source: Source) -> Any:
    loader = kind(text)
    source.lines = {}
    try:
        node = loader.get_single_node()
        return None if node is None else _build(loader, node, (), source, frozenset())
    finally:
        loader.dispose()


def _build(
    loader: yaml.CSafeLoader | yaml.SafeLoader,
    node: yaml.Node,
    path: PathKey,
    source: Source,
    above: frozenset[int],
) -> Any:
    """The value of `node`, recording the line of every path; `above` are the collections this
    one sits in (an alias may point back at one of them)."""
    line = source.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in above:
            raise ContentError(
                [Problem(source.file, line, dotted(path), "an alias inside itself: it never ends")]
            )
        above = above | {id(node)}
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                message = "a key is a word or a number, not a list or a mapping"
                raise ContentError([Problem(source.file, key_line, dotted(path), message)])
            key = _scalar(loader, key_node, path, source)
            if key in mapping:
                problem = Problem(source.file, key_line, dotted((*path, key)), "this key is given twice")
                raise ContentError([problem])
            mapping[key] = _build(loader, value_node, (*path, key), source, above)
            source.lines[(*path, key)] = key_line
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), source, above) for i, item in enumerate(node.value)]
    return _scalar(loader, node, path, source)


def _scalar(
    loader: yaml.CSafeLoader | yaml.SafeLoader, node: yaml.Node, path: PathKey, source: Source
) -> Any:
    """A scalar as YAML reads it; one it cannot make (a date like 2026-02-31) is a problem."""
    try:
        return loader.construct_object(node)
    except ValueError as error:
        message = f"{node.value!r} cannot be read ({error})"
        raise ContentError([Problem(source.file, node.start_mark.line + 1, dotted(path), message)]) from None
