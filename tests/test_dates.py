"""Dates and times the way Finnish public services write them, in every language: day before
month and the 24-hour clock, from one place (i18n.format_datetime and format_date)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from valuma_space.extensions import db


@pytest.mark.parametrize(
    ("lang", "written", "period"),
    [
        ("fi", "1.12.2026 klo 19.13", "1. joulukuuta 2026"),
        ("sv", "1.12.2026 kl. 19.13", "1 december 2026"),
        ("en", "1.12.2026 at 19.13", "1 December 2026"),
    ],
)
def test_every_language_writes_day_month_and_24_hours(
    app: Flask, lang: str, written: str, period: str
) -> None:
    workspace = make_workspace()
    section = make_section(make_page(workspace, "Tausta"), "Tavoitteet", "Teksti")
    workspace.comments_open_at = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # 1.12. in Helsinki
    comment = make_comment(section, make_user("maija@kunta.fi", display_name="Maija"), "Hei.")
    comment.created_at = datetime(2026, 12, 1, 17, 13, tzinfo=UTC)  # 19.13 in Helsinki
    db.session.commit()
    client = app.test_client()
    client.set_cookie("lang", lang)
    html = client.get(f"/osio/{section.slug}").get_data(as_text=True)
    assert written in html
    home = client.get("/").get_data(as_text=True)
    assert period in home
    html += home
    for american in ("12/1/26", "7:13 PM", "2026-12-01 19"):
        assert american not in html
