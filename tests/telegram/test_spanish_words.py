"""Spanish that reads as a person wrote it (issue 22): through the real PTB Application and the
Bot API fake, the welcome names her role as a person, never an office ("supervisión")."""

import asyncio

from bot import Wired
from store.database import Database
from tests.fakebotapi import FakeBotApi
from tests.telegram.conftest import invite
from tests.telegram.test_end_to_end import join


async def test_the_welcome_names_the_role_as_a_person_in_spanish(
    polling_bot: Wired, fake: FakeBotApi, store: Database
):
    marta, fede = fake.user(10, "Marta", "es"), fake.user(11, "Fede", "es")
    supervisor, facilitator = (
        await invite(store, "supervisor", "Norte"),
        await invite(store, "facilitator", "Sur"),
    )
    await marta.send(f"/start {supervisor}")
    assert (await marta.replies())[0].startswith("Le damos la bienvenida a circlebot, ")
    await marta.press("Estoy de acuerdo")
    await marta.replies()
    await marta.press("Español")
    welcomed, facilitator_welcomed = await asyncio.gather(
        marta.replies(3), join(fede, facilitator, "Español")
    )
    assert welcomed[1] == "¡Le damos la bienvenida, Marta! Se unió como supervisora o supervisor."
    assert (
        facilitator_welcomed[1] == "¡Le damos la bienvenida, Fede! Se unió como facilitadora o facilitador."
    )
