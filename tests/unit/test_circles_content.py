"""Learning circles' content: the session templates' rules, the meeting rhythm, the case vote,
and that a broken template fails at load with its file, line and what is wrong."""

import shutil
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from pydantic import ValidationError

from content import BUNDLED_CONTENT
from flows.circles import Rhythm, SessionTemplate, chosen_case
from flows.loader import ContentError
from flows.validate import load_content

SEGMENT = {"title": {"en": "A", "es": "A"}, "prompt": {"en": "Say", "es": "Di"}, "minutes": 5}


def test_the_shipped_circles_have_a_wanda_case_consultation_and_three_topic_sessions() -> None:
    circles = load_content(BUNDLED_CONTENT).circles
    assert circles is not None
    case = circles.sessions["case_consultation"]
    kinds = [
        (s.look_back, s.private.collect if s.private else None, bool(s.poll and s.poll.cases))
        for s in case.segments
    ]
    assert kinds[0][0], "a case consultation opens by looking back"
    assert (False, "case", False) in kinds and (False, None, True) in kinds
    assert [s.speakers for s in case.segments].count("case_owner") >= 1
    assert any(s.private and s.private.collect == "commitment" for s in case.segments)
    topics = {"building_relationships", "family_participation", "toy_making"}
    assert topics <= set(circles.sessions)
    assert {session for one in circles.sets for session in one.sessions} == {"case_consultation", *topics}


def test_the_case_consultation_fits_an_hour_and_invites_everyone_to_commit() -> None:
    """A chat session of over an hour loses people; and the commitment segment asks every member
    privately for an action, so its post must not tell all but the case owner to listen."""
    circles = load_content(BUNDLED_CONTENT).circles
    assert circles is not None
    case = circles.sessions["case_consultation"]
    assert 55 <= case.minutes <= 60
    commit = next(s for s in case.segments if s.private and s.private.collect == "commitment")
    assert commit.speakers == "all"
    assert "anyone else" in commit.prompt["en"].lower()


def test_a_poll_of_cases_needs_cases_proposed_before_it() -> None:
    with pytest.raises(ValidationError, match="earlier segment collecting cases"):
        SessionTemplate.model_validate(
            {
                "id": "s",
                "title": {"en": "S"},
                "segments": [
                    {**SEGMENT, "id": "vote", "poll": {"question": {"en": "Which?"}, "cases": True}},
                ],
            }
        )


def test_the_case_owner_speaks_only_once_a_case_is_chosen() -> None:
    with pytest.raises(ValidationError, match="only after a poll of cases"):
        SessionTemplate.model_validate(
            {
                "id": "s",
                "title": {"en": "S"},
                "segments": [{**SEGMENT, "id": "tell", "speakers": "case_owner"}],
            }
        )


def test_a_case_is_proposed_by_a_short_title_only() -> None:
    with pytest.raises(ValidationError, match="short title"):
        SessionTemplate.model_validate(
            {
                "id": "s",
                "title": {"en": "S"},
                "segments": [
                    {
                        **SEGMENT,
                        "id": "p",
                        "private": {"ask": {"en": "?"}, "collect": "case", "max_length": 500},
                    }
                ],
            }
        )


def test_a_broken_session_file_names_its_file_and_line(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, root, ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "circles" / "toy_making.yaml"
    text = path.read_text().replace("minutes: 10", "minutes: 500", 1)
    path.write_text(text)
    with pytest.raises(ContentError) as error:
        load_content(root)
    line = text.split("\n").index(next(line for line in text.split("\n") if "minutes: 500" in line)) + 1
    assert f"circles/toy_making.yaml:{line}" in str(error.value)
    assert "less than or equal to 120" in str(error.value)


def test_a_set_naming_a_missing_session_fails_at_load(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, root, ignore=shutil.ignore_patterns("__pycache__"))
    sets = root / "circles" / "sets.yaml"
    sets.write_text(sets.read_text().replace("toy_making]", "toy_making, knitting]"))
    with pytest.raises(ContentError, match="no session 'knitting'"):
        load_content(root)


def test_the_next_meeting_keeps_its_wall_clock_time_in_the_facilitators_timezone() -> None:
    rhythm = Rhythm(day="tuesday", at=time(15, 0), timezone="America/Lima")
    monday = datetime(2026, 11, 23, 12, tzinfo=UTC)
    assert rhythm.next_meeting(monday) == datetime(2026, 11, 24, 20, tzinfo=UTC)  # 15:00 in Lima
    assert rhythm.next_meeting(datetime(2026, 11, 24, 20, tzinfo=UTC)) == datetime(
        2026, 12, 1, 20, tzinfo=UTC
    )
    madrid = Rhythm(day="sunday", at=time(10, 0), timezone="Europe/Madrid")
    # Summer time ends on 25 Oct 2026: 10:00 stays 10:00 (08:00 UTC before, 09:00 after).
    assert madrid.next_meeting(datetime(2026, 10, 19, tzinfo=UTC)) == datetime(2026, 10, 25, 9, tzinfo=UTC)
    assert madrid.next_meeting(datetime(2026, 10, 12, tzinfo=UTC)) == datetime(2026, 10, 18, 8, tzinfo=UTC)


def test_the_case_with_most_votes_is_chosen_and_a_tie_goes_to_the_first_proposed() -> None:
    assert chosen_case({1: 30, 2: 31, 3: 31}, [30, 31, 32]) == 31
    assert chosen_case({1: 32, 2: 30}, [30, 31, 32]) == 30
    assert chosen_case({}, [30, 31]) == 30
    assert chosen_case({1: 99}, [30]) == 30  # a vote for something not proposed counts for nothing
    assert chosen_case({}, []) is None


def test_a_session_whose_words_changed_fails_against_its_golden_script_at_the_line(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, root, ignore=shutil.ignore_patterns("__pycache__"))
    path = root / "circles" / "toy_making.yaml"
    path.write_text(path.read_text().replace("minutes: 10", "minutes: 12", 1))
    with pytest.raises(ContentError) as error:
        load_content(root)
    script = (root / "circles" / "scripts" / "toy_making.en.txt").read_text().split("\n")
    line = next(n for n, text in enumerate(script, start=1) if "about 10 min" in text)
    assert f"circles/scripts/toy_making.en.txt:{line}: the bot says" in str(error.value)
    assert "about 12 min" in str(error.value)
