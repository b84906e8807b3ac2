"""The Telegram adapter. PTB is asked for durations as `timedelta`, its coming default (which
`handlers.private` reads), rather than the deprecated whole seconds."""

import os

os.environ.setdefault("PTB_TIMEDELTA", "1")
