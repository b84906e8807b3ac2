from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content import BUNDLED_CONTENT
from flows.engine import advance, start
from flows.run import (
    DONE,
    KEEP,
    SKIP,
    ButtonInput,
    CommandInput,
    Finish,
    MediaInput,
    Record,
    RunState,
    RunStatus,
    Say,
    TextInput,
    TimeoutInput,
)
from flows.spec import Flow
from flows.validate import load_content

CATALOG = load_content(BUNDLED_CONTENT).catalog
NOW = datetime(2026, 11, 24, 3, 30, tzinfo=UTC)  # still the 23rd in Lima

FLOW = Flow.model_validate(
    {
        "id": "every_type",
        "title": {"en": "Every type", "es": "Cada tipo"},
        "for_roles": ["home_visitor"],
        "expires_after": "2h",
        "done": {"en": "Thanks!", "es": "¡Gracias!"},
        "steps": [
            {"id": "hello", "ask": {"en": "Hello.", "es": "Hola."}},
            {
                "id": "name",
                "ask": {"en": "Name?", "es": "¿Nombre?"},
                "answer": {"type": "text", "min_length": 2},
            },
            {
                "id": "visits",
                "ask": {"en": "Visits?", "es": "¿Visitas?"},
                "answer": {"type": "number", "min": 0, "max": 40, "integer": True},
            },
            {
                "id": "mood",
                "ask": {"en": "Mood?", "es": "¿Ánimo?"},
                "answer": {"type": "scale", "labels": {1: {"en": "Low", "es": "Bajo"}}},
            },
            {
                "id": "place",
                "ask": {"en": "Where?", "es": "¿Dónde?"},
                "answer": {
                    "type": "choice",
                    "choices": [
                        {"id": "home", "label": {"en": "At home", "es": "En casa"}},
                        {"id": "clinic", "label": {"en": "Clinic", "es": "Clínica"}},
                    ],
                },
                "next": [{"when": "place == 'clinic'", "goto": "when"}],
            },
            {
                "id": "topics",
                "ask": {"en": "Topics?", "es": "¿Temas?"},
                "answer": {
                    "type": "multi",
                    "max": 2,
                    "choices": [
                        {"id": "play", "label": {"en": "Play", "es": "Juego"}},
                        {"id": "food", "label": {"en": "Food", "es": "Comida"}},
                        {"id": "sleep", "label": {"en": "Sleep", "es": "Sueño"}},
                    ],
                },
            },
            {"id": "when", "ask": {"en": "When?", "es": "¿Cuándo?"}, "answer": {"type": "date"}},
            {"id": "ok", "ask": {"en": "OK?", "es": "¿Bien?"}, "answer": {"type": "yesno"}},
            {
                "id": "photo",
                "ask": {"en": "Photo?", "es": "¿Foto?"},
                "answer": {"type": "photo"},
                "optional": True,
            },
            {"id": "voice", "ask": {"en": "Voice?", "es": "¿Voz?"}, "answer": {"type": "voice"}},
        ],
    }
)


def begin(lang="en", tz="America/Lima"):
    return start(FLOW, CATALOG, lang, tz, NOW)


def play(state, *inputs, now=NOW):
    effects = []
    for given_input in inputs:
        state, more = advance(FLOW, CATALOG, state, given_input, now)
        effects += more
    return state, effects


def texts(effects):
    return [effect.text for effect in effects if isinstance(effect, Say)]


def records(effects):
    return [(effect.step_id, effect.value) for effect in effects if isinstance(effect, Record)]


def test_start_says_the_message_step_and_asks_the_first_question():
    state, effects = begin()
    assert texts(effects) == ["Hello.", "Name?"]
    assert state.step_id == "name"
    assert state.expires_at == NOW + timedelta(hours=2)


def test_a_full_walk_records_every_answer_and_closes_with_a_summary():
    state, _ = begin()
    state, effects = play(
        state,
        TextInput("Ana"),
        TextInput("12"),
        ButtonInput("mood", "4"),
        ButtonInput("place", "home"),
        ButtonInput("topics", "food"),
        ButtonInput("topics", "play"),
        ButtonInput("topics", DONE),
        ButtonInput("when", "yesterday"),
        TextInput("yes"),
        MediaInput("photo", "F1", {"width": 10}),
        MediaInput("voice", "V1", {"duration": 7}),
    )
    assert records(effects) == [
        ("name", "Ana"),
        ("visits", 12),
        ("mood", 4),
        ("place", "home"),
        ("topics", ["play", "food"]),  # in the order of the choices, not of the presses
        ("when", "2026-11-22"),  # yesterday in Lima, where it is still the 23rd
        ("ok", True),
        ("photo", {"kind": "photo", "file_id": "F1", "width": 10}),
        ("voice", {"kind": "voice", "file_id": "V1", "duration": 7}),
    ]
    assert state.status == "completed"
    assert effects[-1] == Finish(RunStatus.COMPLETED)
    summary = texts(effects)[-2]
    assert summary.startswith("Here are your answers:")
    assert "Play, Food" in summary and "🎤 a voice note (7 s)" in summary
    assert texts(effects)[-1] == "Thanks!"


