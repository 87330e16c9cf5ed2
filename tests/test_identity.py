"""The workspace's own look, set in its settings: accent colour, logo, cover picture, organisers."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.factories import make_user, make_workspace
from tests.helpers import _FormReader, login_as
from valuma_space.extensions import db
from valuma_space.workspaces.models import Workspace

SETTINGS = "/hallinta/asetukset"


@pytest.fixture
def uploads(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "tyotila"
    app.config["UPLOAD_DIR"] = str(folder)
    return folder


def _save(client: FlaskClient, **changes: object):
    """The settings form as it stands, with `changes` (files as (bytes, name)), sent as a browser
    sends it: multipart, unticked boxes left out."""
    reader = _FormReader("settings-form")
    reader.feed(client.get(SETTINGS).get_data(as_text=True))
    data: dict[str, object] = dict(reader.fields)
    data.pop("logo", None)
    data.pop("cover", None)
    for name, value in changes.items():
        data[name] = (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
    return client.post(SETTINGS, data=data, content_type="multipart/form-data")


def _png(width: int, height: int, colour=(29, 122, 79)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def _workspace() -> Workspace:
    db.session.expire_all()
    return db.session.scalars(db.select(Workspace)).one()


def test_an_accent_failing_aa_is_refused_with_the_ratios_and_the_form_filled_in(
    app: Flask, moderator: FlaskClient
) -> None:
    make_workspace()
    response = _save(moderator, accent_color="#ffcc00", organisers="MDI\nNordregio")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert (
        "Väri #ffcc00: valkoinen teksti sen päällä 1,5:1, linkit sivun taustalla 1,3:1; "
        "vähintään 4,5:1 tarvitaan." in html
    )
    assert 'value="#ffcc00"' in html  # what was typed comes back
    assert "MDI\nNordregio" in html
    assert 'aria-invalid="true"' in html
    assert _workspace().accent_color == ""
    assert "/tyotila.css" not in moderator.get("/").get_data(as_text=True)


@pytest.mark.parametrize("colour", ["#767676", "ffcc00", "#12345", "red"])
def test_other_unusable_colours_are_refused(
    app: Flask, moderator: FlaskClient, colour: str
) -> None:
    make_workspace()
    assert _save(moderator, accent_color=colour).status_code == 400
    assert _workspace().accent_color == ""


def test_an_accent_that_passes_is_applied_on_every_page(
    app: Flask, moderator: FlaskClient, client: FlaskClient
) -> None:
    make_workspace()
    assert _save(moderator, accent_color="#1D7A4F").status_code == 302
    assert _workspace().accent_color == "#1d7a4f"
    for path in ["/", "/saavutettavuus", "/kirjaudu"]:
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="stylesheet" href="/tyotila.css?v=1d7a4f">' in html, path
    css = client.get("/tyotila.css?v=1d7a4f")
    assert css.mimetype == "text/css"
    assert "--brand: #1d7a4f;" in css.get_data(as_text=True)
    assert "--brand-dark: #165c3b;" in css.get_data(as_text=True)
    assert css.cache_control.max_age and css.cache_control.max_age > 86400
    # An old address of the stylesheet is not cached for long: the colour may have changed.
    assert client.get("/tyotila.css?v=0b4f8a").cache_control.max_age is None
    # The policy forbids inline styles, and the page needs none.
    assert "style=" not in client.get("/").get_data(as_text=True)


def test_the_logo_shows_in_the_header(
    app: Flask, moderator: FlaskClient, client: FlaskClient, uploads: Path
) -> None:
    make_workspace(title="VALUMA-hanke")
    assert _save(moderator, logo=(_png(1200, 300), "logo.png")).status_code == 302
    name = _workspace().logo_image
    assert name.endswith("-480.png")
    html = client.get("/").get_data(as_text=True)
    header = html[html.index('class="brand"') : html.index("</a>", html.index('class="brand"'))]
    assert f'src="/tyotila/kuva/{name}"' in header and "VALUMA-hanke" in header
    picture = client.get(f"/tyotila/kuva/{name}")
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert Image.open(io.BytesIO(picture.data)).width == 480
    assert client.get("/tyotila/kuva/muu.png").status_code == 404
    # Replaced, the old file goes.
    assert _save(moderator, logo=(_png(200, 80), "uusi.png")).status_code == 302
    assert not (uploads / name).exists()
    assert client.get(f"/tyotila/kuva/{name}").status_code == 404


def test_a_cover_without_alt_text_is_refused(
    app: Flask, moderator: FlaskClient, client: FlaskClient, uploads: Path
) -> None:
    make_workspace()
    response = _save(moderator, cover=(_png(2000, 800), "kansi.png"), cover_alt=" ")
    assert response.status_code == 400
    assert "Kirjoita kansikuvalle tekstivastine" in response.get_data(as_text=True)
    assert _workspace().cover_image == ""

    alt = "Kartta Suomen kaupunkiseuduista ja niiden välisistä yhteyksistä"
    assert _save(moderator, cover=(_png(2000, 800), "kansi.png"), cover_alt=alt).status_code == 302
    workspace = _workspace()
    assert workspace.cover_image.endswith("-1600.png")
    html = client.get("/").get_data(as_text=True)
    assert re.search(
        rf'<img class="hero-cover" src="/tyotila/kuva/{workspace.cover_image}" alt="{alt}"', html
    )
    # Keeping the picture, its text cannot be emptied; removing it, it can.
    assert _save(moderator, cover_alt="").status_code == 400
    assert _save(moderator, cover_alt="", remove_cover="y").status_code == 302
    assert _workspace().cover_image == ""
    assert "hero-cover" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a picture", "PNG-, JPEG- tai WebP-tiedosto"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "Kuvatiedostoa ei voi lukea"),
    ],
)
def test_what_is_not_a_picture_is_refused_in_finnish(
    app: Flask, moderator: FlaskClient, uploads: Path, content: bytes, message: str
) -> None:
    make_workspace()
    response = _save(moderator, logo=(content, "logo.png"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _workspace().logo_image == ""


def test_a_too_large_picture_is_refused(
    app: Flask, moderator: FlaskClient, uploads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from valuma_space.admin import workspace_routes

    monkeypatch.setattr(workspace_routes, "IDENTITY_IMAGE_MB", 0)
    make_workspace()
    response = _save(moderator, logo=(_png(100, 100), "logo.png"))
    assert response.status_code == 400
    assert "Kuva on liian suuri" in response.get_data(as_text=True)


def test_the_organisers_show_in_the_footer(
    app: Flask, moderator: FlaskClient, client: FlaskClient
) -> None:
    make_workspace()
    saved = _save(
        moderator,
        organisers="MDI\n  Forefront Oy\n\nNordregio",
        partners="MAL-verkosto\nSeutukaupunkiverkosto",
    )
    assert saved.status_code == 302
    assert _workspace().organisers == "MDI\nForefront Oy\nNordregio"
    html = client.get("/saavutettavuus").get_data(as_text=True)
    footer = html[html.index('class="site-footer"') :]
    for name in ["MDI", "Forefront Oy", "Nordregio", "MAL-verkosto", "Seutukaupunkiverkosto"]:
        assert f'<li lang="fi">{name}</li>' in footer
    assert "Toteuttajat" in footer and "Kumppanit" in footer


def test_a_participant_cannot_change_the_look(app: Flask, client: FlaskClient) -> None:
    make_workspace()
    make_user("osallistuja@kunta.fi", profile_completed=True)
    login_as(client, "osallistuja@kunta.fi")
    assert client.get(SETTINGS).status_code == 403
