"""A circle member's private side: her answer to a segment's private prompt and how she shares
it, her RSVP, her rating of a session and its comment, and the follow-up of her commitment.
Every button names what it acts on; its rule (services.circles.feature) has checked it is hers."""

from __future__ import annotations

from flows.circles import SHARE_CHOICES
from flows.i18n import (
    CIRCLE_HOW_IT_WENT,
    CIRCLE_RSVPS,
    CIRCLE_SHARE_ASKS,
    CIRCLE_SHARE_BUTTONS,
    CIRCLE_SHARED,
)
from services.circles.buttons import HowItWent, Rate, RatingComment, Rsvp, SegmentAnswer, ShareAnswer, Tried
from services.circles.context import CircleContext
from services.circles.disclosed import SHARED_ANSWER
from services.core.disclosures import About
from services.core.prompts import Prompt, close, open_prompt
from services.core.speaker import Speaker
from store.models import Contribution, Person
from store.statuses import RUNNING, SessionStatus


class CirclePrivate:
    def __init__(self, ctx: CircleContext, person: Person, speaker: Speaker) -> None:
        self.ctx = ctx
        self.uow = ctx.uow
        self.person = person
        self.speaker = speaker

    async def receive(self, prompt: Prompt, text: str) -> None:
        """Her words for what she was asked: a private prompt, a comment, how it went."""
        close(self.person)
        if isinstance(prompt, SegmentAnswer):
            return await self._answer(prompt, text)
        if isinstance(prompt, RatingComment):
            seat = await self.uow.circles.seat(prompt.session, self.person.id)
            seat.comment = text.strip()[:1000]
            return await self.speaker.say("circle.comment_thanks")
        assert isinstance(prompt, HowItWent)
        contribution = await self.uow.circles.contribution(prompt.contribution)
        if contribution is None or contribution.person_id != self.person.id:
            return await self.speaker.say("button.expired")
        contribution.outcome = text.strip()[:1000]
        await self.speaker.say("circle.outcome_thanks")

    async def _answer(self, prompt: SegmentAnswer, text: str) -> None:
        session = await self.uow.circles.session_by_id(prompt.session)
        template = None if session is None else self.ctx.template(session)
        if session is None or template is None or session.status not in RUNNING:
            return await self.speaker.say("circle.session_over")
        segments = template.segments
        private = segments[prompt.segment].private if prompt.segment < len(segments) else None
        if private is None:
            return await self.speaker.say("circle.session_over")
        words = text.strip()
        if len(words) > private.max_length:
            open_prompt(self.person, prompt, self.ctx.now)
            return await self.speaker.say("circle.too_long", most=private.max_length, given=len(words))
        contribution = await self.uow.circles.add_contribution(
            session_id=session.id,
            person_id=self.person.id,
            segment=prompt.segment,
            kind=private.collect,
            text=words,
            created_at=self.ctx.now,
        )
        await self.uow.circles.took_part(session.id, self.person.id)
        if private.collect == "case":
            return await self.speaker.say("circle.case_noted", title=words)
        buttons = [
            [(self.speaker.label(CIRCLE_SHARE_BUTTONS.key(how)), ShareAnswer(contribution.id, how).encode())]
            for how in SHARE_CHOICES
        ]
        await self.speaker.say(CIRCLE_SHARE_ASKS.key(private.collect), buttons)

    async def rsvp(self, data: Rsvp) -> None:
        session = await self.uow.circles.session_by_id(data.session)
        circle = None if session is None else await self.uow.circles.get(session.circle_id)
        if session is None or circle is None or session.status != SessionStatus.SCHEDULED:
            return await self.speaker.say("button.expired")
        (await self.uow.circles.seat(session.id, self.person.id)).rsvp = data.answer
        await self.speaker.say(CIRCLE_RSVPS.key(data.answer), name=circle.name)

    async def rate(self, data: Rate) -> None:
        session = await self.uow.circles.session_by_id(data.session)
        if session is None or session.status != SessionStatus.ENDED:
            return await self.speaker.say("button.expired")
        (await self.uow.circles.seat(session.id, self.person.id)).rating = int(data.stars)
        open_prompt(self.person, RatingComment(session.id), self.ctx.now)
        await self.speaker.say("circle.rated", rating=data.stars)

    async def share(self, data: ShareAnswer) -> None:
        """Her choice, once: by name or anonymously it is posted to the group (while the session
        runs; a commitment waits for the recap and the next look-back)."""
        contribution = await self.uow.circles.contribution(data.contribution)
        if contribution is None or contribution.shared is not None:
            return await self.speaker.say("button.expired")
        contribution.shared = data.how
        session = await self.uow.circles.session_by_id(contribution.session_id)
        circle = None if session is None else await self.uow.circles.get(session.circle_id)
        if data.how == "none" or circle is None or session is None:
            return await self.speaker.say("circle.kept_private")
        if contribution.kind == "reflection" and session.status == SessionStatus.OPEN:
            who = self.person.name if data.how == "name" else self.ctx.words(circle, "circle.a_member")
            line = self.ctx.words(circle, "circle.shared_line", who=who, text=contribution.text)
            await self.ctx.post(circle, line, about=About.of(SHARED_ANSWER, [self.person.id]))
        await self.speaker.say(CIRCLE_SHARED.key(data.how))

    async def tried(self, data: Tried) -> None:
        contribution = await self.uow.circles.contribution(data.contribution)
        if contribution is None or contribution.kind != "commitment":
            return await self.speaker.say("button.expired")
        contribution.tried = data.answer == "yes"
        open_prompt(self.person, HowItWent(contribution.id), self.ctx.now)
        await self.speaker.say(CIRCLE_HOW_IT_WENT.key(data.answer))


async def follow_up(ctx: CircleContext, commitment: Contribution) -> bool:
    """Ask whether she tried what she committed to, a few days after the session and outside her
    quiet hours; False when she is away (asked again the day after)."""
    person = await ctx.uow.people.get(commitment.person_id)
    if person is None or person.deactivated or person.unreachable:
        commitment.follow_up_at = None
        return True
    out = ctx.quiet_outbox(person, f"circle-follow-up:{commitment.id}")
    if out is None:
        return False
    speaker = ctx.speaker(person, out=out)
    buttons = [
        [(speaker.label("circle.button.tried"), Tried(commitment.id, "yes").encode())],
        [(speaker.label("circle.button.not_yet"), Tried(commitment.id, "no").encode())],
    ]
    await speaker.say("circle.follow_up", buttons, text=commitment.text)
    commitment.follow_up_at = None
    return True