@pytest.mark.parametrize(
    ("step_inputs", "bad", "reason"),
    [
        ([], TextInput("A"), "Could you say a little more? Please write at least 2 characters."),
        ([TextInput("Ana")], TextInput("many"), "Please answer with a number, for example 3."),
        ([TextInput("Ana")], TextInput("2.5"), "Please use a whole number, without decimals."),
        ([TextInput("Ana")], TextInput("41"), "Please give a number from 0 to 40."),
        ([TextInput("Ana"), TextInput("3")], TextInput("9"), "Please pick a number from 1 to 5."),
        (
            [TextInput("Ana"), TextInput("3"), TextInput("2")],
            TextInput("bus"),
            "Please pick one of the options below.",
        ),
    ],
)
def test_a_wrong_answer_gets_the_reason_and_the_same_step(step_inputs, bad, reason):
    state, _ = begin()
    state, _ = play(state, *step_inputs)
    before = state.step_id
    after, effects = play(state, bad)
    assert texts(effects)[0] == reason
    assert after.step_id == before
    assert records(effects) == []


def test_reasons_come_in_the_persons_language():
    state, _ = begin("es")
    _, effects = play(state, TextInput("A"))
    assert texts(effects) == ["¿Podría contar un poco más? Escriba al menos 2 caracteres.", "¿Nombre?"]


def test_typed_choice_by_label_or_number_and_comma_decimal():
    state, _ = begin()
    state, effects = play(state, TextInput("Ana"), TextInput("3"), TextInput("2"), TextInput("clinic"))
    assert records(effects)[-1] == ("place", "clinic")
    assert state.step_id == "when"  # the condition branched past the topics


def test_multi_choice_limits_and_typed_list():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"), TextInput("1"), TextInput("1"), TextInput("1"))
    assert state.step_id == "topics"
    _, effects = play(state, ButtonInput("topics", DONE))
    assert texts(effects)[0] == "Please pick at least 1, then tap Done."
    _, effects = play(state, TextInput("1, 2, 3"))
    assert texts(effects)[0] == "Please pick at most 2."
    state, effects = play(state, TextInput("sleep 1"))
    assert records(effects) == [("topics", ["play", "sleep"])]


def test_pressing_a_multi_choice_marks_it_and_refreshes_the_question():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"), TextInput("1"), TextInput("1"), TextInput("1"))
    state, effects = play(state, ButtonInput("topics", "food"))
    question = effects[-1]
    assert isinstance(question, Say) and question.refresh
    labels = [button.label for row in question.buttons for button in row]
    assert labels == ["Play", "✓ Food", "Sleep", "Done ✓"]


def test_a_press_past_the_most_is_refused_at_once_and_keeps_the_picks():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"), TextInput("1"), TextInput("1"), TextInput("1"))
    state, effects = play(state, ButtonInput("topics", "food"), ButtonInput("topics", "play"))
    assert "Pick up to 2, then tap Done." in texts(effects)[-1]
    after, effects = play(state, ButtonInput("topics", "sleep"))
    assert texts(effects)[0].startswith("You have already chosen 2, the most for this question.")
    assert after.selection == ("play", "food")
    after, effects = play(after, ButtonInput("topics", "food"), ButtonInput("topics", "sleep"))
    assert after.selection == ("play", "sleep"), "untick one, then the other can be chosen"


REFLECTION_FLOW = load_content(BUNDLED_CONTENT).flows["rios_reflection"]


def reflection_at_its_elements(lang: str) -> RunState:
    """The shipped reflection, answered up to the elements she may choose."""
    state, _ = start(REFLECTION_FLOW, CATALOG, lang, "America/Lima", NOW)
    for given_input in (
        ButtonInput("visit_date", "today"),
        TextInput("The mother cried when I arrived."),
        TextInput("I sat down beside them."),
        TextInput("He watched her face."),
    ):
        state, _ = advance(REFLECTION_FLOW, CATALOG, state, given_input, NOW)
    assert state.step_id == "elements"
    return state


