"""What a PDSA project carries to someone else (services.core.disclosures): a project its owner
shared reaches her supervisor (its aim, measure, values, chart and notes), a supervisor's
comment reaches the project's owner with her name, and what a member logs to a team project
reaches its owner with her name (in the owner's `/pdsa export`)."""

from services.core.disclosures import kind

SHARED_PROJECT = kind("shared_project", "pdsa.button.chart_of", team_only=True)
PDSA_COMMENT = kind("pdsa_comment", "pdsa.comment_received", team_only=True)
TEAM_POINTS = kind("team_points", team_only=True)
