from datetime import timedelta
from pathlib import Path

import pytest

from content import BUNDLED_CONTENT
from services.core.config import SettingsError, load_settings

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789"


def test_defaults(tmp_path):
    settings = load_settings({}, tmp_path / ".env")
    assert settings.token is None
    assert settings.api_url == "https://api.telegram.org"
    assert settings.database_url == "sqlite:///data/circlebot.db"
    assert settings.content_dir == BUNDLED_CONTENT
    assert settings.timezone == "UTC"
    with pytest.raises(SettingsError, match="@BotFather"):
        settings.require_token()


def test_the_environment_wins_over_dot_env(tmp_path: Path):
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nCIRCLEBOT_TIMEZONE=Africa/Nairobi\n")
    settings = load_settings({"CIRCLEBOT_TIMEZONE": "America/Lima"}, env_file)
    assert settings.token == TOKEN
    assert settings.timezone == "America/Lima"


def test_messages_wait_through_an_outage_a_day_unless_told_otherwise(tmp_path):
    assert load_settings({}, tmp_path / ".env").give_up_after == timedelta(hours=24)
    assert load_settings({"CIRCLEBOT_GIVE_UP_AFTER": "3d"}, tmp_path / ".env").give_up_after == timedelta(
        days=3
    )


def test_the_api_root_loses_a_trailing_slash(tmp_path):
    settings = load_settings({"TELEGRAM_API_URL": "http://127.0.0.1:8081/"}, tmp_path / ".env")
    assert settings.api_url == "http://127.0.0.1:8081"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TELEGRAM_BOT_TOKEN", "12345", "does not look like a bot token"),
        ("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL must be"),
        ("DATABASE_URL", "oracle://x", "DATABASE_URL"),
        ("CIRCLEBOT_CONTENT", "/nowhere", "no folder"),
        ("CIRCLEBOT_TIMEZONE", "Europe/Atlantis", "not a timezone name"),
        ("CIRCLEBOT_TIMEZONE", "Europe/" + "A" * 300, "not a timezone name"),  # too long for a file
        ("CIRCLEBOT_GIVE_UP_AFTER", "24", "CIRCLEBOT_GIVE_UP_AFTER: '24' is not a duration like 30m, 48h"),
        ("CIRCLEBOT_GIVE_UP_AFTER", "0h", "CIRCLEBOT_GIVE_UP_AFTER: '0h' is not a duration"),
        ("CIRCLEBOT_GIVE_UP_AFTER", "60w", "CIRCLEBOT_GIVE_UP_AFTER: '60w' is longer than a year"),
    ],
)
def test_a_malformed_setting_is_one_line(tmp_path, name, value, message):
    with pytest.raises(SettingsError, match=message) as caught:
        load_settings({name: value}, tmp_path / ".env")
    assert "\n" not in str(caught.value)
