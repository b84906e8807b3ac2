"""What a learning circle carries of one member to others (services.core.disclosures): her
answers shared in the group as she chose, the case she proposed on the vote's buttons, what she
wrote in the group during a session (kept, and quoted in a recap), her attendance to the
facilitator and, for team members, to her supervisor, her joining and her answer to a team's
invitation to the facilitator, and her rating, without her name, to the facilitator."""

from services.core.disclosures import kind

SHARED_ANSWER = kind("circle_shared_answer", "circle.shared_line")
CASE_TITLE = kind("circle_case_title")
CONTRIBUTION = kind("circle_contribution")
ATTENDANCE = kind("circle_attendance", "circle.rsvp_roundup", "circle.summary_line")
MEMBERSHIP = kind(
    "circle_membership", "circle.newcomer", "circle.team_accepted", "circle.team_declined_facilitator"
)
RATING = kind("circle_rating")
