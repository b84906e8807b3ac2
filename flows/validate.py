"""Checks that need the whole content folder: every `goto` lands, every step is reachable and
can reach an end, conditions name real steps and choices, and every string a person can see
exists in every enabled language, in the words its language's glossary chose. `load_content` is
what the bot and the CLI call."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from flows.circle_script import check_script
from flows.circles import CirclesContent
from flows.conditions import BoolOp, Compare, Condition, ListOf, Literal, Name, Node, Not
from flows.content import Content, read_content
from flows.glossary import avoided, catalog_texts, content_texts
from flows.i18n import CATALOG_KEYS, placeholders
from flows.loader import ContentError, PathKey, Problem, Source, unexpected
from flows.observing import as_flow
from flows.pdsa import CHOICE_IDS, PARTS, REQUIRED_TAGS, SHORT_TAGS, TAG, tags_of
from flows.schedules import SendBulletin, StartFlow
from flows.spec import (
    END,
    PROGRAM_ROLES,
    ChoiceAnswer,
    Flow,
    MultiAnswer,
    NumberAnswer,
    ScaleAnswer,
    Text,
    TextAnswer,
    YesNoAnswer,
)
from flows.transcript import replay


def load_content(root: Path) -> Content:
    """Read, shape-check and cross-check a content folder; raise with every problem found."""
    content = read_content(root)
    problems = check(content)
    if problems:
        raise ContentError(problems)
    return content


def unshowable(content: Content, session_id: str, lang: str) -> list[Problem]:
    """What keeps a session from being shown in `lang` (`preview-session`): problems of its own
    words, or of the words of `lang` or the default language. Its golden scripts do not count:
    writing them is what a preview is for."""
    assert content.circles is not None, "a session of no circles"
    source = content.sources[f"circles/{session_id}"]
    texts = list(content.circles.sessions[session_id].texts())
    problems = [*_check_catalogs(content), *_missing_translations(source, texts, content)]
    reads = {source.file, f"i18n/{lang}.yaml", f"i18n/{content.languages.default}.yaml"}
    return [problem for problem in problems if problem.file in reads]


def check(content: Content) -> list[Problem]:
    """Every problem of the folder. Each file is checked on its own: an error of circlebot's own
    while checking one is a problem of that file, and the others are still checked. A golden
    transcript or script is played only once its flow or session has no problems: a goto to
    nowhere or a loop would stop or hang it."""
    problems = _check_catalogs(content)
    commands: dict[str, list[Flow]] = {}
    for flow_id in content.flows:
        if flow_id not in content.sources:  # an observation's: its checklist is checked below
            continue
        problems += _checked(content.sources[flow_id], partial(_check_flow, content, flow_id, commands))
    if content.program is not None:
        problems += _checked(content.sources["program"], partial(_check_program, content))
    if "schedules" in content.sources:
        problems += _checked(content.sources["schedules"], partial(_check_schedules, content))
    if content.pdsa is not None:
        problems += _checked(content.sources["pdsa"], partial(_check_pdsa, content))
    problems += _check_circles(content)
    for checklist_id in content.checklists:
        source = content.sources[f"checklists/{checklist_id}"]
        found = _checked(source, partial(_check_checklist, content, checklist_id))
        problems += found or _checked(source, partial(_observed, content, checklist_id))
    faulty = {problem.file for problem in problems}
    for path in content.transcripts():
        problems += replay(path, content, faulty)
    return problems + _check_words(content)  # a word to avoid keeps no transcript from playing


def _check_words(content: Content) -> list[Problem]:
    """Every text of the folder (the bot's words, flows, circles, PDSA, program, schedules) in
    the terms of its language's glossary."""
    languages = set(content.languages.languages)
    problems: list[Problem] = []
    for name, source in content.sources.items():
        if name == "languages" or name.startswith("glossary/"):
            continue
        lang = name.removeprefix("i18n/")
        texts = catalog_texts(source, lang) if name != lang else content_texts(source.data, languages)
        problems += _checked(source, partial(avoided, source, texts, content.glossaries))
    return problems


def _checked(source: Source, check: Callable[[], list[Problem]]) -> list[Problem]:
    """What `check` finds in `source`; circlebot's own error while looking is one problem of that
    file, with its line, in place of a traceback (one failure stays one failure)."""
    try:
        return check()
    except Exception as error:
        return [source.problem((), unexpected(error))]


def _check_flow(content: Content, flow_id: str, commands: dict[str, list[Flow]]) -> list[Problem]:
    """One flow: its command is its own (or shared with flows for other roles), its steps lead
    somewhere, its conditions name its steps, its words exist in every enabled language, its
    roles exist, and a flow that alerts has the program's contact line to give her."""
    flow, source = content.flows[flow_id], content.sources[flow_id]
    problems: list[Problem] = []
    if flow.command is not None:
        sharing = commands.setdefault(flow.command, [])
        problems += [
            source.problem(("command",), f"/{flow.command} already starts {other.id} for {', '.join(both)}")
            for other in sharing
            if (both := [role for role in flow.for_roles if role in other.for_roles])
        ]
        sharing.append(flow)
    if flow.alerts and content.program is None:
        no_contact = "a flow with alerts needs program.yaml with `contact:` (how she can get help now)"
        problems.append(source.problem(("alerts",), no_contact))
    problems += _check_graph(flow, source)
    problems += _check_conditions(flow, source)
    problems += _check_texts(flow, source, content)
    problems += [
        source.problem(("for_roles", i), f"no flow is for {role!r} (roles: {', '.join(PROGRAM_ROLES)})")
        for i, role in enumerate(flow.for_roles)
        if role not in PROGRAM_ROLES
    ]
    return problems


def _check_checklist(content: Content, checklist_id: str) -> list[Problem]:
    """One checklist: its roles exist (a circle's member has no team, so nobody observes her),
    its ids are each used once, and its words exist in every enabled language."""
    checklist, source = content.checklists[checklist_id], content.sources[f"checklists/{checklist_id}"]
    problems = [
        source.problem((key, i), f"no role {role!r} (roles: {', '.join(PROGRAM_ROLES)})")
        for key, roles in (
            ("observer_roles", checklist.observer_roles),
            ("observed_roles", checklist.observed_roles),
        )
        for i, role in enumerate(roles)
        if role not in PROGRAM_ROLES
    ]
    seen: set[tuple[str, str]] = set()
    for path, kind, one_id in checklist.ids():
        if (kind, one_id) in seen:
            problems.append(source.problem(path, f"the {kind} id {one_id!r} is used twice"))
        seen.add((kind, one_id))
    reflection = None if checklist.reflection is None else content.flows.get(checklist.reflection)
    if checklist.reflection is not None and reflection is None:
        problems.append(source.problem(("reflection",), f"no flow {checklist.reflection!r}"))
    elif reflection is not None and not set(checklist.observed_roles) <= set(reflection.for_roles):
        for_whom = ", ".join(reflection.for_roles)
        problems.append(
            source.problem(("reflection",), f"{reflection.id} is for {for_whom}, not everyone observed")
        )
    return problems + _missing_translations(source, list(checklist.texts()), content)


def _observed(content: Content, checklist_id: str) -> list[Problem]:
    """A sound checklist becomes the flow its observer answers (flows.observing), in
    `content.flows`, so the chat, the simulator and its golden transcripts find it."""
    observed = as_flow(content.checklists[checklist_id], content.catalog)
    if observed.id in content.flows:
        source = content.sources[f"checklists/{checklist_id}"]
        return [source.problem(("id",), f"flows/{observed.id}.yaml takes the name of its observation's flow")]
    content.flows[observed.id] = observed
    return []


def _check_program(content: Content) -> list[Problem]:
    """The contact line speaks every enabled language."""
    assert content.program is not None
    contact: list[tuple[PathKey, Text]] = [(("contact",), content.program.contact)]
    return _missing_translations(content.sources["program"], contact, content)


def _check_schedules(content: Content) -> list[Problem]:
    """Every scheduled flow exists, and a scheduled bulletin speaks every enabled language."""
    source, problems = content.sources["schedules"], []
    for i, schedule in enumerate(content.schedules.schedules):
        what = schedule.what
        if isinstance(what, StartFlow) and what.flow not in content.flows:
            known = ", ".join(sorted(content.flows))
            problems.append(
                source.problem(("schedules", i, "what", "flow"), f"no flow {what.flow!r} (flows: {known})")
            )
        if isinstance(what, SendBulletin):
            problems += [
                source.problem(("schedules", i, "what", "bulletin"), f"no {lang!r} text")
                for lang in content.languages.enabled
                if lang not in what.bulletin
            ]
    return problems


_ANSWER_TYPES: dict[str, type] = {
    "text": TextAnswer,
    "number": NumberAnswer,
    "choice": ChoiceAnswer,
    "yesno": YesNoAnswer,
}


def _check_pdsa(content: Content) -> list[Problem]:
    """The PDSA flows exist and carry the `pdsa:` tags the code reads them by, each on a step of
    the answer type the code expects; the example projects speak every enabled language."""
    if content.pdsa is None:
        return []
    source, problems = content.sources["pdsa"], []
    for part in PARTS:
        flow_id = getattr(content.pdsa.flows, part)
        flow = content.flows.get(flow_id)
        if flow is None:
            known = ", ".join(sorted(content.flows))
            problems.append(source.problem(("flows", part), f"no flow {flow_id!r} (flows: {known})"))
        else:
            source_of_flow = content.sources[flow_id]
            problems += _checked(source_of_flow, partial(_check_pdsa_tags, flow, part, source_of_flow))
    for i, template in enumerate(content.pdsa.templates):
        problems += _missing_translations(
            source, [(("templates", i, *path), text) for path, text in template.texts()], content
        )
    return problems


def _check_circles(content: Content) -> list[Problem]:
    """Every set names sessions that exist, every text speaks every enabled language, and every
    session's golden scripts say what the bot would (once its file has no problems)."""
    if content.circles is None:
        return []
    circles, source = content.circles, content.sources["circles/sets"]
    problems = _checked(source, partial(_check_sets, content, circles))
    for session_id, session in circles.sessions.items():
        session_source = content.sources[f"circles/{session_id}"]
        texts = list(session.texts())
        problems += _checked(session_source, partial(_missing_translations, session_source, texts, content))
    faulty = {problem.file for problem in problems}
    for session_id, session in circles.sessions.items():
        session_source = content.sources[f"circles/{session_id}"]
        for lang in content.languages.enabled:
            if session_source.file in faulty:
                not_yet = f"the {lang} golden script is not checked: {session_source.file} has problems"
                problems.append(session_source.problem(("id",), not_yet))
            else:
                check_one = partial(
                    check_script, content.root, content.catalog, lang, session, session_source
                )
                problems += _checked(session_source, check_one)
    return problems


def _check_sets(content: Content, circles: CirclesContent) -> list[Problem]:
    source, problems = content.sources["circles/sets"], []
    for i, one in enumerate(circles.sets):
        problems += _missing_translations(source, [(("sets", i, "title"), one.title)], content)
        for k, session_id in enumerate(one.sessions):
            if session_id not in circles.sessions:
                known = ", ".join(sorted(circles.sessions)) or "none"
                missing = f"no session {session_id!r} (sessions: {known})"
                problems.append(source.problem(("sets", i, "sessions", k), missing))
    return problems


def _check_pdsa_tags(flow: Flow, part: str, source: Source) -> list[Problem]:
    """Every step's `pdsa:` tag is one its part knows, on the right kind of step; every tag the
    part needs is on some step. A tag may sit on several steps (Act asks `next` three ways)."""
    problems: list[Problem] = []
    wanted = tags_of(part)
    found: set[str] = set()
    for position, step in enumerate(flow.steps):
        tag = step.tags.get(TAG)
        if tag is None:
            continue
        at: PathKey = ("steps", position)
        if tag not in wanted:
            known = ", ".join(wanted)
            problems.append(
                source.problem((*at, "tags", TAG), f"unknown {TAG} tag {tag!r} for the {part} part ({known})")
            )
            continue
        found.add(tag)
        kind = wanted[tag]
        answer = step.answer
        if not isinstance(answer, _ANSWER_TYPES[kind]):
            problems.append(source.problem((*at, "answer"), f"{TAG}: {tag} needs a {kind} answer"))
        elif tag in SHORT_TAGS and isinstance(answer, TextAnswer) and answer.max_length > SHORT_TAGS[tag]:
            message = f"{TAG}: {tag} is shown on buttons and charts: max_length at most {SHORT_TAGS[tag]}"
            problems.append(source.problem((*at, "answer"), message))
        elif (
            tag == "days"
            and isinstance(answer, NumberAnswer)
            and not (answer.integer and (answer.min or 0) >= 1)
        ):
            message = f"{TAG}: days needs whole days, at least 1 (integer: true, min: 1): the test's length"
            problems.append(source.problem((*at, "answer"), message))
        elif tag in CHOICE_IDS and isinstance(answer, ChoiceAnswer):
            ids = sorted(choice.id for choice in answer.choices)
            if ids != sorted(CHOICE_IDS[tag]):
                expected = ", ".join(CHOICE_IDS[tag])
                problems.append(
                    source.problem(
                        (*at, "answer", "choices"), f"{TAG}: {tag} needs exactly the choices {expected}"
                    )
                )
    for tag in REQUIRED_TAGS[part]:
        if tag not in found:
            kind = REQUIRED_TAGS[part][tag]
            message = f"no step tagged `{TAG}: {tag}` (the {part} part needs one, with a {kind} answer)"
            problems.append(source.problem(("steps",), message))
    return problems


def _edges(flow: Flow, position: int) -> list[str]:
    """Where a step can lead: its rules in order, then the next step unless a rule with no
    condition always wins first."""
    step = flow.steps[position]
    targets = [rule.goto for rule in step.next]
    if all(rule.when is not None for rule in step.next):
        targets.append(flow.steps[position + 1].id if position + 1 < len(flow.steps) else END)
    return targets


def _check_graph(flow: Flow, source: Source) -> list[Problem]:
    problems: list[Problem] = []
    known = {step.id for step in flow.steps} | {END}
    graph: dict[str, list[str]] = {}
    for position, step in enumerate(flow.steps):
        for j, rule in enumerate(step.next):
            if rule.goto not in known:
                path = ("steps", position, "next", j, "goto")
                problems.append(source.problem(path, f"no step {rule.goto!r} to go to"))
        graph[step.id] = [target for target in _edges(flow, position) if target in known]

    reachable = _closure([flow.steps[0].id], graph)
    reverse: dict[str, list[str]] = {}
    for origin, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, []).append(origin)
    finishing = _closure([END], reverse)
    for position, step in enumerate(flow.steps):
        if step.id not in reachable:
            problems.append(source.problem(("steps", position), f"step {step.id!r} can never be reached"))
        elif step.id not in finishing:
            problems.append(
                source.problem(("steps", position), f"from step {step.id!r} the flow can never end")
            )
    silent = {step.id for step in flow.steps if step.answer is None}
    silent_graph = {s: [t for t in graph[s] if t in silent] for s in silent}
    for position, step in enumerate(flow.steps):
        if step.id in silent and step.id in _closure(silent_graph[step.id], silent_graph):
            message = "steps that ask nothing loop back here: the bot would talk forever"
            problems.append(source.problem(("steps", position), message))
    return problems


