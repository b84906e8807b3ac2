"""Dependencies point inward (DESIGN.md, rules 1 to 6). flows/ is the pure centre: it imports
no Telegram, database, scheduler or drawing code, directly or through anything it imports. The
adapters stay apart: handlers/ (Telegram) reaches the store and the clock only through what
bot.py hands it; services/ know neither Telegram, its adapter nor what wakes them (scheduler/);
store/ knows no use case. store/ may import flows/ (the centre: plain data and rules), though
today it does not."""

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLOWS = ROOT / "flows"
IMPURE = ("telegram", "sqlalchemy", "apscheduler", "aiosqlite", "asyncpg", "matplotlib")
# package: the top-level packages nothing in it may import (at module level or in a function)
FORBIDDEN = {
    "flows": (*IMPURE, "store", "services", "handlers", "scheduler"),
    "handlers": ("store", "scheduler"),
    "services": ("handlers", "scheduler", "telegram"),
    "store": ("services", "handlers", "scheduler"),
}


def imported(path: Path) -> Iterator[tuple[int, str]]:
    """Every module a file imports, anywhere in it, with its line; relative imports resolved."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            yield node.lineno, ".".join((*base, *([node.module] if node.module else [])))


def test_no_package_imports_what_it_must_not():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for package, forbidden in FORBIDDEN.items()
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, name in imported(path)
        if name.split(".")[0] in forbidden
    ]
    assert not offenders, "\n".join(offenders)


def test_importing_every_flows_module_loads_nothing_impure():
    modules = [f"flows.{path.stem}" for path in FLOWS.glob("*.py") if path.stem != "__init__"]
    script = (
        f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN['flows']!r}))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_core_knows_no_feature_by_name():
    """services/core (the one door, the clock, her queue) imports no feature package, nor the
    list of them: features plug in through the registry the composition root hands it."""
    core = FLOWS.parent / "services" / "core"
    features = {
        p.name
        for p in (FLOWS.parent / "services").iterdir()
        if p.is_dir() and p.name not in ("core", "__pycache__")
    } | {"features"}
    offenders = []
    for path in core.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("services."):
                package = node.module.split(".")[1]
                if package in features:
                    offenders.append(f"{path.name}: {node.module}")
    assert offenders == []


# A heavy library, and the only modules that may import it.
HEAVY = {
    "matplotlib": {"services.summaries.charts", "services.pdsa.run_chart"},
    "openpyxl": {"services.exporting.xlsx"},  # `circlebot export --format xlsx` alone (20 MB)
}


@pytest.mark.parametrize("library", sorted(HEAVY))
def test_only_their_own_modules_load_the_heavy_libraries(library: str):
    """Answering a chat message never loads matplotlib (half a second and a font cache), and the
    running bot never loads openpyxl. Only the painters import matplotlib
    (services/summaries/charts.py, services/pdsa/run_chart.py), and only the drawing calls import
    a painter (`TeamSummary.chart`, `RunChart.png`), which the clocks' render path alone calls;
    only the XLSX writer imports openpyxl, and only an export to XLSX imports the writer. So no
    feature, dialog, clock, handler, job or the CLI loads either when imported. Day and month
    labels are in flows/dates.py for the same reason."""
    root = FLOWS.parent
    paths = [p for folder in ("services", "handlers", "scheduler") for p in (root / folder).rglob("*.py")]
    names = {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__") for p in paths}
    modules = [*sorted(names - HEAVY[library]), "bot"]
    script = (
        f"import importlib, sys\nfor m in {modules!r}:\n    importlib.import_module(m)\n"
        f"    if {library!r} in sys.modules:\n        print(m)\n        break"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=root
    )
    assert loaded.stdout.strip() == "", f"importing {loaded.stdout.strip()} loads {library}"
