"""/mydata's files (issue 23), pure: a file too large for Telegram even zipped alone is left out
and named, the rest still sent; a summary too large to send loose goes zipped; the summary is
in her language (right to left in Arabic), and every kind of the map of her data has its heading."""

import os
from datetime import date

from content import BUNDLED_CONTENT
from flows.i18n import MYDATA_KINDS
from flows.validate import load_content
from services.privacy.export import Limits, package, summary_html
from services.privacy.holdings import Holdings
from store.personal import Kind

CATALOG = load_content(BUNDLED_CONTENT).catalog
HOLDINGS: Holdings = {
    Kind.ANSWERS: [{"value": "Tuve miedo <b>y</b> seguí", "answered_at": "2026-12-01T10:00:00+00:00"}],
    Kind.VOTES: [],
}


def test_a_file_too_large_even_zipped_is_left_out_and_the_rest_still_goes() -> None:
    summary = ("summary.html", b"<p>hers</p>")
    noise = ("mydata.json", os.urandom(5000))  # does not compress
    small = ("answers.csv", b"value\r\nyes\r\n" * 10)
    sent = package(summary, [noise, small], Limits(zip_over=100, document=2000))
    assert [name for name, _ in sent.documents] == ["summary.html", "mydata.zip"]
    assert sent.left_out == ["mydata.json"]
    assert all(len(data) <= 2000 for _, data in sent.documents)


def test_a_summary_too_large_to_send_loose_goes_zipped() -> None:
    summary = ("summary.html", b"<p>the same words again</p>" * 400)
    sent = package(summary, [("mydata.json", b"{}")], Limits(zip_over=100, document=2000))
    assert [name for name, _ in sent.documents] == ["mydata.zip"] and sent.left_out == []


def test_the_summary_is_in_her_language_her_words_escaped() -> None:
    spanish = summary_html(HOLDINGS, CATALOG, "es", date(2026, 12, 6)).decode()
    assert (
        "<h2>Sus respuestas (1)</h2>" in spanish
        and "<h2>Sus votos en los círculos de aprendizaje (0)</h2>" in spanish
    )
    assert "Tuve miedo &lt;b&gt;y&lt;/b&gt; seguí" in spanish and "No hay nada guardado." in spanish
    assert 'dir="rtl"' in summary_html(HOLDINGS, CATALOG, "ar", date(2026, 12, 6)).decode()


def test_every_kind_of_the_map_of_her_data_has_its_heading() -> None:
    """The map (store.personal.Kind) and the catalogue's family name the same kinds, so the summary
    never shows a kind without a heading in her language."""
    assert set(MYDATA_KINDS.members) == {str(kind) for kind in Kind}
