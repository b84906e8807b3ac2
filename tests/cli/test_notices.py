"""Issue 21: a check-in alert no supervisor and no admin in Telegram could hear waits in
`circlebot notices` (whose check-in, and why; never her written words) until an admin joins and
is told."""

from services.alerts.alerts import AlertClock
from services.core.clock import ClockEnv
from services.core.dispatch import ChatService
from services.features import registry_for
from tests.cli.test_teams import CONTENT, NOW, joined, messages_to
from tests.services.harness import Client, join, make_invite


async def _alerting_checkin(db) -> None:
    """Ana, a home visitor of North (no supervisor), checks in asking for support."""
    chat = ChatService(db, CONTENT, "America/Lima", lambda: NOW, registry=registry_for(CONTENT))
    ana = Client(chat, db, telegram_id=1, name="Ana")
    await join(ana, await make_invite(db, "home_visitor", "North", now=NOW))
    await ana.send("/checkin")
    for step in ("4", "4", "A family came back.", "Too many visits.", "Yes"):
        await (ana.send(step) if " " in step else ana.press(step))


def test_an_alert_no_admin_could_hear_is_listed_until_one_joins_and_is_told(circlebot, store):
    store(_alerting_checkin)
    listed = circlebot("notices").out
    assert "alert" in listed and "no admin has joined yet" in listed
    assert "Ana (id 1), weekly_checkin: asked for your support this week" in " ".join(listed.split())
    assert "A family came back" not in listed

    ada = joined(store, "Ada", 9, ("admin",), "Staff")
    store(lambda db: AlertClock(ClockEnv(db, CONTENT, "America/Lima")).tick(NOW))
    [told] = messages_to(store, ada)
    assert told.startswith("⚠️ Ana may need support: asked for your support this week.")
    assert "No open notices." in circlebot("notices").out
