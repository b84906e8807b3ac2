"""A circle member's private side: her answer to a segment's private prompt and how she shares
it, her case's title (hers until she confirms it), her RSVP, her rating of a session and its
comment, and the follow-up of her commitment. Every button names what it acts on; its rule
(services.circles.feature) has checked it is hers."""

from __future__ import annotations

from typing import get_args

from flows.circles import CASE_TITLE_MAX, SHARE_CHOICES, CaseAction
from flows.i18n import (
    CIRCLE_CASE_BUTTONS,
    CIRCLE_HOW_IT_WENT,
    CIRCLE_RSVPS,
    CIRCLE_SHARE_ASKS,
    CIRCLE_SHARE_BUTTONS,
    CIRCLE_SHARED,
)
from services.circles.buttons import (
    CaseChoice,
    CaseTitle,
    HowItWent,
    Rate,
    RatingComment,
    Rsvp,
    SegmentAnswer,
    ShareAnswer,
    Tried,
)
from services.circles.context import CircleContext
from services.circles.disclosed import SHARED_ANSWER
from services.core.disclosures import About
from services.core.prompts import Prompt, close, open_prompt
from services.core.speaker import Speaker
from store.models import CircleSession, Contribution, Person
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
        if isinstance(prompt, CaseTitle):
            return await self._retitle(prompt, text.strip())
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
            return await self._check_case(contribution)
        buttons = [
            [(self.speaker.label(CIRCLE_SHARE_BUTTONS.key(how)), ShareAnswer(contribution.id, how).encode())]
            for how in SHARE_CHOICES
        ]
        await self.speaker.say(CIRCLE_SHARE_ASKS.key(private.collect), buttons)

    # --- her case: shown back to her, hers until she confirms it ---------------------------------

    async def _check_case(self, case: Contribution) -> None:
        """Her title as she wrote it, with the reminder of initials only: she decides."""
        buttons = [
            [(self.speaker.label(CIRCLE_CASE_BUTTONS.key(action)), CaseChoice(case.id, action).encode())]
            for action in get_args(CaseAction)
        ]
        await self.speaker.say("circle.case_check", buttons, title=case.text)

    async def case(self, data: CaseChoice) -> None:
        """Put to the vote, rewritten or withdrawn: each only until the vote opens; a confirmed
        case cannot leave a vote that has opened (she is told how to go on)."""
        case = await self.uow.circles.contribution(data.contribution)
        session = None if case is None else await self.uow.circles.session_by_id(case.session_id)
        if case is None or session is None or case.kind != "case":
            return await self.speaker.say("button.expired")
        opened = self._vote_opened(session)
        if data.action == "withdraw" and not (opened and case.shared == "anonymous"):
            await self.uow.circles.remove_contribution(case)
            return await self.speaker.say("circle.case_withdrawn")
        if opened:
            late = "circle.case_withdraw_late" if data.action == "withdraw" else "circle.case_too_late"
            return await self.speaker.say(late)
        if data.action == "confirm":
            case.shared = "anonymous"
            withdraw = CaseChoice(case.id, "withdraw").encode()
            buttons = [[(self.speaker.label(CIRCLE_CASE_BUTTONS.key("withdraw")), withdraw)]]
            return await self.speaker.say("circle.case_noted", buttons, title=case.text)
        case.shared = None  # off the vote until she confirms the new title
        open_prompt(self.person, CaseTitle(case.id), self.ctx.now)
        await self.speaker.say("circle.case_rewrite", most=self._case_limit(session, case))

    async def _retitle(self, prompt: CaseTitle, words: str) -> None:
        case = await self.uow.circles.contribution(prompt.contribution)
        session = None if case is None else await self.uow.circles.session_by_id(case.session_id)
        if case is None or session is None or case.person_id != self.person.id:
            return await self.speaker.say("button.expired")
        if self._vote_opened(session):
            return await self.speaker.say("circle.case_too_late")
        most = self._case_limit(session, case)
        if not words or len(words) > most:
            open_prompt(self.person, prompt, self.ctx.now)
            key = "circle.too_long" if words else "circle.case_rewrite"
            return await self.speaker.say(key, most=most, given=len(words))
        case.text, case.edited_at = words, self.ctx.now
        await self._check_case(case)

    def _case_limit(self, session: CircleSession, case: Contribution) -> int:
        template = self.ctx.template(session)
        private = None if template is None else template.segments[case.segment].private
        return CASE_TITLE_MAX if private is None else private.max_length

    def _vote_opened(self, session: CircleSession) -> bool:
        """The vote on cases has opened (its segment was reached), or the session is over."""
        template = self.ctx.template(session)
        polls = [
            k
            for k, segment in enumerate(template.segments if template else ())
            if segment.poll and segment.poll.cases
        ]
        return session.status not in RUNNING or not polls or session.reached >= polls[0]

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
