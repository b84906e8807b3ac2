"""The pure parts of schedules and summaries: quiet hours (overnight too), alerts over runs in a
row, the weekly summary's pages for a large team, and which weekly rule a summary follows."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flows.alerts import raised
from flows.schedules import QuietHours, Schedules, Weekly
from flows.weekly import PAGE, CheckIn, Member, sparkline, summary_pages, summary_rule
from tests.services.harness import CONTENT

LIMA = ZoneInfo("America/Lima")
NOW = datetime(2026, 12, 4, 20, tzinfo=UTC)


def test_overnight_quiet_hours_end_the_next_morning_and_daytime_ones_the_same_day():
    night = QuietHours(start=time(20), end=time(7))
    assert night.after(datetime(2026, 12, 1, 21, 30, tzinfo=LIMA)) == datetime(2026, 12, 2, 7, tzinfo=LIMA)
    assert night.after(datetime(2026, 12, 2, 6, 59, tzinfo=LIMA)) == datetime(2026, 12, 2, 7, tzinfo=LIMA)
    awake = datetime(2026, 12, 2, 7, tzinfo=LIMA)
    assert night.after(awake) == awake, "the end itself is not quiet"
    visits = QuietHours(start=time(8), end=time(10, 30))
    assert visits.after(datetime(2026, 12, 2, 9, tzinfo=LIMA)) == datetime(2026, 12, 2, 10, 30, tzinfo=LIMA)
    assert visits.after(datetime(2026, 12, 2, 11, tzinfo=LIMA)).hour == 11


def test_an_alert_in_a_row_needs_every_one_of_those_runs():
    checkin = CONTENT.flows["weekly_checkin"]
    good = {"wellbeing": 4, "workload": 4, "support": False}
    low = {"wellbeing": 3, "workload": 4, "support": False}
    reasons = lambda runs: [alert.reason["en"] for alert in raised(checkin, runs)]  # noqa: E731
    assert reasons([good, low]) == []
    assert reasons([low]) == [], "the first low week has no week before it"
    assert reasons([good, low, low]) == ["has had two low weeks in a row"]
    assert reasons([low, {**good, "support": True}]) == ["asked for your support this week"]
    assert reasons([{**low, "wellbeing": 1}]) == ["rated their wellbeing very low"]


def test_sparklines_mark_weeks_without_an_answer():
    assert sparkline([1, 2, 3, 4, 5, None]) == "▁▂▄▆█·"


def test_a_team_larger_than_a_page_is_paged_with_totals_first_and_those_needing_support_on_top():
    members = [Member(name=f"Member {n:02}", checkins=(CheckIn(NOW, 4, 4, False),)) for n in range(PAGE + 3)]
    members.append(Member(name="Zoe", checkins=(CheckIn(NOW, 2, 3, True),)))
    pages = summary_pages("North", members, NOW, NOW.astimezone(LIMA).date(), CONTENT.catalog, "en")
    assert len(pages) == 2
    assert pages[0].startswith("📋 Weekly summary for North, 28/11–04/12 (1/2)")
    assert (
        "Check-ins done: 16 of 16. Average wellbeing 3.9, workload 3.9 (1–5). Asked for support: 1."
        in pages[0]
    )
    assert pages[0].split("\n\n")[2].startswith("• Zoe — ✓ checked in")
    assert pages[0].count("• ") == PAGE and pages[1].count("• ") == 4
    assert (
        pages[1].startswith("📋 Weekly summary for North, 28/11–04/12 (2/2)")
        and "Check-ins done" not in pages[1]
    )
    assert all(len(page) <= 4096 for page in pages)


def test_a_supervisors_own_summary_slot_wins_over_the_programs():
    schedules = Schedules.model_validate(
        {
            "schedules": [
                {
                    "id": "checkin",
                    "what": {"flow": "weekly_checkin"},
                    "when": {"weekly": "monday", "at": "09:00"},
                },
                {"id": "summary", "what": {"summary": "weekly"}, "when": {"weekly": "friday", "at": "15:00"}},
            ]
        }
    )
    program = Weekly(weekly="friday", at=time(15))
    assert summary_rule(None, None, schedules) == program
    assert summary_rule(0, time(8, 30), schedules) == Weekly(weekly="monday", at=time(8, 30))
    assert summary_rule(0, None, schedules) == program, "a day without a time is not her own slot"
    assert summary_rule(None, None, Schedules()) is None, "no weekly summary schedule"
    assert summary_rule(6, time(18), Schedules()) == Weekly(weekly="sunday", at=time(18))


def test_other_features_lines_come_after_the_totals_on_the_first_page_only():
    members = [Member(name=f"Member {n:02}", checkins=(CheckIn(NOW, 4, 4, False),)) for n in range(PAGE + 3)]
    lines = "Observations this month: Member 01 2"
    first, second = summary_pages(
        "North", members, NOW, NOW.astimezone(LIMA).date(), CONTENT.catalog, "en", [lines]
    )
    assert first.split("\n\n")[1].startswith("Check-ins done") and first.split("\n\n")[2] == lines
    assert first.split("\n\n")[3].startswith("• Member 00") and lines not in second
