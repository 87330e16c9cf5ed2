"""Export rows read fast: threads, placeholders, names, times and filters stay exact."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import run_export
from valuma_space.auth.models import NameDisplay, Role
from valuma_space.comments.models import CommentKind, Visibility
from valuma_space.exports import services
from valuma_space.exports.rows import ExportFilters, LocalTimes, iso
from valuma_space.extensions import db
from valuma_space.modeldesign.models import AlternativeKind, AlternativeStatus, Stance
from valuma_space.modeldesign.services import (
    add_criterion,
    add_theme,
    link_comment,
    save_alternative,
    tag_comments,
)
from valuma_space.moderation.models import ModeratorNote
from valuma_space.workspaces.models import Workspace


def _csv(app: Flask, tmp_path: Path, *extra: str) -> list[dict[str, str]]:
    text = run_export(app, "csv", tmp_path, *extra).read_text("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "start", [datetime(2027, 3, 27, 12, tzinfo=UTC), datetime(2027, 10, 30, 12, tzinfo=UTC)]
)
def test_local_times_agree_with_zoneinfo_across_the_clock_change(
    app: Flask, start: datetime
) -> None:
    local = LocalTimes()
    for step in range(600):  # two days, in steps that fall on every minute and second
        moment = start + timedelta(minutes=4 * step, seconds=step % 60, microseconds=step * 997)
        naive = moment.replace(tzinfo=None)
        # SQLite keeps text, PostgreSQL gives a naive UTC datetime.
        assert local(naive.isoformat(" ")) == iso(moment)
        assert local(naive) == iso(moment)
    assert local(None) == ""


@pytest.fixture
def threads(app: Flask) -> dict[str, int]:
    """Ids of the workspace and of its comments, by name."""
    workspace = make_workspace("Vienti")
    section = make_section(make_page(workspace, "Sivu"), "Osio")
    other = make_section(make_page(workspace, "Toinen"), "Toinen osio")
    writer = make_user("kirjoittaja@kunta.fi", display_name="Kirsi", profile_completed=True)
    root = make_comment(section, writer, "Juuri")
    hidden = make_comment(section, writer, "Piilotettu", parent=root)
    reply = make_comment(section, writer, "Vastaus piilotettuun", parent=hidden)
    deeper = make_comment(section, writer, "Syvempi", parent=reply, kind=CommentKind.QUESTION)
    deleted = make_comment(section, writer, "Poistettu ilman vastauksia")
    later = make_comment(section, writer, "Myöhempi juuri")
    elsewhere = make_comment(other, writer, "Toisessa osiossa")
    hidden.visibility = Visibility.HIDDEN
    deleted.visibility = Visibility.DELETED
    db.session.commit()
    return {
        "workspace": workspace.id,
        "root": root.id,
        "hidden": hidden.id,
        "reply": reply.id,
        "deeper": deeper.id,
        "deleted": deleted.id,
        "later": later.id,
        "elsewhere": elsewhere.id,
    }


def test_threads_placeholders_and_positions(app: Flask, threads, tmp_path: Path) -> None:
    ids = threads
    rows = _csv(app, tmp_path)
    cells = [
        (
            int(r["id"]),
            r["parent_id"],
            int(r["root_id"]),
            r["depth"],
            r["position"],
            r["visibility_code"],
        )
        for r in rows
    ]
    assert cells == [
        (ids["root"], "", ids["root"], "0", "1", "visible"),
        (ids["hidden"], str(ids["root"]), ids["root"], "1", "2", "removed"),
        (ids["reply"], str(ids["hidden"]), ids["root"], "2", "3", "visible"),
        (ids["deeper"], str(ids["reply"]), ids["root"], "3", "4", "visible"),
        (ids["later"], "", ids["later"], "0", "5", "visible"),
        (ids["elsewhere"], "", ids["elsewhere"], "0", "1", "visible"),
    ]
    placeholder = rows[1]
    assert placeholder["text"] == placeholder["author"] == placeholder["permalink"] == ""
    assert rows[0]["permalink"].endswith(f"/kommentit/{ids['root']}")
    assert rows[0]["created_at"].endswith(("+02:00", "+03:00"))

    everything = _csv(app, tmp_path, "--include-hidden")
    by_id = {int(r["id"]): r for r in everything}
    assert by_id[ids["hidden"]]["visibility_code"] == "hidden"
    assert by_id[ids["hidden"]]["text"] == "Piilotettu"
    assert by_id[ids["deleted"]]["visibility_code"] == "deleted"

    questions = _csv(app, tmp_path, "--kind", "question")
    assert [(int(r["id"]), r["visibility_code"]) for r in questions] == [
        (ids["root"], "removed"),
        (ids["hidden"], "removed"),
        (ids["reply"], "removed"),
        (ids["deeper"], "visible"),
    ]


def test_query_count_does_not_grow_with_the_comments(
    app: Flask, threads, tmp_path: Path, count_queries
) -> None:
    with count_queries() as few:
        run_export(app, "csv", tmp_path)
    section = make_section(make_page(make_workspace("Toinen työtila"), "Sivu"), "Osio")
    db.session.commit()
    writer = make_user("toinen@kunta.fi", profile_completed=True)
    first = make_comment(section, writer, "Alku")
    for number in range(40):
        make_comment(section, writer, f"Vastaus {number}", parent=first if number % 2 else None)
    with count_queries() as many:
        run_export(app, "csv", tmp_path)
    assert many.count == few.count


def test_pseudonyms_are_numbered_once_per_export(app: Flask, tmp_path: Path) -> None:
    workspace = make_workspace("Nimet")
    first = make_section(make_page(workspace, "Sivu"), "Ensimmäinen")
    second = make_section(make_page(workspace, "Sivu 2"), "Toinen")
    fox = make_user("kettu@kunta.fi", pseudonym="Kettu", name_display=NameDisplay.PSEUDONYM)
    owl = make_user("pollo@kunta.fi", pseudonym="Pöllö", name_display=NameDisplay.PSEUDONYM)
    org = make_user(
        "org@kunta.fi",
        organisation="  ",
        display_name="Nimi",
        name_display=NameDisplay.ORGANISATION,
    )
    make_comment(first, owl, "Pöllö ensin")
    make_comment(first, fox, "Kettu toisena")
    make_comment(second, fox, "Kettu taas")
    make_comment(second, org, "Järjestö ilman nimeä")
    make_comment(second, owl, "Pöllö taas")
    authors = {r["text"]: r["author"] for r in _csv(app, tmp_path)}
    assert authors == {
        "Pöllö ensin": "Osallistuja 1",
        "Kettu toisena": "Osallistuja 2",
        "Kettu taas": "Osallistuja 2",
        "Järjestö ilman nimeä": "Osallistuja 3",
        "Pöllö taas": "Osallistuja 1",
    }


def test_since_and_until_are_helsinki_days(app: Flask, tmp_path: Path) -> None:
    section = make_section(make_page(make_workspace("Päivät"), "Sivu"), "Osio")
    writer = make_user("aika@kunta.fi", display_name="Aika", profile_completed=True)
    late = make_comment(section, writer, "Puolenyön jälkeen Helsingissä")
    late.created_at = late.published_at = datetime(2027, 1, 4, 22, 30, tzinfo=UTC)
    db.session.commit()
    assert [r["created_at"] for r in _csv(app, tmp_path)] == ["2027-01-05T00:30:00+02:00"]
    assert len(_csv(app, tmp_path, "--since", "2027-01-05")) == 1
    assert _csv(app, tmp_path, "--until", "2027-01-04") == []
    assert len(_csv(app, tmp_path, "--until", "2027-01-05")) == 1


def test_themes_links_and_formula_cells(app: Flask, tmp_path: Path) -> None:
    workspace = make_workspace("Mallit")
    section = make_section(make_page(workspace, "=Sivu"), "Osio")
    moderator = make_user("moderaattori@kunta.fi", role=Role.MODERATOR, profile_completed=True)
    writer = make_user(
        "org@liitto.fi", organisation="@Liitto", name_display=NameDisplay.ORGANISATION
    )
    tagged = make_comment(section, writer, "-2+3", quote="+lainaus")
    plain = make_comment(section, writer, "Tavallinen")
    tag_comments([tagged.id], add_theme(workspace, "=Kaava"))
    tag_comments([tagged.id], add_theme(workspace, "Arki"))
    model = save_alternative(
        workspace, None, AlternativeKind.OPERATING_MODEL, "Malli A", "", AlternativeStatus.DRAFT
    )
    cost = add_criterion(workspace, "Kustannukset")
    link_comment(tagged, moderator, model, cost, Stance.SUPPORTS, "")
    link_comment(tagged, moderator, model, None, Stance.OPPOSES, "")
    db.session.commit()
    rows = {int(r["id"]): r for r in _csv(app, tmp_path)}
    row = rows[tagged.id]
    assert row["themes"] == "'=Kaava; Arki"  # the cell starts like a formula
    assert row["model_links"] == "Malli A – Kustannukset (Tukee); Malli A (Vastustaa)"
    assert (row["page"], row["author"], row["quote"], row["text"]) == (
        "'=Sivu",
        "'@Liitto",
        "'+lainaus",
        "'-2+3",
    )
    assert rows[plain.id]["themes"] == rows[plain.id]["model_links"] == ""
    themed = _csv(app, tmp_path, "--theme", "=Kaava")
    assert [int(r["id"]) for r in themed] == [tagged.id]
    linked = _csv(app, tmp_path, "--alternative", "Malli A")
    assert [int(r["id"]) for r in linked] == [tagged.id]
    # The alternative is matched by its whole title: "Malli" names none, nor does "Malli AB".
    assert _csv(app, tmp_path, "--alternative", "Malli") == []
    other = save_alternative(
        workspace, None, AlternativeKind.OPERATING_MODEL, "Malli AB", "", AlternativeStatus.DRAFT
    )
    link_comment(plain, moderator, other, None, Stance.SUPPORTS, "")
    db.session.commit()
    linked = _csv(app, tmp_path, "--alternative", "Malli A")
    assert [int(r["id"]) for r in linked] == [tagged.id]


def test_json_placeholders_carry_no_notes(app: Flask, threads, tmp_path: Path) -> None:
    ids = threads
    db.session.add(ModeratorNote(comment_id=ids["hidden"], body="Sisäinen"))
    db.session.add(ModeratorNote(comment_id=ids["reply"], body="Näkyvän huomio"))
    # Nor themes: the hidden comment's tags would tell what it was about.
    workspace = db.session.get(Workspace, threads["workspace"])
    tag_comments([ids["hidden"]], add_theme(workspace, "Salainen teema"))
    db.session.commit()
    data = json.loads(run_export(app, "json", tmp_path, "--include-notes").read_text("utf-8"))
    root = data["pages"][0]["sections"][0]["threads"][0]
    placeholder = root["replies"][0]
    assert placeholder["visibility_code"] == "removed" and "internal_notes" not in placeholder
    assert placeholder["themes"] == [] and placeholder["model_links"] == []
    assert placeholder["replies"][0]["internal_notes"] == "Näkyvän huomio"
    assert "Sisäinen" not in json.dumps(data, ensure_ascii=False)
    assert "Salainen teema" not in json.dumps(data["pages"], ensure_ascii=False)


def test_csv_streams_a_chunk_per_section(app: Flask, threads) -> None:
    pieces = list(services.chunks(threads["workspace"], "csv", ExportFilters(), "http://x"))
    assert len(pieces) == 3  # the header, then each of the two sections
    assert pieces[0].startswith("\ufeffid,permalink,")


def test_docx_is_a_readable_word_document(app: Flask, tmp_path: Path) -> None:
    from docx import Document

    section = make_section(make_page(make_workspace("Raportti"), "Sivu"), "Osio")
    writer = make_user("kirsi@kunta.fi", display_name="Kirsi", profile_completed=True)
    root = make_comment(section, writer, "Juuri")
    hidden = make_comment(section, writer, "Piilotettu", parent=root)
    make_comment(section, writer, "Vastaus", parent=hidden)
    make_comment(section, writer, 'Ohjausmerkki \x01 ja <tagi> & "lainaus"')
    hidden.visibility = Visibility.HIDDEN
    db.session.commit()
    out = run_export(app, "report-docx", tmp_path)
    with zipfile.ZipFile(out) as package:
        assert {"[Content_Types].xml", "word/document.xml", "word/styles.xml"} <= set(
            package.namelist()
        )
    paragraphs = Document(str(out)).paragraphs
    styles = [p.style.name for p in paragraphs]
    assert styles[0] == "Title" and "Heading 1" in styles and "Heading 2" in styles
    assert {"List Bullet", "List Bullet 2"} <= set(styles)
    text = "\n".join(p.text for p in paragraphs)
    assert 'Ohjausmerkki  ja <tagi> & "lainaus"' in text and "\x01" not in text
    removed = next(p for p in paragraphs if p.text.startswith("(poistettu kommentti"))
    assert removed.runs[0].italic
    author = next(p for p in paragraphs if p.text.startswith("Kirsi ("))
    assert author.runs[0].bold and author.runs[1].text == "Juuri"
