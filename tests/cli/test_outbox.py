"""`circlebot outbox`: the queue by state and age, and failed messages requeued (issue 19)."""

from datetime import UTC, datetime, timedelta

import pytest

from store.statuses import OutboxStatus
from tests.cli.test_cli import one_line

NOW = datetime.now(UTC)  # as the parameters below are made; each test queues at its own `now`
HOUR = timedelta(hours=1)


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


def queue(store, now: datetime, rows: list[tuple[str, OutboxStatus, datetime, datetime | None]]) -> None:
    """(text, state, queued at, failing since) per row, each to its own chat; a pending row with
    a failure waits for its next try an hour ahead."""

    async def work(db):
        async with db.unit_of_work() as uow:
            for n, (text, status, created, failing) in enumerate(rows, start=1):
                payload = {"method": "sendMessage", "params": {"chat_id": 5550 + n, "text": text}}
                await uow.outbox.enqueue(f"k{n}", 5550 + n, payload, created)
                [row] = await uow.outbox.get_many([n])
                if status == OutboxStatus.SENDING:
                    await uow.outbox.claim([n], now, now + HOUR)
                elif status == OutboxStatus.SENT:
                    await uow.outbox.mark_sent({n: 77}, created)
                elif status == OutboxStatus.PENDING and failing is not None:
                    await uow.outbox.postpone(row, failing, now + HOUR, "SendFailed: Server disconnected")
                elif status != OutboxStatus.PENDING:
                    await uow.outbox.mark_failed(
                        row, status, "SendFailed: 502: Bad Gateway", failing or created
                    )
            await uow.commit()

    store(work)


def states(store) -> list[tuple[str, int, bool]]:
    """(state, tries, due now: its not_before passed) per row."""

    async def work(db):
        async with db.unit_of_work() as uow:
            rows = await uow.outbox.get_many(range(1, 100))
        return [(row.status, row.attempts, row.not_before <= datetime.now(UTC)) for row in rows]

    return store(work)


def test_the_status_counts_each_state_with_its_oldest_and_says_nothing_personal(circlebot, store, now):
    queue(
        store,
        now,
        [
            ("Ana's answer", OutboxStatus.PENDING, now - 2 * HOUR, None),
            ("Bea's question", OutboxStatus.PENDING, now - 7 * HOUR, now - 6 * HOUR),
            ("Carla's reply", OutboxStatus.SENDING, now, None),
            ("Dora's summary", OutboxStatus.SENT, now - 50 * HOUR, None),
            ("Eva's reflection", OutboxStatus.FAILED, now - 30 * HOUR, now - 25 * HOUR),
            ("Flor's bulletin", OutboxStatus.UNDELIVERABLE, now - 3 * HOUR, None),
        ],
    )
    result = circlebot("outbox", "status")
    assert result.code == 0, result.err
    lines = {line.split("│")[1].strip(): line for line in result.out.splitlines() if line.count("│") > 2}
    assert (
        "pending, due now" in lines
        and "1" in lines["pending, due now"]
        and "(2h ago)" in lines["pending, due now"]
    )
    later = [cell.strip() for cell in lines["pending, later"].split("│")]
    assert later[2:6] == [
        "1",
        f"{now - 7 * HOUR:%Y-%m-%d %H:%M} (7h ago)",
        "1",
        f"{now - 6 * HOUR:%Y-%m-%d %H:%M} (6h ago)",
    ]
    assert (
        "(2d 2h ago)" in lines["sent"]
        and "(1d 6h ago)" in lines["failed"]
        and "(1d 1h ago)" in lines["failed"]
    )
    assert {"sending", "undeliverable"} <= set(lines)
    for private in ("Ana", "Bea", "answer", "reflection", "5551", "5555", "502"):
        assert private not in result.out


def test_retry_requeues_every_failed_message_once_and_nothing_else(circlebot, store, now):
    queue(
        store,
        now,
        [
            ("old", OutboxStatus.FAILED, now - 30 * HOUR, now - 25 * HOUR),
            ("new", OutboxStatus.FAILED, now - HOUR, now - HOUR),
            ("went", OutboxStatus.SENT, now - HOUR, None),
            ("blocked", OutboxStatus.UNDELIVERABLE, now - HOUR, None),
        ],
    )
    result = circlebot("outbox", "retry")
    assert (result.code, one_line(result.out)) == (
        0,
        "Requeued 2 failed messages; no bot is running: they go when it starts.",
    )
    assert states(store) == [
        ("pending", 0, True),
        ("pending", 0, True),
        ("sent", 1, True),
        ("undeliverable", 1, True),
    ]
    assert one_line(circlebot("outbox", "retry").out) == "Requeued 0 failed messages."


@pytest.mark.parametrize(
    "since",
    ["2h", "120m", (NOW - 2 * HOUR).isoformat(), f"{NOW - 2 * HOUR:%Y-%m-%dT%H:%M}+00:00"],
    ids=["hours", "minutes", "iso-seconds", "iso-minutes"],  # (ids that do not change with the time)
)
def test_retry_failed_since_requeues_only_what_began_failing_since_then(circlebot, store, since, now):
    queue(
        store,
        now,
        [
            ("old", OutboxStatus.FAILED, now - 30 * HOUR, now - 25 * HOUR),
            ("new", OutboxStatus.FAILED, now - HOUR, now - HOUR),
        ],
    )
    result = circlebot("outbox", "retry", "--failed-since", since)
    assert one_line(result.out).startswith("Requeued 1 failed message;")
    assert states(store) == [("failed", 1, True), ("pending", 0, True)]


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("yesterday", "--failed-since must be a duration like 2h or 1d, or a date and time"),
        ("2 hours", "--failed-since must be a duration like 2h or 1d, or a date and time"),
        ("0001-01-01T00:00+05:00", "--failed-since must be a duration like 2h or 1d, or a date and time"),
        ((NOW + 24 * HOUR).isoformat(), "is in the future"),
    ],
    ids=["word", "words", "year-one", "future"],
)
def test_a_time_it_cannot_read_is_refused_in_one_line_and_nothing_is_requeued(
    circlebot, store, since, message, now
):
    queue(store, now, [("new", OutboxStatus.FAILED, now - HOUR, now - HOUR)])
    result = circlebot("outbox", "retry", "--failed-since", since)
    assert result.code == 2
    assert message in one_line(result.err)
    assert states(store) == [("failed", 1, True)]
