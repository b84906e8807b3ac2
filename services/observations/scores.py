"""Her scores over time (issue 25): what she and her supervisor see of her observations, item
by item, oldest first. Never for her peers or a group: the caller sends it only to her or to her
supervisor, saying whose scores they are (services.core.disclosures).

Each checklist she was observed with is one message: its title, the days of its last
`WINDOW` observations, then each section's items with their values in those observations. The
checklist is read as it is now: an item added since shows "·" for the observations before it,
an item removed since is left out (its old scores stay in the store, and in /mydata), and a
checklist no longer in the content is left out whole (there is nothing to title it with). A
value is shown as it was recorded, whatever the item's kind is now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from flows.bounds import fit
from flows.checklist import SEEN, Checklist
from flows.content import Content
from flows.dates import day_label, month_names
from flows.i18n import OBSERVE_SEEN, Catalog
from flows.measures import shown_number
from flows.weekly import NO_ANSWER
from store.observations import Observation

WINDOW = 6  # the last observations shown: a line of values still reads at a glance
ITEM_TEXT = 60  # an item's text is cut to this, so that its values stay on the line
BETWEEN = " | "  # between one observation's value and the next


def scores_over_time(
    content: Content,
    observations: Sequence[Observation],
    lang: str,
    zone: tzinfo,
    name: str | None = None,
) -> list[str]:
    """The messages to show: one per checklist she was observed with, in the content's order.
    `observations` are hers, sent, oldest first (`uow.observations.sent_to`); `name` is hers
    for her supervisor's view, None for her own; days are the reader's, in `zone`."""
    catalog = content.catalog
    texts = []
    for checklist in content.checklists.values():
        theirs = [o for o in observations if o.checklist_id == checklist.id and o.sent_at][-WINDOW:]
        if theirs:
            texts.append(_checklist(checklist, theirs, catalog, lang, zone, name))
    if texts:
        return texts
    if name is None:
        return [catalog.lay_out(lang, catalog.say(lang, "observe.my_none"))]
    return [
        catalog.lay_out(lang, catalog.say(lang, "observe.scores_none", name=catalog.own_words(lang, name)))
    ]


def _checklist(
    checklist: Checklist,
    observations: Sequence[Observation],
    catalog: Catalog,
    lang: str,
    zone: tzinfo,
    name: str | None,
) -> str:
    title = catalog.pick(checklist.title, lang)
    if name is None:
        top = catalog.say(lang, "observe.my_scores_title", checklist=title)
    else:
        top = catalog.say(lang, "observe.scores_title", name=catalog.own_words(lang, name), checklist=title)
    months = month_names(catalog, lang)
    days = ", ".join(
        day_label(o.sent_at.astimezone(zone).date(), months) for o in observations if o.sent_at is not None
    )
    paragraphs = [top, catalog.say(lang, "observe.scores_days", days=days)]
    for section in checklist.sections:
        lines = [catalog.pick(section.title, lang)]
        for item in section.items:
            values = BETWEEN.join(_shown(o.scores.get(item.id), catalog, lang) for o in observations)
            text = fit(catalog.pick(item.text, lang).rstrip("."), ITEM_TEXT)  # its values follow a colon
            lines.append(f"• {text}: {values}")
        paragraphs.append("\n".join(lines))
    paragraphs.append(catalog.say(lang, "observe.scores_legend", none=NO_ANSWER))
    return catalog.lay_out(lang, "\n\n".join(paragraphs))


def _shown(value: Any, catalog: Catalog, lang: str) -> str:
    """A level or a count as its number, yes / no / not seen as her language's word, "·" when
    the item was not scored."""
    if isinstance(value, str) and value in SEEN:
        return catalog.say(lang, OBSERVE_SEEN.key(value))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return shown_number(value)
    return NO_ANSWER
