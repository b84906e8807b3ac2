"""The glossary of each language: the terms circlebot's texts use and the forms they avoid
(issue 22), so `circlebot validate` catches "Su supervisión" or "pulse" before a person reads it.

A content folder's own `glossary/<lang>.yaml` (a program's own word choices) wins; without one,
the project's `docs/glossary/` applies, found beside the code, so a folder anywhere is checked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import field_validator

from flows.loader import ContentError, PathKey, Problem, Source, read
from flows.spec import Model

PROJECT_GLOSSARY = Path(__file__).resolve().parent.parent / "docs" / "glossary"


class Term(Model):
    """One concept: the term to use, the forms to avoid (whole words, any case) and why."""

    concept: str
    use: str
    avoid: tuple[str, ...] = ()
    avoid_patterns: tuple[str, ...] = ()  # regular expressions, for forms no list can spell (Bienvenida/o)
    why: str

    @field_validator("avoid_patterns")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{pattern!r} is not a regular expression ({error.msg})") from None
        return patterns

    @property
    def phrases(self) -> str:
        """The avoided phrases as one alternation (any spacing between their words)."""
        return "|".join(r"\s+".join(map(re.escape, form.split())) for form in self.avoid)

    @property
    def patterns(self) -> str:
        return "|".join(f"(?:{pattern})" for pattern in self.avoid_patterns)


class Glossary(Model):
    terms: tuple[Term, ...] = ()

    @cached_property
    def matcher(self) -> re.Pattern[str] | None:
        """One expression for every term, a named group each (`p3`: a phrase of the fourth term,
        `r3` one of its patterns), the phrases behind one whole-word test: a text is read once,
        not once per form (form by form, the check was two thirds of loading the content)."""
        phrases = [f"(?P<p{i}>{term.phrases})" for i, term in enumerate(self.terms) if term.avoid]
        patterns = [f"(?P<r{i}>{term.patterns})" for i, term in enumerate(self.terms) if term.avoid_patterns]
        whole_words = [r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)"] if phrases else []
        either = whole_words + patterns
        return re.compile("|".join(either), re.IGNORECASE) if either else None


def glossary_folder(root: Path) -> Path:
    own = root / "glossary"
    return own if own.is_dir() else PROJECT_GLOSSARY


def read_glossaries(root: Path) -> tuple[dict[str, Glossary], dict[str, Source], list[Problem]]:
    """Each language's glossary and its source (`glossary/<lang>`), and the problems of reading them."""
    folder = glossary_folder(root)
    named_from = root if folder.is_relative_to(root) else folder.parent.parent
    glossaries: dict[str, Glossary] = {}
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            source = read(path, named_from)
            glossaries[path.stem] = source.parse(Glossary)
        except ContentError as error:
            problems += error.problems
            continue
        sources[f"glossary/{path.stem}"] = source
    return glossaries, sources, problems


def avoided(
    source: Source, texts: Iterator[tuple[PathKey, str, str]], glossaries: dict[str, Glossary]
) -> list[Problem]:
    """Every avoided form in `texts` (path, language, text), each with the term to use."""
    problems: list[Problem] = []
    for path, lang, text in texts:
        glossary = glossaries.get(lang)
        matcher = None if glossary is None else glossary.matcher
        if glossary is None or matcher is None:
            continue
        for found in matcher.finditer(text):
            term = glossary.terms[int(str(found.lastgroup)[1:])]  # p3, r3: the fourth term
            message = f"{found.group(0)!r} is avoided ({term.concept}): use {term.use!r}"
            problems.append(source.problem(path, message))
    return problems


def catalog_texts(source: Source, lang: str) -> Iterator[tuple[PathKey, str, str]]:
    """The bot's words of one language: every value of `i18n/<lang>.yaml`."""
    for key, text in (source.data or {}).items():
        if isinstance(text, str):
            yield (key,), lang, text


def content_texts(data: Any, languages: set[str], at: PathKey = ()) -> Iterator[tuple[PathKey, str, str]]:
    """Every text of a flow, session, PDSA or schedules file: a mapping of languages to words."""
    if isinstance(data, dict):
        if data and data.keys() <= languages and all(isinstance(words, str) for words in data.values()):
            for lang, words in data.items():
                yield (*at, lang), lang, words
            return
        for key, value in data.items():
            yield from content_texts(value, languages, (*at, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from content_texts(value, languages, (*at, i))
