"""`circlebot retention report` (issue 24): what the clock's next retention run will do, read
only; and a message whose words were redacted is never sent again by `outbox retry`."""

from datetime import UTC, datetime, timedelta

from services.core.clock import ClockEnv
from services.privacy.retention import RetentionClock
from store.statuses import OutboxStatus
from tests.cli.test_cli import one_line
from tests.cli.test_outbox import queue, states
from tests.services.harness import CONTENT

DAY = timedelta(days=1)


def report(circlebot) -> dict[str, list[str]]:
    result = circlebot("retention", "report")
    assert result.code == 0, result.err
    rows = [line.replace("│", "|").split("|") for line in result.out.splitlines() if line.startswith("│")]
    return {cells[1].strip(): [cell.strip() for cell in cells[2:-1]] for cells in rows}


def test_the_report_counts_what_goes_and_the_run_does_it_and_retry_leaves_redacted_rows(circlebot, store):
    now = datetime.now(UTC)
    queue(
        store,
        now,
        [
            ("went long ago", OutboxStatus.SENT, now - 40 * DAY, None),
            ("given up long ago", OutboxStatus.FAILED, now - 45 * DAY, now - 44 * DAY),
            ("went lately", OutboxStatus.SENT, now - 2 * DAY, None),
            ("given up lately", OutboxStatus.FAILED, now - 2 * DAY, now - 2 * DAY),
        ],
    )
    before = report(circlebot)
    assert before["outbox_payloads"][:3] == ["30 days", "messages redacted", "2"], before
    assert before["outbox_payloads"][3].startswith(f"{now - 45 * DAY:%Y-%m-%d %H:%M} (45d")
    assert before["checkin_scores"] == ["24 months", "scores pseudonymised", "0", "—"]
    assert report(circlebot) == before, "the report changed nothing"

    async def run(db):
        return await RetentionClock(ClockEnv(db, CONTENT, "UTC")).tick(datetime.now(UTC))

    assert store(run)["retention outbox_payloads"] == 2
    assert report(circlebot)["outbox_payloads"][2] == "0"
    assert one_line(circlebot("outbox", "retry").out).startswith("Requeued 1 failed message;")
    assert [state for state, _, _ in states(store)] == ["sent", "failed", "sent", "pending"], (
        "the redacted one has nothing left to send"
    )
