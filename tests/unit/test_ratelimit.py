import asyncio
import time
from contextlib import AsyncExitStack

from services.sending.ratelimit import RateLimiter


class Clock:
    """A clock that sleeping moves on, so waits are exact and instant."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def limiter(clock: Clock, scale: float = 1.0) -> RateLimiter:
    return RateLimiter(scale=scale, clock=clock, sleep=clock.sleep)


async def test_a_private_chat_gets_a_short_burst_then_one_a_second():
    clock = Clock()
    limits = limiter(clock)
    for _ in range(3):
        assert limits.wait(7) == 0
        await limits.acquire(7)
    assert abs(limits.wait(7) - 3.35) < 1e-9  # the burst's first message leaves the 3 s window (+10%, +50 ms)
    assert limits.wait(8) == 0  # another person is not held up
    began = clock.now
    await limits.acquire(7)
    assert abs(clock.now - began - 3.35) < 1e-9


async def test_thirty_a_second_overall():
    clock = Clock()
    limits = limiter(clock)
    began = clock.now
    for chat in range(1, 31):
        await limits.acquire(chat)
    assert clock.now == began  # 30 different people at once
    await limits.acquire(31)
    assert clock.now - began == 1.0  # the 31st waits for the window


async def test_twenty_a_minute_per_group():
    clock = Clock()
    limits = limiter(clock)
    for _ in range(20):
        await limits.acquire(-100)
    began = clock.now
    await limits.acquire(-100)
    assert clock.now - began > 50


async def test_a_groups_minute_counts_a_slow_post_from_its_answer_not_from_when_it_left():
    """Telegram counts a post when it arrives: one slowed on its way by 5 s (it may arrive any
    time before its answer) must not let the 21st post land inside its minute."""
    clock = Clock()
    limits = limiter(clock)
    async with limits.slot(-100):
        clock.now += 5.0  # the first post on its way
    answered = clock.now
    for _ in range(19):
        await limits.acquire(-100)
    await limits.acquire(-100)
    assert clock.now >= answered + 60  # a minute after the first post's answer


async def test_scale_speeds_everything_up_for_benchmarks():
    clock = Clock()
    limits = limiter(clock, scale=100)
    for _ in range(3):
        await limits.acquire(7)
    assert abs(limits.wait(7) - (0.033 + 0.05)) < 1e-9  # 3 s ×1.1 / 100, plus the jitter allowance


async def test_replies_waiting_for_a_slot_go_before_any_bulk_message():
    limits = RateLimiter(scale=100)  # real time, 10 ms windows
    for chat in range(30):
        await limits.acquire(chat)  # the window is full
    order: list[str] = []

    async def send(chat: int, bulk: bool) -> None:
        await limits.acquire(chat, bulk=bulk)
        order.append("bulk" if bulk else "reply")

    bulk = [asyncio.create_task(send(1000 + n, True)) for n in range(40)]  # queued first
    await asyncio.sleep(0)
    replies = [asyncio.create_task(send(2000 + n, False)) for n in range(5)]
    await asyncio.gather(*bulk, *replies)
    assert order[:5] == ["reply"] * 5
    assert order.count("bulk") == 40


async def test_a_message_holds_its_place_until_its_answer_is_back():
    """Telegram counts arrivals; a message still on its way may arrive late, so its second
    starts when its answer comes back."""
    clock = Clock()
    limits = limiter(clock)
    async with AsyncExitStack() as on_the_way:
        for chat in range(30):
            await on_the_way.enter_async_context(limits.slot(chat))
        clock.now += 5
        assert limits.wait(31) > 0, "thirty still on their way: no room, however long ago they left"
    answered = clock.now
    assert abs(limits.wait(31) - 1.0) < 1e-9, "a second after their answers came back"
    await limits.acquire(31)
    assert clock.now == answered + 1.0


async def test_a_reply_waiting_for_its_groups_minute_does_not_hold_back_anyone_else():
    limits = RateLimiter(scale=100)  # real time: a group's minute is 0.65 s here
    for _ in range(20):
        await limits.acquire(-100)
    reply = asyncio.create_task(limits.acquire(-100))
    await asyncio.sleep(0)
    began = time.monotonic()
    await limits.acquire(5, bulk=True)
    await limits.acquire(6)
    assert time.monotonic() - began < 0.1 and not reply.done()
    await reply


async def test_messages_waiting_for_the_overall_window_go_in_the_order_they_came():
    limits = RateLimiter(scale=100)
    for chat in range(30):
        await limits.acquire(chat)  # the window is full
    order: list[int] = []

    async def send(chat: int) -> None:
        await limits.acquire(chat)
        order.append(chat)

    waiting = []
    for chat in range(100, 160):
        waiting.append(asyncio.create_task(send(chat)))
        await asyncio.sleep(0)
    await asyncio.gather(*waiting)
    assert order == list(range(100, 160))
