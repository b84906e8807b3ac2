"""flows/ is the pure centre (DESIGN.md, rule 1): it must import no Telegram, database or
scheduler code, directly or through anything it imports."""

import ast
import subprocess
import sys
from pathlib import Path

FLOWS = Path(__file__).resolve().parents[2] / "flows"
FORBIDDEN = ("telegram", "sqlalchemy", "apscheduler", "aiosqlite", "asyncpg", "store", "services", "handlers")


def test_flows_source_imports_nothing_impure():
    offenders = []
    for path in FLOWS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_every_flows_module_loads_nothing_impure():
    modules = [f"flows.{path.stem}" for path in FLOWS.glob("*.py") if path.stem != "__init__"]
    script = (
        f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
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
