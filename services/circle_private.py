"""A circle member's private side: her answer to a segment's private prompt and how she shares
it, her RSVP, her rating of a session and its comment, and the follow-up of her commitment.
Every button names what it acts on; each is looked up and checked to be hers."""

from __future__ import annotations

from flows.circles import SHARE_CHOICES
from services.circle_context import CircleContext
from services.speaker import Speaker
from store.models import Contribution, Person

AWAITING = ("circle_answer", "circle_comment", "circle_outcome")


class CirclePrivate:
    def __init__(self, ctx: CircleContext, person: Person, speaker: Speaker) -> None:
        self.ctx = ctx
        self.uow = ctx.uow
        self.person = person
        self.speaker = speaker

    async def receive(self, text: str) -> None:
        """Her words for what she was asked: a private prompt, a comment, how it went."""
        waiting = self.person.awaiting or {}
        self.person.awaiting = None
        if "circle_answer" in waiting:
            return await self._answer(int(waiting["circle_answer"]), int(waiting.get("segment", 0)), text)
        if "circle_comment" in waiting:
            seat = await self.uow.circles.seat(int(waiting["circle_comment"]), self.person.id)
            seat.comment = text.strip()[:1000]
            return await self.speaker.say("circle.comment_thanks")
        contribution = await self._own(str(waiting.get("circle_outcome", "")))
        if contribution is None:
            return await self.speaker.say("button.expired")
        contribution.outcome = text.strip()[:1000]
        await self.speaker.say("circle.outcome_thanks")

    async def _answer(self, session_id: int, segment_index: int, text: str) -> None:
        session = await self.uow.circles.session_by_id(session_id)
        template = None if session is None else self.ctx.template(session)
        if session is None or template is None or session.status not in ("open", "paused"):
            return await self.speaker.say("circle.session_over")
        private = template.segments[segment_index].private if segment_index < len(template.segments) else None
        if private is None:
            return await self.speaker.say("circle.session_over")
        words = text.strip()
        if len(words) > private.max_length:
            self.person.awaiting = {"circle_answer": session_id, "segment": segment_index}
            return await self.speaker.say("circle.too_long", most=private.max_length, given=len(words))
        contribution = await self.uow.circles.add_contribution(
            session_id=session.id,
            person_id=self.person.id,
            segment=segment_index,
            kind=private.collect,
            text=words,
            created_at=self.ctx.now,
        )
        await self.uow.circles.took_part(session.id, self.person.id)
        if private.collect == "case":
            return await self.speaker.say("circle.case_noted", title=words)
        buttons = [
            [(self.speaker.label(f"circle.share.{how}"), f"cp:{contribution.id}:{how}")]
            for how in SHARE_CHOICES
        ]
        await self.speaker.say(f"circle.share_{private.collect}", buttons)

    async def _own(self, contribution_id: str) -> Contribution | None:
        if not contribution_id.isdecimal():
            return None
        contribution = await self.uow.circles.contribution(int(contribution_id))
        return contribution if contribution is not None and contribution.person_id == self.person.id else None

    async def press(self, kind: str, rest: str) -> None:
        first, _, value = rest.partition(":")
        if kind == "cp":
            return await self._share(first, value)
        if kind == "cu":
            return await self._tried(first, value)
        if not first.isdecimal():
            return await self.speaker.say("button.expired")
        session = await self.uow.circles.session_by_id(int(first))
        circle = None if session is None else await self.uow.circles.get(session.circle_id)
        member = None if circle is None else await self.uow.circles.membership(circle.id, self.person.id)
        if session is None or circle is None or member is None or member.left_at is not None:
            return await self.speaker.say("button.expired")
        if kind == "cr" and value in ("yes", "no") and session.status == "scheduled":
            (await self.uow.circles.seat(session.id, self.person.id)).rsvp = value
            return await self.speaker.say(f"circle.rsvp_{value}", name=circle.name)
        if kind == "ck" and value in ("1", "2", "3", "4", "5") and session.status == "ended":
            (await self.uow.circles.seat(session.id, self.person.id)).rating = int(value)
            self.person.awaiting = {"circle_comment": session.id}
            return await self.speaker.say("circle.rated", rating=value)
        await self.speaker.say("button.expired")

    async def _share(self, contribution_id: str, how: str) -> None:
        """Her choice, once: by name or anonymously it is posted to the group (while the session
        runs; a commitment waits for the recap and the next look-back)."""
        contribution = await self._own(contribution_id)
        if contribution is None or contribution.shared is not None or how not in SHARE_CHOICES:
            return await self.speaker.say("button.expired")
        contribution.shared = how
        session = await self.uow.circles.session_by_id(contribution.session_id)
        circle = None if session is None else await self.uow.circles.get(session.circle_id)
        if how == "none" or circle is None or session is None:
            return await self.speaker.say("circle.kept_private")
        if contribution.kind == "reflection" and session.status == "open":
            who = self.person.name if how == "name" else self.ctx.words(circle, "circle.a_member")
            await self.ctx.post(
                circle, self.ctx.words(circle, "circle.shared_line", who=who, text=contribution.text)
            )
        await self.speaker.say(f"circle.shared_{how}")

    async def _tried(self, contribution_id: str, answer: str) -> None:
        contribution = await self._own(contribution_id)
        if contribution is None or contribution.kind != "commitment" or answer not in ("yes", "no"):
            return await self.speaker.say("button.expired")
        contribution.tried = answer == "yes"
        self.person.awaiting = {"circle_outcome": contribution.id}
        await self.speaker.say(f"circle.how_it_went_{answer}")


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
        [(speaker.label("circle.button.tried"), f"cu:{commitment.id}:yes")],
        [(speaker.label("circle.button.not_yet"), f"cu:{commitment.id}:no")],
    ]
    await speaker.say("circle.follow_up", buttons, text=commitment.text)
    commitment.follow_up_at = None
    return True
