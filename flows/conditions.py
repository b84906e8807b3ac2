"""A tiny, safe expression language for `next` rules — parsed once, never `eval`-ed.

    element == 'baby_in_mind'
    wellbeing <= 2 or support == true
    'parallel_process' in elements and not (workload > 3)

Names are step ids and stand for that step's answer (null when unanswered or skipped).
Comparisons between values of different kinds are simply false, so a condition can never
crash a conversation.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
_LITERALS: dict[str, Any] = {"true": True, "false": False, "null": None}


class ConditionError(ValueError):
    """A condition that does not parse; the message says where."""


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class ListOf:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


Node = Literal | Name | ListOf | Compare | Not | BoolOp


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ordered(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """Order only numbers with numbers and strings with strings; anything else is false."""

    def check(left: Any, right: Any) -> bool:
        if _is_number(left) and _is_number(right):
            return compare(left, right)
        if isinstance(left, str) and isinstance(right, str):
            return compare(left, right)
        return False

    return check


def _contains(item: Any, container: Any) -> bool:
    if isinstance(container, list | tuple):
        return item in container
    if isinstance(container, str) and isinstance(item, str):
        return item in container
    return False


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": _ordered(operator.lt),
    "<=": _ordered(operator.le),
    ">": _ordered(operator.gt),
    ">=": _ordered(operator.ge),
    "in": _contains,
    "not in": lambda item, container: not _contains(item, container),
}


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = self._tokenize(source)
        self.position = 0

    def _tokenize(self, source: str) -> list[tuple[str, str, int]]:
        tokens: list[tuple[str, str, int]] = []
        index = 0
        while index < len(source):
            if source[index:].strip() == "":
                break
            match = _TOKEN.match(source, index)
            if not match:
                offending = source[index:].lstrip()[:10]
                raise ConditionError(f"cannot read {offending!r} in {source!r}")
            kind = match.lastgroup or ""
            text, start = match.group(kind), match.start(kind)
            if kind == "name" and text in _KEYWORDS:
                kind = "keyword"
            tokens.append((kind, text, start))
            index = match.end()
        return tokens

    def peek(self) -> tuple[str, str]:
        if self.position < len(self.tokens):
            kind, text, _ = self.tokens[self.position]
            return kind, text
        return "eof", ""

    def take(self, text: str | None = None) -> tuple[str, str]:
        kind, found = self.peek()
        if kind == "eof" or (text is not None and found != text):
            expected = f"{text!r}" if text else "more"
            raise ConditionError(f"expected {expected} in {self.source!r}")
        self.position += 1
        return kind, found

    def parse(self) -> Node:
        if not self.tokens:
            raise ConditionError("the condition is empty")
        try:
            node = self.disjunction()
        except RecursionError:  # hundreds of brackets or `not`s: no person writes that
            raise ConditionError(f"nested too deeply in {self.source[:30]!r}…") from None
        if self.peek()[0] != "eof":
            raise ConditionError(f"unexpected {self.peek()[1]!r} in {self.source!r}")
        return node

    def disjunction(self) -> Node:
        return self._chain("or", self.conjunction)

    def conjunction(self) -> Node:
        return self._chain("and", self.negation)

    def _chain(self, keyword: str, operand: Callable[[], Node]) -> Node:
        operands = [operand()]
        while self.peek() == ("keyword", keyword):
            self.take()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else BoolOp(keyword, tuple(operands))

    def negation(self) -> Node:
        if self.peek() == ("keyword", "not"):
            self.take()
            return Not(self.negation())
        return self.comparison()

    def comparison(self) -> Node:
        left = self.operand()
        kind, text = self.peek()
        if kind == "op" and text in _COMPARE:
            self.take()
            return Compare(text, left, self.operand())
        if (kind, text) == ("keyword", "in"):
            self.take()
            return Compare("in", left, self.operand())
        if (kind, text) == ("keyword", "not"):
            self.take()
            self.take("in")
            return Compare("not in", left, self.operand())
        return left

    def operand(self) -> Node:
        kind, text = self.take()
        if kind == "number":
            return Literal(float(text) if "." in text else int(text))
        if kind == "string":
            return Literal(text[1:-1])
        if kind == "name":
            return Name(text)
        if kind == "keyword" and text in _LITERALS:
            return Literal(_LITERALS[text])
        if text == "(":
            node = self.disjunction()
            self.take(")")
            return node
        if text == "[":
            items = [self.operand()]
            while self.peek() == ("op", ","):
                self.take()
                items.append(self.operand())
            self.take("]")
            return ListOf(tuple(items))
        raise ConditionError(f"unexpected {text!r} in {self.source!r}")


@dataclass(frozen=True)
class Condition:
    source: str
    tree: Node

    @property
    def names(self) -> frozenset[str]:
        """The step ids the condition reads, so the validator can check they exist."""
        return frozenset(_names(self.tree))

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return bool(_evaluate(self.tree, answers))


def _names(node: Node) -> list[str]:
    match node:
        case Name(name):
            return [name]
        case ListOf(items) | BoolOp(_, items):
            return [name for item in items for name in _names(item)]
        case Compare(_, left, right):
            return _names(left) + _names(right)
        case Not(operand):
            return _names(operand)
    return []


def _evaluate(node: Node, answers: Mapping[str, Any]) -> Any:
    match node:
        case Literal(value):
            return value
        case Name(name):
            return answers.get(name)
        case ListOf(items):
            return [_evaluate(item, answers) for item in items]
        case Compare(op, left, right):
            return _COMPARE[op](_evaluate(left, answers), _evaluate(right, answers))
        case Not(operand):
            return not _evaluate(operand, answers)
        case BoolOp("and", operands):
            return all(_evaluate(operand, answers) for operand in operands)
        case BoolOp(_, operands):
            return any(_evaluate(operand, answers) for operand in operands)
    raise AssertionError(f"unknown node {node!r}")


@cache
def parse_condition(source: str) -> Condition:
    """Parse once per distinct text; content is loaded at start, so this is a one-off cost."""
    return Condition(source, _Parser(source).parse())
