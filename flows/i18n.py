"""The bot's own words (errors, buttons, headings) in every language, and picking a language.

Content strings (`Text`) and catalog strings fall back to the program's default language, so
a partial translation that is not enabled can still be tried in the simulator.

No missing words at run time: every key the code uses is in `CATALOG_KEYS`, which `circlebot
validate` checks against the default language, and tests/unit/test_catalog_keys.py reads the keys
from the code to keep that list whole. A key built at run time comes only from a `KeyFamily` over
a declared enumeration (days, roles, PDSA stages...), never from an f-string. A command's menu
line is not built from its name, since commands are registered at run time: each `Command` names
its key (`menu_line("command.pdsa")`), which the scan then finds like any other.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args

from flows.checklist import SEEN, TRIED
from flows.circles import COLLECT, REMINDERS, SHARE_CHOICES, SPEAKERS, CaseAction, Reply
from flows.pdsa import CARRIED_OUT, FREQUENCIES, STAGES
from flows.schedules import DAYS
from flows.spec import ROLES, Languages, Media, Text

# Unicode isolates keep a person's own words from scrambling the layout of a right-to-left
# message (and the right-to-left mark starts each line the right way round).
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"
RIGHT_TO_LEFT_MARK = "\u200f"


@dataclass(frozen=True)
class KeyFamily:
    """Catalog keys built at run time, one per member of a declared enumeration (`pattern` holds
    one `{}`), so that `circlebot validate` can check every key the code may build."""

    pattern: str
    members: tuple[str, ...]

    def key(self, member: str) -> str:
        """The key for `member`; any other value is a programming error."""
        if member not in self.members:
            raise ValueError(f"{member!r} is not one of {self.pattern!r}: {', '.join(self.members)}")
        return self.pattern.format(member)

    def keys(self) -> frozenset[str]:
        return frozenset(self.pattern.format(member) for member in self.members)


DAY_NAMES = KeyFamily("day.{}", DAYS)
ROLE_NAMES = KeyFamily("role.{}", ROLES)
MEDIA_EXPECTED = KeyFamily("error.{}_expected", get_args(Media))
PDSA_STAGES = KeyFamily("pdsa.stage.{}", STAGES)
PDSA_GO_ON = KeyFamily("pdsa.button.go_{}", STAGES)
PDSA_PERIOD = KeyFamily("pdsa.period.{}", FREQUENCIES)
PDSA_PERIODS = KeyFamily("pdsa.periods.{}", FREQUENCIES)
PDSA_PROMPTS = KeyFamily("pdsa.prompt.{}", FREQUENCIES)
# Beside the Study chart when the change was not carried out as planned: what the chart can show.
PDSA_NOT_AS_PLANNED = KeyFamily("pdsa.study_{}", tuple(how for how in CARRIED_OUT if how != "as_planned"))
CIRCLE_REMINDERS = KeyFamily("circle.reminder_{}", REMINDERS)
CIRCLE_RSVP_ASKS = KeyFamily("circle.rsvp_ask_{}", REMINDERS)
CIRCLE_RSVPS = KeyFamily("circle.rsvp_{}", get_args(Reply))
CIRCLE_HOW_IT_WENT = KeyFamily("circle.how_it_went_{}", get_args(Reply))
CIRCLE_SHARE_BUTTONS = KeyFamily("circle.share.{}", SHARE_CHOICES)
CIRCLE_SHARED = KeyFamily("circle.shared_{}", tuple(how for how in SHARE_CHOICES if how != "none"))
# A proposed case is a title, never shared by its author: it goes to the group's vote once she
# confirms it (she may rewrite or withdraw it instead).
CIRCLE_SHARE_ASKS = KeyFamily("circle.share_{}", tuple(kind for kind in COLLECT if kind != "case"))
CIRCLE_CASE_BUTTONS = KeyFamily("circle.button.case_{}", get_args(CaseAction))
CIRCLE_SPEAKERS = KeyFamily("circle.speakers.{}", tuple(who for who in SPEAKERS if who != "all"))
CIRCLE_PAUSED = KeyFamily("circle.bot_{}", ("removed", "demoted"))  # why a circle's group lost the bot
OBSERVE_SEEN = KeyFamily("observe.seen.{}", SEEN)  # a checklist's yes / no / not seen
OBSERVE_TRIED = KeyFamily("observe.tried.{}", TRIED)  # the next step, at its date
CIRCLE_HISTORY = KeyFamily("circle.history.{}", ("supergroup", "group"))  # the group's kind, told at set-up
# Each kind of disclosure (services.core.disclosures) is a line of the joining notice: a kind
# not named here cannot be declared.
DISCLOSURE_LINES = KeyFamily(
    "disclosure.{}",
    (
        "alert",
        "checkin_scores",
        "shared_reflection",
        "supervisor_reply",
        "shared_project",
        "pdsa_comment",
        "team_points",
        "circle_shared_answer",
        "circle_case_title",
        "circle_contribution",
        "circle_attendance",
        "circle_membership",
        "circle_rating",
        "bulletin_author",
        "observation_feedback",
        "observation_scores",
        "observation_reply",
    ),
)
# issue 23: the kinds of what the bot holds about her (store.personal.Kind: a test keeps the two
# equal), as /mydata's summary heads them.
MYDATA_KINDS = KeyFamily(
    "mydata.kind.{}",
    (
        "profile",
        "settings",
        "consent",
        "roles",
        "team",
        "answers",
        "runs",
        "checkins",
        "prompts",
        "shares",
        "replies",
        "projects",
        "points",
        "notes",
        "circles",
        "circle_contributions",
        "votes",
        "rsvps",
        "ratings",
        "invites",
        "bulletins",
        "disclosures",
        "observations",
    ),
)
FAMILIES = (
    DAY_NAMES,
    ROLE_NAMES,
    MEDIA_EXPECTED,
    PDSA_STAGES,
    PDSA_GO_ON,
    PDSA_PERIOD,
    PDSA_PERIODS,
    PDSA_PROMPTS,
    PDSA_NOT_AS_PLANNED,
    CIRCLE_REMINDERS,
    CIRCLE_RSVP_ASKS,
    CIRCLE_RSVPS,
    CIRCLE_HOW_IT_WENT,
    CIRCLE_SHARE_BUTTONS,
    CIRCLE_SHARED,
    CIRCLE_SHARE_ASKS,
    CIRCLE_SPEAKERS,
    CIRCLE_PAUSED,
    CIRCLE_HISTORY,
    DISCLOSURE_LINES,
    CIRCLE_CASE_BUTTONS,
    MYDATA_KINDS,
    OBSERVE_SEEN,
    OBSERVE_TRIED,
)

# Every word of the catalog the code uses, named in it or built by a family; the default language
# must have each of them.
CATALOG_KEYS = frozenset[str]().union(*(family.keys() for family in FAMILIES)) | frozenset(
    {
        "command.observe",
        "command.myfeedback",
        "observe.description",
        "observe.item",
        "observe.note",
        "observe.note_label",
        "observe.strengths",
        "observe.strengths_label",
        "observe.growth",
        "observe.growth_label",
        "observe.next_step",
        "observe.next_step_label",
        "observe.next_on",
        "observe.next_on_label",
        "observe.no_team",
        "observe.nobody",
        "observe.pick_person",
        "observe.person",
        "observe.person_new",
        "observe.button.scores",
        "observe.button.go_on",
        "observe.busy",
        "observe.starting",
        "observe.stopped",
        "observe.sent",
        "observe.not_in_team",
        "observe.feedback",
        "observe.button.reply",
        "observe.button.reflect",
        "observe.button.project",
        "observe.reply_prompt",
        "observe.reply_sent",
        "observe.reply_received",
        "observe.reflect_on",
        "observe.follow_up",
        "observe.follow_up_prompt",
        "observe.follow_up_sent",
        "observe.follow_up_received",
        "observe.scores_title",
        "observe.my_scores_title",
        "observe.scores_days",
        "observe.scores_none",
        "observe.my_none",
        "observe.my_latest",
        "observe.scores_legend",
        "weekly.observations",
        "weekly.observations_none",
        "weekly.not_observed",
        "answer.no",
        "answer.no_words",
        "answer.none_chosen",
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
        "disclosure.heading",
        "onboarding.contact",
        "onboarding.kept",
        "onboarding.your_data",
        "button.done",
        "button.expired",
        "button.go_back",
        "button.reply",
        "button.skip",
        "button.keep",
        "chat.not_allowed",
        "chat.nothing_active",
        "chat.unknown_command",
        "command.cancel",
        "command.help",
        "command.invite",
        "command.language",
        "error.date",
        "error.date_far_ahead",
        "error.date_future",
        "error.date_past",
        "error.date_long_ago",
        "error.date_too_old",
        "error.multi_full",
        "error.multi_too_few",
        "error.multi_too_many",
        "error.not_a_number",
        "error.not_optional",
        "error.number_decimals",
        "error.number_max",
        "error.number_min",
        "error.number_range",
        "error.number_too_big",
        "error.number_too_long",
        "error.number_whole",
        "error.pick_button",
        "error.scale",
        "error.something_went_wrong",
        "error.stale_button",
        "error.text_expected",
        "error.text_too_long",
        "error.text_too_short",
        "error.yesno",
        "help.intro",
        "hint.multi",
        "hint.multi_up_to",
        "hint.multi_up_to_or_none",
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
        "onboarding.privacy_circle",
        "onboarding.welcome",
        "people.deactivated",
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
        "away.button.open",
        "away.button.end",
        "away.status_open",
        "away.set_open",
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
        "pdsa.button.own_idea",
        "pdsa.button.replace",
        "pdsa.button.keep_first",
        "pdsa.button.another_visit",
        "pdsa.button.comment",
        "pdsa.card",
        "pdsa.card_points",
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
        "pdsa.caption.good",
        "pdsa.caption.bad",
        "pdsa.caption.shift_above",
        "pdsa.caption.shift_below",
        "pdsa.caption.trend_up",
        "pdsa.caption.trend_down",
        "pdsa.caption.few_crossings_above",
        "pdsa.caption.few_crossings_below",
        "pdsa.caption.many_crossings",
        "pdsa.caption.astronomical",
        "pdsa.summary_header",
        "pdsa.summary_last",
        "pdsa.button.chart_of",
        "circle.a_member",
        "circle.already",
        "circle.already_member",
        "circle.already_running",
        "circle.ask_day",
        "circle.ask_language",
        "circle.ask_name",
        "circle.ask_set",
        "circle.ask_time",
        "circle.at_start",
        "circle.bad_time",
        "circle.button.attending",
        "circle.button.cant",
        "circle.button.here",
        "circle.button.join",
        "circle.button.mark_here",
        "circle.button.next",
        "circle.button.not_yet",
        "circle.button.pause",
        "circle.button.prev",
        "circle.button.tried",
        "circle.button.was_here",
        "circle.cancelled",
        "circle.case_check",
        "circle.case_chosen",
        "circle.case_noted",
        "circle.case_rewrite",
        "circle.case_too_late",
        "circle.case_withdraw_late",
        "circle.case_withdrawn",
        "circle.comment_thanks",
        "circle.follow_up",
        "circle.here_closed",
        "circle.here_noted",
        "circle.in_group",
        "circle.join_first",
        "circle.join_to_be_here",
        "circle.join_to_vote",
        "circle.joined_by_link",
        "circle.joined_notice",
        "circle.kept_private",
        "circle.look_back",
        "circle.look_back_none",
        "circle.make_me_admin",
        "circle.next_meeting",
        "circle.no_cases",
        "circle.no_session",
        "circle.not_a_circle",
        "circle.not_open",
        "circle.only_admins",
        "circle.only_facilitator",
        "circle.only_facilitators",
        "circle.opened",
        "circle.outcome_not_yet",
        "circle.outcome_thanks",
        "circle.outcome_tried",
        "circle.overrun",
        "circle.paused",
        "circle.private_only",
        "circle.private_prompt",
        "circle.rate",
        "circle.rated",
        "circle.ratings",
        "circle.ratings_none",
        "circle.ready",
        "circle.recap",
        "circle.recap_commitments",
        "circle.recap_line",
        "circle.report",
        "circle.report_attended",
        "circle.report_correct",
        "circle.report_excused",
        "circle.report_expected",
        "circle.report_segments",
        "circle.report_uncounted",
        "circle.resumed",
        "circle.rsvp_roundup",
        "circle.segment",
        "circle.session_over",
        "circle.prompt_waiting",
        "circle.prompt_lapsed",
        "circle.set_up",
        "circle.setting_up",
        "circle.shared_line",
        "circle.speak_as_yourself",
        "circle.summary_header",
        "circle.summary_line",
        "circle.too_long",
        "circle.use_buttons",
        "circle.vote_closed",
        "circle.voted",
        "circle.welcome",
        "circle.when",
        "circle.your_case",
        "bulletin.ask_when",
        "bulletin.bad_time",
        "bulletin.cancelled",
        "bulletin.compose",
        "bulletin.confirm",
        "bulletin.empty",
        "bulletin.no_team",
        "bulletin.nobody",
        "bulletin.not_a_photo",
        "bulletin.past",
        "bulletin.preview",
        "bulletin.queued",
        "bulletin.report",
        "bulletin.report_why",
        "bulletin.scheduled",
        "bulletin.too_far",
        "bulletin.too_long",
        "button.cancel",
        "button.send_later",
        "button.send_now",
        "command.bulletin",
        "command.forget",
        "forget.confirm",
        "forget.button.erase",
        "forget.button.keep",
        "forget.kept",
        "forget.done",
        "command.settings",
        "settings.did_you_mean",
        "settings.kept",
        "settings.timezone",
        "settings.timezone_set",
        "settings.unknown_timezone",
        "start.other_team",
        "start.role_added",
        # issue 18: teams know their supervisor; deactivated means quiet
        "notice.needs_facilitator",
        "team.supervisor_appointed",
        "team.supervisor_replaced",
        # issue 18: a circle's member is not a team's
        "invite.not_yours",
        "onboarding.welcome_no_role",
        "circle.newcomer",
        "circle.button.invite_to_team",
        "circle.team_offer",
        "circle.button.accept_team",
        "circle.button.decline_team",
        "circle.team_offer_sent",
        "circle.team_joined",
        "circle.team_accepted",
        "circle.team_declined",
        "circle.team_declined_facilitator",
        "circle.old_links",
        "circle.button.circle_only",
        "circle.made_circle_only",
        "circle.made_circle_only_done",
        # issue 21: she knows when an alert went; data given back to workers
        "alert.no_supervisor",
        "alert.supervisor_own",
        "alert.waited",
        "alert.told_supervisor",
        "alert.told_coordinators",
        "alert.kept_for_coordinators",
        "alert.help_now",
        "command.mytrend",
        "mytrend.header",
        "mytrend.legend",
        "mytrend.none",
        "mytrend.button.chart",
        "mytrend.preparing",
        "chart.mine_title",
        "chart.mine_line",
        "chart.mine_caption",
        # issue 23: /mydata
        "command.mydata",
        "mydata.preparing",
        "mydata.already",
        "mydata.title",
        "mydata.intro",
        "mydata.nothing",
        "mydata.caption_summary",
        "mydata.caption_data",
        "mydata.done",
        "mydata.left_out",
        "mydata.failed",
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
