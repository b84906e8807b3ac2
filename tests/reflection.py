"""One walk through /reflect for the tests that need a reflection answered, not its questions
tested: when the reflection's shape changes, only this list changes. The walkers are the test
clients' own (tests/services/harness.py, tests/telegram/test_end_to_end.py)."""

from typing import Literal

Action = tuple[Literal["press", "tick", "send"], str]  # tick: a multiple-choice mark, edited in place

# Her answers up to the question whether to share, along a path with one element ticked.
UP_TO_SHARING: list[Action] = [
    ("press", "Yesterday"),
    ("send", "The mother cried when I arrived and the baby watched her."),
    ("send", "I felt helpless and sat down beside them."),
    ("send", "He kept looking at her face."),  # the baby or child: asked in every reflection
    ("tick", "The family's story"),
    ("press", "Done"),
    ("send", "Her grandmother answered for her."),
    ("send", "It reminds me of another family."),
    ("send", "Next time I will name what the baby sees."),
    ("press", "4"),
    ("send", "Babies watch their parents' feelings."),
    ("send", "Time to talk about the visits that stay with me."),  # what would help from her supervisor
]
