"""A checklist with a mistake is refused at load, each problem with its file, path and line."""

import shutil
from pathlib import Path

from flows.validate import load_content
from tests.unit.test_validate import USTED, folder, problems

__all__ = ["folder"]  # the copied content folder, a fixture

TINY = """\
id: tiny
title: {en: Tiny visit, es: Visita mínima}
observer_roles: [supervisor]
observed_roles: [home_visitor]
sections:
  - id: play
    title: {en: Play, es: Juego}
    items:
      - id: follows
        text: {en: Follows the child's lead., es: Sigue la iniciativa de la niña o el niño.}
        guidance: {en: Notice one moment., es: Fíjese en un momento.}
        answer:
          type: scale
          levels:
            1: {en: Not yet, es: Todavía no}
            2: {en: Sometimes, es: A veces}
            3: {en: Mostly, es: Casi siempre}
            4: {en: Consistently, es: Siempre}
        note_below: 3
      - id: tried
        text: {en: The caregiver tries it., es: La persona cuidadora lo prueba.}
        guidance: {en: Not seen is not a no., es: No observado no es un no.}
        answer: {type: seen}
      - id: activities
        text: {en: Activities shown., es: Actividades mostradas.}
        guidance: {en: Count them., es: Cuéntelas.}
        answer: {type: count, max: 10}
"""


def write(folder: Path, body: str, name: str = "tiny") -> None:
    (folder / "checklists" / f"{name}.yaml").write_text(body, encoding="utf-8")


def test_a_good_checklist_loads_with_its_items_and_answers(folder):
    write(folder, TINY)
    tiny = load_content(folder).checklists["tiny"]
    assert [item.id for item in tiny.sections[0].items] == ["follows", "tried", "activities"]
    assert tiny.sections[0].items[0].note_below == 3


def test_an_unknown_key_names_its_line(folder):
    write(folder, TINY.replace("note_below: 3", "note_belwo: 3"))
    assert problems(folder) == [
        "checklists/tiny.yaml:19: sections[0].items[0].note_belwo: unknown key (a typo?)"
    ]


def test_a_scale_level_without_its_word(folder):
    write(folder, TINY.replace("            3: {en: Mostly, es: Casi siempre}\n", ""))
    assert problems(folder) == [
        "checklists/tiny.yaml:12: sections[0].items[0].answer: levels without their word: 3"
    ]


def test_note_below_outside_the_scale(folder):
    write(folder, TINY.replace("note_below: 3", "note_below: 5"))
    assert problems(folder) == [
        "checklists/tiny.yaml:19: sections[0].items[0].note_below: 5 is not within the scale: use 2..4"
    ]
    write(folder, TINY.replace("answer: {type: seen}", "answer: {type: seen}\n        note_below: 2"))
    assert problems(folder) == [
        "checklists/tiny.yaml:24: sections[0].items[1].note_below: note_below is for scale items only"
    ]


def test_a_missing_spanish_text(folder):
    write(folder, TINY.replace(", es: A veces}", "}"))
    assert problems(folder) == [
        "checklists/tiny.yaml:16: sections[0].items[0].answer.levels[2]: no Español (es) text"
    ]


def test_an_unknown_role_and_an_item_id_used_twice(folder):
    write(folder, TINY.replace("[home_visitor]", "[home_visiter]").replace("id: activities", "id: follows"))
    assert problems(folder) == [
        "checklists/tiny.yaml:4: observed_roles[0]: no role 'home_visiter'"
        " (roles: admin, supervisor, facilitator, home_visitor)",
        "checklists/tiny.yaml:24: sections[0].items[2].id: the item id 'follows' is used twice",
    ]


def test_the_id_is_the_file_name_and_the_glossary_applies(folder):
    write(folder, TINY.replace("es: Cuéntelas.", "es: Tú cuéntalas."), name="small")
    assert problems(folder) == [
        "checklists/small.yaml:1: id: the checklist id must match its file name ('small')"
    ]
    write(folder, TINY.replace("es: Cuéntelas.", "es: Tú cuéntalas."))
    (folder / "checklists" / "small.yaml").unlink()
    assert problems(folder) == [
        f"checklists/tiny.yaml:26: sections[0].items[2].guidance.es: 'Tú' is avoided (How the bot addresses her): use {USTED!r}"
    ]


def test_a_content_folder_without_checklists_is_fine(folder):
    shutil.rmtree(folder / "checklists")
    for transcript in (folder / "transcripts").glob("observe_*.yaml"):  # no checklist, no observing
        transcript.unlink()
    assert load_content(folder).checklists == {}