def _closure(start: list[str], graph: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, []))
    return seen


def _check_conditions(flow: Flow, source: Source) -> list[Problem]:
    """Names must be steps; a literal compared with a choice step must be one of its ids."""
    problems: list[Problem] = []
    steps = {step.id: step for step in flow.steps}
    conditions: list[tuple[PathKey, Condition]] = [
        (("steps", position, "next", j, "when"), rule.condition)
        for position, step in enumerate(flow.steps)
        for j, rule in enumerate(step.next)
        if rule.condition is not None
    ]
    conditions += [(("alerts", k, "when"), alert.condition) for k, alert in enumerate(flow.alerts)]
    for path, condition in conditions:
        for name in sorted(condition.names - steps.keys()):
            problems.append(source.problem(path, f"{name!r} is not a step of this flow"))
        for name, value in _compared(condition.tree):
            answer = steps[name].answer if name in steps else None
            if isinstance(answer, ChoiceAnswer | MultiAnswer):
                ids = [choice.id for choice in answer.choices]
                if value not in ids:
                    problems.append(
                        source.problem(path, f"{value!r} is not a choice of {name!r} ({', '.join(ids)})")
                    )
    return problems


def _compared(node: Node) -> Iterator[tuple[str, object]]:
    """(step, literal) pairs a condition compares, however the comparison is written."""
    match node:
        case Compare(_, Name(name), Literal(value)) | Compare(_, Literal(value), Name(name)):
            yield name, value
        case Compare(_, Name(name), ListOf(items)):
            for item in items:
                if isinstance(item, Literal):
                    yield name, item.value
        case BoolOp(_, operands):
            for operand in operands:
                yield from _compared(operand)
        case Not(operand):
            yield from _compared(operand)


