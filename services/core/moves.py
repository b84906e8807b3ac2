"""A group that Telegram upgraded to a supergroup lives on at a new chat id. Telegram says so
three ways: a `migrate_to_chat_id` message in the old chat, a `migrate_from_chat_id` message in
the new one (two chats, so nothing orders them), and a 400 with `migrate_to_chat_id` to a call
made to the old id. Each of them, in any order and as often as it comes, ends here."""

from __future__ import annotations

import logging

from services.core.outgoing import moved
from store.uow import UnitOfWork

log = logging.getLogger(__name__)


async def chat_moved(uow: UnitOfWork, old: int, new: int) -> None:
    """The group's circle (with its sessions) and the posts queued for it follow it to `new`;
    a queued edit of a post left in the old chat is sent anew. Idempotent: once moved, nothing
    is left at `old` to move. Contributions keep the chat they were said in (their ids are the
    old chat's)."""
    circle = await uow.circles.move_chat(old, new)
    rows = await uow.outbox.queued_for(old)
    for row in rows:
        method, params = moved(row.payload["method"], row.payload["params"], new)
        row.chat_id, row.payload = new, {**row.payload, "method": method, "params": params}
    if circle or rows:
        log.info(
            "a group moved to a supergroup (%s circle, %d queued posts)", "its" if circle else "no", len(rows)
        )
