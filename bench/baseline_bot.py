"""The textbook way, for comparison: the reflection as a PTB ConversationHandler with
PicklePersistence and AIORateLimiter, asking the same questions (the texts come from the same
content). Answers live in memory and are pickled now and then, not committed one by one.

    python bench/baseline_bot.py --api-url URL --token TOKEN --pickle FILE [--rate-scale 100]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content import BUNDLED_CONTENT
from flows.render import question, summary
from flows.spec import Step, TextAnswer
from flows.validate import load_content

CONTENT = load_content(BUNDLED_CONTENT)
FLOW = CONTENT.flows["rios_reflection"]
CATALOG = CONTENT.catalog
# The path the benchmark's people take (tests/reflection.py: the family's story ticked).
PATH = [
    "visit_date",
    "describe",
    "respond",
    "explore_baby",
    "elements",
    "explore_family",
    "link",
    "integrate",
    "confidence",
    "own_words",
    "explore_alliance",
    "share",
]


def markup(step: Step, picked: tuple[str, ...] = ()) -> InlineKeyboardMarkup | None:
    said = question(step, CATALOG, "en", picked)
    rows = [[InlineKeyboardButton(b.label, callback_data=b.value) for b in row] for row in said.buttons]
    return InlineKeyboardMarkup(rows) if rows else None


async def ask(update: Update, position: int) -> int:
    step = FLOW.step(PATH[position])
    chat = update.effective_chat
    assert chat is not None
    await chat.send_message(question(step, CATALOG, "en").text, reply_markup=markup(step))
    return position


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert context.user_data is not None and update.effective_chat is not None
    context.user_data.clear()
    if FLOW.description is not None:  # who sees the answers, as circlebot says it first
        await update.effective_chat.send_message(CATALOG.pick(FLOW.description, "en"))
    await update.effective_chat.send_message(CATALOG.pick(FLOW.steps[0].ask, "en"))
    return await ask(update, 0)


def answer_step(position: int):  # type: ignore[no-untyped-def]
    step = FLOW.step(PATH[position])

    async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert context.user_data is not None and update.effective_chat is not None
        query = update.callback_query
        value: object
        if query is not None:
            await query.answer()
            value = query.data or ""
            if step.id == "elements" and value != "_done":
                picked = tuple(sorted(set(context.user_data.get("picked", ())) ^ {value}))
                context.user_data["picked"] = picked
                said = question(step, CATALOG, "en", picked)
                await query.edit_message_text(said.text, reply_markup=markup(step, picked))
                return position
            if step.id == "elements":
                value = list(context.user_data.pop("picked", ()))
        else:
            value = update.message.text if update.message else ""
        context.user_data[step.id] = value
        if position + 1 < len(PATH):
            return await ask(update, position + 1)
        answers = {k: v for k, v in context.user_data.items() if k in PATH}
        answers["share"] = value == "yes"
        for said in summary(FLOW, answers, tuple(PATH), CATALOG, "en"):
            await update.effective_chat.send_message(said.text)
        assert FLOW.done is not None
        await update.effective_chat.send_message(CATALOG.pick(FLOW.done, "en"))
        await update.effective_chat.send_message(CATALOG.say("en", "share.kept_private"))
        return ConversationHandler.END

    return handle


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--pickle", required=True)
    parser.add_argument("--rate-scale", type=float, default=1.0)
    args = parser.parse_args()
    limiter = AIORateLimiter(
        overall_max_rate=30 * args.rate_scale,
        overall_time_period=1,
        group_max_rate=20 * args.rate_scale,
        group_time_period=60,
        max_retries=3,
    )
    application = (
        Application.builder()
        .token(args.token)
        .base_url(f"{args.api_url}/bot")
        .persistence(PicklePersistence(filepath=args.pickle))
        .rate_limiter(limiter)
        .build()
    )
    states: dict[object, list[Any]] = {}
    for position, step_id in enumerate(PATH):
        handler = answer_step(position)
        typed = isinstance(FLOW.step(step_id).answer, TextAnswer)
        states[position] = [
            MessageHandler(filters.TEXT & ~filters.COMMAND, handler)
            if typed
            else CallbackQueryHandler(handler)
        ]
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("reflect", start)],
            states=states,
            fallbacks=[],
            name="reflection",
            persistent=True,
            per_message=False,
        )
    )
    application.run_polling(allowed_updates=["message", "callback_query"])


if __name__ == "__main__":
    main()
