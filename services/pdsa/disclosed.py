"""What a PDSA project carries to someone else (services.core.disclosures): a project its owner
shared reaches her supervisor (its aim, measure, values, chart and notes), and a supervisor's
comment reaches the project's owner with her name."""

from services.core.disclosures import kind

SHARED_PROJECT = kind("shared_project", "pdsa.button.chart_of", team_only=True)
PDSA_COMMENT = kind("pdsa_comment", "pdsa.comment_received", team_only=True)
