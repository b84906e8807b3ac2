"""The bundled content: flows, circle templates, schedules and the bot's words, in YAML."""

from pathlib import Path

BUNDLED_CONTENT = Path(__file__).resolve().parent
