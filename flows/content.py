"""A content folder read into memory once: languages, the bot's words, flows, transcripts.

content/
  languages.yaml        which languages exist and which are enabled (the one place)
  i18n/<lang>.yaml      the bot's own words, one file per language
  flows/<flow>.yaml     one flow per file, named by its id
  schedules.yaml        what goes out when, to whom (optional)
  pdsa.yaml             the flows of PDSA projects and example projects (optional)
  program.yaml          the program's contact line: how to get help now (needed by alerts)
  retention.yaml        how long personal data is kept, by kind (optional: else the defaults)
  checklists/<id>.yaml  observation checklists, one per file, named by its id (optional)
  circles/sets.yaml     learning circles' template sets, and circles/<session>.yaml (optional)
  transcripts/*.yaml    golden transcripts replayed by `circlebot validate` and the tests
  glossary/<lang>.yaml  the terms its texts use and the forms they avoid (optional: else the
                        project's docs/glossary/)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flows.checklist import Checklist
from flows.circles import CirclesContent, CircleSets, SessionTemplate
from flows.glossary import Glossary, read_glossaries
from flows.i18n import Catalog
from flows.loader import ContentError, Problem, Source, read
from flows.pdsa import PdsaContent
from flows.retention import Retention
from flows.schedules import Schedules
from flows.spec import Flow, Languages, Program

T = TypeVar("T")
OWN_FILES = ("languages", "schedules", "pdsa", "program", "retention")  # their sources sit beside the flows'


@dataclass(frozen=True)
class Content:
    root: Path
    catalog: Catalog
    flows: dict[str, Flow]
    # By flow id; `languages`, `i18n/<lang>` for the catalogs, `schedules`, `pdsa`, `program`, `retention`,
    # `circles/<file>`, `glossary/<lang>`.
    sources: dict[str, Source]
    schedules: Schedules
    pdsa: PdsaContent | None = None  # None: the program runs no PDSA projects
    circles: CirclesContent | None = None  # None: the program runs no learning circles
    program: Program | None = None  # None: no contact line (then no flow may raise alerts)
    glossaries: dict[str, Glossary] = field(default_factory=dict)  # by language
    retention: Retention = field(
        default_factory=Retention
    )  # how long personal data is kept (flows/retention.py)
    checklists: dict[str, Checklist] = field(default_factory=dict)  # by id; sources `checklists/<id>`

    @property
    def languages(self) -> Languages:
        return self.catalog.languages

    def transcripts(self) -> list[Path]:
        return sorted((self.root / "transcripts").glob("*.yaml"))


def read_content(root: Path) -> Content:
    """Read and shape-check every file; all problems of all files are raised together."""
    problems: list[Problem] = []
    sources: dict[str, Source] = {}

    def parse(path: Path, shape: type[T]) -> tuple[Source, T] | None:
        try:
            source = read(path, root)
            return source, source.parse(shape)
        except ContentError as error:
            problems.extend(error.problems)
            return None

    if not (root / "languages.yaml").is_file():
        raise ContentError([Problem(str(root), None, "", "no languages.yaml: is this a content folder?")])
    parsed_languages = parse(root / "languages.yaml", Languages)
    messages: dict[str, dict[str, str]] = {}
    for path in sorted((root / "i18n").glob("*.yaml")):
        parsed_messages = parse(path, dict[str, str])
        if parsed_messages:
            sources[f"i18n/{path.stem}"], messages[path.stem] = parsed_messages
    flows: dict[str, Flow] = {}
    for path in sorted((root / "flows").glob("*.yaml")):
        parsed_flow = parse(path, Flow)
        if parsed_flow is None:
            continue
        source, flow = parsed_flow
        if flow.id != path.stem:
            problems.append(source.problem(("id",), f"the flow id must match its file name ({path.stem!r})"))
        elif flow.id in OWN_FILES:
            problems.append(
                source.problem(("id",), f"{flow.id!r} is the name of the folder's {flow.id}.yaml")
            )
        flows[flow.id] = flow
        sources[flow.id] = source
    schedules = Schedules()
    if (root / "schedules.yaml").is_file() and (
        parsed_schedules := parse(root / "schedules.yaml", Schedules)
    ):
        sources["schedules"], schedules = parsed_schedules
    pdsa = None
    if (root / "pdsa.yaml").is_file() and (parsed_pdsa := parse(root / "pdsa.yaml", PdsaContent)):
        sources["pdsa"], pdsa = parsed_pdsa
    program = None
    if (root / "program.yaml").is_file() and (parsed_program := parse(root / "program.yaml", Program)):
        sources["program"], program = parsed_program
    retention = Retention()
    if (root / "retention.yaml").is_file() and (
        parsed_retention := parse(root / "retention.yaml", Retention)
    ):
        sources["retention"], retention = parsed_retention
    circles = _circles(root, parse, sources, problems)
    checklists = _checklists(root, parse, sources, problems)
    glossaries, glossary_sources, glossary_problems = read_glossaries(root)
    sources.update(glossary_sources)
    problems += glossary_problems
    if problems or parsed_languages is None:
        raise ContentError(problems)
    sources["languages"] = parsed_languages[0]
    catalog = Catalog(parsed_languages[1], messages)
    return Content(
        root, catalog, flows, sources, schedules, pdsa, circles, program, glossaries, retention, checklists
    )


def _checklists(
    root: Path,
    parse: Callable[[Path, type[Any]], tuple[Source, Any] | None],
    sources: dict[str, Source],
    problems: list[Problem],
) -> dict[str, Checklist]:
    """One checklist per file of `checklists/`, named by its id; no folder, no checklists."""
    checklists: dict[str, Checklist] = {}
    for path in sorted((root / "checklists").glob("*.yaml")):
        if (parsed := parse(path, Checklist)) is None:
            continue
        source, checklist = parsed
        if checklist.id != path.stem:
            wrong = f"the checklist id must match its file name ({path.stem!r})"
            problems.append(source.problem(("id",), wrong))
        checklists[checklist.id] = checklist
        sources[f"checklists/{checklist.id}"] = source
    return checklists


def _circles(
    root: Path,
    parse: Callable[[Path, type[Any]], tuple[Source, Any] | None],
    sources: dict[str, Source],
    problems: list[Problem],
) -> CirclesContent | None:
    """`circles/sets.yaml` and one session template per other file there, named by its id."""
    folder = root / "circles"
    if not (folder / "sets.yaml").is_file():
        return None
    parsed_sets = parse(folder / "sets.yaml", CircleSets)
    sessions: dict[str, SessionTemplate] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.stem == "sets" or (parsed := parse(path, SessionTemplate)) is None:
            continue
        source, session = parsed
        if session.id != path.stem:
            wrong = f"the session id must match its file name ({path.stem!r})"
            problems.append(source.problem(("id",), wrong))
        sessions[session.id] = session
        sources[f"circles/{session.id}"] = source
    if parsed_sets is None:
        return None
    sources["circles/sets"] = parsed_sets[0]
    return CirclesContent(sets=parsed_sets[1].sets, sessions=sessions)
