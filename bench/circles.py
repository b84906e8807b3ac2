"""Learning circles under load: 200 circles of 12 members each run a 60-minute session
(content/circles/family_participation.yaml) in the same simulated hour.

Everything runs in this process on one injected clock that goes k times faster than real time
(`--speed`): the chat service, the timekeeper, the outbox sender and the Bot API fake all read
it, and Telegram's limits are scaled ×k alike in the fake (which answers 429 past them) and in
the sender's rate limiter. Rates and delays are counted in simulated time.

The store is filled straight away (not timed): a team, a facilitator per circle, its members,
its memberships and one session scheduled for the first simulated minutes. Then, as in the
running bot, a sending loop drains the outbox (polling every simulated second, the app's poll)
and the timekeeper ticks every ten simulated seconds (it opens each session at its time).
Each facilitator sends /next when a segment's minutes are up, and /end after the last; a few
members (`--speakers`) write in the group in every segment, some vote in the poll, and some
answer the private prompt and the rating. Each update goes through `ChatService.handle` and its
replies through the sender, in order per chat, as the Telegram handler does.

Measured: `late_segment_posts`, segment posts the fake recorded more than 60 s after the
facilitator's /next; `max_group_msgs_per_min`, the most messages any group got within 60 s;
`http_429`, the fake's refusals; `lost`, outbox rows not sent once the outbox drained, plus rows
the store marked sent that the fake never recorded. The last line printed is one JSON object.

    .venv/bin/python bench/circles.py [--circles 200] [--members 12] [--speed 30] [--speakers 3]
        [--answer 0.5] [--database sqlite:///... | postgresql://...]

Everything shares one core here (the bot, the fake, 2,600 simulated people), so k is bounded
by this machine: past about ×30 the end-of-session traffic outruns it and replies queue.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import TOKEN  # noqa: E402
from content import BUNDLED_CONTENT  # noqa: E402
from flows.circles import Segment  # noqa: E402
from flows.content import Content  # noqa: E402
from flows.validate import load_content  # noqa: E402
from handlers.transport import BotApiTransport  # noqa: E402
from scheduler.jobs import SENDER_POLL_SECONDS, keep_sending  # noqa: E402
from services.circles.context import FACILITATOR  # noqa: E402
from services.core.clock import Timekeeper  # noqa: E402
from services.core.dispatch import ChatService  # noqa: E402
from services.core.turn import (  # noqa: E402
    GroupFacts,
    Incoming,
    Sender,
)
from services.features import registry_for  # noqa: E402
from services.sending.delivery import OutboxSender, SentLog  # noqa: E402
from services.sending.photos import Photos  # noqa: E402
from services.sending.ratelimit import RateLimiter  # noqa: E402
from store.database import Database  # noqa: E402
from store.migrate import upgrade_to_head  # noqa: E402
from store.models import (  # noqa: E402
    Circle,
    CircleMember,
    CircleSession,
    OutboxMessage,
    Person,
    PersonRole,
    Team,
)
from store.statuses import ON_ITS_WAY, CircleStatus, OutboxStatus, SessionStatus  # noqa: E402
from tests.fakebotapi import FakeBotApi, Limits  # noqa: E402

START = datetime(2026, 11, 24, 20, tzinfo=UTC)  # a Tuesday, 15:00 in Lima
TIMEZONE = "America/Lima"
TEMPLATE = "family_participation"
SET_ID = "home_visiting_topics"
LANG = "en"
FIRST_GROUP = -1_001_000_000_000  # supergroup ids, going down
FIRST_FACILITATOR = 500_000  # telegram ids
FIRST_MEMBER = 600_000
TICK_SECONDS = 10.0  # simulated: how often the timekeeper ticks
LATE_SECONDS = 60.0  # simulated: a segment post later than this after /next is late
HTTP_CONNECTIONS = 16  # as handlers/app.py
DRAIN_PATIENCE = 60.0  # real seconds to wait for the outbox to empty once the sessions ended
ANSWER_DELAY = (30.0, 300.0)  # simulated seconds a member takes to answer privately
FOREVER = 86_400.0  # real seconds: a member waits for the bot's next message until cancelled


@dataclass
class SimClock:
    """Simulated time: START plus k times the real seconds since `start()`."""

    speed: float
    t0: float = field(default_factory=time.perf_counter)

    def start(self) -> None:
        self.t0 = time.perf_counter()

    def seconds(self) -> float:
        return (time.perf_counter() - self.t0) * self.speed

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds())

    async def until(self, simulated: float) -> None:
        """Sleep until this many simulated seconds after START."""
        await asyncio.sleep(max(0.0, (simulated - self.seconds()) / self.speed))

    async def wait(self, simulated: float) -> None:
        await asyncio.sleep(max(0.0, simulated / self.speed))


@dataclass(frozen=True)
class Plan:
    """One circle as set up in the store."""

    index: int
    chat_id: int
    session_id: int
    title: str
    facilitator: int  # telegram ids
    members: tuple[int, ...]
    starts: float  # simulated seconds after START


@dataclass
class Figures:
    handled: int = 0
    errors: int = 0
    commands: list[tuple[int, int, float]] = field(default_factory=list)  # (chat, target segment, when)
    ended: list[tuple[int, float]] = field(default_factory=list)  # (chat, when /end was sent)
    private_answers: int = 0
    votes: int = 0


# --- setting up ---------------------------------------------------------------------------------


async def fill(url: str, circles: int, members: int, spread: float) -> list[Plan]:
    """Facilitators, members, circles, memberships and sessions, in one unit of work."""
    await asyncio.to_thread(upgrade_to_head, url)
    db = Database(url)
    made = START - timedelta(days=30)
    people: list[dict[str, Any]] = []
    roles: list[dict[str, Any]] = []
    circle_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    session_rows: list[dict[str, Any]] = []
    plans: list[Plan] = []

    def person(person_id: int, telegram_id: int, name: str, role: str) -> None:
        people.append(
            {
                "id": person_id,
                "telegram_id": telegram_id,
                "name": name,
                "language": LANG,
                "team_id": 1,
                "consented_at": made,
                "created_at": made,
                "deactivated": False,
                "unreachable": False,
            }
        )
        roles.append({"person_id": person_id, "role": role})

    next_member = circles + 1
    for n in range(circles):
        circle_id, chat_id = n + 1, FIRST_GROUP - n
        person(circle_id, FIRST_FACILITATOR + n, f"Facilitator {n}", FACILITATOR)
        ours = []
        for m in range(members):
            telegram_id = FIRST_MEMBER + n * members + m
            person(next_member, telegram_id, f"Visitor {n}-{m}", "home_visitor")
            member_rows.append(
                {
                    "circle_id": circle_id,
                    "person_id": next_member,
                    "joined_at": made + timedelta(seconds=m),
                }
            )
            ours.append(telegram_id)
            next_member += 1
        title = f"Circle {n}"
        circle_rows.append(
            {
                "id": circle_id,
                "chat_id": chat_id,
                "facilitator_id": circle_id,
                "team_id": 1,
                "status": CircleStatus.ACTIVE,
                "name": title,
                "language": LANG,
                "set_id": SET_ID,
                "meets_on": "tuesday",
                "meets_at": clock_time(15, 0),
                "timezone": TIMEZONE,
                "sessions_held": 1,  # the set's first session was held: this is its second
                "created_at": made,
                "old_links_listed_at": made,  # a circle of today: no old shared link to list
            }
        )
        starts = spread * n / circles
        session_rows.append(
            {
                "id": circle_id,
                "circle_id": circle_id,
                "number": 2,
                "template_id": TEMPLATE,
                "status": SessionStatus.SCHEDULED,
                "starts_at": START + timedelta(seconds=starts),
                "due_at": START + timedelta(seconds=starts),
                "reminded": 2,  # the reminders went: they are not what this measures
                "segment": 0,
                "reached": 0,
                "overrun_told": False,
                "votes": {},
                "uncounted": {},
                "created_at": made,
            }
        )
        plans.append(Plan(n, chat_id, circle_id, title, FIRST_FACILITATOR + n, tuple(ours), starts))
    try:
        async with db.unit_of_work() as uow:
            session = uow.session
            await session.execute(insert(Team), [{"id": 1, "name": "Bench circles", "created_at": made}])
            await session.execute(insert(Person), people)
            await session.execute(insert(PersonRole), roles)
            await session.execute(insert(Circle), circle_rows)
            await session.execute(insert(CircleMember), member_rows)
            await session.execute(insert(CircleSession), session_rows)
            if db.dialect_name == "postgresql":  # rows given their ids: the sequences move on past them
                for table in ("teams", "people", "circles", "circle_sessions"):
                    last = f"(SELECT max(id) FROM {table})"
                    await session.execute(
                        text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})")
                    )
            await uow.commit()
    finally:
        await db.dispose()
    return plans


# --- the bot's side: updates in order per chat, replies sent after commit -------------------------


class Bot:
    """What the Telegram handler does with an update (handlers/private.py), ordered per chat like
    handlers/ordering.py: `ChatService.handle`, then the sender sends the replies."""

    def __init__(self, chat: ChatService, sender: OutboxSender, figures: Figures) -> None:
        self.chat = chat
        self.sender = sender
        self.figures = figures
        self._locks: dict[int, asyncio.Lock] = {}
        self._update_ids = iter(range(1, 1 << 62))
        self._message_ids = iter(range(50_000_000, 1 << 62))  # people's own messages in groups
        self._callback_ids = iter(range(1, 1 << 62))

    def update_id(self) -> int:
        return next(self._update_ids)

    def message_id(self) -> int:
        return next(self._message_ids)

    def callback_id(self) -> str:
        return f"cb{next(self._callback_ids)}"

    async def deliver(self, incoming: Incoming) -> None:
        lock = self._locks.setdefault(incoming.chat_id, asyncio.Lock())
        try:
            async with lock:  # the chat's turn: handling and commit, replies queued in their lanes
                replies = await self.chat.handle(incoming)
                sending = self.sender.queue(replies)
            await sending
            if incoming.callback_id is not None and not any(
                r.method == "answerCallbackQuery" for r in replies
            ):
                await self.sender.transport.call(
                    "answerCallbackQuery", {"callback_query_id": incoming.callback_id}
                )
        except Exception:
            self.figures.errors += 1
            print(f"update {incoming.update_id} failed:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
        self.figures.handled += 1


def header(content: Content, segments: tuple[Segment, ...], index: int) -> str:
    """How the bot's post of segment `index` begins."""
    catalog, segment = content.catalog, segments[index]
    return catalog.say(
        LANG,
        "circle.segment",
        title=catalog.pick(segment.title, LANG),
        number=index + 1,
        total=len(segments),
        minutes=segment.minutes,
    )


