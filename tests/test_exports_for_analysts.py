"""Exports an analyst can use as they are: the organisation people show, labels in the export's
language beside stable codes, plain text beside the Markdown, JSON with lists and nulls, the
moderators' reasons; and text stored with line feeds, as typed."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from jsonschema import validate
from openpyxl import load_workbook

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import login_as, post_form, run_export
from valuma_space.auth.choices import OrganisationType, Region
from valuma_space.auth.models import NameDisplay, Role
from valuma_space.comments.models import Comment
from valuma_space.extensions import db
from valuma_space.modeldesign.models import AlternativeKind, AlternativeStatus, Stance
from valuma_space.modeldesign.services import (
    add_theme,
    link_comment,
    save_alternative,
    tag_comments,
)
from valuma_space.moderation.services import hide

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "valuma_space/exports/schema.json").read_text()
)
MARKDOWN = (
    "**Rahoitus** pitää sitoa tuloksiin:\n\n- seuranta\n- [arviointi](https://valuma.example/a)"
)
PLAIN = "Rahoitus pitää sitoa tuloksiin:\n\n- seuranta\n- arviointi (https://valuma.example/a)"


@pytest.fixture
def analysed(app: Flask) -> dict[str, object]:
    workspace = make_workspace("VALUMA")
    section = make_section(make_page(workspace, "Tausta"), "Tavoitteet", "Teksti")
    full = make_user(
        "maija@kunta.fi",
        display_name="Maija Meikäläinen",
        organisation="Pirkanmaan liitto",
        organisation_type=OrganisationType.REGIONAL_COUNCIL,
        region=Region.PIRKANMAA,
        name_display=NameDisplay.FULL_NAME,
    )
    pseudo = make_user(
        "kettu@kunta.fi",
        display_name="Piilotettu",
        organisation="Salainen virasto",
        pseudonym="Kettu",
        name_display=NameDisplay.PSEUDONYM,
    )
    moderator = make_user("moderaattori@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    root = make_comment(section, full, MARKDOWN)
    reply = make_comment(section, pseudo, "Samaa mieltä.", parent=root)
    hidden = make_comment(section, pseudo, "Asiaton.")
    hide(hidden, moderator, "Asiaton sävy")
    tag_comments([root.id], add_theme(workspace, "Rahoitus"))
    model = save_alternative(
        workspace, None, AlternativeKind.FUNDING_OPTION, "Malli A", "", AlternativeStatus.DRAFT
    )
    link_comment(root, moderator, model, None, Stance.SUPPORTS, "")
    db.session.commit()
    return {"root": root.id, "reply": reply.id, "hidden": hidden.id}


def _csv(app: Flask, tmp_path: Path, *extra: str) -> dict[int, dict[str, str]]:
    text = run_export(app, "csv", tmp_path, *extra).read_text("utf-8-sig")
    return {int(row["id"]): row for row in csv.DictReader(io.StringIO(text))}


def test_the_organisation_people_show_has_its_own_column(app: Flask, analysed, tmp_path) -> None:
    rows = _csv(app, tmp_path)
    assert rows[analysed["root"]]["author"] == "Maija Meikäläinen"
    assert rows[analysed["root"]]["organisation"] == "Pirkanmaan liitto"
    # Beside a pseudonym the organisation would tell who wrote: it stays out.
    assert rows[analysed["reply"]]["organisation"] == ""
    assert "Salainen virasto" not in json.dumps(rows, ensure_ascii=False)


def test_labels_are_in_the_export_language_and_codes_in_their_own_columns(
    app: Flask, analysed, tmp_path
) -> None:
    finnish = _csv(app, tmp_path)[analysed["root"]]
    assert (finnish["organisation_type"], finnish["organisation_type_code"]) == (
        "Maakunnan liitto",
        "regional_council",
    )
    assert (finnish["region"], finnish["region_code"]) == ("Pirkanmaa", "pirkanmaa")
    assert (finnish["kind"], finnish["kind_code"]) == ("Kommentti", "comment")
    assert (finnish["visibility"], finnish["visibility_code"]) == ("Näkyvissä", "visible")
    assert (finnish["triage_status"], finnish["triage_status_code"]) == ("Uusi", "new")
    assert finnish["model_links"] == "Malli A (Tukee)" and finnish["moderator_reply"] == "ei"
    english = _csv(app, tmp_path, "--lang", "en")[analysed["root"]]
    assert (english["kind"], english["kind_code"]) == ("Comment", "comment")
    assert english["organisation_type"] == "Regional council"
    assert english["model_links"] == "Malli A (Supports)" and english["moderator_reply"] == "no"
    swedish = run_export(app, "report-md", tmp_path, "--lang", "sv").read_text("utf-8")
    assert "Kommentarer per typ" in swedish and "### kind" not in swedish
    finnish_report = run_export(app, "report-md", tmp_path).read_text("utf-8")
    assert "### Kommentit tyypeittäin" in finnish_report


def test_text_is_plain_with_the_markdown_beside_it(app: Flask, analysed, tmp_path) -> None:
    row = _csv(app, tmp_path)[analysed["root"]]
    assert row["text"] == PLAIN and row["text_markdown"] == MARKDOWN
    book = load_workbook(run_export(app, "xlsx", tmp_path))
    sheet = book.worksheets[1]
    header = [cell.value for cell in sheet[1]]
    records = [dict(zip(header, r, strict=False)) for r in sheet.iter_rows(2, values_only=True)]
    root = next(r for r in records if r["id"] == analysed["root"])
    assert root["text"] == PLAIN and root["text_markdown"] == MARKDOWN
    assert root["parent_id"] is None
    data = json.loads(run_export(app, "json", tmp_path).read_text("utf-8"))
    node = data["pages"][0]["sections"][0]["threads"][0]
    assert node["text"] == PLAIN and node["text_markdown"] == MARKDOWN
    for fmt in ("report-md", "report-html"):
        report = run_export(app, fmt, tmp_path).read_text("utf-8")
        assert "**Rahoitus**" not in report and "Rahoitus pitää sitoa" in report


def test_json_has_lists_objects_and_nulls(app: Flask, analysed, tmp_path) -> None:
    data = json.loads(run_export(app, "json", tmp_path).read_text("utf-8"))
    validate(data, SCHEMA)
    [root] = data["pages"][0]["sections"][0]["threads"][:1]
    assert root["parent_id"] is None
    assert root["themes"] == ["Rahoitus"]
    assert root["model_links"] == [
        {"alternative": "Malli A", "criterion": None, "stance": "Tukee", "stance_code": "supports"}
    ]
    [reply] = root["replies"]
    assert reply["parent_id"] == analysed["root"] and reply["themes"] == []
    assert reply["model_links"] == []


def test_the_reason_for_hiding_is_exported(app: Flask, analysed, tmp_path) -> None:
    assert analysed["hidden"] not in _csv(app, tmp_path)
    hidden = _csv(app, tmp_path, "--include-hidden")[analysed["hidden"]]
    assert hidden["visibility_code"] == "hidden" and hidden["moderation_reason"] == "Asiaton sävy"
    assert _csv(app, tmp_path)[analysed["root"]]["moderation_reason"] == ""


def test_the_download_page_offers_formats_by_name_in_the_moderators_language(
    app: Flask, analysed
) -> None:
    moderator = app.test_client()
    login_as(moderator, "moderaattori@valuma.fi")
    moderator.set_cookie("lang", "sv")
    form = moderator.get("/moderointi/vienti/").get_data(as_text=True)
    assert ">Rapport (Word)</option>" in form and ">report-docx<" not in form
    assert '<option value="sv" lang="sv" selected>' in form
    response = moderator.get("/moderointi/vienti/lataa?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert {row["kind"] for row in rows} == {"Kommentar"}
    chosen = moderator.get("/moderointi/vienti/lataa?format=csv&lang=fi").get_data(as_text=True)
    assert ",Kommentti,comment," in chosen


def test_text_typed_in_the_browser_is_stored_with_line_feeds(app: Flask, tmp_path) -> None:
    section = make_section(make_page(make_workspace(), "Tausta"), "Tavoitteet", "Teksti")
    make_user("maija@kunta.fi", display_name="Maija", profile_completed=True)
    client = app.test_client()
    login_as(client, "maija@kunta.fi")
    response = post_form(
        client,
        f"/osio/{section.slug}",
        action=f"/osio/{section.slug}/kommentoi",
        body="Ensimmäinen rivi.\r\nToinen rivi.\r\n\r\nUusi kappale.",
    )
    assert response.status_code == 303
    comment = db.session.query(Comment).one()
    assert comment.body_markdown == "Ensimmäinen rivi.\nToinen rivi.\n\nUusi kappale."
    assert comment.body_text == "Ensimmäinen rivi.\nToinen rivi.\n\nUusi kappale."
    book = load_workbook(run_export(app, "xlsx", tmp_path))
    cells = [c for row in book.worksheets[1].iter_rows(values_only=True) for c in row if c]
    assert not any("_x000D_" in str(c) or "\r" in str(c) for c in cells)
