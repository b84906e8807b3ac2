"""Bad content fails at load with the file, the path inside it and the line."""

import shutil
from pathlib import Path

import pytest

from content import BUNDLED_CONTENT
from flows.loader import ContentError
from flows.validate import load_content


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def write_flow(folder: Path, body: str, name: str = "tiny") -> None:
    (folder / "flows" / f"{name}.yaml").write_text(body, encoding="utf-8")


def problems(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return [str(problem) for problem in caught.value.problems]


TINY = """\
id: tiny
title: {en: Tiny, es: Mini}
for_roles: [home_visitor]
steps:
  - id: first
    ask: {en: "First?", es: "¿Primero?"}
    answer: {type: number, min: 1, max: 5}
  - id: second
    ask: {en: "Second?", es: "¿Segundo?"}
    answer: {type: yesno}
"""


def test_the_bundled_content_is_valid():
    content = load_content(BUNDLED_CONTENT)
    assert {"rios_reflection", "rios_selfcheck"} <= content.flows.keys()
    assert content.languages.enabled == ["en", "es"]


def test_a_schema_error_names_file_path_and_line(folder):
    write_flow(folder, TINY.replace("min: 1, max: 5", "min: 9, max: 5"))
    assert problems(folder) == ["flows/tiny.yaml:7: steps[0].answer: min is larger than max"]


def test_an_unknown_key_and_a_missing_one(folder):
    write_flow(
        folder,
        TINY.replace("    answer: {type: yesno}", "    anwser: {type: yesno}").replace(
            "title: {en: Tiny, es: Mini}\n", ""
        ),
    )
    assert problems(folder) == [
        "flows/tiny.yaml:1: title: is required but missing",
        "flows/tiny.yaml:9: steps[1].anwser: unknown key (a typo?)",
    ]


def test_a_goto_to_nowhere_and_an_unreachable_step(folder):
    body = TINY.replace(
        "    answer: {type: number, min: 1, max: 5}\n",
        "    answer: {type: number, min: 1, max: 5}\n    next:\n      - {goto: thrid}\n",
    )
    write_flow(folder, body)
    found = problems(folder)
    assert "flows/tiny.yaml:9: steps[0].next[0].goto: no step 'thrid' to go to" in found
    assert "flows/tiny.yaml:10: steps[1]: step 'second' can never be reached" in found


def test_a_condition_that_does_not_parse_or_names_a_wrong_choice(folder):
    body = TINY.replace(
        "    answer: {type: yesno}\n",
        "    answer:\n      type: choice\n      choices:\n"
        "        - {id: a, label: {en: A, es: A}}\n        - {id: b, label: {en: B, es: B}}\n"
        '    next:\n      - {when: "second == \'c\'", goto: end}\n      - {when: "first >", goto: end}\n',
    )
    write_flow(folder, body)
    found = problems(folder)
    assert any(p.startswith("flows/tiny.yaml:17: steps[1].next[1].when: expected more") for p in found), found


def test_a_condition_on_an_unknown_choice_is_caught(folder):
    body = TINY.replace(
        "    answer: {type: yesno}\n",
        "    answer:\n      type: choice\n      choices:\n"
        "        - {id: a, label: {en: A, es: A}}\n        - {id: b, label: {en: B, es: B}}\n"
        "    next:\n      - {when: \"second == 'c' or nothing == 1\", goto: end}\n",
    )
    write_flow(folder, body)
    assert problems(folder) == [
        "flows/tiny.yaml:16: steps[1].next[0].when: 'nothing' is not a step of this flow",
        "flows/tiny.yaml:16: steps[1].next[0].when: 'c' is not a choice of 'second' (a, b)",
    ]


def test_a_flow_that_can_never_end(folder):
    body = TINY.replace(
        "    answer: {type: yesno}\n", "    answer: {type: yesno}\n    next:\n      - {goto: first}\n"
    )
    write_flow(folder, body)
    found = problems(folder)
    assert "flows/tiny.yaml:5: steps[0]: from step 'first' the flow can never end" in found


def test_a_missing_translation_of_an_enabled_language(folder):
    write_flow(folder, TINY.replace('ask: {en: "Second?", es: "¿Segundo?"}', 'ask: {en: "Second?"}'))
    assert problems(folder) == ["flows/tiny.yaml:9: steps[1].ask: no Español (es) text"]


def test_the_catalog_of_an_enabled_language_must_be_complete_with_the_same_placeholders(folder):
    es = folder / "i18n" / "es.yaml"
    text = es.read_text(encoding="utf-8")
    text = text.replace('button.skip: "Saltar"\n', "").replace(
        "al menos {min} caracteres", "al menos {minimo}"
    )
    es.write_text(text, encoding="utf-8")
    found = problems(folder)
    assert "i18n/es.yaml:2: 'button.skip' is not translated" in found
    assert any("error.text_too_short: placeholders differ from en (min)" in p for p in found), found


def test_a_partial_language_that_is_not_enabled_is_fine_until_enabled(folder):
    load_content(folder)
    languages = folder / "languages.yaml"
    languages.write_text(languages.read_text().replace("enabled: [en, es]", "enabled: [en, es, ar]"))
    found = problems(folder)
    assert any("'error.date' is not translated" in p for p in found)
    assert any(p.startswith("flows/rios_reflection.yaml") and "no العربية (ar) text" in p for p in found)


def test_no_flow_is_for_a_circle_member_only(folder):
    write_flow(folder, TINY.replace("for_roles: [home_visitor]", "for_roles: [home_visitor, circle_member]"))
    assert any(
        p.startswith("flows/tiny.yaml:") and "no flow is for 'circle_member'" in p for p in problems(folder)
    )


def test_yaml_syntax_errors_and_doubled_keys_have_lines(folder):
    write_flow(folder, TINY.replace("for_roles: [home_visitor]", "for_roles: [home_visitor"))
    assert problems(folder)[0].startswith("flows/tiny.yaml:")
    write_flow(folder, TINY.replace("for_roles: [home_visitor]", "for_roles: [home_visitor]\nid: tiny"))
    assert problems(folder) == ["flows/tiny.yaml:4: id: this key is given twice"]


def test_a_transcript_that_differs_names_its_line(folder):
    path = folder / "transcripts" / "rios_selfcheck.en.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("When was the session?", "When was it?", 1))
    found = problems(folder)
    assert len(found) == 1 and found[0].startswith("transcripts/rios_selfcheck.en.yaml:")
    assert "the bot says 'When was the session?" in found[0]


def test_a_schedule_with_an_impossible_rule_or_an_unknown_flow_names_its_line(folder):
    (folder / "schedules.yaml").write_text(
        """\
schedules:
  - id: never
    what: {flow: weekly_checkin}
    when: {cron: "0 9 31 2 *"}
  - id: lost
    what: {flow: no_such_flow}
    when: {weekly: monday, at: "09:00"}
""",
        encoding="utf-8",
    )
    found = problems(folder)
    assert len(found) == 1 and found[0].startswith("schedules.yaml:4: schedules[0].when")
    assert "never happens: there is no 31 February" in found[0]
    (folder / "schedules.yaml").write_text(
        """\
schedules:
  - id: lost
    what: {flow: no_such_flow}
    when: {weekly: monday, at: "09:00"}
  - id: news
    what: {bulletin: {en: "Holiday on Friday"}}
    when: {every_days: 7, at: "08:00", starting: 2026-12-01}
""",
        encoding="utf-8",
    )
    assert problems(folder) == [
        "schedules.yaml:3: schedules[0].what.flow: no flow 'no_such_flow' (flows: pdsa_act, pdsa_carried_out, pdsa_plan, pdsa_project, pdsa_study, rios_reflection, rios_selfcheck, supervisor_checkin, weekly_checkin)",
        "schedules.yaml:6: schedules[1].what.bulletin: no 'es' text",
    ]


def test_an_alert_must_name_real_steps_and_speak_every_language(folder):
    write_flow(
        folder,
        TINY
        + """\
alerts:
  - when: "first <= 2 or mood == 'low'"
    reason: {en: scored low}
""",
    )
    assert problems(folder) == [
        "flows/tiny.yaml:12: alerts[0].when: 'mood' is not a step of this flow",
        "flows/tiny.yaml:13: alerts[0].reason: no Español (es) text",
    ]


def test_the_charts_month_names_are_twelve(folder):
    catalog = folder / "i18n" / "es.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("|nov|dic", "|nov"), encoding="utf-8")
    [found] = problems(folder)
    assert found.startswith("i18n/es.yaml:") and found.endswith(
        "chart.months: needs twelve month names separated by |"
    )


def test_flows_share_a_command_only_when_their_roles_do_not_overlap(folder):
    """/checkin is both the home visitors' check-in and the supervisors' own (issue 21)."""
    assert load_content(folder).flows["supervisor_checkin"].command == "checkin"
    write_flow(
        folder, TINY.replace("for_roles: [home_visitor]", "for_roles: [home_visitor]\ncommand: checkin")
    )
    assert problems(folder) == [
        "flows/weekly_checkin.yaml:12: command: /checkin already starts tiny for home_visitor",
        "transcripts/weekly_checkin.en.yaml:1: flow: not replayed: flows/weekly_checkin.yaml has problems",
        "transcripts/weekly_checkin.es.yaml:1: flow: not replayed: flows/weekly_checkin.yaml has problems",
    ]


def test_the_contact_line_speaks_every_language_and_alerts_need_it(folder):
    program = folder / "program.yaml"
    program.write_text('contact:\n  en: "call Rosa, +51 1 555 0100."\n', encoding="utf-8")
    assert problems(folder) == ["program.yaml:1: contact: no Español (es) text"]
    program.unlink()
    assert [found for found in problems(folder) if not found.startswith("transcripts/")] == [
        "flows/supervisor_checkin.yaml:18: alerts: a flow with alerts needs program.yaml with `contact:` "
        "(how she can get help now)",
        "flows/weekly_checkin.yaml:16: alerts: a flow with alerts needs program.yaml with `contact:` "
        "(how she can get help now)",
    ]


USTED = "usted (usted puede, quiere, tiene; su, sus; le)"


def test_a_form_the_glossary_avoids_is_reported_with_its_line_and_the_term_to_use(folder):
    """Whole words in any case ("Tu", "PUEDES"), never inside another word (pulsera, Tener)."""
    write_flow(folder, TINY.replace('es: "¿Segundo?"', 'es: "¿Tu pulsera? Tener calma. ¿PUEDES contarlo?"'))
    assert problems(folder) == [
        f"flows/tiny.yaml:9: steps[1].ask.es: 'Tu' is avoided (How the bot addresses her): use {USTED!r}",
        f"flows/tiny.yaml:9: steps[1].ask.es: 'PUEDES' is avoided (How the bot addresses her): use {USTED!r}",
    ]


def test_a_content_folder_with_a_glossary_of_its_own_is_checked_against_that_one(folder):
    """A program's own word choices: the project's glossary (no "tú") no longer applies."""
    (folder / "glossary").mkdir()
    own = "terms:\n  - {concept: Short words, use: Pequeño, avoid: [mini], why: Ours.}\n"
    (folder / "glossary" / "es.yaml").write_text(own, encoding="utf-8")
    write_flow(folder, TINY.replace('es: "¿Segundo?"', 'es: "¿Puedes?"'))
    assert problems(folder) == ["flows/tiny.yaml:2: title.es: 'Mini' is avoided (Short words): use 'Pequeño'"]
