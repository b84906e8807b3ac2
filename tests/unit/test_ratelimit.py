from services.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_private_chat_gets_a_short_burst_then_one_a_second():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    for _ in range(3):
        assert limiter.wait(7) == 0
        await limiter.acquire(7)
    assert (
        abs(limiter.wait(7) - 3.31) < 1e-9
    )  # the burst's first message leaves the 3-second window (+10% and 10 ms)
    assert limiter.wait(8) == 0  # another person is not held up
    clock.now += 3.31
    assert limiter.wait(7) == 0


async def test_thirty_a_second_overall_and_twenty_a_minute_per_group():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    for chat in range(30):
        await limiter.acquire(chat)
    assert 0 < limiter.wait(999) <= 1.0
    clock.now += 1.0
    for _ in range(20):
        await limiter.acquire(-100)
        clock.now += 0.05
    assert limiter.wait(-100) > 50


async def test_scale_speeds_everything_up_for_benchmarks():
    clock = Clock()
    limiter = RateLimiter(scale=100, clock=clock)
    for _ in range(3):
        await limiter.acquire(7)
    assert abs(limiter.wait(7) - 0.043) < 1e-9
