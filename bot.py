"""circlebot's composition root and command line.

Every command checks its arguments first, then (when it touches the store) brings the
database up to the latest migration, then calls the same services the bot uses. A refusal is
one line on stderr with exit code 2; nothing is written.
"""

from __future__ import annotations

import asyncio
import atexit
import ipaddress
import logging
import secrets
import sys
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import MofNCompleteColumn, Progress, TaskID
from rich.table import Column, Table
from rich.text import Text

from flows import circle_script
from flows.content import Content, read_content
from flows.loader import ContentError, Problem
from flows.run import RunStatus
from flows.simulator import Conversation
from flows.spec import ROLES, parse_duration
from flows.transcript import Transcript, dump
from flows.validate import load_content, unshowable
from flows.wallclock import zone_named
from services.alerts import alerts
from services.bulletins import bulletins
from services.core.config import Settings, SettingsError, load_content_dir, load_settings
from services.core.errors import Refused
from services.exporting import export as exporting
from services.exporting.reading import Scope
from services.joining import bot_identity, invites, people
from services.privacy import audit as privacy_audit
from services.privacy import erasure
from services.privacy.retention import Line, RetentionRun
from services.schedules.schedules import unknown_teams
from services.sending.heartbeat import sender_is_alive
from store.database import Database
from store.migrate import upgrade_to_head
from store.private_files import private_file
from store.statuses import OutboxStatus

if TYPE_CHECKING:  # loaded by `run` only (wire)
    from handlers.app import AnyApplication
    from scheduler.jobs import Clockwork
    from services.core.outage import Outage
    from services.sending.delivery import OutboxSender
    from store.models import Notice
    from store.uow import UnitOfWork

T = TypeVar("T")

