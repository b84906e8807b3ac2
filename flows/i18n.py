"""The bot's own words (errors, buttons, headings) in every language, and picking a language.

Content strings (`Text`) and catalog strings fall back to the program's default language, so
a partial translation that is not enabled can still be tried in the simulator.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from flows.spec import Languages, Text

# Unicode isolates keep a person's own words from scrambling the layout of a right-to-left
# message (and the right-to-left mark starts each line the right way round).
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
RIGHT_TO_LEFT_MARK = "\u200f"

# Every word of the catalog the code uses; the default language must have each of them.
CATALOG_KEYS = frozenset(
    {
        "answer.no",
        "answer.no_words",
        "answer.photo",
        "answer.today",
        "answer.today_words",
        "answer.voice",
        "answer.yes",
        "answer.yes_words",
        "answer.yesterday",
        "answer.yesterday_words",
        "button.agree",
        "button.close_and_start",
        "button.decline",
        "button.done",
        "button.expired",
        "button.go_back",
        "button.reply",
        "button.skip",
        "button.keep",
        "chat.not_allowed",
        "chat.nothing_active",
        "chat.private_only",
        "chat.unknown_command",
        "command.cancel",
        "command.help",
        "command.invite",
        "command.language",
        "error.date",
        "error.date_future",
        "error.date_too_old",
        "error.multi_too_few",
        "error.multi_too_many",
        "error.not_a_number",
        "error.not_optional",
        "error.number_max",
        "error.number_min",
        "error.number_range",
        "error.number_whole",
        "error.photo_expected",
        "error.pick_button",
        "error.scale",
        "error.stale_button",
        "error.text_expected",
        "error.text_too_long",
        "error.text_too_short",
        "error.voice_expected",
        "error.yesno",
        "help.intro",
        "hint.multi",
        "hint.optional",
        "hint.previous",
        "info.back_at_start",
        "info.cancelled",
        "info.ended",
        "info.expired",
        "invite.expired",
        "invite.link",
        "invite.longer",
        "invite.more_uses",
        "invite.no_team",
        "invite.none",
        "invite.revoked",
        "invite.unknown",
        "invite.used_up",
        "language.set",
        "onboarding.choose_language",
        "onboarding.declined",
        "onboarding.privacy",
        "onboarding.welcome",
        "people.deactivated",
        "role.admin",
        "role.facilitator",
        "role.home_visitor",
        "role.supervisor",
        "share.header",
        "share.kept_private",
        "share.no_supervisor",
        "share.reply_prompt",
        "share.reply_received",
        "share.reply_sent",
        "share.sent",
        "start.already",
        "summary.header",
        "summary.skipped",
        "switch.ask",
        "command.away",
        "chart.months",
        "day.monday",
        "day.tuesday",
        "day.wednesday",
        "day.thursday",
        "day.friday",
        "day.saturday",
        "day.sunday",
        "button.summary_time",
        "settings.summary_at",
        "settings.summary_day",
        "settings.summary_time",
        "settings.bad_time",
        "settings.summary_set",
        "settings.quiet_set",
        "settings.bad_hours",
        "command.summary",
        "schedule.waiting",
        "schedule.nudge",
        "button.snooze",
        "snooze.set",
        "snooze.nothing",
        "away.ask",
        "away.status",
        "away.off_words",
        "away.set",
        "away.ended",
        "away.unreadable",
        "away.past",
        "away.too_far",
        "away.kept",
        "alert.header",
        "weekly.header",
        "weekly.totals",
        "weekly.done",
        "weekly.missed",
        "weekly.in_progress",
        "weekly.away",
        "weekly.not_due",
        "weekly.wellbeing",
        "weekly.workload",
        "weekly.support",
        "weekly.shared",
        "weekly.blocked",
        "weekly.legend",
        "weekly.nobody",
        "weekly.no_team",
        "weekly.preparing",
        "chart.title",
        "chart.y_label",
        "chart.average",
        "chart.spread",
        "chart.no_answers",
        "chart.caption",
        "trend.header",
        "command.pdsa",
        "command.log",
        "command.note",
        "pdsa.new",
        "pdsa.button.own",
        "pdsa.button.team",
        "pdsa.button.new",
        "pdsa.button.switch",
        "pdsa.button.log",
        "pdsa.button.chart",
        "pdsa.button.share",
        "pdsa.button.unshare",
        "pdsa.button.plan",
        "pdsa.button.study",
        "pdsa.button.go_baseline",
        "pdsa.button.go_plan",
        "pdsa.button.go_do",
        "pdsa.button.go_study",
        "pdsa.button.go_act",
        "pdsa.button.go_done",
        "pdsa.button.own_idea",
        "pdsa.button.replace",
        "pdsa.button.keep_first",
        "pdsa.button.another_visit",
        "pdsa.button.comment",
        "pdsa.card",
        "pdsa.card_points",
        "pdsa.stage.baseline",
        "pdsa.stage.plan",
        "pdsa.stage.do",
        "pdsa.stage.study",
        "pdsa.stage.act",
        "pdsa.stage.done",
        "pdsa.busy",
        "pdsa.none",
        "pdsa.from_template",
        "pdsa.ready",
        "pdsa.doing",
        "pdsa.still_doing",
        "pdsa.paused",
        "pdsa.pick_idea",
        "pdsa.drawing",
        "pdsa.shared",
        "pdsa.shared_no_supervisor",
        "pdsa.unshared",
        "pdsa.ask_value",
        "pdsa.range",
        "pdsa.not_a_number",
        "pdsa.bad_day",
        "pdsa.future",
        "pdsa.out_of_range",
        "pdsa.same_again",
        "pdsa.period.daily",
        "pdsa.period.visit",
        "pdsa.period.weekly",
        "pdsa.double",
        "pdsa.visit_again",
        "pdsa.kept_first",
        "pdsa.logged",
        "pdsa.replaced",
        "pdsa.ask_note",
        "pdsa.noted",
        "pdsa.cancelled",
        "pdsa.ask_comment",
        "pdsa.comment_received",
        "pdsa.comment_sent",
        "pdsa.export_caption",
        "pdsa.study_time",
        "pdsa.prompt.daily",
        "pdsa.prompt.visit",
        "pdsa.prompt.weekly",
        "pdsa.prediction",
        "pdsa.study_later",
        "pdsa.chart.median",
        "pdsa.chart.goal",
        "pdsa.chart.shift",
        "pdsa.chart.trend",
        "pdsa.chart.astronomical",
        "pdsa.chart.mine",
        "pdsa.chart.others",
        "pdsa.chart.no_points",
        "pdsa.chart.cycle",
        "pdsa.caption.head",
        "pdsa.caption.median",
        "pdsa.caption.goal",
        "pdsa.caption.early",
        "pdsa.caption.none",
        "pdsa.periods.daily",
        "pdsa.periods.visit",
        "pdsa.periods.weekly",
        "pdsa.caption.good",
        "pdsa.caption.bad",
        "pdsa.caption.shift_above",
        "pdsa.caption.shift_below",
        "pdsa.caption.trend_up",
        "pdsa.caption.trend_down",
        "pdsa.caption.few_runs",
        "pdsa.caption.many_runs",
        "pdsa.caption.astronomical",
        "pdsa.summary_header",
        "pdsa.summary_last",
        "pdsa.button.chart_of",
    }
)


def placeholders(template: str) -> frozenset[str]:
    """The `{name}` fields of a template, so translations can be checked to use the same."""
    return frozenset(field for _, field, _, _ in string.Formatter().parse(template) if field)


@dataclass(frozen=True)
class Catalog:
    languages: Languages
    messages: Mapping[str, Mapping[str, str]]  # language -> key -> template

    @property
    def default(self) -> str:
        return self.languages.default

    def is_rtl(self, lang: str) -> bool:
        language = self.languages.languages.get(lang)
        return language is not None and language.direction == "rtl"

    def pick(self, text: Text, lang: str) -> str:
        """The content string in `lang`, else in the default language."""
        return text.get(lang) or text[self.default]

    def say(self, lang: str, key: str, **fields: object) -> str:
        """The catalog string `key` in `lang` (else the default language), filled in."""
        template = self.messages.get(lang, {}).get(key) or self.messages[self.default][key]
        return template.format(**fields) if fields else template

    def words(self, lang: str, key: str) -> frozenset[str]:
        """A `|`-separated list of words a person may type, e.g. `yes|y|ok`, in any case."""
        found = {self.say(lang, key), self.say(self.default, key)}
        return frozenset(word.strip().casefold() for entry in found for word in entry.split("|"))

    def own_words(self, lang: str, value: str) -> str:
        """Wrap what a person wrote so it keeps its own direction inside our message."""
        if self.is_rtl(lang):
            return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"
        return value

    def lay_out(self, lang: str, text: str) -> str:
        """Start every line of a right-to-left message with a right-to-left mark."""
        if not self.is_rtl(lang):
            return text
        return "\n".join(RIGHT_TO_LEFT_MARK + line for line in text.split("\n"))
