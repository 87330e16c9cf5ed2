"""Exports of any thread shape are complete and valid; one that fails part-way says so; and the
Markdown report carries no markup of its own from what participants wrote."""

from __future__ import annotations

import csv
import io
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from flask import Flask
from jsonschema import validate
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import run_export
from valuma_space.comments.services import add_comment
from valuma_space.exports import rows as export_rows
from valuma_space.exports.rows import ExportFilters
from valuma_space.exports.services import INCOMPLETE, STREAMED, chunks
from valuma_space.extensions import db

DEPTH = 1000
PAYLOADS = Path(__file__).resolve().parents[2] / "shared" / "payloads" / "xss.txt"
SCHEMA = Path(__file__).resolve().parents[1] / "valuma_space" / "exports" / "schema.json"


@pytest.fixture
def chain(app: Flask) -> list[int]:
    """A root and a chain of DEPTH replies under it, each answering the one before."""
    section = make_section(make_page(make_workspace(), "Tausta"), "Tavoitteet", "Teksti.")
    author = make_user("ketju@kunta.fi", display_name="Ketjun Kirjoittaja")
    parent = None
    ids = []
    for n in range(DEPTH + 1):
        parent, _new = add_comment(section, author, f"Taso {n}", parent=parent)
        ids.append(parent.id)
    db.session.commit()
    return ids


def _depth_of_json(threads: list[dict]) -> tuple[int, int]:
    """(comments, deepest level) of nested threads, walked without recursion."""
    count, deepest = 0, 0
    stack = [(node, 0) for node in threads]
    while stack:
        node, level = stack.pop()
        count += 1
        deepest = max(deepest, level)
        stack.extend((reply, level + 1) for reply in node["replies"])
    return count, deepest


def test_a_thousand_deep_chain_exports_whole_in_every_format(
    app: Flask, chain: list[int], tmp_path: Path
) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run_export(app, "csv", tmp_path).read_text("utf-8-sig")))
    )
    assert [int(r["id"]) for r in rows] == chain
    assert [int(r["depth"]) for r in rows] == list(range(DEPTH + 1))

    book = load_workbook(run_export(app, "xlsx", tmp_path))
    [sheet] = [sheet for sheet in book.worksheets if sheet.title != "Mallilinkit"]
    header = [cell.value for cell in sheet[1]]
    ids = [
        dict(zip(header, row, strict=False))["id"]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert ids == chain

    # Python's own JSON reader stops at its recursion limit; the file is valid JSON all the same,
    # read here with room to go as deep as it does.
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20 * DEPTH)
    try:
        document = json.loads(run_export(app, "json", tmp_path).read_text("utf-8"))
        validate(document, json.loads(SCHEMA.read_text("utf-8")))
    finally:
        sys.setrecursionlimit(limit)
    threads = document["pages"][0]["sections"][0]["threads"]
    assert _depth_of_json(threads) == (DEPTH + 1, DEPTH)

    for fmt in ("report-html", "report-md"):
        text = run_export(app, fmt, tmp_path).read_text("utf-8")
        assert all(f"Taso {n}<" in text or f"Taso {n}\n" in text for n in (0, DEPTH)), fmt
        assert sum(text.count(f"Taso {n}") >= 1 for n in range(DEPTH + 1)) == DEPTH + 1
    paragraphs = [
        p.text for p in Document(str(run_export(app, "report-docx", tmp_path))).paragraphs
    ]
    assert sum(1 for p in paragraphs if "Taso " in p) == DEPTH + 1


def test_an_export_that_fails_part_way_does_not_end_like_a_whole_file(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace()
    section = make_section(make_page(workspace, "Tausta"), "Tavoitteet", "Teksti.")
    other = make_section(section.page, "Toinen", "Teksti.")
    author = make_user("vienti@kunta.fi")
    make_comment(section, author, "Ensimmäinen osio.")
    make_comment(other, author, "Toinen osio.")

    real_cells = export_rows.RowReader.cells
    calls = []

    def failing_on_the_second_section(self, page, section):
        calls.append(section.id)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_cells(self, page, section)

    monkeypatch.setattr(export_rows.RowReader, "cells", failing_on_the_second_section)
    # The answers' CSV reads no comments; test_exports_answers breaks it off part-way.
    for fmt in sorted(STREAMED - {"csv-answers"}):
        calls.clear()
        received = []
        # What the download streams, after its 200 has gone.
        with pytest.raises(RuntimeError):
            for chunk in chunks(workspace.id, fmt, ExportFilters(), "http://127.0.0.1:5000"):
                received.append(chunk)
        body = "".join(received)
        assert "Ensimmäinen osio." in body and body.endswith(INCOMPLETE), fmt
        if fmt == "json":
            with pytest.raises(json.JSONDecodeError):
                json.loads(body)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _value in attrs if name.startswith("on")]


def test_the_markdown_report_shows_payloads_as_text(app: Flask, tmp_path: Path) -> None:
    payloads = [line for line in PAYLOADS.read_text("utf-8").splitlines() if line.strip()]
    section = make_section(make_page(make_workspace(), "Tausta"), "Tavoitteet", "Teksti.")
    for n, payload in enumerate(payloads):
        author = make_user(
            f"hyokkaaja{n}@kunta.fi", display_name=payload[:100], profile_completed=True
        )
        make_comment(section, author, payload)
    markdown = run_export(app, "report-md", tmp_path).read_text("utf-8")
    # Rendered by a viewer that lets HTML through, nothing of the payloads becomes markup.
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)
    parser = _Tags()
    parser.feed(html)
    allowed = {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "pre", "code"}
    assert set(parser.tags) <= allowed, set(parser.tags) - allowed
    assert parser.handlers == []
    assert "<script" not in html.lower()
    # The text itself survives: a reader still sees what was written.
    assert "alert(1)" in html
