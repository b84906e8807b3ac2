"""The lockfiles agree with pyproject.toml (issue 20). `make run`, `make test` and CI install only
what requirements/*.lock pin, with pip's --require-hashes: a dependency added or raised in
pyproject.toml without `make lock` would reach no machine (CI, on a clean clone, would fail far
from the cause), and pip refuses a lock line without a hash only when it installs. Read as text:
no network, no uv. What a pinned package needs in turn is uv's resolution, not checked here,
apart from the extras pyproject.toml asks for (read from the installed package, which `make`
installed from the lock)."""

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = (ROOT / "pyproject.toml").read_text()
INSTALL_IN = (ROOT / "requirements" / "install.in").read_text()
RUN_LOCK = (ROOT / "requirements" / "run.lock").read_text()
DEV_LOCK = (ROOT / "requirements" / "dev.lock").read_text()


def read_lock(lock: str) -> tuple[dict[str, set[str]], list[str]]:
    """Package → its pinned versions (a universal lock may pin two, under markers), and every
    line that is not one exact version with its hashes."""
    pins: dict[str, set[str]] = {}
    problems = []
    for line in lock.replace("\\\n", " ").splitlines():
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        requirement, *hashes = text.split("--hash=sha256:")
        try:
            pin = Requirement(requirement)
        except InvalidRequirement:  # an option line (-e, --index-url) or a URL
            pin = None
        specifiers = list(pin.specifier) if pin else []
        if pin is None or len(specifiers) != 1 or specifiers[0].operator != "==" or not hashes:
            problems.append(f"not one exact version with its hashes: {text[:80]}")
            continue
        pins.setdefault(canonicalize_name(pin.name), set()).add(specifiers[0].version)
    return pins, problems


def wanted(pyproject: str, install_in: str, *extras: str) -> list[Requirement]:
    """What the lock must hold: the project's dependencies (and the named extras'), pip and the
    build backend (requirements/install.in and [build-system], which `make` installs from the lock
    too)."""
    project = tomllib.loads(pyproject)
    lines = [
        *project["project"]["dependencies"],
        *(d for extra in extras for d in project["project"]["optional-dependencies"][extra]),
        *project["build-system"]["requires"],
        *(s for line in install_in.splitlines() if (s := line.split("#", 1)[0].strip())),
    ]
    requirements = [Requirement(line) for line in lines]
    for requirement in [r for r in requirements if r.extras]:
        for text in metadata.requires(requirement.name) or []:
            needed = Requirement(text)
            if needed.marker is not None and any(
                "extra" in str(needed.marker) and needed.marker.evaluate({"extra": extra})
                for extra in requirement.extras
            ):
                requirements.append(needed)
    return requirements


def disagreements(pyproject: str, install_in: str, lock: str, *extras: str) -> list[str]:
    pins, problems = read_lock(lock)
    for requirement in wanted(pyproject, install_in, *extras):
        versions = pins.get(canonicalize_name(requirement.name))
        if not versions:
            problems.append(f"{requirement.name} is not in the lock")
        elif not all(requirement.specifier.contains(v, prereleases=True) for v in versions):
            problems.append(f"{requirement.name} {requirement.specifier}: the lock has {sorted(versions)}")
    return problems


def test_the_run_lock_holds_every_dependency_in_a_version_pyproject_allows() -> None:
    assert disagreements(PYPROJECT, INSTALL_IN, RUN_LOCK) == []


def test_the_dev_lock_holds_the_dependencies_and_the_dev_extra() -> None:
    assert disagreements(PYPROJECT, INSTALL_IN, DEV_LOCK, "dev") == []


def test_the_run_lock_pins_the_versions_the_tests_run_with() -> None:
    run, _ = read_lock(RUN_LOCK)
    dev, _ = read_lock(DEV_LOCK)
    assert {name: versions for name, versions in run.items() if dev.get(name) != versions} == {}


def test_a_dependency_changed_without_make_lock_is_caught() -> None:
    edited = (
        PYPROJECT.replace('"aiohttp>=3.14.3,<4"', '"aiohttp>=99,<100"')
        .replace('"sniffio>=1.3",', '"sniffio>=1.3", "requests>=2",')
        .replace("python-telegram-bot[job-queue,", "python-telegram-bot[webhooks,job-queue,")
    )
    problems = disagreements(edited, INSTALL_IN, RUN_LOCK + "six==1.17.0\n")
    assert [p.split(":")[0] for p in problems] == [
        "not one exact version with its hashes",
        "requests is not in the lock",
        "aiohttp <100,>=99",
        "tornado is not in the lock",
    ]


def test_aiohttp_is_at_least_the_release_with_its_server_advisories_fixed() -> None:
    """The bot serves its webhook with aiohttp: even an install from pyproject.toml alone (not
    the lock) never gets a release before 3.14.3."""
    dependencies = map(Requirement, tomllib.loads(PYPROJECT)["project"]["dependencies"])
    (aiohttp,) = [r for r in dependencies if r.name == "aiohttp"]
    assert not aiohttp.specifier.contains("3.14.2") and aiohttp.specifier.contains("3.14.3")
