from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from valuma_space.auth.models import Role, User
from valuma_space.demo.builder import DEMO_COMMENT_DAYS
from valuma_space.extensions import db
from valuma_space.materials.models import Page, Section
from valuma_space.workspaces.models import ReadingAccess, Workspace

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "valuma-hanke.txt"


def _run_demo(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["valuma", "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_builds_the_study_workspace(app: Flask, client: FlaskClient) -> None:
    output = _run_demo(app)
    assert "moderaattori@valuma.example" in output and "admin@valuma.example" in output
    workspace = db.session.scalars(select(Workspace)).one()
    assert workspace.reading_access == ReadingAccess.PUBLIC
    assert workspace.accepts_comments()
    assert workspace.comments_close_at - workspace.comments_open_at == timedelta(
        days=DEMO_COMMENT_DAYS
    )
    assert db.session.scalar(select(func.count(Page.id))) >= 3
    assert db.session.scalar(select(func.count(Section.id))) >= 8
    roles = dict(db.session.execute(select(User.email, User.role)).all())
    assert roles["moderaattori@valuma.example"] == Role.MODERATOR
    assert roles["admin@valuma.example"] == Role.ADMIN

    html = client.get("/").get_data(as_text=True)
    assert "Aluekehittämisen verkostoyhteistyön toimintamalli" in html
    assert '<html lang="fi">' in html


def test_demo_is_safe_to_run_twice(app: Flask) -> None:
    _run_demo(app)
    counts = [
        db.session.scalar(select(func.count(model.id)))
        for model in (Workspace, Page, Section, User)
    ]
    second = _run_demo(app)
    assert "Refreshed" in second
    db.session.expire_all()
    assert counts == [
        db.session.scalar(select(func.count(model.id)))
        for model in (Workspace, Page, Section, User)
    ]


def test_demo_covers_what_the_study_description_says(app: Flask) -> None:
    """Aims, questions, the three phases, the consortium, the timeline and the final seminar,
    each fact as the description states it."""
    _run_demo(app)
    seed = " ".join(SEED.read_text(encoding="utf-8").split()) if SEED.exists() else None
    text = " ".join(" ".join(s.body_markdown for s in db.session.scalars(select(Section))).split())
    facts = [
        "kartoittaa vaihtoehdot aluekehittämisen verkostoyhteistyön toimintamalleista ja rahoitusvaihtoehdoista",
        "millainen ennakkoarviointikehikko verkostomaiselle toimintatavalle voidaan luoda",
        "Forefront Oy",
        "Nordregio",
        "MAL- ja seutukaupunkiverkostot",
        "5/2019 – 2/2020",
        "13.2.2020",
        "Aleksanterinkatu 7, Pankkisali",
        "syyskuussa 2019",
    ]
    for fact in facts:
        assert fact.lower() in text.lower(), fact
        if seed:
            assert fact.lower() in seed.lower(), f"not in the study description: {fact}"
