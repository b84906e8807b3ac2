"""A checklist as its observer's flow (flows/observing.py): what the flow asks that the
checklist alone does not say."""

from datetime import UTC, datetime

from content import BUNDLED_CONTENT
from flows.observing import NEXT_ON, flow_id
from flows.render import question
from flows.simulator import Conversation
from flows.validate import load_content

CONTENT = load_content(BUNDLED_CONTENT)
NOW = datetime(2026, 12, 3, 15, tzinfo=UTC)


def test_the_next_steps_day_is_today_or_later_and_yesterday_is_not_offered():
    flow = CONTENT.flows[flow_id("home_visit")]
    asked = question(flow.step(NEXT_ON), CONTENT.catalog, "en")
    assert [[button.label for button in row] for row in asked.buttons] == [["Today"]]
    conversation = Conversation(flow, CONTENT.catalog, "en", "UTC")
    conversation.begin(NOW)
    conversation.state = conversation.state.evolve(step_id=NEXT_ON)
    assert (
        conversation.send("02/12/2026", NOW)[0] == "That day has passed: please give today or a day to come."
    )
    assert conversation.state.step_id == NEXT_ON  # asked again, nothing else lost


def test_a_note_is_asked_below_its_level_only():
    flow = CONTENT.flows[flow_id("home_visit")]
    for level, next_step in (("2", "listens_note"), ("3", "last_activity")):
        conversation = Conversation(flow, CONTENT.catalog, "en", "UTC")
        conversation.begin(NOW)
        conversation.send("4", NOW)  # warm_welcome, whose note is optional
        assert conversation.state.step_id == "warm_welcome_note"
        conversation.send("/skip", NOW)
        assert conversation.state.step_id == "listens"  # note_below: 3
        conversation.send(level, NOW)
        assert conversation.state.step_id == next_step
