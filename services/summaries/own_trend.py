"""Her own check-ins given back to her (/mytrend): the last 8 weeks of wellbeing and workload as
sparklines, as her supervisor's summary shows them, with a button for the chart. The chart is
drawn by the clock's next tick, off the reply's path (an on-demand occurrence, like /summary's),
and goes to her alone. Only her own: the command and the button (`feature.py`) name no one else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flows.content import Content
from flows.dates import month_names
from flows.weekly import WEEKS, CheckIn, Member, weeks, wellbeing_by_week
from services.core.buttons import Button
from services.core.speaker import Speaker
from services.summaries.summaries import checkins_of
from store.models import Person
from store.uow import UnitOfWork


@dataclass(frozen=True)
class TrendChart(Button):
    """ "Show it as a chart": her own check-ins; it names no one."""

    prefix = "mt"


@dataclass(frozen=True)
class OwnTrend:
    """What her chart draws: each week's start, oldest first, and her wellbeing that week."""

    weeks: list[datetime]
    wellbeing: list[list[int]]
    lang: str

    def chart(self, content: Content) -> bytes:
        """Drawn by the painter, imported here: only the clock draws."""
        from services.summaries.charts import ChartTexts, wellbeing_png

        catalog, lang = content.catalog, self.lang
        texts = ChartTexts(
            title=catalog.say(lang, "chart.mine_title", weeks=WEEKS),
            y_label=catalog.say(lang, "chart.y_label"),
            average=catalog.say(lang, "chart.mine_line"),
            spread=None,
            no_answers=catalog.say(lang, "chart.no_answers"),
            months=month_names(catalog, lang),
        )
        return wellbeing_png([start.date() for start in self.weeks], self.wellbeing, texts)


async def mine(uow: UnitOfWork, content: Content, person: Person, now: datetime) -> tuple[CheckIn, ...]:
    """Her check-ins of the last WEEKS weeks."""
    return (await checkins_of(uow, content, [person.id], weeks(now)[0].start)).get(person.id, ())


async def build(uow: UnitOfWork, content: Content, person: Person, now: datetime) -> OwnTrend:
    span, hers = weeks(now), await mine(uow, content, person, now)
    lang = person.language or content.languages.default
    return OwnTrend([week.start for week in span], wellbeing_by_week([Member(person.name, hers)], span), lang)


async def queue(speaker: Speaker, trend: OwnTrend, chart_photo_id: int) -> None:
    caption = speaker.catalog.say(trend.lang, "chart.mine_caption", weeks=WEEKS)
    await speaker.out.stored_photo(speaker.chat_id, chart_photo_id, caption, speaker.person_id)
