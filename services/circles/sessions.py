"""Running a learning-circle session in its group: opening it (with "I'm here"), posting each
segment, moving on (/next, /prev, /pause, /end), recording what members say, votes on the cases
their owners confirmed, and closing with the recap, the facilitator's report
(services.circles.attendance) and the questions that follow a session.

Nothing from a private answer reaches the group unless its author chose so, and the group
only ever sees segment prompts, counts, and the words members chose to share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flows.circle_script import private_prompt, segment_post
from flows.circles import Segment, SessionTemplate, chosen_case
from services.circles import attendance
from services.circles.buttons import STARS, Control, Here, Rate, SegmentAnswer, Vote, segment_tag
from services.circles.context import CircleContext
from services.circles.disclosed import CASE_TITLE, RATING, SHARED_ANSWER
from services.core import waiting
from services.core.disclosures import disclosed
from store.models import Circle, CircleSession, Contribution, Person
from store.statuses import RUNNING, SessionStatus

FOLLOW_UP_AFTER = timedelta(days=3)  # "did you try it?": long enough to try, soon enough to remember
REPORT_AFTER = timedelta(days=1)  # ratings reach the facilitator once members had a day to answer
OVERRUN_GRACE = timedelta(minutes=1)  # a segment "runs past its time" only once it clearly has
SHARED = ("name", "anonymous")


@dataclass(frozen=True)
class Recap:
    counts: dict[int, int]  # segment -> contributions (and messages only counted)
    shared: list[Contribution]  # commitments their owners chose to share
    people: dict[int, Person]  # their owners


class SessionDesk:
    """The session side of one unit of work (a group update, a private answer, a tick)."""

    def __init__(self, ctx: CircleContext) -> None:
        self.ctx = ctx
        self.uow = ctx.uow

    # --- opening and moving on ----------------------------------------------------------------

    async def running(self, circle: Circle) -> CircleSession | None:
        found = await self.uow.circles.sessions_with(circle.id, RUNNING)
        return found[0] if found else None

    async def open(self, circle: Circle, session: CircleSession, queued: bool = False) -> None:
        """Open a scheduled session (its time came, or the facilitator sent /session): one at a
        time per circle, which the store's unique index also guarantees."""
        template = self.ctx.template(session)
        if template is None:
            session.status, session.due_at = SessionStatus.CANCELLED, None
            return
        session.status, session.opened_at, session.segment = SessionStatus.OPEN, self.ctx.now, 0
        await self.ctx.post(
            circle,
            self.ctx.words(circle, "circle.opened", name=circle.name, title=self.ctx.title(circle, session)),
            [[(self.ctx.words(circle, "circle.button.here"), Here(session.id).encode())]],
            queued=queued,
        )
        await self._show(circle, session, template, queued=queued, first_time=True)

    async def move(self, circle: Circle, session: CircleSession, step: int) -> None:
        """/next (+1) or /prev (-1, never before the first); past the last segment is the end."""
        template = self.ctx.template(session)
        if template is None:
            return await self.end(circle, session)
        if session.status == SessionStatus.PAUSED:
            session.status = SessionStatus.OPEN
        target = session.segment + step
        if target >= len(template.segments):
            return await self.end(circle, session)
        leaving = template.segments[session.segment]
        if step > 0 and leaving.poll is not None and leaving.poll.cases:
            await self._choose_case(circle, session)
        await self._segment_ends(circle, session)
        session.segment = target
        await self._show(circle, session, template, first_time=target > session.reached)
        session.reached = max(session.reached, target)

    async def pause(self, circle: Circle, session: CircleSession) -> None:
        session.status, session.due_at = SessionStatus.PAUSED, None
        await self.ctx.post(circle, self.ctx.words(circle, "circle.paused"))

    async def resume(self, circle: Circle, session: CircleSession) -> None:
        template = self.ctx.template(session)
        session.status = SessionStatus.OPEN
        if template is not None:
            await self._show(circle, session, template, first_time=False)

    def _controls(self, circle: Circle, session: CircleSession) -> list[tuple[str, str]]:
        words = self.ctx.words
        return [
            (words(circle, "circle.button.prev"), Control(session.id, "prev").encode()),
            (words(circle, "circle.button.pause"), Control(session.id, "pause").encode()),
            (words(circle, "circle.button.next"), Control(session.id, "next").encode()),
        ]

    async def _show(
        self,
        circle: Circle,
        session: CircleSession,
        template: SessionTemplate,
        queued: bool = False,
        first_time: bool = True,
    ) -> None:
        """Post the current segment; on the way forward, its private prompt goes to every member."""
        segment = template.segments[session.segment]
        added, sharers = await self._look_back(circle, session) if segment.look_back else ([], [])
        proposers = []  # whose case titles the post carries, unnamed
        if segment.speakers == "case_owner" and session.case_id is not None:
            case = await self.uow.circles.contribution(session.case_id)
            if case is not None:
                added.append(self.ctx.words(circle, "circle.case_chosen", title=case.text))
                proposers.append(case.person_id)
        options, owners = await self._options(circle, session, segment)
        proposers += owners.values()
        buttons: list[list[tuple[str, str]]] = [
            [(label, Vote(session.id, session.segment, option).encode())] for label, option in options
        ]
        if segment.poll is not None and not buttons:
            added.append(self.ctx.words(circle, "circle.no_cases"))
        buttons.append(self._controls(circle, session))
        text = segment_post(
            self.ctx.content.catalog, self.ctx.lang_of(circle), template, session.segment, added
        )
        # (a look-back has no vote: a post carries one or the other)
        about = disclosed(CASE_TITLE, proposers) or disclosed(SHARED_ANSWER, sharers)
        await self.ctx.post(circle, text, buttons, queued=queued, about=about)
        session.segment_at, session.overrun_told = self.ctx.now, False
        session.due_at = self.ctx.now + timedelta(minutes=segment.minutes) + OVERRUN_GRACE
        if segment.private is not None and first_time:
            await self._ask_privately(circle, session, segment)

    async def _options(
        self, circle: Circle, session: CircleSession, segment: Segment
    ) -> tuple[list[tuple[str, str]], dict[str, int]]:
        """The poll's (label, option) buttons, and who proposed each option that is a case."""
        if segment.poll is None:
            return [], {}
        if not segment.poll.cases:
            lang = self.ctx.lang_of(circle)
            return [(self.ctx.content.catalog.pick(o.label, lang), o.id) for o in segment.poll.options], {}
        cases = await self.confirmed_cases(session)
        return [(case.text or "", str(case.id)) for case in cases], {str(c.id): c.person_id for c in cases}

    async def confirmed_cases(self, session: CircleSession) -> list[Contribution]:
        """The cases their owners put to the vote: a title is hers until she confirms it."""
        return [
            c for c in await self.uow.circles.contributions(session.id, "case") if c.shared == "anonymous"
        ]

    async def _ask_privately(self, circle: Circle, session: CircleSession, segment: Segment) -> None:
        """Each member is asked now, or, in another conversation, when she is free (rule 8)."""
        catalog, asks = self.ctx.content.catalog, []
        for member in await self.uow.circles.members(circle.id):
            if member.away_open:
                continue  # she asked for no message until she says so (/away)
            speaker = self.ctx.speaker(member, queued=True)
            prompt = private_prompt(catalog, speaker.lang, circle.name, segment)
            if prompt is not None:
                answer = SegmentAnswer(session.id, session.segment)
                asks.append(waiting.Ask(member, speaker, answer, catalog.lay_out(speaker.lang, prompt)))
        await waiting.ask_or_queue(
            self.uow,
            asks,
            self.ctx.now,
            tag=segment_tag(session.id, session.segment),
            waiting_key="circle.prompt_waiting",
            name=circle.name,
        )

    async def _segment_ends(self, circle: Circle, session: CircleSession) -> None:
        """The segment's private prompt lapses: unasked or unanswered, and each is told."""
        template = self.ctx.template(session)
        segments = [] if template is None else template.segments
        if session.segment >= len(segments) or segments[session.segment].private is None:
            return
        await waiting.lapse(
            self.uow,
            SegmentAnswer(session.id, session.segment),
            segment_tag(session.id, session.segment),
            await self.uow.circles.members(circle.id),
            lambda member: self.ctx.speaker(member, queued=True),
            "circle.prompt_lapsed",
            self.ctx.now,
        )

    async def _look_back(self, circle: Circle, session: CircleSession) -> tuple[list[str], list[int]]:
        """Last session's commitments whose owners chose to share them, and how they went; and
        whose they are."""
        last = await self.uow.circles.last_ended(circle.id, session.number)
        shared = [] if last is None else await self._shared(last, "commitment")
        if not shared:
            return [self.ctx.words(circle, "circle.look_back_none")], []
        people = await self.uow.people.many(c.person_id for c in shared)
        lines = [self.ctx.words(circle, "circle.look_back")]
        for commitment in shared:
            line = self.ctx.words(
                circle,
                "circle.shared_line",
                who=self._who(commitment, people, self.ctx.lang_of(circle)),
                text=commitment.text,
            )
            if commitment.tried is not None:
                outcome = "circle.outcome_tried" if commitment.tried else "circle.outcome_not_yet"
                line += "\n" + self.ctx.words(circle, outcome, text=commitment.outcome or "…")
            lines.append(line)
        return ["\n".join(lines)], [commitment.person_id for commitment in shared]

    async def _shared(self, session: CircleSession, kind: str) -> list[Contribution]:
        return [c for c in await self.uow.circles.contributions(session.id, kind) if c.shared in SHARED]

    def _who(self, contribution: Contribution, people: dict[int, Person], lang: str) -> str:
        """Her name if she shared by name, else "a member"."""
        person = people.get(contribution.person_id)
        if contribution.shared == "name" and person is not None:
            return person.name
        return self.ctx.content.catalog.say(lang, "circle.a_member")

    async def _choose_case(self, circle: Circle, session: CircleSession) -> None:
        """The vote closes as the circle moves on; the case's owner hears it privately."""
        cases = await self.confirmed_cases(session)
        prefix = f"{session.segment}:"
        votes = {
            int(key.removeprefix(prefix)): int(option)
            for key, option in session.votes.items()
            if key.startswith(prefix) and str(option).isdecimal()
        }
        chosen = chosen_case(votes, [case.id for case in cases])
        session.case_id = chosen
        case = next((c for c in cases if c.id == chosen), None)
        owner = None if case is None else await self.uow.people.get(case.person_id)
        if case is not None and owner is not None:
            await self.ctx.speaker(owner, queued=True).say("circle.your_case", title=case.text)

    # --- what members say -------------------------------------------------------------------

    async def contribute(
        self,
        session: CircleSession,
        person: Person | None,
        chat_id: int,
        message_id: int,
        kind: str,
        text: str | None,
        file_id: str | None,
    ) -> None:
        """A message in the group during a session. Someone whose words are not the circle's to
        keep (`person` None: services.circles.group.on_update decides) is only counted: nothing of theirs is
        kept."""
        if person is None:
            key = str(session.segment)
            session.uncounted = {**session.uncounted, key: session.uncounted.get(key, 0) + 1}
            return
        await self.uow.circles.add_message(
            session_id=session.id,
            person_id=person.id,
            segment=session.segment,
            kind=kind,
            chat_id=chat_id,
            message_id=message_id,
            text=text,
            file_id=file_id,
            created_at=self.ctx.now,
        )
        await self.uow.circles.took_part(session.id, person.id)

    async def edited(self, session: CircleSession, chat_id: int, message_id: int, text: str | None) -> None:
        contribution = await self.uow.circles.by_message(session.id, chat_id, message_id)
        if contribution is not None:
            contribution.text, contribution.edited_at = text, self.ctx.now

    async def vote(
        self, circle: Circle, session: CircleSession, person: Person, segment: int, option: str
    ) -> tuple[str, int | None]:
        """Her vote, which she may change until the circle moves on; the notice shown to her, and
        who proposed the case it names (its title is hers: a disclosure), if it is a case."""
        template = self.ctx.template(session)
        current = session.status == SessionStatus.OPEN and segment == session.segment and template is not None
        options: dict[str, str] = {}
        proposers: dict[str, int] = {}
        if current and template is not None:
            labels, proposers = await self._options(circle, session, template.segments[segment])
            options = {choice: label for label, choice in labels}
        if option not in options:
            return self.ctx.words(circle, "circle.vote_closed"), None
        session.votes = {**session.votes, f"{segment}:{person.id}": option}
        await self.uow.circles.took_part(session.id, person.id)
        return self.ctx.words(circle, "circle.voted", option=options[option]), proposers.get(option)

    # --- the end ------------------------------------------------------------------------------

    async def end(self, circle: Circle, session: CircleSession) -> None:
        """The recap to the group and privately to those who did not attend
        (services.circles.attendance), a rating asked of everyone, the facilitator's report,
        commitments' follow-ups, and the next meeting scheduled."""
        ctx = self.ctx
        await self._segment_ends(circle, session)
        session.status, session.ended_at = SessionStatus.ENDED, ctx.now
        session.due_at = ctx.now + REPORT_AFTER
        circle.sessions_held += 1
        members = await self.uow.circles.members(circle.id)
        there = await attendance.attended(ctx, session)
        recap = await self._recap_parts(session)
        sharers = [commitment.person_id for commitment in recap.shared]
        about = disclosed(SHARED_ANSWER, sharers)
        await ctx.post(circle, self._recap(circle, session, recap, ctx.lang_of(circle)), about=about)
        for member in members:
            if member.away_open:
                continue  # no recap, no rating question: /away until she says so
            speaker = ctx.speaker(member, queued=True)
            if member.id not in there:
                recap_to_her = speaker.disclosing(SHARED_ANSWER, *(p for p in sharers if p != member.id))
                await recap_to_her.send(self._recap(circle, session, recap, speaker.lang))
            stars = [[(stars, Rate(session.id, stars).encode()) for stars in STARS]]
            await speaker.say("circle.rate", stars, name=circle.name)
        for commitment in await self.uow.circles.contributions(session.id, "commitment"):
            commitment.follow_up_at = ctx.now + FOLLOW_UP_AFTER
        await attendance.send_report(ctx, circle, session)
        upcoming = await ctx.schedule_next(circle, max(ctx.now, session.starts_at))
        if upcoming is not None:
            when = ctx.when(circle, upcoming.starts_at)
            await ctx.post(circle, ctx.words(circle, "circle.next_meeting", when=when))

    async def _recap_parts(self, session: CircleSession) -> Recap:
        """What a recap is made of, read once for the group and those who did not attend."""
        counts = await attendance.segment_counts(self.ctx, session)
        shared = await self._shared(session, "commitment")
        return Recap(counts, shared, await self.uow.people.many(c.person_id for c in shared))

    def _recap(self, circle: Circle, session: CircleSession, recap: Recap, lang: str) -> str:
        """Segments and how many spoke in each, and the commitments shared: counts and chosen
        words only, nothing about families or children."""
        catalog = self.ctx.content.catalog
        lines = [catalog.say(lang, "circle.recap", name=circle.name, title=self.ctx.title(circle, session))]
        lines += attendance.segment_lines(self.ctx, session, recap.counts, lang)
        if recap.shared:
            lines.append(catalog.say(lang, "circle.recap_commitments"))
            lines += [
                catalog.say(lang, "circle.shared_line", who=self._who(c, recap.people, lang), text=c.text)
                for c in recap.shared
            ]
        return catalog.lay_out(lang, "\n".join(lines))

    async def report_ratings(self, circle: Circle, session: CircleSession) -> None:
        """A day after the session: how members rated it, and their comments without names."""
        session.reported_at, session.due_at = self.ctx.now, None
        facilitator = await self.ctx.facilitator(circle)
        if facilitator is None:
            return
        seats = [seat for seat in await self.uow.circles.seats(session.id) if seat.rating is not None]
        speaker = self.ctx.speaker(facilitator, queued=True)
        if not seats:
            return await speaker.say("circle.ratings_none", name=circle.name)
        average = sum(seat.rating or 0 for seat in seats) / len(seats)
        lines = [
            speaker.label("circle.ratings", name=circle.name, count=len(seats), average=f"{average:.1f}")
        ]
        lines += [f"• {seat.comment}" for seat in seats if seat.comment]
        await speaker.disclosing(RATING, *(seat.person_id for seat in seats)).send("\n".join(lines))
