"""/mydata's documents (issue 23), built from her holdings with no transaction open: a summary
to read on a phone (HTML: a heading per kind, her words as she wrote them, escaped), and the
machine-readable whole (`mydata.json`, and a CSV per kind written as every CSV is,
`services.core.spreadsheet`). Nothing here knows a kind: a kind's heading comes from the
catalogue (`flows.i18n.MYDATA_KINDS`).

Files: while the machine-readable files together stay within `Limits.zip_over` (1 MB: a few
documents a phone shows one by one), each is its own document; above it they go in one zip
(fewer messages, and JSON and CSV shrink to a tenth). The summary is never zipped while it fits
one document, so she can read it in the chat. No document is over Telegram's 50 MB for a bot: the
files are packed into as many zips as needed (`mydata-1-of-2.zip`, ...), each whole to open on
its own, and a file too large even alone is left out and named to her."""

from __future__ import annotations

import html
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date

from flows.i18n import MYDATA_KINDS, Catalog
from services.core.spreadsheet import csv_bytes
from services.privacy.holdings import Holdings

File = tuple[str, bytes]  # a document's file name and its bytes
SUMMARY = "summary.html"
STYLE = (
    "body{font-family:sans-serif;margin:1em;line-height:1.4;max-width:40em}"
    "dl{margin:0 0 1em;padding:.5em;border:1px solid #ddd;border-radius:6px}"
    "dt{font-size:.85em;color:#555}dd{margin:0 0 .4em;white-space:pre-wrap;overflow-wrap:anywhere}"
)


@dataclass(frozen=True)
class Limits:
    zip_over: int = 1_000_000  # the machine-readable files together, in bytes, above which they are zipped
    document: int = 50_000_000  # Telegram's largest upload for a bot (50 MB)


@dataclass(frozen=True)
class Package:
    documents: list[File]
    left_out: list[str]  # files too large for one document even zipped alone


def kind_name(catalog: Catalog, lang: str, kind: str) -> str:
    return catalog.say(lang, MYDATA_KINDS.key(kind))


def _text(value: object) -> str:
    """A value as a person reads it: a list as its items, anything nested as JSON."""
    if value is None:
        return "–"
    if isinstance(value, list) and all(not isinstance(item, dict | list) for item in value):
        return ", ".join("–" if item is None else str(item) for item in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def summary_html(holdings: Holdings, catalog: Catalog, lang: str, day: date) -> bytes:
    title = html.escape(catalog.say(lang, "mydata.title"))
    direction = "rtl" if catalog.is_rtl(lang) else "ltr"
    parts = [
        f'<!DOCTYPE html><html lang="{html.escape(lang)}" dir="{direction}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{title}</title><style>{STYLE}</style></head><body><h1>{title}</h1>",
        f"<p>{html.escape(catalog.say(lang, 'mydata.intro', day=day.isoformat()))}</p>",
    ]
    for kind, rows in holdings.items():
        parts.append(f"<h2>{html.escape(kind_name(catalog, lang, kind))} ({len(rows)})</h2>")
        if not rows:
            parts.append(f"<p>{html.escape(catalog.say(lang, 'mydata.nothing'))}</p>")
        for row in rows:
            fields = "".join(
                f"<dt>{html.escape(field.replace('_', ' '))}</dt><dd>{html.escape(_text(value))}</dd>"
                for field, value in row.items()
            )
            parts.append(f"<dl>{fields}</dl>")
    parts.append("</body></html>")
    return "\n".join(parts).encode()


def machine_files(holdings: Holdings) -> list[File]:
    """`mydata.json` (every kind, even an empty one), then a CSV per kind that has rows."""
    files = [("mydata.json", json.dumps(holdings, ensure_ascii=False, indent=1).encode())]
    for kind, rows in holdings.items():
        if not rows:
            continue
        columns = list(dict.fromkeys(field for row in rows for field in row))
        flat = [{field: _flat(value) for field, value in row.items()} for row in rows]
        files.append((f"{kind}.csv", csv_bytes(columns, flat)))
    return files


def _flat(value: object) -> object:
    """A cell's value: anything nested as its JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def zipped(files: list[File]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return out.getvalue()


def package(summary: File, machine: list[File], limits: Limits) -> Package:
    """The documents to send, within `limits` (the module's docstring says how)."""
    fits = len(summary[1]) <= limits.document
    if fits and sum(len(data) for _, data in machine) <= limits.zip_over:
        return Package([summary, *machine], [])
    loose = [summary] if fits else []
    groups: list[list[File]] = []
    left_out: list[str] = []
    size = 0
    for file in machine if fits else [summary, *machine]:
        alone = len(zipped([file]))  # a zip of several is never larger than theirs alone together
        if alone > limits.document:
            left_out.append(file[0])
            continue
        if not groups or size + alone > limits.document:
            groups.append([])
            size = 0
        groups[-1].append(file)
        size += alone
    if len(groups) == 1:
        return Package([*loose, ("mydata.zip", zipped(groups[0]))], left_out)
    named = [(f"mydata-{n}-of-{len(groups)}.zip", zipped(group)) for n, group in enumerate(groups, 1)]
    return Package([*loose, *named], left_out)


def documents(holdings: Holdings, catalog: Catalog, lang: str, day: date, limits: Limits) -> Package:
    summary = (SUMMARY, summary_html(holdings, catalog, lang, day))
    return package(summary, machine_files(holdings), limits)