cli = typer.Typer(
    name="circlebot",
    help="circlebot: reflection, improvement cycles, check-ins and learning circles on Telegram.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
invite_cli = typer.Typer(help="Invite links: the only way in.", no_args_is_help=True)
people_cli = typer.Typer(help="People and their teams and roles.", no_args_is_help=True)
team_cli = typer.Typer(help="Teams and their supervisor.", no_args_is_help=True)
db_cli = typer.Typer(help="The database.", no_args_is_help=True)
bulletin_cli = typer.Typer(
    help="Bulletins: key messages to a team, a role or everyone.", no_args_is_help=True
)
cli.add_typer(invite_cli, name="invite")
cli.add_typer(bulletin_cli, name="bulletin")
cli.add_typer(people_cli, name="people")
cli.add_typer(team_cli, name="team")
cli.add_typer(db_cli, name="db")
outbox_cli = typer.Typer(help="The outbox: every message queued, sent or given up.", no_args_is_help=True)
cli.add_typer(outbox_cli, name="outbox")
retention_cli = typer.Typer(
    help="How long personal data is kept (content/retention.yaml).", no_args_is_help=True
)
cli.add_typer(retention_cli, name="retention")

out = Console(highlight=False, soft_wrap=True)
log = logging.getLogger("circlebot")


class Stop(Exception):
    """Ends a command with one line on stderr and an exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def now() -> datetime:
    return datetime.now(UTC)


def settings() -> Settings:
    return setting(load_settings)


def content_dir() -> Path:
    """The content folder: `validate`, `simulate` and `preview-session` read no other setting."""
    return setting(load_content_dir)


def setting(read: Callable[[], T]) -> T:
    try:
        return read()
    except SettingsError as error:
        raise Stop(str(error)) from None


def with_store(work: Callable[[Database], Awaitable[T]], config: Settings | None = None) -> T:
    """Migrate the database to head, then run one piece of async work against it."""
    config = config or settings()
    upgrade_to_head(config.database_url)

    async def run() -> T:
        db = Database(config.database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(run())
    except Refused as error:
        raise Stop(str(error)) from None


def show_table(columns: Sequence[str | Column], rows: Sequence[Sequence[str]], empty: str) -> None:
    """Rows as a table under their columns, or one line saying there are none. Cells are plain
    text: a name like "[bold]" is shown as written, never read as markup."""
    table = Table(*columns)
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    out.print(table if rows else empty)


def content_or_stop(folder: Path, load: Callable[[Path], Content] = load_content) -> Content:
    """The content, or one line per problem on stderr and exit code 1."""
    try:
        return load(folder)
    except ContentError as error:
        problems_stop(error.problems)


def problems_stop(problems: Sequence[Problem]) -> NoReturn:
    for problem in problems:
        print(problem, file=sys.stderr)
    raise typer.Exit(1)


# run ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wired:
    """The bot `run` starts: PTB's Application, the parts a test drives directly, and what knows
    the store is down (the chat holds updates meanwhile; polling pauses, the webhook says 503)."""

    application: AnyApplication
    sender: OutboxSender
    clockwork: Clockwork
    outage: Outage


def wire(config: Settings, content: Content, db: Database, clock: Callable[[], datetime]) -> Wired:
    """The bot composed from settings, content, database and clock. Every feature is declared
    once, in the registry that the chat and the clock both read; one sender, over the Bot API,
    sends the replies and what falls due. At start the outbox is drained (what a crash left
    unsent), the sending loop and the timers start and the clock catches up; at stop the loop
    ends; at shutdown what was sent is recorded, the transport closed, the database disposed
    of. Imported here, not at the top: only `run` needs Telegram's libraries, and loading them
    would cost every other command a second or more."""
    from telegram.ext import JobQueue

    from handlers.app import HTTP_CONNECTIONS, build_application
    from handlers.transport import BotApiTransport
    from scheduler.jobs import Clockwork, keep_sending, schedule_jobs
    from services.core.clock import Timekeeper
    from services.core.dispatch import ChatService
    from services.core.outage import Outage
    from services.features import registry_for
    from services.sending.delivery import OutboxSender, SentLog
    from services.sending.photos import Photos
    from services.sending.ratelimit import RateLimiter

    registry = registry_for(content)
    job_queue: JobQueue[Any] = JobQueue()
    clockwork = Clockwork(job_queue, Timekeeper(db, content, config.timezone, registry=registry), clock)
    outage = Outage(db.ping)
    chat = ChatService(
        db, content, config.timezone, clock, wake=clockwork.wake, registry=registry, outage=outage
    )
    transport = BotApiTransport(config.api_url, config.require_token(), HTTP_CONNECTIONS)
    limiter = RateLimiter(scale=config.rate_scale)
    sender = OutboxSender(
        db, transport, clock, limiter, SentLog(db, clock), Photos(db), give_up_after=config.give_up_after
    )
    sending: asyncio.Task[None] | None = None

    async def report() -> None:
        await bulletins.report_to_authors(db, content.catalog, clock())

    async def start() -> None:
        nonlocal sending
        await sender.drain()
        sending = asyncio.create_task(keep_sending(sender, report), name="sender")
        schedule_jobs(job_queue, db, clock)
        clockwork.wake()

    async def stop() -> None:
        if sending is not None:
            sending.cancel()
            with suppress(asyncio.CancelledError):
                await sending

    async def shut_down() -> None:
        await sender.log.flush()
        await transport.close()
        await db.dispose()

    application = build_application(config, chat, sender, job_queue, start, stop, shut_down)
    return Wired(application, sender, clockwork, outage)


@cli.command()
def run(
    webhook_url: Annotated[
        str | None, typer.Option("--webhook-url", help="Receive updates by webhook at this https URL")
    ] = None,
    port: Annotated[int, typer.Option("--port", help="Port the webhook server listens on")] = 8443,
    listen: Annotated[
        str, typer.Option("--listen", help="Address the webhook server listens on")
    ] = "127.0.0.1",
) -> None:
    """Start the bot: check settings and content, migrate the database, then long-poll Telegram
    (or, with --webhook-url, receive updates by webhook, checking Telegram's secret token)."""
    from handlers.serving import Polling, serve_until_signalled
    from handlers.telegram_api import fetch_username
    from handlers.webhook import Webhook
    from store import run_lock

    config = settings()
    try:
        config.require_token()
    except SettingsError as error:
        raise Stop(str(error)) from None
    if webhook_url is not None and not _safe_webhook(webhook_url):
        raise Stop(f"--webhook-url must be an https address (http only on loopback), not {webhook_url!r}")
    content = content_or_stop(config.content_dir)
    try:  # one bot per database, held for the process's life (the CLI never takes it)
        atexit.register(run_lock.hold(config.database_url))
    except run_lock.RunLockError as error:
        raise Stop(str(error)) from None

    async def introduce(db: Database) -> str:
        async with db.unit_of_work() as uow:
            problems = await unknown_teams(uow, content)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            raise Stop("the schedules name teams that do not exist", code=1)
        try:
            username = await fetch_username(config)
        except SettingsError as error:
            raise Stop(str(error)) from None
        await bot_identity.remember_username(db, username)
        return username

    username = with_store(introduce, config)
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    mode = "webhook" if webhook_url else "long polling"
    log.info(
        "@%s starting (%s) with %d flows in %s",
        username,
        mode,
        len(content.written_flows),
        ", ".join(content.languages.enabled),
    )
    bot = wire(config, content, Database(config.database_url), now)
    application, outage = bot.application, bot.outage
    receiving = (
        Polling(application, outage)
        if webhook_url is None
        # Telegram sends the secret back with every update; a request without it is refused
        else Webhook(application, outage, webhook_url, secrets.token_urlsafe(32), listen, port)
    )
    asyncio.run(serve_until_signalled(application, outage, receiving))


def _safe_webhook(url: str) -> bool:
    """https, or plain http to this machine only (behind a proxy that ends TLS)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    try:
        return parts.hostname == "localhost" or ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:  # a name other than localhost
        return False


# validate and simulate (no database) --------------------------------------------------------


@cli.command()
def validate(
    folder: Annotated[Path | None, typer.Argument(help="Content folder (default: CIRCLEBOT_CONTENT)")] = None,
) -> None:
    """Check all content: schema, goto targets, reachability, conditions, translations, transcripts."""
    content = content_or_stop(folder or content_dir())
    languages = content.languages
    words = content.catalog.messages
    partial = [
        f"{code} {len(words.get(code, {}))}/{len(words[languages.default])}"
        for code in languages.languages
        if code not in languages.enabled
    ]
    note = f"; not enabled: {', '.join(partial)} words" if partial else ""
    sessions = 0 if content.circles is None else len(content.circles.sessions)
    out.print(
        f"content OK: {len(content.written_flows)} flows, {len(content.transcripts())} transcripts, "
        f"{sessions} circle sessions, {len(content.checklists)} checklists, "
        f"languages {', '.join(languages.enabled)}{note}"
    )


@cli.command()
def simulate(
    flow_id: Annotated[str, typer.Argument(metavar="FLOW", help="The flow to play")],
    lang: Annotated[str | None, typer.Option("--lang", help="Language (default: the program's)")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Play as this role")] = None,
    timezone: Annotated[str, typer.Option("--timezone", help="The person's timezone")] = "UTC",
    record: Annotated[
        Path | None, typer.Option("--record", help="Write the session as a golden transcript")
    ] = None,
) -> None:
    """Play a flow in the terminal with the bot's own engine (numbers press buttons)."""
    content = content_or_stop(content_dir())
    flow = content.flows.get(flow_id)
    if flow is None:
        raise Stop(f"no flow {flow_id!r}; flows: {', '.join(sorted(content.flows))}")
    role = role or flow.for_roles[0]
    if role not in ROLES:
        raise Stop(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if role not in flow.for_roles:
        raise Stop(f"{flow_id} is for {', '.join(flow.for_roles)}, not {role}")
    languages = content.languages
    lang = lang or languages.default
    if lang not in languages.languages:
        raise Stop(f"unknown language {lang!r}; languages: {', '.join(languages.languages)}")
    if zone_named(timezone) is None:
        raise Stop(f"unknown timezone {timezone!r}")
    if lang not in languages.enabled:
        out.print(f"[yellow]{lang} is not enabled: missing words fall back to {languages.default}.[/]")

    out.print(
        f"[dim]Playing {flow_id} as {role} in {lang}. Numbers press buttons; /back /skip /cancel; "
        "/photo and /voice send a sample; Ctrl-D leaves.[/]"
    )
    started = now()
    conversation = Conversation(flow, content.catalog, lang, timezone)
    turns: list[dict[str, str]] = []

    def bot_says(lines: list[str]) -> None:
        for line in lines:
            out.print(f"[bold cyan]bot[/] {escape(line)}\n")
            turns.append({"bot": line})

    bot_says(conversation.begin(started))
    while conversation.active:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        turns.append({"you": line})
        bot_says(conversation.send(line, started))
    if record is not None:
        status = conversation.state.status
        transcript = Transcript.model_validate(
            {
                "flow": flow_id,
                "lang": lang,
                "timezone": timezone,
                "now": started,
                "conversation": turns,
                "ends": status if status != RunStatus.EXPIRED else None,
            }
        )
        record.write_text(dump(transcript), encoding="utf-8")
        out.print(f"[dim]Recorded to {record}.[/]")


@cli.command("preview-session")
def preview_session(
    session_id: Annotated[
        str, typer.Argument(metavar="SESSION", help="A session template of content/circles")
    ],
    lang: Annotated[str | None, typer.Option("--lang", help="Language (default: the program's)")] = None,
    record: Annotated[bool, typer.Option("--record", help="Write it as the session's golden script")] = False,
) -> None:
    """Print a learning-circle session as the group and its members will read it."""
    content = content_or_stop(content_dir(), read_content)  # its golden script may be what is missing
    sessions = {} if content.circles is None else content.circles.sessions
    template = sessions.get(session_id)
    if template is None:
        raise Stop(f"no session {session_id!r}; sessions: {', '.join(sorted(sessions)) or 'none'}")
    lang = lang or content.languages.default
    if lang not in content.languages.languages:
        raise Stop(f"unknown language {lang!r}; languages: {', '.join(content.languages.languages)}")
    if problems := unshowable(content, session_id, lang):
        problems_stop(problems)
    text = circle_script.script(content.catalog, lang, template)
    if record:
        path = circle_script.script_path(content.root, session_id, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return out.print(f"wrote {path}")
    out.print(escape(text))


# invite -------------------------------------------------------------------------------------


def role_or_stop(role: str) -> None:
    try:
        invites.check_role(role)
    except Refused as error:
        raise Stop(str(error)) from None


def _duration(value: str) -> timedelta:
    try:
        return parse_duration(value)
    except ValueError as error:
        raise Stop(f"--expires: {error}") from None


@invite_cli.command("create")
def invite_create(
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}")],
    team: Annotated[str | None, typer.Option("--team", help="Team (created if new)")] = None,
    uses: Annotated[int, typer.Option("--uses", help="How many people may join with it")] = 1,
    expires: Annotated[str, typer.Option("--expires", help="Valid for, e.g. 7d, 48h, 2w")] = "7d",
) -> None:
    """Make an invite link: https://t.me/<bot>?start=<code>."""
    try:
        invites.check_request(role, team, uses)
    except Refused as error:
        raise Stop(str(error)) from None
    valid_for = _duration(expires)
    config = settings()

    async def create(db: Database) -> str:
        from handlers.telegram_api import fetch_username

        async def ask_telegram() -> str:
            try:
                return await fetch_username(config)
            except SettingsError as error:
                raise Refused(f"{error} (needed once, to learn the bot's username for links)") from None

        username = await bot_identity.bot_username(db, ask_telegram)
        code = await invites.create_invite(db, role, team, uses, valid_for, now())
        return invites.deep_link(username, code)

    out.print(with_store(create, config))


@invite_cli.command("list")
def invite_list(
    all_: Annotated[bool, typer.Option("--all", help="Also revoked, used-up and expired invites")] = False,
) -> None:
    """List invites (active ones unless --all)."""
    rows = with_store(lambda db: invites.list_invites(db, now(), include_inactive=all_))
    columns = (Column("code", no_wrap=True), "role", "team", "uses", "expires (UTC)", "status")
    lines = [
        (
            row.code,
            row.role,
            row.team or "—",
            f"{row.uses}/{row.max_uses}",
            row.expires_at.strftime("%Y-%m-%d %H:%M"),
            row.status,
        )
        for row in rows
    ]
    show_table(columns, lines, "No invites.")


@invite_cli.command("revoke")
def invite_revoke(code: Annotated[str, typer.Argument(metavar="CODE")]) -> None:
    """Revoke an invite so its link no longer works."""
    with_store(lambda db: invites.revoke_invite(db, code, now()))
    out.print(f"Revoked {code}.")


# bulletins ----------------------------------------------------------------------------------

PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp")
PHOTO_LIMIT = 10 * 1024 * 1024  # Telegram's, for an uploaded photo
FOLLOW_SECONDS = 0.5


def _send_time(at: str | None, timezone: str) -> datetime:
    """Now, or --at read as an ISO date and time (in the program's timezone unless it says),
    neither past nor more than a year ahead (checked before it is turned to UTC, which a year
    like 9999 would overflow)."""
    if at is None:
        return now()
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise Stop(f"--at must be a date and time like 2026-12-01 09:00, not {at!r}") from None
    local = when if when.tzinfo else when.replace(tzinfo=ZoneInfo(timezone))
    bulletins.check_time(local, now())
    return local.astimezone(UTC)


def _photo(path: Path | None) -> bytes | None:
    if path is None:
        return None
    if path.suffix.lower() not in PHOTO_TYPES or not path.is_file():
        raise Stop(f"--photo must be a JPEG, PNG or WebP file: {path}")
    if path.stat().st_size > PHOTO_LIMIT:
        raise Stop(f"--photo is larger than Telegram's 10 MB for a photo: {path}")
    return path.read_bytes()


async def _follow(db: Database, bulletin_id: int, total: int) -> bulletins.Report:
    """Watch the rows settle; stop watching (they stay queued) when no bot is sending."""
    with Progress(*Progress.get_default_columns(), MofNCompleteColumn(), console=out, transient=True) as bar:
        task = bar.add_task(f"bulletin {bulletin_id}", total=total)
        while True:
            async with db.unit_of_work() as uow:
                report = await bulletins.report(uow, bulletin_id)
            bar.update(task, completed=total - report.waiting)
            if report.settled or not await sender_is_alive(db, now()):
                return report
            await asyncio.sleep(FOLLOW_SECONDS)


@bulletin_cli.command("send")
def bulletin_send(
    to: Annotated[str, typer.Option("--to", help="all, role:ROLE or team:NAME")],
    text: Annotated[str, typer.Option("--text", help="The message (a photo's caption with --photo)")],
    photo: Annotated[Path | None, typer.Option("--photo", help="A JPEG, PNG or WebP to send with it")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="When, e.g. '2026-12-01 09:00' (CIRCLEBOT_TIMEZONE)")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Send without asking")] = False,
) -> None:
    """Queue a bulletin in one transaction, then follow its delivery and print the report."""
    config = settings()
    try:
        audience = bulletins.Audience.parse(to)
        picture = _photo(photo)
        send_at = _send_time(at, config.timezone)
        bulletins.check_message(text, None, picture is not None)
    except Refused as error:
        raise Stop(str(error)) from None
    if not yes and not sys.stdin.isatty():
        raise Stop("no one is here to confirm: add --yes to send without asking")
    content = content_or_stop(config.content_dir)

    async def send(db: Database) -> None:
        if not yes:
            async with db.unit_of_work() as uow:
                count = len(await bulletins.recipients(uow, audience))
            out.print(f"To {audience} ({count} people), {'now' if at is None else send_at.isoformat()}:")
            out.print(escape(bulletins.message_text(text, None)))
            if not typer.confirm("Send it?"):
                raise typer.Abort()
        async with db.unit_of_work() as uow:
            bulletin, total = await bulletins.create(uow, audience, text, send_at, now(), photo=picture)
            await uow.commit()
        out.print(f"Bulletin {bulletin.id} queued for {total} people.")
        if send_at > now():
            out.print(
                f"It goes out at {send_at.isoformat()}; see it with: circlebot bulletin status {bulletin.id}"
            )
            return
        report = await _follow(db, bulletin.id, total)
        out.print(report.describe(content.catalog, content.catalog.default))
        if not report.settled:
            out.print(
                "No bot is sending (no heartbeat in the last 5 s): the rest stays queued and goes out "
                f"when the bot runs. See it with: circlebot bulletin status {bulletin.id}"
            )

    with_store(send, config)


@bulletin_cli.command("status")
def bulletin_status(bulletin_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """A bulletin's delivery report: delivered, blocked the bot, failed (and why), on the way."""
    config = settings()
    content = content_or_stop(config.content_dir)

    async def status(db: Database) -> str:
        async with db.unit_of_work() as uow:
            if await uow.bulletins.get(bulletin_id) is None:
                raise Refused(f"no bulletin {bulletin_id}")
            return (await bulletins.report(uow, bulletin_id)).describe(
                content.catalog, content.catalog.default
            )

    out.print(with_store(status, config))


# people -------------------------------------------------------------------------------------


class _Bar:
    """The export's progress on stderr, a bar per sheet (services.exporting.export.Tally)."""

    def __init__(self, bar: Progress) -> None:
        self.bar = bar
        self.tasks: dict[str, TaskID] = {}

    def expect(self, sheet: str, rows: int) -> None:
        self.tasks[sheet] = self.bar.add_task(sheet, total=rows)

    def advance(self, sheet: str, rows: int) -> None:
        self.bar.advance(self.tasks[sheet], rows)


def _day(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Stop(f"{option} must be a date, YYYY-MM-DD: {value!r}") from None


@cli.command("export")
def export_command(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file (default: a dated name here)")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="From this day (YYYY-MM-DD), inclusive")] = None,
    end: Annotated[str | None, typer.Option("--to", help="To this day (YYYY-MM-DD), inclusive")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team's people and their data")] = None,
    form: Annotated[str, typer.Option("--format", help="xlsx, or csv (a zip of CSVs)")] = "xlsx",
    pseudonymise: Annotated[
        bool, typer.Option("--pseudonymise", help="Stable pseudonyms, no names, Telegram ids or free text")
    ] = False,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help=f"Only this kind (repeatable): {', '.join(exporting.KINDS)}"),
    ] = None,
) -> None:
    """Everything for monitoring, a sheet per kind: people, check-ins, reflections, PDSA,
    circles, bulletins. Each export is written to the disclosure log."""
    if form not in exporting.FORMATS:
        raise Stop(f"--format must be xlsx or csv, not {form!r}")
    unknown = sorted(set(only or ()) - set(exporting.KINDS))
    if unknown:
        raise Stop(f"--only must be one of {', '.join(exporting.KINDS)}, not {', '.join(unknown)}")
    first, last = _day("--from", start), _day("--to", end)
    if first is not None and last is not None and first > last:
        raise Stop(f"--from {first} is after --to {last}")
    config = settings()
    content = content_or_stop(config.content_dir)
    moment = now()
    path = out_file or Path(f"circlebot-export-{moment:%Y-%m-%d}.{'xlsx' if form == 'xlsx' else 'zip'}")

    async def run(db: Database) -> exporting.Written:
        team_id = None
        if team is not None:
            async with db.unit_of_work() as uow:
                found = await uow.teams.get_by_name(team)
            if found is None:
                raise Refused(f"no team called {team!r}")
            team_id = found.id
        scope = Scope(team_id, team, first, last, pseudonymise, None if not only else frozenset(only))
        private_file(path)  # people's data: a new file only its owner can read (0600)
        if not sys.stderr.isatty():  # a bar only where someone watches
            return await exporting.export(db, content, scope, path, form, moment)
        columns = (*Progress.get_default_columns(), MofNCompleteColumn())
        with Progress(*columns, console=Console(stderr=True)) as bar:
            return await exporting.export(db, content, scope, path, form, moment, _Bar(bar))

    written = with_store(run, config)
    rows = ", ".join(f"{sheet} {count}" for sheet, count in written.rows.items())
    out.print(f"Wrote {path}: {rows}. Logged as a disclosure about {written.people} people.")


@people_cli.command("list")
def people_list(team: Annotated[str | None, typer.Option("--team", help="Only this team")] = None) -> None:
    """List people with their roles, team, language and status."""
    rows = with_store(lambda db: people.list_people(db, team))
    lines = [
        (
            str(row.id),
            row.name,
            ", ".join(row.roles),
            row.team or "—",
            row.language or "—",
            row.status,
            row.consented_at.strftime("%Y-%m-%d") if row.consented_at else "—",
        )
        for row in rows
    ]
    columns = ("id", "name", "roles", "team", "language", "status", "consented (UTC)")
    show_table(columns, lines, "No people yet.")


@people_cli.command("deactivate")
def people_deactivate(person_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Deactivate a person: the bot politely refuses them and sends them nothing until reactivated;
    a team she supervised is freed."""
    change = with_store(lambda db: people.set_deactivated(db, person_id, True))
    out.print(f"Deactivated {change.name}.{_freed(change)}")


@people_cli.command("reactivate")
def people_reactivate(person_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Lift a deactivation (a team she supervised before is not given back)."""
    change = with_store(lambda db: people.set_deactivated(db, person_id, False))
    again = f" She supervises no team until: circlebot team set-supervisor TEAM {person_id}."
    out.print(f"Reactivated {change.name}.{again if change.supervisor else ''}")


@people_cli.command("erase")
def people_erase(
    person_id: Annotated[int, typer.Argument(metavar="ID")],
    yes: Annotated[bool, typer.Option("--yes", help="Erase without asking")] = False,
) -> None:
    """Erase a person's data, as her /forget does (for a request made by e-mail): she is told, last,
    and can join again only with a new invite."""
    config = settings()
    if not yes and not sys.stdin.isatty():
        raise Stop("no one is here to confirm: add --yes to erase without asking")
    content = content_or_stop(config.content_dir)

    async def erase(db: Database) -> str:
        name = await erasure.to_erase(db, person_id)
        if not yes:
            out.print(
                f"Erase {escape(name)} (id {person_id})? Her answers, words, projects, circle contributions, "
                "name and Telegram ids go; messages already in other people's chats and groups stay."
            )
            if not typer.confirm("Erase?"):
                raise typer.Abort()
        await erasure.erase_for_admin(db, content.catalog, person_id, now())
        return name

    name = with_store(erase, config)
    out.print(f"Erased {escape(name)} (id {person_id}); she is told, if the bot runs.")


@people_cli.command("move")
def people_move(
    person_id: Annotated[int, typer.Argument(metavar="ID")],
    team: Annotated[str, typer.Option("--team", help="The team to move to (must exist)")],
) -> None:
    """Move a person to another team; a team she supervised is freed."""
    change = with_store(lambda db: people.move(db, person_id, team))
    out.print(f"Moved {change.name} to {team}.{_freed(change)}")


def _freed(change: people.Change) -> str:
    if change.freed is None:
        return ""
    return f" Team {change.freed} has no supervisor now (circlebot team set-supervisor {change.freed} ID)."


@people_cli.command("add-role")
def people_add_role(
    person_id: Annotated[int, typer.Argument(metavar="ID")],
    role: Annotated[str, typer.Argument(metavar="ROLE", help=f"One of: {', '.join(ROLES)}")],
) -> None:
    """Give a person one more role."""
    role_or_stop(role)
    added = with_store(lambda db: people.add_role(db, person_id, role))
    out.print(f"Added {role}." if added else f"Already a {role}.")


# teams --------------------------------------------------------------------------------------


@team_cli.command("set-supervisor")
def team_set_supervisor(
    team: Annotated[str, typer.Argument(metavar="TEAM")],
    person_id: Annotated[int, typer.Argument(metavar="ID")],
) -> None:
    """Make someone who joined (and is active) the team's supervisor: she gets the role if she
    lacks it and moves into the team; its previous supervisor stays a member."""
    config = settings()
    content = content_or_stop(config.content_dir)
    done = with_store(lambda db: people.set_supervisor(db, content, team, person_id, now()), config)
    lines = [f"{done.name} supervises {done.team} now."]
    if done.role_added:
        lines.append(f"{done.name} got the supervisor role.")
    if done.replaced:
        lines.append(f"{done.replaced} no longer supervises {done.team} (still a member).")
    if done.freed:
        lines.append(f"Team {done.freed} has no supervisor now.")
    if done.revoked:
        lines.append(f"Revoked the supervisor invite {done.revoked} that was waiting for {done.team}.")
    if done.delivered:
        lines.append(
            f"{done.delivered} reflection(s) shared while {done.team} had no supervisor go to her now."
        )
    out.print("\n".join(lines))


@team_cli.command("show")
def team_show(team: Annotated[str, typer.Argument(metavar="TEAM")]) -> None:
    """A team: its supervisor, its members by role, its invites waiting, its circles."""
    view = with_store(lambda db: people.show_team(db, team, now()))
    boss = view.supervisor
    out.print(f"Team {view.name}")
    out.print(f"Supervisor: {f'{boss.name} (id {boss.id}, {boss.status})' if boss else 'none'}")
    for role, members in view.members.items():
        names = ", ".join(
            f"{p.name} (id {p.id}{'' if p.status == people.PersonStatus.ACTIVE else f', {p.status}'})"
            for p in members
        )
        out.print(f"{role} ({len(members)}): {names or '—'}")
    waiting = [
        f"{code} {role} {uses}/{most} until {until:%Y-%m-%d}"
        for code, role, uses, most, until in view.invites
    ]
    out.print(f"Invites waiting ({len(waiting)}): {'; '.join(waiting) or '—'}")
    circles = [
        f"{name or '(unnamed)'} (id {id_}, {status}, facilitator {who or '—'})"
        for id_, name, status, who in view.circles
    ]
    out.print(f"Circles ({len(circles)}): {'; '.join(circles) or '—'}")


# notices ------------------------------------------------------------------------------------


@cli.command()
def notices() -> None:
    """What the program's admins must act on (a learning circle that needs a facilitator, a
    check-in alert that no supervisor can hear), open ones, and whether an admin was told in
    Telegram (an alert, once told, is no longer listed)."""
    content = content_or_stop(content_dir())

    async def about(uow: UnitOfWork, notice: Notice) -> str:
        if notice.circle_id is None:
            return await alerts.about(uow, content, notice)
        circle = await uow.circles.get(notice.circle_id)
        return f"{circle.name if circle else ''} (id {notice.circle_id})"

    async def open_ones(db: Database) -> list[tuple[str, ...]]:
        async with db.unit_of_work() as uow:
            rows = await uow.notices.open_ones()
            abouts = [await about(uow, row) for row in rows]
        return [
            (
                str(row.id),
                row.kind,
                what,
                f"{row.created_at:%Y-%m-%d %H:%M}",
                f"{row.told_at:%Y-%m-%d %H:%M}" if row.told_at else "no admin has joined yet",
            )
            for row, what in zip(rows, abouts, strict=True)
        ]

    columns = ("id", "kind", "about", "since (UTC)", "admins told (UTC)")
    show_table(columns, with_store(open_ones), "No open notices.")


# failures -----------------------------------------------------------------------------------


@cli.command()
def failures(
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, newest first")] = 20,
) -> None:
    """What the clock set aside because its own work failed (a chart, a reminder, a session
    step...), with the reason: the error's type and the line that raised it."""

    async def recent(db: Database) -> list[tuple[str, str, str, str]]:
        async with db.unit_of_work() as uow:
            rows = await uow.failures.recent(limit)
        return [(f"{r.failed_at:%Y-%m-%d %H:%M}", r.kind, r.item, r.reason) for r in rows]

    show_table(("when (UTC)", "kind", "item", "reason"), with_store(recent), "Nothing has failed.")


# outbox -------------------------------------------------------------------------------------


def _ago(then: datetime | None, at: datetime) -> str:
    """A moment and how long ago, to the minute: 2026-12-01 09:00 (2d 3h ago)."""
    if then is None:
        return "—"
    minutes = max(0, int((at - then).total_seconds() // 60))
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    age = " ".join(f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n) or "0m"
    return f"{then:%Y-%m-%d %H:%M} ({age} ago)"


@outbox_cli.command("status")
def outbox_status() -> None:
    """The queue by state and age: how many, the oldest, and how many failed or were put off and
    since when (a row waits through an outage up to CIRCLEBOT_GIVE_UP_AFTER). Nothing a message
    says, and nobody's name."""
    at = now()

    async def tally(db: Database) -> list[tuple[str, ...]]:
        async with db.unit_of_work() as uow:
            states = await uow.outbox.tally(at)
        notes = {
            (OutboxStatus.PENDING, True): "due now",
            (OutboxStatus.PENDING, False): "later",
            (OutboxStatus.SENDING, True): "claim ran out",
        }
        return [
            (
                f"{row.status}, {note}" if (note := notes.get((row.status, row.sendable))) else row.status,
                str(row.total),
                _ago(row.oldest, at),
                str(row.failing),
                _ago(row.failing_since, at),
            )
            for row in states
        ]

    columns = ("state", "messages", "oldest (UTC)", "failed or put off", "the earliest since (UTC)")
    show_table(columns, with_store(tally), "The outbox is empty.")


def _since(value: str, timezone: str, option: str) -> datetime:
    """A --...-since: a duration back from now (30m, 2h, 1d, 2w) or an ISO date and time (in
    the program's timezone unless it says), not in the future."""
    try:
        return now() - parse_duration(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value)
        since = (when if when.tzinfo else when.replace(tzinfo=ZoneInfo(timezone))).astimezone(UTC)
    except (ValueError, OverflowError):
        raise Stop(
            f"{option} must be a duration like 2h or 1d, or a date and time like "
            f"2026-12-01 09:00, not {value!r}"
        ) from None
    if since > now():
        raise Stop(f"{option} {value!r} is in the future")
    return since


@outbox_cli.command("retry")
def outbox_retry(
    failed_since: Annotated[
        str | None,
        typer.Option(
            "--failed-since",
            metavar="TIME",
            help="Only messages whose failures began since then: 2h, 1d, or 2026-12-01 09:00",
        ),
    ] = None,
) -> None:
    """Requeue messages given up (failed): due now, their tries and give-up age counted afresh.
    Only rows still failed are touched, so none is sent twice; blocked (undeliverable) and
    withheld ones stay as they are."""
    config = settings()
    since = None if failed_since is None else _since(failed_since, config.timezone, "--failed-since")

    async def requeue(db: Database) -> tuple[int, bool]:
        async with db.unit_of_work() as uow:
            count = await uow.outbox.requeue_failed(now(), since)
            await uow.commit()
        return count, await sender_is_alive(db, now())

    count, sending = with_store(requeue, config)
    when = "the running bot sends them now" if sending else "no bot is running: they go when it starts"
    messages = f"{count} failed message{'' if count == 1 else 's'}"
    out.print(f"Requeued {messages}; {when}." if count else f"Requeued {messages}.")


@cli.command("audit")
def audit(
    person_id: Annotated[
        int | None, typer.Option("--person", metavar="ID", help="Only what was about or to this person")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="TIME", help="Only from then: 30d, or 2026-12-01")
    ] = None,
) -> None:
    """The disclosure log: each time someone's data was sent to someone else, exported or erased
    (who, what kind, about whom, when). It records sending: Telegram tells a bot nothing of reads."""
    config = settings()
    start = None if since is None else _since(since, config.timezone, "--since")
    lines = with_store(lambda db: privacy_audit.audit(db, person_id, start), config)
    rows = [(f"{line.when:%Y-%m-%d %H:%M}", line.kind, line.about, line.to, line.detail) for line in lines]
    show_table(("when (UTC)", "kind", "about", "to", "detail"), rows, "Nothing in the disclosure log.")


# retention ----------------------------------------------------------------------------------


@retention_cli.command("report")
def retention_report() -> None:
    """What the clock's next retention run will do, kind by kind: how many items and the oldest
    clock start among them (UTC). Read only; nothing a message or an answer says."""
    rules = RetentionRun(content_or_stop(content_dir()))

    async def report(db: Database) -> list[Line]:
        async with db.unit_of_work() as uow:
            return await rules.report(uow, now())

    rows = [
        (line.kind.value, line.limit, line.what, str(line.count), _ago(line.oldest, now()))
        for line in with_store(report)
    ]
    show_table(("kind", "limit", "at the limit", "due now", "the oldest (UTC)"), rows, "")


# db -----------------------------------------------------------------------------------------


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the latest migration (every command does this itself too)."""
    config = settings()
    upgrade_to_head(config.database_url)
    out.print("Database is up to date.")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; usage errors and refusals are one line on stderr, exit code 2."""
    if not out.is_terminal:
        out.width = 160  # piped or captured: keep table rows whole rather than wrapped at 80
    try:
        result = cli(
            args=list(argv) if argv is not None else None, prog_name="circlebot", standalone_mode=False
        )
    except Stop as stop:
        print(f"circlebot: {stop}", file=sys.stderr)
        return stop.code
    except typer.TyperException as error:
        if type(error).__name__ == "NoArgsIsHelpError":
            return 0  # a bare command group: Typer has already shown its help
        context = getattr(error, "ctx", None)
        where = context.command_path if context is not None else "circlebot"
        print(f"{where}: {error.format_message()}", file=sys.stderr)
        return error.exit_code
    except typer.Abort:
        return 1
    return result if isinstance(result, int) else 0
