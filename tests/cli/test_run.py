"""`circlebot run` as a real process: with no or a bad setting it says one line and exits;
with good settings it migrates, learns its username from the Bot API and starts polling."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content import BUNDLED_CONTENT
from tests.cli.conftest import TOKEN

CIRCLEBOT = [sys.executable, "-c", "import sys, bot; sys.exit(bot.main())"]
ROOT = Path(__file__).resolve().parents[2]


def run_process(
    env: dict[str, str], cwd: Path, timeout: float = 60, *options: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CIRCLEBOT, "run", *options],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "CIRCLEBOT_", "DATABASE_"))}
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bot.db'}"
    return env


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "does not look like a bot token"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL must be"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "mysql://u:secret@h/db"}, "DATABASE_URL"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "CIRCLEBOT_TIMEZONE": "Mars/Olympus"}, "CIRCLEBOT_TIMEZONE"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "CIRCLEBOT_CONTENT": "/no/such/folder"}, "CIRCLEBOT_CONTENT"),
    ],
)
def test_a_missing_or_bad_setting_is_one_clear_line(base_env, tmp_path, settings, expected):
    result = run_process({**base_env, **settings}, tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "secret" not in result.stderr
    assert not (tmp_path / "bot.db").exists()


@pytest.mark.parametrize("url", ["http://bot.example.org/hook", "http://10.0.0.5:8443/hook", "ftp://x/hook"])
def test_a_webhook_url_telegram_would_reach_in_clear_text_is_refused_in_one_line(base_env, tmp_path, url):
    result = run_process({**base_env, "TELEGRAM_BOT_TOKEN": TOKEN}, tmp_path, 30, "--webhook-url", url)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(
        f"--webhook-url must be an https address (http only on loopback), not {url!r}"
    ), result.stderr
    assert not (tmp_path / "bot.db").exists()


def test_settings_come_from_a_dot_env_file_too(base_env, tmp_path):
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=12:short\n")
    result = run_process(base_env, tmp_path)
    assert result.returncode == 2 and "does not look like a bot token" in result.stderr


def test_a_token_the_bot_api_refuses_is_one_line_and_never_printed(base_env, tmp_path, fake_api):
    wrong = "999999:WRONG-token-for-the-fake-bot-api-000"
    result = run_process(
        {**base_env, "TELEGRAM_BOT_TOKEN": wrong, "TELEGRAM_API_URL": fake_api.root}, tmp_path
    )
    assert result.returncode == 2
    assert "refused TELEGRAM_BOT_TOKEN" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert wrong not in result.stderr + result.stdout


def test_run_migrates_introduces_itself_and_polls(base_env, tmp_path, fake_api):
    env = {**base_env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake_api.root}
    process = subprocess.Popen(
        [*CIRCLEBOT, "run"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not fake_api.called("getUpdates") and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
        assert fake_api.called("getUpdates"), "the bot never polled"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    flows = len(list((BUNDLED_CONTENT / "flows").glob("*.yaml")))
    assert f"@circle_test_bot starting (long polling) with {flows} flows in en, es" in err
    assert TOKEN not in out + err, "the token is never logged"
    assert (tmp_path / "bot.db").exists()


def test_run_serves_its_own_webhook_on_loopback_and_stops_on_sigterm(base_env, tmp_path, fake_api):
    import socket

    from tests.telegram.conftest import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    env = {**base_env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake_api.root}
    process = subprocess.Popen(
        [*CIRCLEBOT, "run", "--webhook-url", url, "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while fake_api.webhook is None and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
        assert fake_api.webhook is not None and fake_api.webhook[0] == url
        secret = fake_api.webhook[1]
        assert secret and len(secret) >= 32
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            head = f"POST /hook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: {secret}\r\n"
            client.sendall(f"{head}Content-Length: {2 * 1024 * 1024}\r\n\r\n".encode())
            assert client.recv(64).startswith(b"HTTP/1.1 413"), "refused before the body is read"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "@circle_test_bot starting (webhook)" in err
    assert secret not in out + err and TOKEN not in out + err


def test_a_schedule_for_a_team_that_does_not_exist_stops_the_start_with_file_and_line(base_env, tmp_path):
    import shutil

    from content import BUNDLED_CONTENT

    content = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, content)
    schedules = content / "schedules.yaml"
    lines = schedules.read_text().splitlines()
    at = lines.index('quiet_hours: {start: "20:00", end: "07:00"}')
    lines[at:at] = [
        "  - id: north_note",
        "    what: {bulletin: {en: Hello, es: Hola}}",
        "    to: team:Nowhere",
        "    when: {cron: 0 9 * * 1}",
    ]
    schedules.write_text("\n".join(lines) + "\n")
    env = {**base_env, "TELEGRAM_BOT_TOKEN": TOKEN, "CIRCLEBOT_CONTENT": str(content)}
    result = run_process(env, tmp_path)
    assert result.returncode == 1
    assert f"schedules.yaml:{at + 3}: schedules[3].to: no team 'Nowhere' (teams: none yet)" in result.stderr
