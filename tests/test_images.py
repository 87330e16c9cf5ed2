"""Pictures in the materials, through HTTP: uploads drawn again from their pixels, inserted into a
section's text with alt text and a caption, shown as a figure with srcset and served safely."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo
from sqlalchemy import select

from tests.factories import make_page, make_section, make_workspace
from tests.helpers import csrf_token, submit_form
from valuma_space.extensions import db
from valuma_space.materials.models import Attachment, Section


@pytest.fixture
def uploads(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "kuvat"
    app.config["UPLOAD_DIR"] = str(folder)
    return folder


@pytest.fixture
def section(app: Flask) -> Section:
    page = make_page(make_workspace(), "Vaiheet")
    return make_section(page, "Aineistonkeruu", "Tiedonkeruu rakentuu kolmesta vaiheesta.")


def _editor(section: Section) -> str:
    return f"/hallinta/aineisto/osiot/{section.id}"


def _upload(client: FlaskClient, section: Section, name: str, content: bytes):
    token = csrf_token(client.get(_editor(section)).get_data(as_text=True))
    return client.post(
        f"/hallinta/aineisto/osiot/{section.id}/liitteet",
        data={"csrf_token": token, "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def _attachment(name: str) -> Attachment:
    db.session.expire_all()
    return db.session.scalars(select(Attachment).where(Attachment.filename == name)).one()


def _png(width: int = 1000, height: int = 500, text: str | None = None) -> bytes:
    image = Image.new("RGB", (width, height), (11, 79, 138))
    info = PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Salainen kamera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (60.0, 10.0, 5.0)
    return exif


def _jpeg(orientation: int = 1) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 30, 30)).save(out, "JPEG", exif=_exif_with_gps(orientation))
    return out.getvalue()


def _webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 300), (30, 160, 60)).save(out, "WEBP", exif=_exif_with_gps())
    return out.getvalue()


def _insert(client: FlaskClient, section: Section, attachment: Attachment, **changes: str):
    return submit_form(
        client, _editor(section), "section-editor", action=f"insert:{attachment.id}", **changes
    )


def _publish(client: FlaskClient, section: Section, body: str):
    return submit_form(client, _editor(section), "section-editor", action="publish", body=body)


def test_uploaded_pictures_keep_nothing_but_their_pixels(
    section: Section, moderator: FlaskClient, uploads: Path
) -> None:
    polyglot = _png(text="salainen-sijainti") + b"<html><script>alert(1)</script></html>"
    jpeg = _jpeg(orientation=6)  # taken sideways: shown upright, 200 wide and 300 high
    assert b"salainen-sijainti" in polyglot and b"Exif" in jpeg and b"Salainen kamera" in jpeg
    for name, content in (("kaavio.png", polyglot), ("kuva.jpg", jpeg), ("kuva.webp", _webp())):
        assert _upload(moderator, section, name, content).status_code == 303

    png, photo, webp = _attachment("kaavio.png"), _attachment("kuva.jpg"), _attachment("kuva.webp")
    assert (png.content_type, photo.content_type, webp.content_type) == (
        "image/png",
        "image/jpeg",
        "image/webp",
    )
    assert (photo.width, photo.height) == (200, 300)
    assert [v.width for v in png.variants] == [480, 960, 1000]
    assert (png.variants[0].width, png.variants[0].height) == (480, 240)
    for attachment in (png, photo, webp):
        for name in [attachment.stored_name, *(v.stored_name for v in attachment.variants)]:
            data = (uploads / name).read_bytes()
            for secret in (b"salainen", b"<script", b"Exif", b"Salainen kamera", b"tEXt"):
                assert secret not in data, (name, secret)
            with Image.open(io.BytesIO(data)) as stored:
                assert not stored.getexif()
                assert "Comment" not in stored.info and "exif" not in stored.info
    with Image.open(uploads / png.stored_name) as stored:
        assert stored.size == (1000, 500) and stored.format == "PNG"


def test_a_file_that_only_claims_to_be_a_picture_is_refused(
    section: Section, moderator: FlaskClient, uploads: Path
) -> None:
    fake = b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 20
    response = _upload(moderator, section, "kuva.png", fake)
    page = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kuvatiedostoa ei voi lukea" in page
    assert db.session.scalar(select(db.func.count(Attachment.id))) == 0
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_a_picture_goes_into_the_text_with_alt_text_and_shows_as_a_figure(
    app: Flask, section: Section, moderator: FlaskClient, uploads: Path, count_queries
) -> None:
    reader = app.test_client()
    before = reader.get(f"/osio/{section.slug}")
    with count_queries() as plain:
        reader.get(f"/osio/{section.slug}")
    _upload(moderator, section, "kaavio.png", _png(1800, 900))
    picture = _attachment("kaavio.png")
    editor = moderator.get(_editor(section)).get_data(as_text=True)
    assert f'value="insert:{picture.id}"' in editor and "Lisää kuva tekstiin" in editor

    # Without alt text: refused, saying why, and the text typed so far is still in the form.
    typed = "Tiedonkeruu rakentuu kolmesta vaiheesta.\n\nKuva alla."
    refused = _insert(moderator, section, picture, body=typed, **{f"caption-{picture.id}": "K"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Kuvalta puuttuu vaihtoehtoinen teksti: kaavio.png" in html.unescape(page)
    assert "Kuva alla." in page and 'aria-invalid="true"' in page and 'value="K"' in page

    inserted = _insert(
        moderator,
        section,
        picture,
        body=typed,
        **{
            f"alt-{picture.id}": "Kaavio [kolme] vaihetta",
            f"caption-{picture.id}": 'Kuva 1 "vaiheet"',
        },
    )
    assert inserted.status_code == 200
    body = re.search(r"<textarea[^>]*>(.*?)</textarea>", inserted.get_data(as_text=True), re.S)
    text = html.unescape(body.group(1)).strip()
    snippet = rf'![Kaavio \[kolme\] vaihetta](attachment:{picture.id} "Kuva 1 \"vaiheet\"")'
    assert text.startswith("Tiedonkeruu") and text.endswith(snippet)
    assert "<figure>" in inserted.get_data(as_text=True)  # the preview shows it already
    db.session.expire_all()
    assert "attachment:" not in db.session.get(Section, section.id).body_markdown  # not saved

    assert _publish(moderator, section, text).status_code == 303
    page = reader.get(f"/osio/{section.slug}").get_data(as_text=True)
    figure = re.search(r"<figure>(.*?)</figure>", page, re.S).group(1)
    assert 'alt="Kaavio [kolme] vaihetta"' in figure
    assert html.unescape(re.search(r"<figcaption>(.*?)</figcaption>", figure).group(1)) == (
        'Kuva 1 "vaiheet"'
    )
    assert 'width="1800" height="900"' in figure and 'loading="lazy"' in figure
    assert 'sizes="(min-width: 48rem) 46rem, calc(100vw - 2rem)"' in figure
    srcset = dict(
        reversed(part.strip().split(" "))
        for part in re.search(r'srcset="([^"]+)"', figure).group(1).split(",")
    )
    assert list(srcset) == ["480w", "960w", "1600w"]
    for width, url in srcset.items():
        served = reader.get(url)
        assert served.status_code == 200 and served.mimetype == "image/png"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        cache = served.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "private" in cache
        with Image.open(io.BytesIO(served.data)) as image:
            assert f"{image.width}w" == width
    src = re.search(r' src="([^"]+)"', figure).group(1)
    assert src == srcset["960w"]

    # The picture costs the page no query: it was rendered when published.
    with count_queries() as pictured:
        reader.get(f"/osio/{section.slug}")
    assert before.status_code == 200 and pictured.count == plain.count

    # A picture the text shows is not deleted from under it.
    delete = f"/hallinta/aineisto/liitteet/{picture.id}/poista"
    token = csrf_token(moderator.get(_editor(section)).get_data(as_text=True))
    refused = moderator.post(delete, data={"csrf_token": token})
    assert "Kuva näkyy osion tekstissä" in moderator.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    assert reader.get(src).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "![Kaavio](https://example.com/kaavio.png)",
            "Kuvaa ei voi näyttää: https://example.com/kaavio.png",
        ),
        ("![Kaavio](kaavio.png)", "Kuvaa ei voi näyttää: kaavio.png"),
        ("![Kaavio](attachment:999999)", "Kuvaa ei voi näyttää: attachment:999999"),
        ("![](attachment:{own})", "Kuvalta puuttuu vaihtoehtoinen teksti: oma.png"),
        ("Katso ![Kaavio](attachment:{own}) tästä.", "Kuva on kirjoitettava omaksi kappaleekseen"),
        ("![Kaavio](attachment:{other})", "Kuvaa ei voi näyttää: attachment:"),
    ],
)
def test_publishing_refuses_a_picture_that_cannot_be_shown(
    section: Section, moderator: FlaskClient, uploads: Path, body: str, message: str
) -> None:
    _upload(moderator, section, "oma.png", _png(200, 100))
    other = make_section(section.page, "Toinen osio")
    _upload(moderator, other, "toisen.png", _png(200, 100))
    own, others = _attachment("oma.png"), _attachment("toisen.png")
    text = "Teksti ennen kuvaa.\n\n" + body.format(own=own.id, other=others.id)
    for action in ("publish", "draft", "preview"):
        response = submit_form(
            moderator, _editor(section), "section-editor", action=action, body=text
        )
        page = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 400, action
        assert message in page and "Teksti ennen kuvaa." in page, action
    db.session.expire_all()
    saved = db.session.get(Section, section.id)
    assert saved.version == 1 and saved.draft_markdown is None


def test_an_svg_is_only_a_download(
    app: Flask, section: Section, moderator: FlaskClient, uploads: Path
) -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
    assert _upload(moderator, section, "kaavio.svg", svg).status_code == 303
    drawing = _attachment("kaavio.svg")
    assert drawing.content_type == "image/svg+xml" and drawing.width is None
    assert (uploads / drawing.stored_name).read_bytes() == svg  # never re-encoded
    editor = moderator.get(_editor(section)).get_data(as_text=True)
    assert (
        f'value="insert:{drawing.id}"' not in editor and "SVG-kuva on vain ladattavissa" in editor
    )

    refused = _publish(moderator, section, f"![Kaavio](attachment:{drawing.id})")
    assert refused.status_code == 400 and "Kuvaa ei voi näyttää" in refused.get_data(as_text=True)

    page = app.test_client().get(f"/osio/{section.slug}").get_data(as_text=True)
    assert "<img" not in page
    href = re.search(r'href="(/liitteet/\d+/[^"]+)">kaavio.svg', page).group(1)
    download = app.test_client().get(href)
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.mimetype == "image/svg+xml"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_a_hidden_sections_pictures_are_not_served_to_readers(
    app: Flask, section: Section, moderator: FlaskClient, uploads: Path
) -> None:
    _upload(moderator, section, "kaavio.png", _png(200, 100))
    picture = _attachment("kaavio.png")
    url = f"/kuvat/{picture.variants[0].stored_name}"
    assert app.test_client().get(url).status_code == 200
    section = db.session.get(Section, section.id)
    section.is_published = False
    db.session.commit()
    assert app.test_client().get(url).status_code == 404
    assert moderator.get(url).status_code == 200
    assert app.test_client().get("/kuvat/olematon-480.png").status_code == 404
