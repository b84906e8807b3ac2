"""A reflection shared with the supervisor: it reaches her with its author's name and answers
and a Reply button (or waits until the team has a supervisor), and her reply reaches the author."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flows.content import Content
from flows.render import answer_lines
from flows.run import RunState
from services.core.buttons import Button
from services.core.disclosures import About, kind
from services.core.prompts import Prompt, close, open_prompt, prompt_kind
from services.core.speaker import Speaker
from services.core.teams import supervisor_of
from store.models import FlowRun, Person, Share
from store.uow import UnitOfWork

if TYPE_CHECKING:
    from services.core.turn import Turn

SHARED_REFLECTION = kind("shared_reflection", "share.header", team_only=True)
SUPERVISOR_REPLY = kind("supervisor_reply", "share.reply_received", team_only=True)


@prompt_kind
@dataclass(frozen=True)
class ReplyTo(Prompt):
    """A supervisor's reply to a reflection shared with her."""

    kind = "sharing.reply"
    share: int


@dataclass(frozen=True)
class Reply(Button):
    prefix = "rep"
    share: int


async def shared_with_her(turn: Turn, data: Reply) -> Share | None:
    return await _hers_now(turn.uow, data.share, turn.me)


async def _hers_now(uow: UnitOfWork, share_id: int, supervisor: Person) -> Share | None:
    """The reflection, if it was delivered to her and she supervises its author's team now: a
    supervisor moved to another team, or replaced, no longer answers for the old one."""
    share = await uow.shares.get(share_id)
    author = None if share is None else await uow.people.get(share.person_id)
    if share is None or author is None or share.supervisor_id != supervisor.id:
        return None
    _, now = await supervisor_of(uow, author)
    return share if now is not None and now.id == supervisor.id else None


@dataclass
class Sharing:
    uow: UnitOfWork
    content: Content
    speaker: Speaker  # to the person whose update this is
    now: datetime

    async def share(self, person: Person, run: FlowRun) -> None:
        team, supervisor = await supervisor_of(self.uow, person)
        share = await self.uow.shares.add(run, None if team is None else team.id, self.now)
        if supervisor is None:
            return await self.speaker.say("share.no_supervisor")
        await self.deliver(share, supervisor)
        await self.speaker.say("share.sent")

    async def deliver(self, share: Share, supervisor: Person) -> None:
        """The reflection, with its author's name and answers, in the supervisor's language."""
        author = await self.uow.people.get(share.person_id)
        run = await self.uow.runs.get(share.run_id)
        flow = None if run is None else self.content.flows.get(run.flow_id)
        if author is None or run is None or flow is None:
            return
        catalog, state = self.content.catalog, RunState.from_json(run.state)
        lang = supervisor.language or self.content.languages.default
        lines = [
            catalog.say(lang, "share.header", name=author.name),
            *answer_lines(flow, state.answers, state.history, catalog, lang, leave_out=flow.share_step),
        ]
        reply = [[(catalog.say(lang, "button.reply", name=author.name)[:60], Reply(share.id).encode())]]
        text = catalog.lay_out(lang, "\n\n".join(lines))
        about = About.of(SHARED_REFLECTION, [author.id])
        await self.speaker.out.send(supervisor.telegram_id, text, reply, supervisor.id, about=about)
        await self.uow.shares.mark_delivered(share, supervisor.id, self.now)

    async def start_reply(self, supervisor: Person, share: Share) -> None:
        """Her Reply button: the next thing she writes goes to the author."""
        author = await self.uow.people.get(share.person_id)
        if author is None:
            return await self.speaker.say("button.expired")
        open_prompt(supervisor, ReplyTo(share.id), self.now)
        await self.speaker.disclosing(SHARED_REFLECTION, author.id).say(
            "share.reply_prompt", name=author.name
        )

    async def deliver_reply(self, supervisor: Person, reply: ReplyTo, text: str) -> None:
        close(supervisor)
        share = await _hers_now(self.uow, reply.share, supervisor)
        author = None if share is None else await self.uow.people.get(share.person_id)
        if share is None or author is None:
            return await self.speaker.say("button.expired")
        catalog = self.content.catalog
        lang = author.language or self.content.languages.default
        message = catalog.say(lang, "share.reply_received", name=supervisor.name, text=text)
        about = About.of(SUPERVISOR_REPLY, [supervisor.id])
        await self.speaker.out.send(
            author.telegram_id, catalog.lay_out(lang, message), (), author.id, about=about
        )
        await self.speaker.disclosing(SHARED_REFLECTION, author.id).say("share.reply_sent", name=author.name)
