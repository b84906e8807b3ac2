"""docs/architecture.md stays true: it names every module of every package (migrations aside)
and every button kind the features register (a new one without a line there fails here)."""

import re
from pathlib import Path

from services.features import registry_for
from tests.services.harness import CONTENT

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "architecture.md").read_text()


PACKAGES = ("flows", "services", "handlers", "scheduler", "store")


def test_every_module_is_on_the_architecture_page() -> None:
    modules = [
        p
        for package in PACKAGES
        for p in (ROOT / package).rglob("*.py")
        if p.name != "__init__.py" and "migrations" not in p.parts
    ]
    missing = [str(p.relative_to(ROOT)) for p in modules if f"`{p.name}`" not in DOC]
    assert missing == []


def test_every_button_kind_is_on_the_architecture_page() -> None:
    prefixes = registry_for(CONTENT).buttons
    missing = [p for p in prefixes if not re.search("`" + re.escape(p) + "[:`]", DOC)]
    assert missing == []


def test_no_module_of_services_or_store_is_longer_than_500_lines() -> None:
    """Small modules of one purpose each (issue 17): a longer one is two purposes to split."""
    modules = [
        p
        for package in ("services", "store")
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts
    ]
    long = [f"{p.relative_to(ROOT)}: {n}" for p in modules if (n := len(p.read_text().splitlines())) > 500]
    assert long == []