def _flow_texts(flow: Flow) -> Iterator[tuple[PathKey, Text]]:
    yield ("title",), flow.title
    if flow.description:
        yield ("description",), flow.description
    if flow.done:
        yield ("done",), flow.done
    for position, step in enumerate(flow.steps):
        at: PathKey = ("steps", position)
        yield (*at, "ask"), step.ask
        if step.label:
            yield (*at, "label"), step.label
        answer = step.answer
        if isinstance(answer, ChoiceAnswer | MultiAnswer):
            for k, choice in enumerate(answer.choices):
                yield (*at, "answer", "choices", k, "label"), choice.label
        if isinstance(answer, ScaleAnswer):
            for point, label in answer.labels.items():
                yield (*at, "answer", "labels", point), label
    for k, alert in enumerate(flow.alerts):
        yield ("alerts", k, "reason"), alert.reason


def _check_texts(flow: Flow, source: Source, content: Content) -> list[Problem]:
    return _missing_translations(source, list(_flow_texts(flow)), content)


def _missing_translations(
    source: Source, texts: list[tuple[PathKey, Text]], content: Content
) -> list[Problem]:
    """A text without words in an enabled language, or in a language the program does not know."""
    languages = content.languages
    problems: list[Problem] = []
    for path, text in texts:
        for lang in languages.enabled:
            if not text.get(lang, "").strip():
                problems.append(source.problem(path, f"no {languages.languages[lang].name} ({lang}) text"))
        for lang in sorted(text.keys() - languages.languages.keys()):
            problems.append(source.problem(path, f"{lang!r} is not a language in languages.yaml"))
    return problems