def pattern(content: Content, key: str, *fields: str) -> re.Pattern[str]:
    """What the bot's message `key` looks like, whatever its fields say."""
    text = content.catalog.say(LANG, key, **{name: f"\0{name}\0" for name in fields})
    parts = re.split("\0[a-z_]+\0", text)
    return re.compile("(?s)" + ".*?".join(re.escape(part) for part in parts))


def find_post(api: FakeBotApi, chat_id: int, begins: str) -> tuple[int, float] | None:
    """The first message the bot posted in this chat that begins so: (message id, when)."""
    for message, when in zip(api.chats.get(chat_id, []), api.sent_at.get(chat_id, []), strict=False):
        if str(message.get("text", "")).startswith(begins):
            return int(message["message_id"]), when
    return None


# --- the people ---------------------------------------------------------------------------------


class People:
    def __init__(
        self,
        bot: Bot,
        api: FakeBotApi,
        clock: SimClock,
        content: Content,
        segments: tuple[Segment, ...],
        rng: random.Random,
        speakers: int,
        answer: float,
    ) -> None:
        self.bot = bot
        self.api = api
        self.clock = clock
        self.content = content
        self.segments = segments
        self.rng = rng
        self.speakers = speakers
        self.answer = answer
        self.tasks: set[asyncio.Task[None]] = set()
        self.prompt = pattern(content, "circle.private_prompt", "name", "prompt")
        self.rated = pattern(content, "circle.rated", "rating")

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def later(self, simulated: float, incoming: Incoming) -> None:
        await self.clock.wait(simulated)
        await self.bot.deliver(incoming)

    def in_group(self, plan: Plan, telegram_id: int, name: str, **what: Any) -> Incoming:
        return Incoming(
            self.bot.update_id(),
            plan.chat_id,
            Sender(telegram_id, name, language_code=LANG),
            private=False,
            group=GroupFacts(),
            **what,
        )

    async def facilitate(self, plan: Plan, figures: Figures) -> None:
        """/next when each segment's minutes are up (by the session's own clock), /end after the last."""
        at = plan.starts
        for index, segment in enumerate(self.segments):
            at += segment.minutes * 60
            await self.clock.until(at)
            last = index == len(self.segments) - 1
            incoming = self.in_group(
                plan,
                plan.facilitator,
                f"Facilitator {plan.index}",
                command="end" if last else "next",
                message_id=self.bot.message_id(),
            )
            sent = self.clock.seconds()
            if last:
                figures.ended.append((plan.chat_id, sent))
            else:
                figures.commands.append((plan.chat_id, index + 1, sent))
            await self.bot.deliver(incoming)

    async def chatter(self, plan: Plan, figures: Figures) -> None:
        """`speakers` members write once in every segment, at random moments inside it; in a poll
        segment they vote too."""
        events: list[tuple[float, int, int]] = []  # (when, segment, telegram id)
        at = plan.starts
        for index, segment in enumerate(self.segments):
            span = segment.minutes * 60
            for telegram_id in self.rng.sample(plan.members, min(self.speakers, len(plan.members))):
                events.append((at + self.rng.uniform(10, span - 10), index, telegram_id))
            at += span
        events.sort()
        for when, index, telegram_id in events:
            await self.clock.until(when)
            name = f"Visitor {telegram_id}"
            said = self.in_group(
                plan,
                telegram_id,
                name,
                text=f"In segment {index + 1}: a mother sang while cooking and the baby listened.",
                message_id=self.bot.message_id(),
            )
            self.spawn(self.bot.deliver(said))
            poll = self.segments[index].poll
            if poll is not None and poll.options:
                post = find_post(self.api, plan.chat_id, header(self.content, self.segments, index))
                if post is not None:
                    option = self.rng.choice(poll.options).id
                    vote = self.in_group(
                        plan,
                        telegram_id,
                        name,
                        callback=f"cv:{plan.session_id}:{index}:{option}",
                        callback_id=self.bot.callback_id(),
                        message_id=post[0],
                    )
                    figures.votes += 1
                    self.spawn(self.later(self.rng.uniform(5, 30), vote))

    async def member(self, telegram_id: int, figures: Figures) -> None:
        """Her private chat: she answers the private prompt, chooses how to share it, and rates
        the session, some of the time."""
        seen_activity = seen = 0
        while True:  # until cancelled
            await self.api.wait_for_activity(telegram_id, seen_activity + 1, FOREVER)
            seen_activity = len(self.api.activity.get(telegram_id, []))
            messages = self.api.chats.get(telegram_id, [])
            for message in messages[seen:]:
                self._respond(telegram_id, message, figures)
            seen = len(messages)

    def _respond(self, telegram_id: int, message: dict[str, Any], figures: Figures) -> None:
        text = str(message.get("text", ""))
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        data = [str(button["callback_data"]) for row in rows for button in row]
        private = Incoming(0, telegram_id, Sender(telegram_id, f"Visitor {telegram_id}", language_code=LANG))
        delay = self.rng.uniform(*ANSWER_DELAY)
        if self.prompt.fullmatch(text) and self.rng.random() < self.answer:
            figures.private_answers += 1
            words = "On Thursday I will call the family before the visit and ask how the week went."
            self.spawn(self.later(delay, replace(private, update_id=self.bot.update_id(), text=words)))
        elif any(d.startswith("cp:") for d in data):
            choice = self.rng.choice([d for d in data if d.startswith("cp:")])
            press = replace(
                private,
                update_id=self.bot.update_id(),
                callback=choice,
                callback_id=self.bot.callback_id(),
                message_id=int(message["message_id"]),
            )
            self.spawn(self.later(delay / 5, press))
        elif any(d.startswith("ck:") for d in data) and self.rng.random() < self.answer:
            press = replace(
                private,
                update_id=self.bot.update_id(),
                callback=self.rng.choice([d for d in data if d.startswith("ck:")]),
                callback_id=self.bot.callback_id(),
                message_id=int(message["message_id"]),
            )
            self.spawn(self.later(delay, press))
        elif self.rated.fullmatch(text) and self.rng.random() < 0.5:
            comment = replace(private, update_id=self.bot.update_id(), text="The role play helped me most.")
            self.spawn(self.later(delay / 2, comment))


