"""/settings: her timezone, her quiet hours and (a supervisor) her weekly summary's day and time."""

from __future__ import annotations

from flows.content import Content
from services.core.prompts import Prompt
from services.core.registry import ANYONE, Answers, ButtonKind, Command, Feature, menu_line, roles
from services.core.turn import Turn
from services.settings.dialog import (
    AskSummaryTime,
    AskTimezone,
    SettingsDialog,
    SummaryDay,
    SummaryDays,
    ZoneChoice,
)

SUPERVISOR = "supervisor"


def dialog(turn: Turn) -> SettingsDialog:
    return SettingsDialog(turn.speaker(), turn.me, turn.timezone, turn.content.schedules, turn.now)


async def start(turn: Turn) -> None:
    await dialog(turn).start()


async def receive(turn: Turn, prompt: Prompt) -> None:
    await dialog(turn).receive(prompt, turn.incoming.text or "")


async def kept(turn: Turn, prompt: Prompt) -> None:
    await turn.say("settings.kept", zone=turn.me.timezone or turn.timezone)


async def days(turn: Turn, data: SummaryDays) -> None:
    await dialog(turn).days()


async def day(turn: Turn, data: SummaryDay) -> None:
    await dialog(turn).day(int(data.day))


async def zone(turn: Turn, data: ZoneChoice) -> None:
    await dialog(turn).choose(data.zone)


def feature(content: Content) -> Feature:
    return Feature(
        "settings",
        commands=(
            Command(
                "settings", ANYONE, start, menu_line("command.settings"), place=42, repeats_question=False
            ),
        ),
        buttons=(
            ButtonKind(SummaryDays, roles(SUPERVISOR), days),
            ButtonKind(SummaryDay, roles(SUPERVISOR), day),
            ButtonKind(ZoneChoice, ANYONE, zone),
        ),
        answers=(Answers(AskTimezone, receive, cancel=kept), Answers(AskSummaryTime, receive, cancel=kept)),
    )
