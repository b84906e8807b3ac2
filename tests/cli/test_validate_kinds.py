"""`circlebot validate` on a copy of the shipped content broken one way at a time (issue 20):
every kind of thing it checks is reported with its file and line, the exit code is 1, and
nothing shows a traceback. A flow with problems is not replayed, and the report says so.
`validate`, `simulate` and `preview-session` read no Telegram setting."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

import bot
from content import BUNDLED_CONTENT

Change = Callable[[Path], None]
WHERE = re.compile(r"^[\w./-]+:\d+: ")  # file:line: first on every line


def replace(file: str, old: str, new: str) -> Change:
    def change(folder: Path) -> None:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{file} no longer holds {old!r}: update this case"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def garble(file: str, old: str) -> Change:
    """`old` with a byte that is not UTF-8 in its middle."""

    def change(folder: Path) -> None:
        path = folder / file
        raw, word = path.read_bytes(), old.encode()
        assert word in raw, f"{file} no longer holds {old!r}: update this case"
        path.write_bytes(raw.replace(word, word[:2] + b"\xff" + word[2:], 1))

    return change


def write(file: str, text: str) -> Change:
    def change(folder: Path) -> None:
        (folder / file).write_text(text, encoding="utf-8")

    return change


def write_glossary(text: str) -> Change:
    """The folder's own Spanish glossary, in place of the project's."""

    def change(folder: Path) -> None:
        (folder / "glossary").mkdir()
        write("glossary/es.yaml", text)(folder)

    return change


def remove(file: str) -> Change:
    return lambda folder: (folder / file).unlink()


def own_file_name(folder: Path) -> None:
    """A flow named like one of the folder's own files (`pdsa.yaml`)."""
    text = (folder / "flows" / "weekly_checkin.yaml").read_text(encoding="utf-8")
    flow = text.replace("id: weekly_checkin", "id: pdsa").replace("command: checkin\n", "")
    (folder / "flows" / "pdsa.yaml").write_text(flow, encoding="utf-8")


@dataclass(frozen=True)
class Kind:
    changes: tuple[Change, ...]
    expected: tuple[str, ...]  # lines validate prints, among others


def kind(*changes: Change, expect: str | tuple[str, ...]) -> Kind:
    return Kind(changes, (expect,) if isinstance(expect, str) else expect)


CHECKIN, SELFCHECK = "flows/weekly_checkin.yaml", "flows/rios_selfcheck.yaml"
CHECKIN_EN = "transcripts/weekly_checkin.en.yaml"
ES, TOY = "i18n/es.yaml", "circles/toy_making.yaml"
STOPPED = "checking stopped here (KeyError at flows/i18n.py:"
SESSIONS = ("building_relationships", "case_consultation", "family_participation", "toy_making")