@pytest.mark.parametrize(
    ("lang", "hint", "refusal"),
    [
        (
            "en",
            "Pick up to 2, or none, then tap Done.",
            "You have already chosen 2, the most for this question.",
        ),
        (
            "es",
            "Elija hasta 2, o ninguna, y luego toque Listo.",
            "Ya eligió 2, el máximo para esta pregunta.",
        ),
        ("ar", "اختاري حتى 2، أو لا شيء، ثم اضغطي «تم».", "لقد اخترتِ 2 بالفعل"),
    ],
)
def test_a_third_element_of_the_reflection_is_refused_kindly(lang, hint, refusal):
    state = reflection_at_its_elements(lang)
    for element in ("family_story", "parallel_process"):
        state, effects = advance(REFLECTION_FLOW, CATALOG, state, ButtonInput("elements", element), NOW)
        assert hint in texts(effects)[-1]
    after, effects = advance(REFLECTION_FLOW, CATALOG, state, ButtonInput("elements", "use_of_self"), NOW)
    assert refusal in texts(effects)[0]
    assert after.step_id == "elements" and after.selection == ("family_story", "parallel_process")
    done, effects = advance(REFLECTION_FLOW, CATALOG, after, ButtonInput("elements", DONE), NOW)
    assert records(effects) == [("elements", ["family_story", "parallel_process"])]
    assert done.step_id == "explore_family"


def test_none_of_the_elements_is_an_answer_and_the_summary_says_so():
    state = reflection_at_its_elements("en")
    state, effects = advance(REFLECTION_FLOW, CATALOG, state, ButtonInput("elements", DONE), NOW)
    assert records(effects) == [("elements", [])]
    assert state.step_id == "link"
    for given_input in (
        CommandInput("skip"),
        TextInput("Name what the baby sees."),
        ButtonInput("confidence", "4"),
    ):
        state, _ = advance(REFLECTION_FLOW, CATALOG, state, given_input, NOW)
    for given_input in (TextInput("Babies watch."), CommandInput("skip"), ButtonInput("share", "no")):
        state, effects = advance(REFLECTION_FLOW, CATALOG, state, given_input, NOW)
    assert "• What else the moment touched\nNone of these" in texts(effects)[0]


def test_picks_of_a_choice_the_content_removed_neither_count_nor_block():
    """A run in flight when the reflection lost "The baby" and the alliance as elements."""
    state = reflection_at_its_elements("en").evolve(selection=("baby_in_mind", "reflective_alliance"))
    state, effects = advance(REFLECTION_FLOW, CATALOG, state, ButtonInput("elements", "use_of_self"), NOW)
    assert texts(effects) and "already chosen" not in texts(effects)[0]
    state, effects = advance(REFLECTION_FLOW, CATALOG, state, ButtonInput("elements", DONE), NOW)
    assert records(effects) == [("elements", ["use_of_self"])]


@pytest.mark.parametrize(
    ("typed", "recorded"),
    [
        ("today", "2026-11-23"),
        ("Ayer", "2026-11-22"),
        ("2026-11-01", "2026-11-01"),
        ("5/11/2026", "2026-11-05"),
    ],
)
def test_dates_are_read_in_the_persons_timezone(typed, recorded):
    state, _ = begin("es")
    state, _ = play(state, TextInput("Ana"), TextInput("1"), TextInput("1"), TextInput("2"))
    _, effects = play(state, TextInput(typed))
    assert records(effects) == [("when", recorded)]


def test_a_future_date_is_refused():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"), TextInput("1"), TextInput("1"), TextInput("2"))
    _, effects = play(state, TextInput("2026-11-25"))
    assert texts(effects)[0].startswith("That date is still to come")


def test_back_returns_to_the_last_question_showing_the_earlier_answer():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"))
    state, effects = play(state, CommandInput("back"))
    assert state.step_id == "name"
    assert texts(effects) == ["Name?\n\nYour earlier answer: Ana"]
    state, effects = play(state, TextInput("Ana María"))
    assert records(effects) == [("name", "Ana María")] and state.step_id == "visits"


def test_back_offers_to_keep_the_earlier_answer_with_one_press():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"), CommandInput("back"))
    state, effects = play(state, ButtonInput("name", KEEP))
    assert records(effects) == [("name", "Ana")] and state.step_id == "visits"


def test_carried_over_answers_are_shown_kept_with_a_press_and_recorded_only_when_kept():
    state, effects = start(FLOW, CATALOG, "en", "UTC", NOW, prefill={"name": "Ana", "visits": 12})
    question = [effect for effect in effects if isinstance(effect, Say)][-1]
    assert question.text == "Name?\n\nYour earlier answer: Ana"
    assert question.buttons[0][0].value == KEEP and question.buttons[0][0].label == "Keep this answer"
    assert state.answers == {}  # nothing is hers until she keeps it
    state, effects = play(state, ButtonInput("name", KEEP), TextInput("9"))
    assert records(effects) == [("name", "Ana"), ("visits", 9)]  # a new answer replaces the old


