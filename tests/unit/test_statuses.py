"""Statuses are typed (issue 17): no status is written as a bare string outside its enum. The scan
reads the code as a tree and looks where a status is set, compared or passed: an assignment to
(or a default of) something named `status`, `statuses` or `reason`, a comparison with one, such
a keyword (`status=`) or dict key, `.in_(...)` on one, a column's `default=`, and what a
function named `..._status` returns. A string literal there is a status spelt out instead of
named. It does not follow a status passed by position; the enums' types (mypy) do."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("store", "services", "flows", "handlers", "scheduler", "bench", "bot.py")
NAMES = {"status", "statuses", "reason"}  # Occurrence.reason says why a status was given


def _sources() -> Iterator[Path]:
    for name in SCANNED:
        path = ROOT / name
        found = [path] if path.is_file() else sorted(path.rglob("*.py"))
        yield from (p for p in found if "migrations" not in p.parts)


def _named(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in NAMES) or (
        isinstance(node, ast.Name) and node.id in NAMES
    )


def _strings(node: ast.AST | None) -> Iterator[ast.Constant]:
    """The string literals a value is made of (a tuple of them, either side of an `if`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.Tuple | ast.List | ast.Set):
        for item in node.elts:
            yield from _strings(item)
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "set"):
        for arg in node.args:
            yield from _strings(arg)


def _pairs(target: ast.AST, value: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
    """`a.status, a.reason = "x", "y"` pairs each target with its value."""
    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
        for one, other in zip(target.elts, value.elts, strict=True):
            yield from _pairs(one, other)
    else:
        yield target, value


def _bare(tree: ast.AST) -> Iterator[ast.Constant]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for one, value in _pairs(target, node.value):
                    if _named(one):
                        yield from _strings(value)
        elif isinstance(node, ast.AnnAssign) and _named(node.target):
            yield from _strings(node.value)
            if isinstance(node.value, ast.Call):  # a column's default
                for keyword in node.value.keywords:
                    yield from _strings(keyword.value) if keyword.arg == "default" else ()
        elif isinstance(node, ast.FunctionDef) and node.name.endswith("status"):
            for inner in ast.walk(node):
                yield from _strings(inner.value) if isinstance(inner, ast.Return) else ()
        elif isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            missing: list[ast.expr | None] = [None] * (len(positional) - len(node.defaults))
            given = zip(positional, [*missing, *node.defaults], strict=True)
            for parameter, default in [*given, *zip(node.kwonlyargs, node.kw_defaults, strict=True)]:
                if parameter.arg in NAMES:
                    yield from _strings(default)
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(_named(side) for side in sides):
                for side in sides:
                    yield from _strings(side)
        elif isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in NAMES:
                    yield from _strings(keyword.value)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "in_" and _named(node.func.value):
                for arg in node.args:
                    yield from _strings(arg)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in NAMES:
                    yield from _strings(value)


def bare_statuses() -> list[str]:
    found = []
    for path in _sources():
        for literal in _bare(ast.parse(path.read_text(), str(path))):
            found.append(f"{path.relative_to(ROOT)}:{literal.lineno}: {literal.value!r}")
    return found


def test_no_status_is_a_bare_string() -> None:
    assert bare_statuses() == []


def test_the_scan_sees_each_kind_of_place() -> None:
    code = """
run.status = "active"
run.status, run.reason = "missed", "gone"
x = run.status == "sent" or "open" != session.status or s.status in ("a", "b")
query.values(status="failed")
CircleSession.status.in_(("open", "paused"))
aside = {"status": "failed"}
def f(status: str = "pending") -> None: ...
def _status(x) -> str:
    return "revoked"
class M:
    status: Mapped[str] = mapped_column(String(16), default="queued")
"""
    found = sorted(str(literal.value) for literal in _bare(ast.parse(code)))
    assert found == sorted(
        [
            "active",
            "missed",
            "gone",
            "sent",
            "open",
            "a",
            "b",
            "failed",
            "open",
            "paused",
            "failed",
            "pending",
            "revoked",
            "queued",
        ]
    )
