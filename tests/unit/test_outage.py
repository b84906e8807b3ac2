"""The one place that knows the store is down (services/core/outage.py): the first store error
marks it down, a probe with capped exponential backoff finds it back, whoever waits is woken
once, and observers hear each moment once, in order. The sleeps are the test's."""

import asyncio

from services.core.outage import Outage


class Store:
    """A store that refuses the first `refusals` probes; records the probes' waits."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    async def probe(self) -> None:
        if self.refusals:
            self.refusals -= 1
            raise ConnectionRefusedError


async def test_a_down_store_is_probed_with_capped_backoff_and_waiters_are_woken_when_it_answers():
    store = Store(refusals=8)
    outage = Outage(store.probe, sleep=store.sleep)
    heard: list[str] = []

    async def went_down() -> None:
        heard.append("down")

    async def came_back() -> None:
        heard.append("back")

    outage.observe(went_down, came_back)
    down = [outage.down]
    assert outage.hold(ConnectionRefusedError())
    assert [*down, outage.down] == [False, True]
    assert outage.hold(ConnectionRefusedError())  # a second error changes nothing: one probe
    await asyncio.wait_for(asyncio.gather(outage.back(), outage.back()), 5)  # both woken
    assert not outage.down
    assert store.waits == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    await asyncio.sleep(0)  # "came back" is told once the waiters are free
    assert heard == ["down", "back"]


async def test_when_the_probe_answers_but_the_work_fails_again_the_backoff_goes_on():
    store = Store(refusals=1)
    outage = Outage(store.probe, sleep=store.sleep)
    outage.hold(ConnectionRefusedError())
    await outage.back()
    outage.hold(ConnectionRefusedError())  # a disk still full: a trivial query answers, a write does not
    await outage.back()
    assert store.waits == [0.5, 1, 2]


async def test_a_bot_stopping_wakes_what_waits_and_holds_nothing_more():
    stuck = asyncio.Event()

    async def never(seconds: float) -> None:
        await stuck.wait()

    outage = Outage(Store(refusals=0).probe, sleep=never)
    outage.hold(ConnectionRefusedError())
    waiting = asyncio.create_task(outage.back())
    await asyncio.sleep(0)
    assert not waiting.done()
    await outage.close()
    await asyncio.wait_for(waiting, 5)
    assert not outage.hold(ConnectionRefusedError()), "the update fails as it would have"
