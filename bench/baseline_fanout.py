"""The textbook fan-out, for comparison: PTB's Bot with AIORateLimiter, every message sent at
once with asyncio.gather and left to the limiter (no outbox: a crash loses the rest).

    python bench/baseline_fanout.py --api-url URL --token TOKEN --first ID --count N [--rate-scale 10]
"""

from __future__ import annotations

import argparse
import asyncio

from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ExtBot

TEXT = "📣 Key message of the week: visits resume on Monday."


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--first", type=int, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--rate-scale", type=float, default=1.0)
    args = parser.parse_args()
    limiter = AIORateLimiter(overall_max_rate=30 * args.rate_scale, overall_time_period=1, max_retries=3)
    bot = ExtBot(args.token, base_url=f"{args.api_url}/bot", rate_limiter=limiter)
    async with bot:
        chats = range(args.first, args.first + args.count)
        results = await asyncio.gather(
            *(bot.send_message(chat, TEXT) for chat in chats), return_exceptions=True
        )
    failed = [result for result in results if isinstance(result, TelegramError)]
    print(f"sent {len(results) - len(failed)}, failed {len(failed)}")


if __name__ == "__main__":
    asyncio.run(main())
