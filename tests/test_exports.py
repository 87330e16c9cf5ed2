"""Exports: complete, safe, consent-aware. Every format is read back and checked."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask import Flask
from jsonschema import validate
from openpyxl import load_workbook
from sqlalchemy import select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import login_as, run_export
from valuma_space.auth.models import NameDisplay, Role
from valuma_space.comments.models import Comment, Visibility
from valuma_space.extensions import db
from valuma_space.moderation.models import LogAction, ModerationLogEntry

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parent.parent / "valuma_space" / "exports" / "schema.json"
    ).read_text()
)
PAYLOADS = Path(__file__).resolve().parents[2] / "shared" / "payloads" / "csv-injection.txt"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def discussion(app: Flask):
    workspace = make_workspace("VALUMA")
    first = make_section(make_page(workspace, "Tausta"), "Tavoitteet", "Teksti")
    second = make_section(make_page(workspace, "Vaiheet"), "Vaihe 1", "Teksti")
    full = make_user(
        "taysi@kunta.fi",
        display_name="Maija Meikäläinen",
        organisation="Kunta",
        name_display=NameDisplay.FULL_NAME,
    )
    org = make_user(
        "org@liitto.fi",
        display_name="Salainen Nimi",
        organisation="Liitto ry",
        name_display=NameDisplay.ORGANISATION,
    )
    pseudo = make_user(
        "pseudo@kunta.fi",
        display_name="Piilotettu Nimi",
        pseudonym="Kettu",
        name_display=NameDisplay.PSEUDONYM,
    )
    make_user("vienti@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    root = make_comment(first, full, "Juuri: ä ja ö toimivat")
    reply = make_comment(first, org, "Vastaus järjestöltä", parent=root)
    make_comment(first, pseudo, "Syvempi vastaus", parent=reply)
    make_comment(first, pseudo, "Toinen nimimerkillä", parent=root)
    hidden = make_comment(second, full, "Piilotettava")
    make_comment(second, org, "Vastaus piilotettuun", parent=hidden)
    hidden.visibility = Visibility.HIDDEN
    db.session.commit()
    payloads = PAYLOADS.read_text(encoding="utf-8").splitlines() if PAYLOADS.exists() else []
    for payload in [
        *payloads,
        "=1+1",
        "+SUM(A1)",
        "-2+3",
        "@SUM(A1)",
        "\tx",
        '=HYPERLINK("http://evil")',
    ]:
        if payload:
            make_comment(second, pseudo, payload)
    return {"workspace": workspace, "hidden": hidden}


def _visible_ids() -> set[int]:
    return set(
        db.session.scalars(select(Comment.id).where(Comment.visibility == Visibility.VISIBLE))
    )


def test_csv_round_trip(app: Flask, discussion, tmp_path: Path) -> None:
    raw = run_export(app, "csv", tmp_path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    ids = [int(r["id"]) for r in rows if r["visibility_code"] != "removed"]
    assert sorted(ids) == sorted(_visible_ids()) and len(ids) == len(set(ids))
    by_id = {int(r["id"]): r for r in rows}
    placeholder = by_id[discussion["hidden"].id]
    assert (
        placeholder["visibility_code"] == "removed"
        and placeholder["text"] == ""
        and placeholder["author"] == ""
    )
    deep = next(r for r in rows if r["text"] == "Syvempi vastaus")
    assert deep["depth"] == "2" and by_id[int(deep["parent_id"])]["text"] == "Vastaus järjestöltä"
    assert "Juuri: ä ja ö toimivat" in raw.decode("utf-8-sig")
    assert "@" not in "".join(r["author"] for r in rows)
    for row in rows:
        for value in row.values():
            assert not value.startswith(TRIGGERS), value


def test_names_follow_each_persons_choice(app: Flask, discussion, tmp_path: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run_export(app, "csv", tmp_path).read_text("utf-8-sig")))
    )
    authors = {r["text"]: r["author"] for r in rows}
    assert authors["Juuri: ä ja ö toimivat"] == "Maija Meikäläinen"
    assert authors["Vastaus järjestöltä"] == "Liitto ry"
    assert authors["Syvempi vastaus"] == authors["Toinen nimimerkillä"]
    assert authors["Syvempi vastaus"].startswith("Osallistuja ")
    text = json.dumps(rows, ensure_ascii=False)
    for secret in ("Salainen Nimi", "Piilotettu Nimi", "Kettu", "@kunta.fi", "@liitto.fi"):
        assert secret not in text


def test_xlsx_round_trip_without_formulas(app: Flask, discussion, tmp_path: Path) -> None:
    book = load_workbook(run_export(app, "xlsx", tmp_path))
    assert "Mallilinkit" in book.sheetnames
    seen: list[int] = []
    for sheet in book.worksheets:
        if sheet.title == "Mallilinkit":
            continue
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        header = [cell.value for cell in sheet[1]]
        for row in sheet.iter_rows(min_row=2, values_only=True):
            record = dict(zip(header, row, strict=False))
            if record["visibility_code"] != "removed":
                seen.append(int(record["id"]))
            if record["created_at"] is not None:
                assert hasattr(record["created_at"], "year")  # a real date
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                assert not (isinstance(cell.value, str) and cell.value.startswith(TRIGGERS)), (
                    cell.value
                )
    assert sorted(seen) == sorted(_visible_ids())


def test_json_round_trip_validates_against_the_schema(
    app: Flask, discussion, tmp_path: Path
) -> None:
    data = json.loads(run_export(app, "json", tmp_path).read_text("utf-8"))
    validate(data, SCHEMA)
    seen: list[int] = []

    def walk(nodes: list[dict], depth: int, parent: object) -> None:
        for node in nodes:
            assert node["depth"] == depth and node["parent_id"] == parent
            if node["visibility_code"] != "removed":
                seen.append(node["id"])
            walk(node["replies"], depth + 1, node["id"])

    for page in data["pages"]:
        for section in page["sections"]:
            walk(section["threads"], 0, None)
    assert sorted(seen) == sorted(_visible_ids())


@pytest.mark.parametrize("fmt", ["report-html", "report-md", "report-docx"])
def test_readable_reports(app: Flask, discussion, tmp_path: Path, fmt: str) -> None:
    out = run_export(app, fmt, tmp_path)
    if fmt == "report-docx":
        from docx import Document

        text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    else:
        text = out.read_text("utf-8")
    assert "Juuri: ä ja ö toimivat" in text and "Yhteenveto" in text
    assert "Piilotettava" not in text and "Salainen Nimi" not in text


def test_hidden_and_notes_only_when_asked(app: Flask, discussion, tmp_path: Path) -> None:
    from valuma_space.moderation.models import ModeratorNote

    db.session.add(ModeratorNote(comment_id=discussion["hidden"].id, body="Sisäinen huomio"))
    db.session.commit()
    plain = run_export(app, "csv", tmp_path).read_text("utf-8-sig")
    assert "Sisäinen huomio" not in plain and "Piilotettava" not in plain
    full = run_export(app, "csv", tmp_path, "--include-hidden", "--include-notes").read_text(
        "utf-8-sig"
    )
    assert "Piilotettava" in full and "Sisäinen huomio" in full and ",hidden," in full


def test_filters_and_the_log(app: Flask, discussion, tmp_path: Path) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(
                run_export(
                    app, "csv", tmp_path, "--section", "osio-2", "--as", "vienti@valuma.fi"
                ).read_text("utf-8-sig")
            )
        )
    )
    assert rows == [] or {r["section"] for r in rows} <= {"Tavoitteet", "Vaihe 1"}
    entries = db.session.scalars(
        select(ModerationLogEntry).where(ModerationLogEntry.action == LogAction.EXPORT)
    ).all()
    assert (
        entries and entries[-1].actor_email == "vienti@valuma.fi" and entries[-1].to_value == "csv"
    )


def test_moderators_download_and_others_may_not(app: Flask, discussion) -> None:
    for who, status in ((None, 302), ("taysi@kunta.fi", 403), ("vienti@valuma.fi", 200)):
        client = app.test_client()
        if who:
            login_as(client, who)
        for path in (
            "/moderointi/vienti/",
            "/moderointi/vienti/lataa?format=csv",
            "/moderointi/vienti/lataa?format=xlsx",
        ):
            response = client.get(path)
            assert response.status_code == status, (who, path)
            if status == 200 and "lataa" in path:
                assert response.headers["Content-Disposition"].startswith("attachment")
                assert len(response.get_data()) > 100
    assert db.session.scalars(
        select(ModerationLogEntry).where(ModerationLogEntry.action == LogAction.EXPORT)
    ).all()
