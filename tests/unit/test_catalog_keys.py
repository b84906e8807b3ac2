"""No missing words at run time: every catalog key the code names is declared in
`flows.i18n.CATALOG_KEYS` (which `circlebot validate` checks against the default language), and a
key built at run time comes only from a declared `KeyFamily`. The keys are read from the code
itself, so a word nobody declared is caught here, not by a person meeting a KeyError."""

import ast
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import flows.i18n
from content import BUNDLED_CONTENT
from flows.i18n import CATALOG_KEYS, FAMILIES, KeyFamily
from flows.loader import ContentError
from flows.validate import load_content

ROOT = Path(__file__).resolve().parents[2]
DECLARATIONS = ROOT / "flows" / "i18n.py"  # where the families are declared, not used
FOLDERS = ("flows", "services", "handlers", "scheduler")
SOURCES = [ROOT / "bot.py", *sorted(path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py"))]
KEY_SHAPE = re.compile(r"[a-z_]+(\.[a-z_]+)+")
# Strings shaped like keys that name something else: a prompt's kind (`kind = "pdsa.value"`), a file.
FILE_SUFFIXES = ("csv", "png", "yaml", "json", "zip", "html")
# The catalog's namespaces are the first parts of the default language's keys.
NAMESPACES = frozenset(
    key.split(".")[0] for key in yaml.safe_load((BUNDLED_CONTENT / "i18n" / "en.yaml").read_text("utf-8"))
)


@dataclass
class Scan:
    keys: dict[str, str]  # a key named in the code -> its first file:line
    built: list[str]  # f-strings that build a key: file:line and the code
    names: set[str]  # every name the code refers to


def _key(value: object) -> str | None:
    """The catalog key a constant names, if it is a string shaped like one."""
    if not isinstance(value, str):
        return None
    shaped = KEY_SHAPE.fullmatch(value) and value.split(".")[0] in NAMESPACES
    return value if shaped and value.rsplit(".", 1)[1] not in FILE_SUFFIXES else None


def _starts_a_key(node: ast.JoinedStr) -> bool:
    head = node.values[0] if node.values else None
    if not (isinstance(head, ast.Constant) and isinstance(head.value, str)):
        return False
    namespace, dot, _ = head.value.partition(".")
    return bool(dot) and namespace in NAMESPACES


def _skipped(node: ast.AST) -> set[int]:
    """The string nodes that are not uses of a key: parts of an f-string (checked as a whole),
    prompt kinds, and the declaration `CATALOG_KEYS = ...` itself."""
    skipped: set[int] = set()
    for parent in ast.walk(node):
        if isinstance(parent, ast.JoinedStr):
            skipped |= {id(part) for part in parent.values}
        elif isinstance(parent, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in ("kind", "CATALOG_KEYS")
            for target in parent.targets
        ):
            skipped |= {id(inner) for inner in ast.walk(parent.value)}
    return skipped


def scan() -> Scan:
    found = Scan({}, [], set())
    for path in SOURCES:
        tree = ast.parse(path.read_text("utf-8"))
        where = path.relative_to(ROOT)
        skipped = _skipped(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and path != DECLARATIONS:
                found.names.add(node.id)
            elif isinstance(node, ast.alias):
                found.names.add(node.name)
            elif isinstance(node, ast.JoinedStr) and _starts_a_key(node):
                found.built.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
            elif isinstance(node, ast.Constant) and id(node) not in skipped and (key := _key(node.value)):
                found.keys.setdefault(key, f"{where}:{node.lineno}")
    return found


SCAN = scan()
EXPANDED = frozenset[str]().union(*(family.keys() for family in FAMILIES))


def test_the_scan_sees_the_code():
    assert {"button.skip", "error.pick_button", "chart.months"} <= SCAN.keys.keys()
    assert {"answer", "button", "circle", "day", "error", "pdsa", "role"} <= NAMESPACES


def test_every_key_the_code_names_is_declared():
    missing = [f"{where}: {key}" for key, where in sorted(SCAN.keys.items()) if key not in CATALOG_KEYS]
    assert missing == [], "add these to flows/i18n.py CATALOG_KEYS (and content/i18n/*.yaml)"


def test_no_key_is_built_outside_a_declared_family():
    assert SCAN.built == [], "build a key at run time with a KeyFamily of flows/i18n.py"


def test_every_declared_key_is_named_in_the_code_or_a_family_member():
    stale = sorted(CATALOG_KEYS - SCAN.keys.keys() - EXPANDED)
    assert stale == [], "declared in CATALOG_KEYS but no code uses them"


def test_every_family_is_listed_and_used():
    declared = {name for name, value in vars(flows.i18n).items() if isinstance(value, KeyFamily)}
    assert {id(vars(flows.i18n)[name]) for name in declared} == {id(family) for family in FAMILIES}
    assert sorted(declared - SCAN.names) == []


def test_a_family_builds_only_its_members():
    family = KeyFamily("circle.reminder_{}", ("day", "hour"))
    assert family.key("day") == "circle.reminder_day"
    assert family.keys() == frozenset({"circle.reminder_day", "circle.reminder_hour"})
    with pytest.raises(ValueError, match="week"):
        family.key("week")


def test_validate_names_the_file_and_a_missing_key(tmp_path: Path):
    folder = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    for lang in ("en", "es"):
        catalog = folder / "i18n" / f"{lang}.yaml"
        lines = catalog.read_text("utf-8").splitlines(keepends=True)
        catalog.write_text(
            "".join(line for line in lines if not line.startswith("circle.reminder_hour:")), "utf-8"
        )
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    assert [str(problem) for problem in caught.value.problems] == [
        "i18n/en.yaml:2: 'circle.reminder_hour' is missing (the bot needs it)"
    ]
