"""Who may use every command and every button kind: the product's answer, written by hand (least
privilege), never read from the registry's declarations, so a wrong rule fails the matrix.

`A`: allowed (the feature answers or acts); `-`: refused (a refusal, and nothing stored changes).
The personas are described in tests/rights/scenario.py; the columns are in this order:

    stranger     not in circlebot
    no_language  pressed "I agree" but chose no language yet
    deactivated  a deactivated home visitor of team A
    admin        an admin, no other role, no team
    home_visitor a home visitor of team A: the run, project, point and share the payloads name
    facilitator  team A's facilitator, who facilitates the circle (and sets up a second one)
    supervisor_a team A's supervisor: the reflection was delivered to her; she has a bulletin ready
    supervisor_b team B's supervisor
    circle_member a home visitor of team A, member of the circle: the commitment and a case are hers; she
                 joined by the circle's old shared link (before issue 18), so its facilitator
                 may make her a member of the circle only
    group_member in circlebot and in the group, not in the circle: a facilitator of team B
    circle_only  a stranger who tapped Join and came in by her own link: role circle_member, no
                 team, member of the circle; her facilitator offered her team A (not answered)

What the product wants, in short: strangers only /start, the consent buttons and a circle's Join;
before her language only /start and the language buttons (and Join, open to anybody);
a deactivated person nothing; an admin only what everyone who joined has (and so does a circle-only member, with her circle's
member buttons, and the answer to the team offered to her); a supervisor only
her own team's things; a flow's, project's, share's or contribution's buttons only for the
person they belong to; a circle's controls and corrections of who was there only for its
facilitator; votes, "I'm here", RSVPs and ratings only for its members. A button that acts on "her own" open thing (a bulletin draft) is refused
to someone who has none.

Every payload is "honest": it names the scenario's object of its kind (see HONEST in
test_matrix.py). A circle's commands in the private chat only answer that they work in the
group: anyone who joined may ask. /circle goes to the group whose circle the facilitator is
setting up (-1002); every other group update goes to the circle's group (-1001).
"""

from __future__ import annotations

PERSONAS = (
    "stranger",
    "no_language",
    "deactivated",
    "admin",
    "home_visitor",
    "facilitator",
    "supervisor_a",
    "supervisor_b",
    "circle_member",
    "group_member",
    "circle_only",
)

ALLOWED, REFUSED = "allowed", "refused"

JOINED = "-  -  -  A  A  A  A  A  A  A  A"  # anyone who joined, with a language, not deactivated
IMPROVERS = "-  -  -  -  A  A  A  A  A  A  -"  # PDSA: home visitors, facilitators, supervisors
SUPERVISORS = "-  -  -  -  -  -  A  A  -  -  -"
CHECKING_IN = "-  -  -  -  A  A  A  A  A  A  -"  # home visitors, facilitators, supervisors (not admins)
HOME_VISITOR = "-  -  -  -  A  -  -  -  -  -  -"  # hers alone
FACILITATOR = "-  -  -  -  -  A  -  -  -  -  -"  # the circle's facilitator alone
SUPERVISOR_A = "-  -  -  -  -  -  A  -  -  -  -"
MEMBER = "-  -  -  -  -  -  -  -  A  -  A"  # of the circle, whatever her roles
HER_COMMITMENT = "-  -  -  -  -  -  -  -  A  -  -"
STRANGER = "A  -  -  -  -  -  -  -  -  -  -"