def test_keep_with_nothing_to_keep_is_a_stale_button():
    state, _ = begin()
    state, effects = play(state, ButtonInput("name", KEEP))
    assert texts(effects)[0] == CATALOG.say("en", "error.stale_button") and state.step_id == "name"


def test_back_at_the_first_question_says_so():
    state, _ = begin()
    state, effects = play(state, CommandInput("back"))
    assert texts(effects) == ["This is the first question.", "Name?"] and state.step_id == "name"


def test_skip_only_where_allowed():
    state, _ = begin()
    state, effects = play(state, CommandInput("skip"))
    assert texts(effects)[0].startswith("This question cannot be skipped")
    state, _ = play(
        state,
        TextInput("Ana"),
        TextInput("1"),
        TextInput("1"),
        TextInput("2"),
        TextInput("today"),
        TextInput("no"),
    )
    assert state.step_id == "photo"
    state, effects = play(state, ButtonInput("photo", SKIP))
    assert records(effects) == [("photo", None)] and state.step_id == "voice"


def test_cancel_ends_the_run_and_keeps_what_was_answered():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"))
    state, effects = play(state, CommandInput("cancel"))
    assert state.status == "cancelled" and state.answers == {"name": "Ana"}
    assert effects[-1] == Finish(RunStatus.CANCELLED)


def test_an_input_after_expiry_ends_the_run_as_expired():
    state, _ = begin()
    later = NOW + timedelta(hours=2)
    state, effects = play(state, TextInput("Ana"), now=later)
    assert state.status == "expired" and effects[-1] == Finish(RunStatus.EXPIRED)
    assert records(effects) == []


def test_activity_keeps_a_run_alive_and_the_clock_alone_changes_nothing_early():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"), now=NOW + timedelta(hours=1))
    assert state.expires_at == NOW + timedelta(hours=3)
    same, effects = play(state, TimeoutInput(), now=NOW + timedelta(hours=2))
    assert same == state and effects == []


def test_a_button_from_an_earlier_question_is_refused():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"))
    after, effects = play(state, ButtonInput("name", "x"))
    assert texts(effects)[0] == "That button belongs to an earlier question. Here is where we are:"
    assert after.step_id == "visits"


def test_state_survives_a_round_trip_through_json():
    state, _ = begin()
    state, _ = play(state, TextInput("Ana"), TextInput("3"))
    assert RunState.from_json(state.to_json()) == state


def test_rtl_language_marks_lines_and_isolates_the_persons_words():
    state, _ = begin("ar")
    state, _ = play(state, TextInput("Ana"))
    state, effects = play(state, CommandInput("back"))
    text = texts(effects)[0]
    assert all(line.startswith("\u200f") for line in text.split("\n"))
    assert "\u2068Ana\u2069" in text


def inputs_for(flow: Flow) -> st.SearchStrategy[object]:
    """Anything a person could send: typed text, presses on any button of any step (stale
    ones too), commands, media and the clock."""
    values = ["1", "5", "home", "clinic", "play", "food", DONE, SKIP, "today", "yes", "no", "x"]
    for step in flow.steps:
        answer = step.answer
        values += [choice.id for choice in getattr(answer, "choices", [])]
    return st.one_of(
        st.builds(TextInput, st.text(max_size=30)),
        st.builds(TextInput, st.sampled_from(["1", "2", "3", "yes", "no", "today", "Ana", "12", "1, 2"])),
        st.builds(ButtonInput, st.sampled_from([step.id for step in flow.steps]), st.sampled_from(values)),
        st.builds(CommandInput, st.sampled_from(["back", "skip", "cancel"])),
        st.builds(MediaInput, st.sampled_from(["photo", "voice"]), st.just("F"), st.just({})),
        st.just(TimeoutInput()),
    )


REFLECTION = load_content(BUNDLED_CONTENT).flows["rios_reflection"]


@pytest.mark.parametrize("flow", [FLOW, REFLECTION], ids=["every_type", "rios_reflection"])
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data(), lang=st.sampled_from(["en", "es", "ar"]))
def test_random_input_never_crashes_and_never_loses_an_answer(flow, data, lang):
    state, effects = start(flow, CATALOG, lang, "America/Lima", NOW)
    recorded = []
    for given_input in data.draw(st.lists(inputs_for(flow), max_size=40)):
        before = state
        state, effects = advance(flow, CATALOG, state, given_input, NOW)
        recorded += records(effects)
        assert all(isinstance(effect, Say | Record | Finish) for effect in effects)
        if before.status == "active" and state.status == "active" and given_input != TimeoutInput():
            assert effects, "an active run always answers"
            assert state.step_id is not None
            assert any(isinstance(e, Say) and e.step_id == state.step_id for e in effects), "it asks again"
    # Every answer in the run's state is one the engine handed out to be stored.
    for step_id, value in state.answers.items():
        assert (step_id, value) in recorded
