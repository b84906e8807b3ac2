"""A reflection shared with the supervisor, and her reply (the sharing itself happens when a
flow with a share step ends: services.core.conversation)."""

from __future__ import annotations

from flows.content import Content
from flows.run import RunState, RunStatus
from flows.spec import Flow
from services.core.conversation import Conversation
from services.core.registry import Answers, ButtonKind, Feature, Rule
from services.core.turn import Turn
from services.sharing.sharing import (
    SHARED_REFLECTION,
    SUPERVISOR_REPLY,
    Reply,
    ReplyTo,
    Sharing,
    shared_with_her,
)
from store.models import FlowRun

SHARED_WITH_HER = Rule("the supervisor the reflection was shared with", relation=shared_with_her)


def sharing(turn: Turn) -> Sharing:
    return Sharing(turn.uow, turn.content, turn.speaker(), turn.now)


async def reply(turn: Turn, data: Reply) -> None:
    share = await turn.uow.shares.get(data.share)
    assert share is not None  # the rule found it
    await sharing(turn).start_reply(turn.me, share)


async def run_ended(
    conversation: Conversation, run: FlowRun, flow: Flow, state: RunState, before: RunState | None
) -> bool:
    """A completed flow with a share step: shared as she chose, or kept private (she is told)."""
    if state.status != RunStatus.COMPLETED or flow.share_step is None:
        return False
    if state.answers.get(flow.share_step) is True:
        sharing = Sharing(conversation.uow, conversation.content, conversation.speaker, conversation.now)
        await sharing.share(conversation.person, run)
    else:
        await conversation.speaker.say("share.kept_private")
    return False


async def receive(turn: Turn, prompt: ReplyTo) -> None:
    await sharing(turn).deliver_reply(turn.me, prompt, turn.incoming.text or "")


def feature(content: Content) -> Feature:
    return Feature(
        "sharing",
        buttons=(ButtonKind(Reply, SHARED_WITH_HER, reply),),
        answers=(Answers(ReplyTo, receive),),
        run_ended=run_ended,
        disclosures=(SHARED_REFLECTION, SUPERVISOR_REPLY),
    )
