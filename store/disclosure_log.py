"""The disclosure log (issue 24): one row each time one person's data left the bot for someone
else — a message Telegram took (its outbox row's kind and people, services.core.disclosures),
an admin's export, an erasure. It is kept apart from the data it is about: no foreign keys, so
the outbox can be redacted and pruned, and a person erased, while the record of what went where
stays for its own retention (content/retention.yaml). Telegram says nothing about reads, so this
records sending, not reading. `store/models.py` imports it, so the table is in the one metadata."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.declarative import Base
from store.types import UTCDateTime

EXPORT = "admin_export"  # `circlebot export`: about everyone it carried, to the command line
ERASURE = "erasure"  # /forget or `circlebot people erase`: about her


class DisclosureEntry(Base):
    __tablename__ = "disclosure_log"
    __table_args__ = (
        UniqueConstraint("outbox_id", "about_id"),  # a send recorded twice is recorded once
        Index("ix_disclosure_log_about", "about_id", "logged_at"),
        Index("ix_disclosure_log_recipient", "recipient_id", "logged_at"),
        Index("ix_disclosure_log_logged_at", "logged_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))  # a disclosure kind's id, EXPORT or ERASURE
    about_id: Mapped[int | None] = mapped_column()  # whose data (people.id; no key, see above)
    recipient_id: Mapped[int | None] = mapped_column()  # the person it reached; None: a group, the CLI
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # the chat it went to; None: not a message
    outbox_id: Mapped[int | None] = mapped_column()  # the message that carried it
    detail: Mapped[str | None] = mapped_column(String(300))  # an export's scope, who erased
