"""A session template as the group and its members will read it: the bot's post for each
segment, and the private prompt each member gets. The running bot posts exactly these words
(with what a live session adds: last time's commitments, the chosen case, the votes' buttons),
and `circlebot preview-session` prints them, so an author sees every session before a circle
does. Golden scripts (`content/circles/scripts/<session>.<lang>.txt`) are checked against them
by `circlebot validate`, as flows are by their transcripts."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flows.circles import Segment, SessionTemplate
from flows.i18n import CIRCLE_SPEAKERS, Catalog
from flows.loader import ContentError, Problem, Source, text_of

SCRIPTS = "scripts"  # beside the session templates


def segment_post(
    catalog: Catalog, lang: str, template: SessionTemplate, position: int, added: Sequence[str] = ()
) -> str:
    """The group's post as a segment opens; `added` are the live session's own lines."""
    segment = template.segments[position]
    lines = [
        catalog.say(
            lang,
            "circle.segment",
            title=catalog.pick(segment.title, lang),
            number=position + 1,
            total=len(template.segments),
            minutes=segment.minutes,
        ),
        catalog.pick(segment.prompt, lang),
    ]
    if segment.speakers != "all":
        lines.append(catalog.say(lang, CIRCLE_SPEAKERS.key(segment.speakers)))
    lines += added
    if segment.poll is not None:
        lines.append(catalog.pick(segment.poll.question, lang))
    return "\n\n".join(lines)


def private_prompt(catalog: Catalog, lang: str, circle_name: str, segment: Segment) -> str | None:
    if segment.private is None:
        return None
    words = catalog.pick(segment.private.ask, lang)
    return catalog.say(lang, "circle.private_prompt", name=circle_name, prompt=words)


def script(catalog: Catalog, lang: str, template: SessionTemplate) -> str:
    """The whole session, segment by segment, as plain text."""
    parts = []
    for position, segment in enumerate(template.segments):
        parts.append(
            f"--- group, segment {position + 1} ---\n{segment_post(catalog, lang, template, position)}"
        )
        if segment.poll is not None and segment.poll.options:
            parts.append(
                "\n".join(f"[{catalog.pick(option.label, lang)}]" for option in segment.poll.options)
            )
        if segment.poll is not None and segment.poll.cases:
            parts.append("[the titles members proposed and confirmed]")
        prompt = private_prompt(catalog, lang, "…", segment)
        if prompt is not None:
            parts.append(f"--- privately, to each member ---\n{prompt}")
    return "\n\n".join(parts) + "\n"


def script_path(root: Path, session_id: str, lang: str) -> Path:
    return root / "circles" / SCRIPTS / f"{session_id}.{lang}.txt"


def check_script(
    root: Path, catalog: Catalog, lang: str, template: SessionTemplate, source: Source
) -> list[Problem]:
    """The golden script exists and says what the bot would; else the first line that differs.
    A missing script is a problem of its session's file (`source`)."""
    path = script_path(root, template.id, lang)
    shown = str(path.relative_to(root))
    if not path.is_file():
        record = f"circlebot preview-session {template.id} --lang {lang} --record"
        return [source.problem(("id",), f"no golden script {shown} (write it with `{record}`)")]
    try:
        written = text_of(path, shown).split("\n")
    except ContentError as error:
        return error.problems
    said = script(catalog, lang, template).split("\n")
    for number, (old, new) in enumerate(zip(written, said, strict=False), start=1):
        if old != new:
            return [Problem(shown, number, "", f"the bot says {new!r} here, not {old!r}")]
    if len(written) != len(said):
        return [
            Problem(shown, min(len(written), len(said)), "", "the script and the session differ in length")
        ]
    return []
