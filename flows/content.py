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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from flows.checklist import Checklist
from flows.circles import CirclesContent, CircleSets, SessionTemplate
from flows.glossary import Glossary, read_glossaries
from flows.i18n import Catalog
from flows.loader import ContentError, Problem, Source, read
from flows.observing import PREFIX
from flows.pdsa import PdsaContent
from flows.retention import Retention
from flows.schedules import Schedules
from flows.spec import Flow, Languages, Program

T = TypeVar("T")


class Named(Protocol):
    @property
    def id(self) -> str: ...


N = TypeVar("N", bound=Named)
CHECKLISTS = "checklists/"  # a checklist's source key: this and its id
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

    @property
    def written_flows(self) -> list[str]:
        """The flows of `flows/`, each its own file (a checklist's flow is counted as a checklist)."""
        return [flow_id for flow_id in self.flows if flow_id in self.sources]

    def flow_source(self, flow_id: str) -> Source:
        """Where a flow is written: its file, or an observation's checklist (flows.observing)."""
        return self.sources.get(flow_id) or self.sources[CHECKLISTS + flow_id.removeprefix(PREFIX)]

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

    def named(
        folder: str, shape: type[N], what: str, key: str = "", skip: str = "", taken: tuple[str, ...] = ()
    ) -> dict[str, N]:
        """One `shape` per file of `folder` (but `skip`), each named by its id, which must be its
        file's name and none of `taken`; its source under `key` + id."""
        found: dict[str, N] = {}
        for path in sorted((root / folder).glob("*.yaml")):
            if path.stem == skip or (parsed := parse(path, shape)) is None:
                continue
            source, item = parsed
            if item.id != path.stem:
                problems.append(
                    source.problem(("id",), f"the {what} id must match its file name ({path.stem!r})")
                )
            elif item.id in taken:
                problems.append(
                    source.problem(("id",), f"{item.id!r} is the name of the folder's {item.id}.yaml")
                )
            found[item.id] = item
            sources[key + item.id] = source
        return found

    def optional(name: str, shape: type[T]) -> T | None:
        """`<name>.yaml` when the folder has it, its source under `name`."""
        if not (root / f"{name}.yaml").is_file() or (parsed := parse(root / f"{name}.yaml", shape)) is None:
            return None
        sources[name], found = parsed
        return found

    flows = named("flows", Flow, "flow", taken=OWN_FILES)  # a flow's source would take a file's place
    schedules = optional("schedules", Schedules) or Schedules()
    pdsa = optional("pdsa", PdsaContent)
    program = optional("program", Program)
    retention = optional("retention", Retention) or Retention()
    circles = None
    if (root / "circles" / "sets.yaml").is_file():
        sets = optional("circles/sets", CircleSets)
        sessions = named("circles", SessionTemplate, "session", "circles/", skip="sets")
        circles = None if sets is None else CirclesContent(sets=sets.sets, sessions=sessions)
    checklists = named("checklists", Checklist, "checklist", CHECKLISTS)
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