def _check_catalogs(content: Content) -> list[Problem]:
    """The default and every enabled language have their file; then each file on its own."""
    languages, catalog = content.languages, content.catalog.messages
    listed = content.sources["languages"]
    if languages.default not in catalog:
        return [listed.problem(("default",), f"no i18n/{languages.default}.yaml for the default language")]
    problems = [
        listed.problem(("enabled", i), f"no i18n/{lang}.yaml for an enabled language")
        for i, lang in enumerate(languages.enabled)
        if lang not in catalog
    ]
    for lang in sorted(catalog):
        problems += _checked(content.sources[f"i18n/{lang}"], partial(_check_catalog, content, lang))
    return problems


def _check_catalog(content: Content, lang: str) -> list[Problem]:
    """The default language has every word the code uses; an enabled language has every word
    the default has; every word is a template the bot can fill in, with the default's
    `{placeholders}`."""
    languages, source = content.languages, content.sources[f"i18n/{lang}"]
    default, words = content.catalog.messages[languages.default], content.catalog.messages[lang]
    if lang not in languages.languages:
        return [source.problem((), f"{lang!r} is not a language in languages.yaml")]
    if lang == languages.default:
        problems = [
            source.problem((), f"{key!r} is missing (the bot needs it)")
            for key in sorted(CATALOG_KEYS - words.keys())
        ]
    elif lang in languages.enabled:
        problems = [
            source.problem((), f"{key!r} is not translated") for key in sorted(default.keys() - words.keys())
        ]
    else:
        problems = []
    for key in sorted(words.keys() - default.keys()):
        problems.append(source.problem((key,), "unknown key (not in the default language)"))
    if "chart.months" in words and len(words["chart.months"].split("|")) != 12:
        problems.append(source.problem(("chart.months",), "needs twelve month names separated by |"))
    for key in sorted(words):
        fields, expected = _fields(words[key]), _fields(default.get(key, ""))
        if fields is None:
            problems.append(
                source.problem((key,), "a `{` or `}` the bot cannot fill in (write `{{` or `}}` for one)")
            )
        elif expected is not None and key in default and fields != expected:
            named = ", ".join(sorted(expected)) or "none"
            problems.append(source.problem((key,), f"placeholders differ from {languages.default} ({named})"))
    return problems


def _fields(template: str) -> frozenset[str] | None:
    """The `{placeholders}` of a template, or None when `str.format` cannot read it."""
    try:
        return placeholders(template)
    except ValueError:
        return None
