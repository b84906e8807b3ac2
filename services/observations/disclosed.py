"""What an observation carries of one person to another (services.core.disclosures): the
observer's feedback reaches the person observed with the observer's name; the scores, and whom
the observer may observe, are her own team's, seen by her supervisor; her reply and how the next
step went reach the observer with her name."""

from services.core.disclosures import kind

OBSERVATION_FEEDBACK = kind(
    "observation_feedback",
    "observe.feedback",
    "observe.reflect_on",
    "observe.follow_up",
    "observe.follow_up_prompt",
    "observe.follow_up_sent",
    "observe.reply_prompt",
    "observe.reply_sent",
    team_only=True,
)
OBSERVATION_SCORES = kind(
    "observation_scores",
    "observe.person",
    "observe.person_new",
    "observe.starting",
    "observe.stopped",
    "observe.sent",
    "observe.not_in_team",
    "observe.scores_title",
    "observe.scores_none",
    team_only=True,
)
OBSERVATION_REPLY = kind(
    "observation_reply", "observe.reply_received", "observe.follow_up_received", team_only=True
)
