"""The two shipped checklists load, say who observes whom, and give the observer what the issue
asks for: a word for every level, guidance on every item, notes where a low score needs one."""

from content import BUNDLED_CONTENT
from flows.checklist import CountAnswer, ScaleItemAnswer, SeenAnswer
from flows.validate import load_content

CONTENT = load_content(BUNDLED_CONTENT)


def test_the_shipped_checklists_load_and_validate():
    assert set(CONTENT.checklists) == {"home_visit", "child_progress"}
    for checklist in CONTENT.checklists.values():
        assert checklist.observer_roles == ["supervisor"] and checklist.observed_roles == ["home_visitor"]


def test_the_home_visit_checklist_follows_a_visit_from_welcome_to_the_next_one():
    home_visit = CONTENT.checklists["home_visit"]
    assert [section.id for section in home_visit.sections] == [
        "relationship",
        "play_demo",
        "caregiver_turn",
        "feedback",
        "materials",
        "planning",
    ]
    assert all(2 <= len(section.items) <= 4 for section in home_visit.sections)
    items = [item for section in home_visit.sections for item in section.items]
    assert sum(isinstance(item.answer, ScaleItemAnswer) for item in items) > len(items) / 2


def test_every_item_guides_the_observer_and_low_scores_ask_for_a_note():
    for checklist in CONTENT.checklists.values():
        items = [item for section in checklist.sections for item in section.items]
        kinds = [type(item.answer) for item in items]
        assert SeenAnswer in kinds and CountAnswer in kinds, checklist.id
        assert any(item.note_below for item in items), checklist.id
        for item in items:
            assert item.guidance["en"] and item.guidance["es"], item.id
            if isinstance(item.answer, ScaleItemAnswer):
                assert len(item.answer.levels) == item.answer.max - item.answer.min + 1
