"""`content/pdsa.yaml` and the PDSA flows: a mistake fails at load with the file, the line and
what is wrong, because the bot reads a project's answers by their `pdsa:` tags and would
otherwise lose them silently."""

import shutil
from pathlib import Path

import pytest

from content import BUNDLED_CONTENT
from flows.loader import ContentError
from flows.pdsa import CARRIED_OUT, DECISIONS, FREQUENCIES, PARTS, REQUIRED_TAGS, TAG, tags_of
from flows.spec import ChoiceAnswer
from flows.validate import load_content


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def problems(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(folder)
    return [str(problem) for problem in caught.value.problems]


# A pdsa.yaml of known lines; the shipped flows play the parts unless a test says otherwise.
PDSA = """\
flows:
  project: pdsa_project
  plan: pdsa_plan
  carried_out: pdsa_carried_out
  study: pdsa_study
  act: pdsa_act
templates:
  - id: visits_kept
    title: {en: Visits kept, es: Visitas realizadas}
    aim: {en: More visits happen, es: Se realizan más visitas}
    measure: {en: Visits kept, es: Visitas realizadas}
    unit: {en: "%", es: "%"}
    frequency: weekly
    higher_is_better: true
    min: 0
    max: 100
    goal: 90
    change_ideas:
      - {en: A reminder the day before, es: Un recordatorio el día antes}
"""


def write_pdsa(folder: Path, body: str) -> None:
    (folder / "pdsa.yaml").write_text(body, encoding="utf-8")


def changed(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


def test_the_shipped_content_names_its_five_flows_and_ships_both_templates():
    content = load_content(BUNDLED_CONTENT)
    assert content.pdsa is not None
    assert "pdsa" in content.sources
    parts = content.pdsa.flows
    assert (parts.project, parts.plan, parts.carried_out, parts.study, parts.act) == (
        "pdsa_project",
        "pdsa_plan",
        "pdsa_carried_out",
        "pdsa_study",
        "pdsa_act",
    )
    visits, play = content.pdsa.templates
    assert (visits.id, visits.frequency, visits.min, visits.max, visits.goal) == (
        "visits_kept",
        "weekly",
        0,
        100,
        90,
    )
    assert visits.unit == {"en": "%", "es": "%"} and visits.higher_is_better
    assert (play.frequency, play.min, play.max) == ("visit", 0, 7)
    for template in (visits, play):
        assert 3 <= len(template.change_ideas) <= 5
        for _, text in template.texts():
            assert set(content.languages.enabled) <= text.keys()


def test_the_shipped_flows_carry_every_tag_on_the_right_kind_of_step():
    content = load_content(BUNDLED_CONTENT)
    assert content.pdsa is not None
    for part in PARTS:
        flow = content.flows[getattr(content.pdsa.flows, part)]
        assert flow.command is None  # started from /pdsa
        assert set(flow.for_roles) == {"home_visitor", "facilitator", "supervisor"}
        assert flow.done is not None and all(step.label for step in flow.steps if step.answer)
        tags = {step.tags[TAG] for step in flow.steps if TAG in step.tags}
        assert set(REQUIRED_TAGS[part]) <= tags <= set(tags_of(part))
    project, act = content.flows["pdsa_project"], content.flows["pdsa_act"]
    carried_out = content.flows["pdsa_carried_out"]
    for flow, tag, ids in (
        (project, "frequency", FREQUENCIES),
        (act, "decision", DECISIONS),
        (carried_out, "carried_out", CARRIED_OUT),
    ):
        (step,) = [step for step in flow.steps if step.tags.get(TAG) == tag]
        assert isinstance(step.answer, ChoiceAnswer)
        assert [choice.id for choice in step.answer.choices] == list(ids)
    assert len([step for step in act.steps if step.tags.get(TAG) == "next"]) == 3


def test_without_pdsa_yaml_the_program_simply_has_no_projects(folder):
    (folder / "pdsa.yaml").unlink()
    content = load_content(folder)
    assert content.pdsa is None and "pdsa" not in content.sources


def test_the_test_pdsa_yaml_is_valid(folder):
    write_pdsa(folder, PDSA)
    content = load_content(folder)
    assert content.pdsa is not None and [t.id for t in content.pdsa.templates] == ["visits_kept"]


def test_an_unknown_key(folder):
    write_pdsa(folder, changed(PDSA, "    frequency: weekly\n", "    frequency: weekly\n    colour: blue\n"))
    assert problems(folder) == ["pdsa.yaml:14: templates[0].colour: unknown key (a typo?)"]


def test_an_unknown_frequency(folder):
    write_pdsa(folder, changed(PDSA, "frequency: weekly", "frequency: monthly"))
    assert problems(folder) == [
        "pdsa.yaml:13: templates[0].frequency: unknown frequency 'monthly': one of daily, visit, weekly"
    ]


def test_a_goal_outside_the_range(folder):
    write_pdsa(folder, changed(PDSA, "goal: 90", "goal: 120"))
    assert problems(folder) == [
        "pdsa.yaml:17: templates[0].goal: the goal (120) is outside the range of the measure (0 to 100)"
    ]
    write_pdsa(folder, changed(PDSA, "    max: 100\n    goal: 90\n", "    goal: -5\n"))
    assert problems(folder) == [
        "pdsa.yaml:16: templates[0].goal: the goal (-5) is outside the range of the measure (0 to …)"
    ]


def test_max_must_be_greater_than_min(folder):
    write_pdsa(folder, changed(PDSA, "max: 100", "max: 0"))
    assert problems(folder) == ["pdsa.yaml:16: templates[0].max: max (0) must be greater than min (0)"]


def test_template_ids_are_unique_and_the_measure_is_short(folder):
    template = PDSA[PDSA.index("  - id: visits_kept") :]
    write_pdsa(folder, PDSA + template)
    assert problems(folder) == ["pdsa.yaml:7: templates: template ids used twice: visits_kept"]
    write_pdsa(folder, changed(PDSA, "measure: {en: Visits kept,", f"measure: {{en: {'Visits kept ' * 6},"))
    assert problems(folder) == [
        "pdsa.yaml:11: templates[0].measure: the measure is longer than 60 characters in en"
    ]


def test_a_missing_flow_or_a_flow_in_two_parts(folder):
    write_pdsa(folder, changed(PDSA, "plan: pdsa_plan", "plan: pdsa_plann"))
    [found] = problems(folder)
    assert found.startswith(
        "pdsa.yaml:3: flows.plan: no flow 'pdsa_plann' (flows: pdsa_act, pdsa_carried_out, pdsa_plan,"
    )
    write_pdsa(folder, changed(PDSA, "study: pdsa_study", "study: pdsa_plan"))
    assert problems(folder) == ["pdsa.yaml:1: flows: a flow can play only one part: pdsa_plan"]


def test_a_missing_translation_in_a_template(folder):
    write_pdsa(
        folder,
        changed(
            PDSA, "{en: A reminder the day before, es: Un recordatorio el día antes}", "{en: A reminder}"
        ),
    )
    assert problems(folder) == ["pdsa.yaml:19: templates[0].change_ideas[0]: no Español (es) text"]
    write_pdsa(folder, changed(PDSA, 'unit: {en: "%", es: "%"}', 'unit: {en: "%", es: "", fr: "%"}'))
    assert problems(folder) == [
        "pdsa.yaml:12: templates[0].unit: no Español (es) text",
        "pdsa.yaml:12: templates[0].unit: 'fr' is not a language in languages.yaml",
    ]


STUDY = """\
id: tiny_study
title: {en: Study, es: Estudio}
for_roles: [home_visitor]
steps:
  - id: observed
    ask: {en: "What happened?", es: "¿Qué pasó?"}
    tags: {pdsa: observed}
    answer: {type: text}
  - id: learned
    ask: {en: "What did you learn?", es: "¿Qué aprendió?"}
    tags: {pdsa: learned}
    answer: {type: text}
"""


def with_study(folder: Path, body: str) -> list[str]:
    """Problems when `body` plays the study part."""
    (folder / "flows" / "tiny_study.yaml").write_text(body, encoding="utf-8")
    write_pdsa(folder, changed(PDSA, "study: pdsa_study", "study: tiny_study"))
    return problems(folder)


def test_a_tiny_study_flow_is_valid(folder):
    (folder / "flows" / "tiny_study.yaml").write_text(STUDY, encoding="utf-8")
    write_pdsa(folder, changed(PDSA, "study: pdsa_study", "study: tiny_study"))
    load_content(folder)


def test_a_missing_tag_or_an_unknown_one(folder):
    assert with_study(folder, changed(STUDY, "    tags: {pdsa: learned}\n", "")) == [
        "flows/tiny_study.yaml:4: steps: no step tagged `pdsa: learned` (the study part needs one, with a text answer)"
    ]
    assert with_study(folder, changed(STUDY, "{pdsa: learned}", "{pdsa: learnt}")) == [
        "flows/tiny_study.yaml:11: steps[1].tags.pdsa: unknown pdsa tag 'learnt' for the study part (observed, learned)",
        "flows/tiny_study.yaml:4: steps: no step tagged `pdsa: learned` (the study part needs one, with a text answer)",
    ]


def test_a_tag_on_the_wrong_kind_of_step(folder):
    body = changed(
        STUDY, "    answer: {type: text}\n  - id: learned", "    answer: {type: yesno}\n  - id: learned"
    )
    assert with_study(folder, body) == [
        "flows/tiny_study.yaml:8: steps[0].answer: pdsa: observed needs a text answer"
    ]


def test_a_choice_the_code_branches_on_needs_exactly_its_ids(folder):
    act = folder / "flows" / "pdsa_act.yaml"
    act.write_text(changed(act.read_text(encoding="utf-8"), "- id: abandon", "- id: drop"), encoding="utf-8")
    found = problems(folder)
    assert any(
        p.startswith("flows/pdsa_act.yaml:")
        and p.endswith(
            "steps[0].answer.choices: pdsa: decision needs exactly the choices adopt, adapt, abandon"
        )
        for p in found
    ), found


def test_every_step_tagged_next_is_checked_not_only_one(folder):
    act = folder / "flows" / "pdsa_act.yaml"
    text = act.read_text(encoding="utf-8")
    start = text.index("  - id: next_adapt")
    end = start + text[start:].index("answer: {type: text")
    text = text[:end] + text[end:].replace(
        "answer: {type: text, min_length: 3, max_length: 1000}", "answer: {type: yesno}", 1
    )
    act.write_text(text, encoding="utf-8")
    found = problems(folder)
    assert any(p.endswith("steps[2].answer: pdsa: next needs a text answer") for p in found), found


def test_the_length_of_a_test_is_whole_days(folder):
    plan = folder / "flows" / "pdsa_plan.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        changed(text, "{type: number, integer: true, min: 1, max: 90}", "{type: number}"), encoding="utf-8"
    )
    found = problems(folder)
    assert any(
        p.startswith("flows/pdsa_plan.yaml:") and "pdsa: days needs whole days, at least 1" in p
        for p in found
    )


def test_a_measure_or_unit_she_types_is_short_enough_for_buttons_and_charts(folder):
    project = folder / "flows" / "pdsa_project.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(
        changed(text, "{type: text, min_length: 2, max_length: 60}", "{type: text, min_length: 2}"),
        encoding="utf-8",
    )
    found = problems(folder)
    assert any(
        p.startswith("flows/pdsa_project.yaml:")
        and p.endswith("pdsa: measure is shown on buttons and charts: max_length at most 60")
        for p in found
    ), found


def test_study_needs_its_carried_out_flow_with_exactly_its_three_choices(folder):
    write_pdsa(folder, changed(PDSA, "  carried_out: pdsa_carried_out\n", ""))
    assert problems(folder) == ["pdsa.yaml:1: flows.carried_out: is required but missing"]
    write_pdsa(folder, PDSA)
    flow = folder / "flows" / "pdsa_carried_out.yaml"
    flow.write_text(changed(flow.read_text(encoding="utf-8"), "- id: partly", "- id: some"), encoding="utf-8")
    wrong = (
        "steps[0].answer.choices: pdsa: carried_out needs exactly the choices as_planned, partly, not_at_all"
    )
    assert any(p.startswith("flows/pdsa_carried_out.yaml:") and p.endswith(wrong) for p in problems(folder))