KINDS: dict[str, Kind] = {
    # reading a file: YAML itself
    "yaml syntax": kind(
        replace(SELFCHECK, "for_roles: [supervisor]", "for_roles: [supervisor"),
        expect="flows/rios_selfcheck.yaml:11: not valid YAML: expected ',' or ']', but got ':'",
    ),
    "a key given twice": kind(
        replace(CHECKIN, "command: checkin\n", "command: checkin\ncommand: checkin\n"),
        expect="flows/weekly_checkin.yaml:13: command: this key is given twice",
    ),
    "a list as a key": kind(
        replace(CHECKIN, "expires_after: 72h\n", "expires_after: 72h\n? [a, b]\n: c\n"),
        expect="flows/weekly_checkin.yaml:14: a key is a word or a number, not a list or a mapping",
    ),
    "an alias inside itself": kind(
        replace(CHECKIN, "expires_after: 72h\n", "expires_after: 72h\nloop: &loop [*loop]\n"),
        expect="flows/weekly_checkin.yaml:14: loop[0]: an alias inside itself: it never ends",
    ),
    "a date that does not exist": kind(
        replace("schedules.yaml", "holidays: [2026-12-25,", "holidays: [2026-02-31,"),
        expect="schedules.yaml:23: holidays[0]: '2026-02-31' cannot be read (day is out of range for month)",
    ),
    "not UTF-8": kind(
        garble(CHECKIN, "Weekly check-in"),
        expect="flows/weekly_checkin.yaml:6: not UTF-8 text: save it as UTF-8",
    ),
    "a control character": kind(
        replace(CHECKIN, "Weekly check-in", "Weekly check\x00in"),
        expect="flows/weekly_checkin.yaml:6: not valid YAML: character #x0000: special characters are not allowed",
    ),
    # reading a file: its shape
    "an unknown key": kind(
        replace(CHECKIN, "    answer: {type: yesno}", "    anwser: {type: yesno}"),
        expect="flows/weekly_checkin.yaml:74: steps[4].anwser: unknown key (a typo?)",
    ),
    "a missing key": kind(
        replace(CHECKIN, "title:\n  en: Weekly check-in\n  es: Seguimiento semanal\n", ""),
        expect="flows/weekly_checkin.yaml:4: title: is required but missing",
    ),
    "a value out of range": kind(
        replace(CHECKIN, "      min: 1\n      max: 5\n", "      min: 6\n      max: 5\n"),
        expect="flows/weekly_checkin.yaml:34: steps[0].answer: a scale needs min < max, at most 11 points, from 0 up",
    ),
    "a flow id that is not its file's name": kind(
        replace(CHECKIN, "id: weekly_checkin", "id: weekly_check"),
        expect="flows/weekly_checkin.yaml:4: id: the flow id must match its file name ('weekly_checkin')",
    ),
    "a flow named like the folder's own file": kind(
        own_file_name, expect="flows/pdsa.yaml:4: id: 'pdsa' is the name of the folder's pdsa.yaml"
    ),
    "languages: the default not enabled": kind(
        replace("languages.yaml", "default: en", "default: ar"),
        expect="languages.yaml:4: the default language 'ar' is not enabled",
    ),
    "words that are not text": kind(
        replace(ES, 'button.skip: "Saltar"', "button.skip: [Saltar]"),
        expect="i18n/es.yaml:13: button.skip: Input should be a valid string",
    ),
    "a schedule that never happens": kind(
        replace("schedules.yaml", 'when: {weekly: monday, at: "09:00"}', 'when: {cron: "0 9 31 2 *"}'),
        expect="schedules.yaml:9: schedules[0].when.cron: '0 9 31 2 *' never happens: there is no 31 February",
    ),
    "pdsa.yaml: an unknown key": kind(
        replace("pdsa.yaml", 'prompts: {at: "17:00"', 'prompt: {at: "17:00"'),
        expect="pdsa.yaml:6: prompt: unknown key (a typo?)",
    ),
    "circles: an unknown key in the sets": kind(
        replace("circles/sets.yaml", "sessions: [case_consultation]", "sesions: [case_consultation]"),
        expect=(
            "circles/sets.yaml:5: sets[0].sessions: is required but missing",
            "circles/sets.yaml:7: sets[0].sesions: unknown key (a typo?)",
        ),
    ),
    "circles: a session id that is not its file's name": kind(
        replace(TOY, "id: toy_making", "id: toy_makin"),
        expect="circles/toy_making.yaml:5: id: the session id must match its file name ('toy_making')",
    ),
    # a flow against itself and the others
    "a goto to a missing step, in a flow with transcripts": kind(
        replace("flows/pdsa_act.yaml", "goto: next_adopt}", "goto: next_adoptx}"),
        expect=(
            "flows/pdsa_act.yaml:33: steps[0].next[0].goto: no step 'next_adoptx' to go to",
            "flows/pdsa_act.yaml:37: steps[1]: step 'next_adopt' can never be reached",
            "transcripts/pdsa_act.adopt.en.yaml:1: flow: not replayed: flows/pdsa_act.yaml has problems",
            "transcripts/pdsa_act.en.yaml:1: flow: not replayed: flows/pdsa_act.yaml has problems",
            "transcripts/pdsa_act.es.yaml:1: flow: not replayed: flows/pdsa_act.yaml has problems",
        ),
    ),
    "a flow that never ends": kind(
        replace(
            CHECKIN,
            "    answer: {type: yesno}\n",
            "    answer: {type: yesno}\n    next:\n      - {goto: wellbeing}\n",
        ),
        expect=(
            "flows/weekly_checkin.yaml:28: steps[0]: from step 'wellbeing' the flow can never end",
            "transcripts/weekly_checkin.en.yaml:1: flow: not replayed: flows/weekly_checkin.yaml has problems",
        ),
    ),
    "steps that ask nothing, in a loop": kind(
        replace(
            SELFCHECK, "  - id: session_date\n", "    next:\n      - {goto: intro}\n  - id: session_date\n"
        ),
        expect=(
            "flows/rios_selfcheck.yaml:18: steps[0]: steps that ask nothing loop back here: the bot would talk forever",
            "transcripts/rios_selfcheck.en.yaml:1: flow: not replayed: flows/rios_selfcheck.yaml has problems",
        ),
    ),
    "a condition on no step": kind(
        replace(CHECKIN, '"support == true"', '"suport == true"'),
        expect="flows/weekly_checkin.yaml:17: alerts[0].when: 'suport' is not a step of this flow",
    ),
    "a condition nested too deeply": kind(
        replace(CHECKIN, '"support == true"', '"' + "(" * 400 + "support == true" + ")" * 400 + '"'),
        expect="flows/weekly_checkin.yaml:17: alerts[0].when: nested too deeply in '(((((((((((((((((((((((((((((('…",
    ),
    "a condition on no choice": kind(
        replace(
            "flows/rios_reflection.yaml", "\"'family_story' in elements\"", "\"'family_stroy' in elements\""
        ),
        expect=(
            "flows/rios_reflection.yaml:74: steps[5].next[0].when: 'family_stroy' is not a choice of 'elements' "
            "(family_story, use_of_self, parallel_process)"
        ),
    ),
    "a command taken twice": kind(
        replace(CHECKIN, "command: checkin", "command: reflect"),
        expect="flows/weekly_checkin.yaml:12: command: /reflect already starts rios_reflection for home_visitor",
    ),
    "a role no flow is for": kind(
        replace(
            CHECKIN, "for_roles: [home_visitor, facilitator]", "for_roles: [home_visitor, circle_member]"
        ),
        expect=(
            "flows/weekly_checkin.yaml:11: for_roles[1]: no flow is for 'circle_member' "
            "(roles: admin, supervisor, facilitator, home_visitor)"
        ),
    ),
    "a flow's text missing in the default language": kind(
        replace(SELFCHECK, 'ask: {en: "When was the session?", es:', "ask: {es:"),
        expect=(
            "flows/rios_selfcheck.yaml:24: steps[1].ask: no English (en) text",
            "transcripts/rios_selfcheck.en.yaml:1: flow: not replayed: flows/rios_selfcheck.yaml has problems",
            "transcripts/rios_selfcheck.es.yaml:1: flow: not replayed: flows/rios_selfcheck.yaml has problems",
        ),
    ),
    "a text in no language of the program": kind(
        replace(CHECKIN, "es: pidió su apoyo esta semana}", "es: pidió su apoyo esta semana, fr: a demandé}"),
        expect="flows/weekly_checkin.yaml:18: alerts[0].reason: 'fr' is not a language in languages.yaml",
    ),
    # the bot's words
    "a word the bot needs, missing": kind(
        replace("i18n/en.yaml", 'button.skip: "Skip"\n', ""),
        expect=(
            "i18n/en.yaml:2: 'button.skip' is missing (the bot needs it)",
            "i18n/es.yaml:13: button.skip: unknown key (not in the default language)",
        ),
    ),
    "a word not translated": kind(
        replace(ES, 'button.skip: "Saltar"\n', ""), expect="i18n/es.yaml:2: 'button.skip' is not translated"
    ),
    "a word the default does not have": kind(
        replace(ES, 'button.skip: "Saltar"\n', 'button.skip: "Saltar"\nbutton.skipp: "Saltar"\n'),
        expect="i18n/es.yaml:14: button.skipp: unknown key (not in the default language)",
    ),
    "placeholders that differ": kind(
        replace(ES, "del {min} al {max}", "del {minimo} al {max}"),
        expect="i18n/es.yaml:20: error.number_range: placeholders differ from en (max, min)",
    ),
    "a brace the bot cannot fill in": kind(
        replace(ES, 'button.skip: "Saltar"', 'button.skip: "Saltar {"'),
        expect="i18n/es.yaml:13: button.skip: a `{` or `}` the bot cannot fill in (write `{{` or `}}` for one)",
    ),
    "month names that are not twelve": kind(
        replace(ES, "|nov|dic", "|nov"),
        expect="i18n/es.yaml:166: chart.months: needs twelve month names separated by |",
    ),
    "words of no language of the program": kind(
        write("i18n/fr.yaml", "button.skip: Passer\n"),
        expect="i18n/fr.yaml:1: 'fr' is not a language in languages.yaml",
    ),
    "an enabled language without its words": kind(
        replace("languages.yaml", "enabled: [en, es]", "enabled: [en, es, ar]"),
        remove("i18n/ar.yaml"),
        expect="languages.yaml:5: enabled[2]: no i18n/ar.yaml for an enabled language",
    ),
    # schedules, PDSA, circles against the flows
    "a schedule of no flow": kind(
        replace("schedules.yaml", "what: {flow: weekly_checkin}", "what: {flow: weekly_chekin}"),
        expect=(
            "schedules.yaml:7: schedules[0].what.flow: no flow 'weekly_chekin' (flows: pdsa_act, "
            "pdsa_carried_out, pdsa_plan, pdsa_project, pdsa_study, rios_reflection, rios_selfcheck, supervisor_checkin, weekly_checkin)"
        ),
    ),
    "a scheduled bulletin missing a language": kind(
        replace("schedules.yaml", "what: {summary: weekly}", 'what: {bulletin: {en: "Holiday on Friday"}}'),
        expect="schedules.yaml:13: schedules[1].what.bulletin: no 'es' text",
    ),
    "PDSA: a part of no flow": kind(
        replace("pdsa.yaml", "act: pdsa_act}", "act: pdsa_akt}"),
        expect=(
            "pdsa.yaml:3: flows.act: no flow 'pdsa_akt' (flows: pdsa_act, pdsa_carried_out, pdsa_plan, "
            "pdsa_project, pdsa_study, rios_reflection, rios_selfcheck, supervisor_checkin, weekly_checkin)"
        ),
    ),
    "PDSA: an unknown tag": kind(
        replace("flows/pdsa_study.yaml", "tags: {pdsa: learned}", "tags: {pdsa: learnt}"),
        expect=(
            "flows/pdsa_study.yaml:30: steps[1].tags.pdsa: unknown pdsa tag 'learnt' for the study part "
            "(observed, learned)",
            "transcripts/pdsa_study.en.yaml:1: flow: not replayed: flows/pdsa_study.yaml has problems",
        ),
    ),
    "PDSA: an example missing a language": kind(
        replace(
            "pdsa.yaml", "measure: {en: Visits kept, es: Visitas realizadas}", "measure: {en: Visits kept}"
        ),
        expect="pdsa.yaml:17: templates[0].measure: no Español (es) text",
    ),
    "PDSA: run-chart rules that do not exist": kind(
        replace("pdsa.yaml", "rules: anhoej", "rules: anhoj"),
        expect="pdsa.yaml:9: rules: unknown run-chart rules 'anhoj': one of anhoej, ihi (anhoej is the default)",
    ),
    "circles: a set of no session": kind(
        replace("circles/sets.yaml", "sessions: [case_consultation]", "sessions: [case_consultaton]"),
        expect=(
            "circles/sets.yaml:7: sets[0].sessions[0]: no session 'case_consultaton' (sessions: "
            "building_relationships, case_consultation, family_participation, toy_making)"
        ),
    ),
    "circles: a text missing in the default language": kind(
        replace(TOY, "title: {en: Check-in, es: Ronda de inicio}", "title: {es: Ronda de inicio}"),
        expect=(
            "circles/toy_making.yaml:9: segments[0].title: no English (en) text",
            "circles/toy_making.yaml:5: id: the en golden script is not checked: circles/toy_making.yaml has problems",
        ),
    ),
    "circles: a golden script missing": kind(
        remove("circles/scripts/toy_making.es.txt"),
        expect=(
            "circles/toy_making.yaml:5: id: no golden script circles/scripts/toy_making.es.txt "
            "(write it with `circlebot preview-session toy_making --lang es --record`)"
        ),
    ),
    "circles: a golden script that differs": kind(
        replace("circles/scripts/toy_making.es.txt", "Ronda de inicio ·", "Ronda ·"),
        expect=(
            "circles/scripts/toy_making.es.txt:2: the bot says 'Ronda de inicio · 1/7 · unos 10 min' here, "
            "not 'Ronda · 1/7 · unos 10 min'"
        ),
    ),
    "circles: a golden script not in UTF-8": kind(
        garble("circles/scripts/toy_making.es.txt", "Ronda de inicio"),
        expect="circles/scripts/toy_making.es.txt:2: not UTF-8 text: save it as UTF-8",
    ),
    # the glossary's words (docs/glossary/, or the folder's own glossary/)
    "a word the glossary avoids, in the bot's words": kind(
        replace(ES, "Este botón ya venció.", "Este botón ya caducó."),
        expect="i18n/es.yaml:84: button.expired: 'caducó' is avoided (Something expired): use 'venció; vencido, vencida'",
    ),
    "the supervisor as an office, in a flow": kind(
        replace(CHECKIN, "apoyo de su supervisora o supervisor esta", "apoyo de su supervisión esta"),
        expect=(
            "flows/weekly_checkin.yaml:73: steps[4].ask.es: 'su supervisión' is avoided (The supervisor, as a person): "
            "use 'su supervisora o supervisor; la supervisora o el supervisor; quien supervisa su equipo'"
        ),
    ),
    "a slash form": kind(
        replace(ES, "¡Le damos la bienvenida, {name}!", "¡Bienvenida/o, {name}!"),
        expect=(
            "i18n/es.yaml:55: onboarding.welcome: 'Bienvenida/o' is avoided (Words for a person of either gender): "
            "use 'neutral phrasing (Le damos la bienvenida; en este periodo; quien; la persona) or both forms "
            "(visitadora o visitador)'"
        ),
    ),
    "a word the glossary avoids, in a session (the line of its text)": kind(
        replace(TOY, "no siempre funcionan a la primera", "no siempre funcionan cuando pulsen"),
        expect="circles/toy_making.yaml:43: segments[2].prompt.es: 'pulsen' is avoided (Pressing a button): use 'toque (toquen)'",
    ),
    "an English word the glossary avoids": kind(
        replace("i18n/en.yaml", "apply, then tap Done.", "apply, then click Done."),
        expect="i18n/en.yaml:41: hint.multi: 'click' is avoided (Pressing a button): use 'tap'",
    ),
    "a folder's own glossary that cannot be read": kind(
        write_glossary("terms:\n  - {concept: x, use: y, why: z, avoid_patterns: ['(']}\n"),
        expect=(
            "glossary/es.yaml:2: terms[0].avoid_patterns: '(' is not a regular expression "
            "(missing ), unterminated subpattern)"
        ),
    ),
    # golden transcripts
    "a transcript in YAML that is not": kind(
        replace(CHECKIN_EN, "lang: en", "lang: [en"),
        expect="transcripts/weekly_checkin.en.yaml:3: not valid YAML: expected ',' or ']', but got ':'",
    ),
    "a transcript with an unknown key": kind(
        replace(CHECKIN_EN, "lang: en", "language: en"),
        expect=(
            "transcripts/weekly_checkin.en.yaml:1: lang: is required but missing",
            "transcripts/weekly_checkin.en.yaml:2: language: unknown key (a typo?)",
        ),
    ),
    "a transcript's day that does not exist": kind(
        replace(CHECKIN_EN, "now: '2026-11-24T15:00:00+00:00'", "now: 2026-02-31T15:00:00Z"),
        expect=(
            "transcripts/weekly_checkin.en.yaml:4: now: '2026-02-31T15:00:00Z' cannot be read "
            "(day is out of range for month)"
        ),
    ),
    "a transcript's timezone that is not one": kind(
        replace(CHECKIN_EN, "timezone: UTC", "timezone: Mars/Olympus"),
        expect="transcripts/weekly_checkin.en.yaml:3: timezone: 'Mars/Olympus' is not a timezone name like America/Lima",
    ),
    "a transcript of no flow": kind(
        replace(CHECKIN_EN, "flow: weekly_checkin", "flow: weekly_chekin"),
        expect="transcripts/weekly_checkin.en.yaml:1: flow: no flow 'weekly_chekin'",
    ),
    "a transcript the bot says differently": kind(
        replace(CHECKIN_EN, "And one thing that was hard?", "And one thing that was difficult?"),
        expect=(
            "transcripts/weekly_checkin.en.yaml:28: conversation[7]: the bot says 'And one thing that was hard?' "
            "where the transcript has 'And one thing that was difficult?'"
        ),
    ),
    "a transcript where the bot says more": kind(
        replace(CHECKIN_EN, "ends: completed", "- bot: One more thing?\nends: completed"),
        expect="transcripts/weekly_checkin.en.yaml:53: conversation[13]: the bot says nothing more here",
    ),
    "a transcript that goes on after the end": kind(
        replace(CHECKIN_EN, "ends: completed", "- you: hello\nends: completed"),
        expect="transcripts/weekly_checkin.en.yaml:53: conversation[13]: the conversation has already ended",
    ),
    "a transcript that stops early": kind(
        replace(CHECKIN_EN, "- bot: Thank you for checking in. Take care of yourself this week.\n", ""),
        expect=(
            "transcripts/weekly_checkin.en.yaml:5: conversation: the bot says 'Thank you for checking in. "
            "Take care of yourself this week.' where the transcript has 'the end of the transcript'"
        ),
    ),
    "a transcript that ends otherwise": kind(
        replace(CHECKIN_EN, "ends: completed", "ends: cancelled"),
        expect="transcripts/weekly_checkin.en.yaml:53: ends: the run is completed, not cancelled",
    ),
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("shipped") / "content"
    shutil.copytree(BUNDLED_CONTENT, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


@pytest.fixture
def folder(shipped: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(shipped, copy)
    return copy


@pytest.fixture
def circlebot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The command line in-process, in an empty folder (no `.env`); returns (code, out, err)."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "CIRCLEBOT_CONTENT", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = bot.main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.mark.parametrize("name", KINDS)
def test_validate_reports_each_kind_of_problem_with_its_file_and_line(name, folder, circlebot):
    for change in KINDS[name].changes:
        change(folder)
    code, out, err = circlebot("validate", str(folder))
    lines = err.splitlines()
    assert code == 1 and "Traceback" not in out + err and out == ""
    assert [line for line in lines if not WHERE.match(line)] == []
    missing = [line for line in KINDS[name].expected if line not in lines]
    assert missing == [], err


def test_a_check_that_fails_is_one_problem_of_its_file_and_the_others_are_still_checked(folder, circlebot):
    """A word the bot cannot fill in (reported too) stops each session's Spanish golden script
    at its session's file: one problem each, and the rest is still checked."""
    replace(ES, "{title} · {number}/{total} · unos {minutes} min", "{title} · {numero}")(folder)
    replace(CHECKIN_EN, "And one thing that was hard?", "And one thing that was difficult?")(folder)
    code, out, err = circlebot("validate", str(folder))
    lines = err.splitlines()
    assert code == 1 and "Traceback" not in out + err and all(WHERE.match(line) for line in lines), err
    spanish = (BUNDLED_CONTENT / ES).read_text(encoding="utf-8").splitlines()
    at = 1 + next(i for i, line in enumerate(spanish) if line.startswith("circle.segment:"))
    expected = (
        f"i18n/es.yaml:{at}: circle.segment: placeholders differ from en (minutes, number, title, total)"
    )
    assert expected in lines
    stopped = [line.split(":")[0] for line in lines if STOPPED in line]
    assert stopped == [f"circles/{session}.yaml" for session in SESSIONS], err
    assert any(line.startswith("transcripts/weekly_checkin.en.yaml:28: conversation[7]:") for line in lines)


def test_validate_simulate_and_preview_need_no_token(shipped, circlebot, monkeypatch):
    """A token of the wrong shape (or none) stops `run`, never the content commands."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "not-a-token")
    monkeypatch.setenv("CIRCLEBOT_CONTENT", str(shipped))
    code, out, _ = circlebot("validate")
    assert code == 0 and out.startswith("content OK: 9 flows")
    monkeypatch.setattr("sys.stdin", io.StringIO("1\n"))
    code, out, _ = circlebot("simulate", "rios_selfcheck")
    assert code == 0 and "When was the session?" in out
    code, out, _ = circlebot("preview-session", "toy_making", "--lang", "es")
    assert code == 0 and "Ronda de inicio" in out
    code, _, err = circlebot("run")
    assert code == 2 and "TELEGRAM_BOT_TOKEN does not look like a bot token" in err


def test_preview_refuses_a_session_it_cannot_show_with_its_file_and_line(folder, circlebot, monkeypatch):
    replace(TOY, "title: {en: Check-in, es: Ronda de inicio}", "title: {es: Ronda de inicio}")(folder)
    monkeypatch.setenv("CIRCLEBOT_CONTENT", str(folder))
    code, out, err = circlebot("preview-session", "toy_making")
    assert code == 1 and "Traceback" not in out + err
    assert err.splitlines() == ["circles/toy_making.yaml:9: segments[0].title: no English (en) text"]