# fmt: off
ROWS: dict[str, str] = {
    #                               str nol dea adm hv fac spa spb mem grp onl
    "command:start@private":       "A  A  -  A  A  A  A  A  A  A  A",
    "command:invite@private":      SUPERVISORS,
    "command:language@private":    "-  A  -  A  A  A  A  A  A  A  A",  # asks her language
    "command:help@private":        JOINED,
    "command:reflect@private":     "-  -  -  -  A  -  -  -  A  -  -",
    "command:selfcheck@private":   SUPERVISORS,
    "command:checkin@private":     CHECKING_IN,   # a supervisor's starts her own (issue 21)
    "command:mytrend@private":     CHECKING_IN,   # her own check-ins, given back
    "command:cancel@private":      JOINED,
    "command:back@private":        JOINED,
    "command:skip@private":        JOINED,
    "command:snooze@private":      JOINED,
    "command:settings@private":    JOINED,
    "command:away@private":        JOINED,
    "command:forget@private":      JOINED,        # erase herself: asks first
    "command:mydata@private":      JOINED,        # her own data only: the command names no one else
    "command:bulletin@private":    SUPERVISORS,
    "command:summary@private":     SUPERVISORS,
    "command:pdsa@private":        IMPROVERS,
    "command:log@private":         IMPROVERS,
    "command:note@private":        IMPROVERS,
    "command:observe@private":     SUPERVISORS,   # whom: only her own team (the buttons' rule)
    "command:myfeedback@private":  "-  -  -  -  A  -  -  -  A  -  -",  # the observed: her own only
    "command:circle@private":      JOINED,
    "command:session@private":     JOINED,
    "command:next@private":        JOINED,
    "command:prev@private":        JOINED,
    "command:pause@private":       JOINED,
    "command:end@private":         JOINED,
    "command:circle@group":        FACILITATOR,
    "command:session@group":       FACILITATOR,
    "command:next@group":          FACILITATOR,
    "command:prev@group":          FACILITATOR,
    "command:pause@group":         FACILITATOR,
    "command:end@group":           FACILITATOR,
    #                               str nol dea adm hv fac spa spb mem grp onl
    "button:ok@private":           STRANGER,       # consent
    "button:no@private":           STRANGER,       # decline
    "button:lang@private":         "-  A  -  A  A  A  A  A  A  A  A",
    "button:inv@private":          SUPERVISORS,    # another invite link
    "button:r@private":            HOME_VISITOR,   # her flow's answer
    "button:bk@private":           HOME_VISITOR,   # go back to her flow
    "button:sw@private":           HOME_VISITOR,   # close her flow and start another
    "button:snooze@private":       JOINED,
    "button:mt@private":           CHECKING_IN,   # her own trend's chart: names no one
    "button:sd@private":           SUPERVISORS,    # her summary's days
    "button:sday@private":         SUPERVISORS,
    "button:tz@private":           JOINED,
    "button:fg@private":           JOINED,         # erase herself (or keep): her own data only
    "button:away@private":         JOINED,         # away until she says so, or back: her own
    "button:bl@private":           SUPERVISOR_A,   # her bulletin draft
    "button:rep@private":          SUPERVISOR_A,   # reply to the reflection shared with her
    "button:pn@private":           IMPROVERS,
    "button:pt@private":           IMPROVERS,
    "button:pown@private":         IMPROVERS,
    "button:pteam@private":        "-  -  -  -  -  A  A  A  -  A  -",
    "button:pp@private":           HOME_VISITOR,   # her project (not a team project)
    "button:po@private":           HOME_VISITOR,
    "button:pi@private":           HOME_VISITOR,   # her project's cycle
    "button:pio@private":          HOME_VISITOR,
    "button:pr@private":           HOME_VISITOR,   # her point
    "button:pk@private":           IMPROVERS,      # "keep the first": names nothing
    "button:pm@private":           HOME_VISITOR,
    "button:pa@private":           HOME_VISITOR,
    "button:paq@private":          HOME_VISITOR,
    "button:pc@private":           SUPERVISOR_A,   # a shared project of her team
    "button:ps@private":           SUPERVISOR_A,
    "button:obp@private":          SUPERVISOR_A,   # a person of the team she supervises
    "button:obc@private":          SUPERVISOR_A,   # observe her with a checklist
    "button:obs@private":          SUPERVISOR_A,   # her scores over time
    "button:obg@private":          SUPERVISOR_A,   # go on with her own unfinished observation
    "button:obr@private":          HOME_VISITOR,   # the observation she received: reply
    "button:obt@private":          HOME_VISITOR,   # its next step, asked about: did she try it?
    "button:cs@private":           FACILITATOR,    # the circle she is setting up
    "button:cr@private":           MEMBER,         # RSVP
    "button:ck@private":           MEMBER,         # rating
    "button:cp@private":           HER_COMMITMENT, # share her contribution
    "button:cu@private":           HER_COMMITMENT, # "did you try it?"
    "button:cc@private":           HER_COMMITMENT, # her case's title: confirm, rewrite, withdraw
    "button:cm@private":           FACILITATOR,    # correct who was at an ended session
    "button:ct@private":           FACILITATOR,    # offer her team to a newcomer with none
    "button:ca@private":           "-  -  -  -  -  -  -  -  -  -  A",  # the offer, hers
    "button:cx@private":           FACILITATOR,    # make an old-link member circle-only
    "button:cj@group":             "A  A  -  A  A  A  A  A  A  A  A",  # Join: anybody
    "button:cf@group":             FACILITATOR,    # the session's controls
    "button:cv@group":             MEMBER,         # a vote
    "button:ch@group":             MEMBER,         # "I'm here"
}
# fmt: on

# Where the code disagrees with the product: the product's expectation stays, the case is marked
# xfail(strict=True) with the reason, and reported.
KNOWN_WRONG: dict[tuple[str, str], str] = {}


def expected() -> dict[tuple[str, str], str]:
    """(row, persona) -> allowed or refused."""
    table = {}
    for row, line in ROWS.items():
        marks = line.split()
        assert len(marks) == len(PERSONAS) and set(marks) <= {"A", "-"}, row
        for persona, mark in zip(PERSONAS, marks, strict=True):
            table[row, persona] = ALLOWED if mark == "A" else REFUSED
    return table