# --- running ------------------------------------------------------------------------------------


async def tick_loop(timekeeper: Timekeeper, clock: SimClock, stop: asyncio.Event, figures: Figures) -> None:
    while not stop.is_set():
        try:
            await timekeeper.tick(clock.now())
        except Exception:
            figures.errors += 1
            print("a tick failed:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
        await clock.wait(TICK_SECONDS)


async def unsent(db: Database) -> int:
    async with db.unit_of_work() as uow:
        query = select(func.count()).where(OutboxMessage.status.in_(ON_ITS_WAY))
        return int(await uow.session.scalar(query) or 0)


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--circles", type=int, default=200)
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--speed", type=float, default=30.0, help="k: simulated seconds per real second")
    parser.add_argument("--speakers", type=int, default=3, help="members who write in each segment")
    parser.add_argument("--answer", type=float, default=0.5, help="share of private prompts answered")
    parser.add_argument("--spread", type=float, default=300.0, help="simulated seconds the starts span")
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    k = args.speed

    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp(prefix='circlebot-circles-')) / 'bench.db'}"
    began = time.perf_counter()
    plans = await fill(url, args.circles, args.members, args.spread)
    content = load_content(BUNDLED_CONTENT)
    assert content.circles is not None
    segments = content.circles.sessions[TEMPLATE].segments
    setup_s = time.perf_counter() - began
    print(f"set up {len(plans)} circles in {setup_s:.1f} s", file=sys.stderr)

    clock = SimClock(k)
    api = FakeBotApi(TOKEN, limits=Limits(scale=k), clock=clock.seconds)
    await api.start()
    for plan in plans:
        api.group(plan.chat_id, plan.title).members[api.bot_id] = "administrator"
    db = Database(url)
    transport = BotApiTransport(api.root, TOKEN, HTTP_CONNECTIONS)
    sender = OutboxSender(db, transport, clock.now, RateLimiter(scale=k), SentLog(db, clock.now), Photos(db))
    figures = Figures()
    registry = registry_for(content)
    bot = Bot(ChatService(db, content, TIMEZONE, clock.now, registry=registry), sender, figures)
    people = People(bot, api, clock, content, segments, random.Random(args.seed), args.speakers, args.answer)
    stop = asyncio.Event()

    async def nothing() -> None:
        pass

    clock.start()
    sending = asyncio.create_task(keep_sending(sender, nothing, SENDER_POLL_SECONDS / k))
    ticking = asyncio.create_task(
        tick_loop(Timekeeper(db, content, TIMEZONE, registry=registry), clock, stop, figures)
    )
    members = [asyncio.create_task(people.member(m, figures)) for plan in plans for m in plan.members]
    try:
        await asyncio.gather(
            *(people.facilitate(plan, figures) for plan in plans),
            *(people.chatter(plan, figures) for plan in plans),
        )
        sessions_s = clock.seconds()
        deadline = time.perf_counter() + DRAIN_PATIENCE
        while time.perf_counter() < deadline:  # answers still on their way, the outbox drains
            if people.tasks:
                await asyncio.gather(*list(people.tasks))
            elif await unsent(db):
                await asyncio.sleep(0.2)
            else:
                await asyncio.sleep(0.5)  # what was sent last is answered, or nothing more comes
                if not people.tasks and not await unsent(db):
                    break
        stop.set()
        sending.cancel()
        for task in members:
            task.cancel()
        await asyncio.gather(ticking, *members, return_exceptions=True)
        await sender.log.flush()
        run_s = time.perf_counter() - clock.t0
        simulated_s = clock.seconds()

        async with db.unit_of_work() as uow:
            rows = (
                await uow.session.execute(
                    select(
                        OutboxMessage.status,
                        OutboxMessage.chat_id,
                        OutboxMessage.telegram_message_id,
                        OutboxMessage.payload,
                    )
                )
            ).all()
    finally:
        sending.cancel()
        await transport.close()
        await db.dispose()
        await api.stop()

    # --- counting -------------------------------------------------------------------------------
    statuses = Counter(status for status, *_ in rows)
    recorded = {(chat, int(m["message_id"])) for chat, messages in api.chats.items() for m in messages}
    claimed = {(chat, message_id) for status, chat, message_id, _ in rows if message_id is not None}
    sent_unseen = sum(
        1
        for status, chat, message_id, payload in rows
        if status == OutboxStatus.SENT
        and payload.get("method") in ("sendMessage", "sendPhoto", "sendDocument", "sendPoll")
        and (message_id is None or (chat, message_id) not in recorded)
    )
    not_sent = sum(count for status, count in statuses.items() if status != OutboxStatus.SENT)
    duplicates = len(recorded - claimed)

    delays, missing = [], 0
    for chat_id, target, sent in figures.commands:
        post = find_post(api, chat_id, header(content, segments, target))
        if post is None:
            missing += 1
        else:
            delays.append(post[1] - sent)
    titles = {plan.chat_id: plan.title for plan in plans}
    session_title = content.catalog.pick(content.circles.sessions[TEMPLATE].title, LANG)
    end_delays = []
    for chat_id, sent in figures.ended:
        begins = content.catalog.say(LANG, "circle.recap", name=titles[chat_id], title=session_title)
        post = find_post(api, chat_id, begins)
        if post is not None:
            end_delays.append(post[1] - sent)
    open_delays = []
    for plan in plans:
        post = find_post(api, plan.chat_id, header(content, segments, 0))
        if post is not None:
            open_delays.append(post[1] - plan.starts)
    groups = {plan.chat_id for plan in plans}
    group_posts = sum(len(api.sent_at.get(chat, [])) for chat in groups)
    private = sum(len(times) for chat, times in api.sent_at.items() if chat not in groups)
    overrun = pattern(content, "circle.overrun", "title", "minutes", "name")
    overruns = sum(
        1
        for chat, messages in api.chats.items()
        if chat not in groups
        for m in messages
        if overrun.fullmatch(str(m.get("text", "")))
    )
    late = sum(1 for delay in delays if delay > LATE_SECONDS) + missing

    detail = {
        "circles": args.circles,
        "members": args.members,
        "speed": k,
        "speakers": args.speakers,
        "database": url.split(":", 1)[0],
        "setup_s": round(setup_s, 1),
        "real_s": round(run_s, 1),
        "simulated_min": round(simulated_s / 60, 1),
        "sessions_done_simulated_min": round(sessions_s / 60, 1),
        "updates_handled": figures.handled,
        "errors": figures.errors,
        "group_votes": figures.votes,
        "private_answers": figures.private_answers,
        "messages_sent": group_posts + private,
        "group_posts": group_posts,
        "private_messages": private,
        "outbox_rows": len(rows),
        "outbox_status": dict(statuses),
        "duplicates": duplicates,
        "overrun_notices": overruns,
        "next_to_post_s_p50": round(quantile(delays, 0.5), 2),
        "next_to_post_s_p95": round(quantile(delays, 0.95), 2),
        "next_to_post_s_max": round(max(delays, default=float("nan")), 2),
        "missing_segment_posts": missing,
        "end_to_recap_s_p50": round(quantile(end_delays, 0.5), 2),
        "end_to_recap_s_max": round(max(end_delays, default=float("nan")), 2),
        "start_to_first_segment_s_p50": round(quantile(open_delays, 0.5), 2),
        "start_to_first_segment_s_max": round(max(open_delays, default=float("nan")), 2),
        "throttled_by": dict(api.limits.exceeded) if api.limits else {},
        "next_commands": len(figures.commands),
    }
    print(json.dumps(detail), flush=True)
    print(
        json.dumps(
            {
                "max_group_msgs_per_min": max((api.group_rate(chat, 60.0) for chat in groups), default=0),
                "late_segment_posts": late,
                "http_429": api.throttled,
                "lost": not_sent + sent_unseen,
                "duplicates": duplicates,
                "p95_next_to_post_s": detail["next_to_post_s_p95"],
                "real_s": detail["real_s"],
                "speed": k,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
