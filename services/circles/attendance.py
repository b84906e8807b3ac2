"""Who was at a session, and what is said of it (issue 21: attendance is not surveillance).

She attended if she pressed "I'm here" on the session's opening post, took part (said something,
voted, answered privately), or the facilitator marked her present; else she was expected (she
answered "I'll be there") or excused ("I can't make it"), and otherwise nothing is said of her.
Nobody is ever reported as having missed a session. The facilitator gets, after it, who attended,
was expected or excused, by name, the contributions in each segment (counts, never names), and a
button per member to correct who was there; her supervisor's summary counts only sessions
attended and excused (services.summaries)."""

from __future__ import annotations

from enum import StrEnum

from services.circles.buttons import MarkPresent
from services.circles.context import CircleContext
from services.circles.disclosed import ATTENDANCE
from services.core.outgoing import ButtonRows
from services.core.speaker import Speaker
from store.models import Circle, CircleSession, Person, Seat
from store.statuses import RUNNING, Presence


class Attendance(StrEnum):
    """What is said of a member at one session (not stored: read from her seat)."""

    ATTENDED = "attended"
    EXPECTED = "expected"  # she said "I'll be there", and nothing more
    EXCUSED = "excused"  # she said "I can't make it"


# The report's lines of names, in this order; whoever has none of these is not named.
NAMED = {
    Attendance.ATTENDED: "circle.report_attended",
    Attendance.EXPECTED: "circle.report_expected",
    Attendance.EXCUSED: "circle.report_excused",
}


def attendance(took_part: bool, presence: Presence | None, rsvp: str | None) -> Attendance | None:
    """Her attendance from her seat's facts; the facilitator's word is the last. None: nothing to say."""
    if presence in (Presence.HERE, Presence.MARKED) or (took_part and presence != Presence.UNMARKED):
        return Attendance.ATTENDED
    return {"yes": Attendance.EXPECTED, "no": Attendance.EXCUSED}.get(rsvp or "")


def of_seat(seat: Seat | None) -> Attendance | None:
    return None if seat is None else attendance(seat.took_part, seat.presence, seat.rsvp)


async def attended(ctx: CircleContext, session: CircleSession) -> set[int]:
    """Who attended the session, by person id."""
    seats = await ctx.uow.circles.seats(session.id)
    return {seat.person_id for seat in seats if of_seat(seat) == Attendance.ATTENDED}


async def segment_counts(ctx: CircleContext, session: CircleSession) -> dict[int, int]:
    """How many messages and answers each segment had (a case proposal, private until the vote,
    is not one): participation in aggregate, never by name."""
    counts: dict[int, int] = {int(k): v for k, v in session.uncounted.items()}
    for contribution in await ctx.uow.circles.contributions(session.id):
        if contribution.kind != "case":
            counts[contribution.segment] = counts.get(contribution.segment, 0) + 1
    return counts


def segment_lines(ctx: CircleContext, session: CircleSession, counts: dict[int, int], lang: str) -> list[str]:
    catalog, template = ctx.content.catalog, ctx.template(session)
    return [
        catalog.say(
            lang, "circle.recap_line", title=catalog.pick(segment.title, lang), count=counts.get(k, 0)
        )
        for k, segment in enumerate(template.segments if template else ())
    ]


async def here(ctx: CircleContext, circle: Circle, session: CircleSession, person: Person) -> str:
    """ "I'm here": noted while the session runs; the notice over the button, to her alone."""
    if session.status not in RUNNING:
        return ctx.words(circle, "circle.here_closed")
    (await ctx.uow.circles.seat(session.id, person.id)).presence = Presence.HERE
    return ctx.words(circle, "circle.here_noted", name=circle.name)


async def report(
    ctx: CircleContext, circle: Circle, session: CircleSession, lang: str
) -> tuple[str, ButtonRows, list[int]]:
    """The facilitator's report: who attended, was expected or excused, by name; the segments'
    counts; and a button per member that turns her "here" on or off. With it, whose attendance
    it carries (every member: each has a button)."""
    catalog = ctx.content.catalog
    members = await ctx.uow.circles.members(circle.id)
    seats = {seat.person_id: seat for seat in await ctx.uow.circles.seats(session.id)}
    said = {member.id: of_seat(seats.get(member.id)) for member in members}
    lines = [catalog.say(lang, "circle.report", name=circle.name, title=ctx.title(circle, session))]
    for value, key in NAMED.items():
        names = [member.name for member in members if said[member.id] == value]
        if names:
            lines.append(catalog.say(lang, key, count=len(names), names=", ".join(names)))
    lines.append(catalog.say(lang, "circle.report_segments"))
    lines += segment_lines(ctx, session, await segment_counts(ctx, session), lang)
    if session.uncounted:
        lines.append(catalog.say(lang, "circle.report_uncounted", count=sum(session.uncounted.values())))
    if members:
        lines.append(catalog.say(lang, "circle.report_correct"))
    label = {True: "circle.button.was_here", False: "circle.button.mark_here"}
    buttons = [
        [
            (
                catalog.say(lang, label[said[member.id] == Attendance.ATTENDED], name=member.name),
                MarkPresent(session.id, member.id).encode(),
            )
        ]
        for member in members
    ]
    return catalog.lay_out(lang, "\n".join(lines)), buttons, [member.id for member in members]


async def send_report(ctx: CircleContext, circle: Circle, session: CircleSession) -> None:
    facilitator = await ctx.facilitator(circle)
    if facilitator is None:
        return
    speaker = ctx.speaker(facilitator, queued=True)
    text, buttons, named = await report(ctx, circle, session, speaker.lang)
    await speaker.disclosing(ATTENDANCE, *named).send(text, buttons)


async def correct(
    ctx: CircleContext, speaker: Speaker, session: CircleSession, person_id: int, message_id: int | None
) -> None:
    """The facilitator turned one member's "here" on or off: her report, corrected, replaces the
    one she pressed (or comes anew, when Telegram no longer gives that message)."""
    circle = await ctx.uow.circles.get(session.circle_id)
    assert circle is not None  # the rule found it, hers
    seat = await ctx.uow.circles.seat(session.id, person_id)
    seat.presence = Presence.UNMARKED if of_seat(seat) == Attendance.ATTENDED else Presence.MARKED
    text, buttons, named = await report(ctx, circle, session, speaker.lang)
    speaker = speaker.disclosing(ATTENDANCE, *named)
    if message_id is None:
        return await speaker.send(text, buttons)
    await ctx.out.edit(speaker.chat_id, message_id, text, buttons, speaker.person_id, about=speaker.about)
