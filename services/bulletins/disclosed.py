"""What a bulletin carries to someone else (services.core.disclosures): one a supervisor sends
from the chat reaches its readers with her name (one from the command line names no one)."""

from services.core.disclosures import kind

BULLETIN_AUTHOR = kind("bulletin_author", team_only=True)
