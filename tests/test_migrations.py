"""The migrations are the only way the schema changes: they must build exactly what the models say."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

from valuma_space.db import UTCDateTime
from valuma_space.extensions import db
from valuma_space.materials.models import Section

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _script_directory() -> ScriptDirectory:
    config = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_there_is_exactly_one_head() -> None:
    heads = _script_directory().get_heads()
    assert len(heads) == 1, f"several Alembic heads, rebase your revision: {heads}"


def _compare_types(context, inspected_column, metadata_column, inspected_type, metadata_type):
    # Migrations write UTCDateTime as plain DateTime on purpose (db.render_migration_item).
    if isinstance(metadata_type, UTCDateTime):
        return not isinstance(inspected_type, type(metadata_type.impl))
    return None


def test_the_migrated_schema_matches_the_models(app: Flask) -> None:
    """The test database was built by `flask db upgrade` (conftest); nothing may differ."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": _compare_types, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
        current = context.get_current_revision()
    assert differences == [], differences
    assert current == _script_directory().get_current_head()


def test_every_foreign_key_says_what_happens_on_delete() -> None:
    for table in db.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            assert foreign_key.ondelete, f"{table.name}.{foreign_key.parent.name} has no ondelete"


def test_constraint_names_follow_the_convention() -> None:
    assert db.metadata.naming_convention["uq"].startswith("uq_")
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if constraint.name is not None:
                assert constraint.name.split("_")[0] in {"pk", "uq", "fk", "ck", "ix"}


def test_flask_db_upgrade_builds_an_empty_sqlite_file(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    database = tmp_path / "fresh.db"
    environ = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "VALUMA_ENV": "development"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=MIGRATIONS.parent,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    import sqlite3

    with sqlite3.connect(database) as connection:
        tables = {
            row[0]
            for row in connection.execute("select name from sqlite_master where type='table'")
        }
    assert {"workspaces", "pages", "sections", "users", "alembic_version"} <= tables


def test_one_report_per_person_keeps_the_first_and_any_open_one(app: Flask) -> None:
    """The migration that makes reports unique per person and comment, on data that has
    duplicates: the first report stays, open if any of that person's was."""
    import flask_migrate
    from sqlalchemy import insert, select

    from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
    from valuma_space.moderation.models import Report, ReportStatus

    section = make_section(make_page(make_workspace(), "Tausta"), "Osio", "Teksti.")
    comment_id = make_comment(section, make_user("k@kunta.fi"), "Kommentti.").id
    first, second = make_user("a@kunta.fi").id, make_user("b@kunta.fi").id
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(revision="e1c32d8b175b")  # rows stay; only the constraint goes
    try:
        rows = [
            (first, ReportStatus.DISMISSED),
            (first, ReportStatus.OPEN),
            (second, ReportStatus.DISMISSED),
            (second, ReportStatus.DISMISSED),
            (None, ReportStatus.OPEN),
            (None, ReportStatus.OPEN),
        ]
        for reporter_id, status in rows:
            db.session.execute(
                insert(Report).values(
                    comment_id=comment_id, reporter_id=reporter_id, reason="x", status=status
                )
            )
        db.session.commit()
        db.session.remove()
    finally:
        flask_migrate.upgrade()
    kept = db.session.execute(select(Report.reporter_id, Report.status).order_by(Report.id)).all()
    assert kept == [
        (first, ReportStatus.OPEN),
        (second, ReportStatus.DISMISSED),
        (None, ReportStatus.OPEN),
        (None, ReportStatus.OPEN),
    ]


def test_stored_text_gets_line_feeds_and_comments_their_plain_text(app: Flask) -> None:
    """Text stored with the CR LF that browsers send becomes line feeds, and every comment
    gets the plain text that later writes derive."""
    import flask_migrate
    from sqlalchemy import select, text

    from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
    from valuma_space.comments.models import Comment

    section = make_section(make_page(make_workspace(), "Tausta"), "Osio", "Teksti.")
    comment_id = make_comment(section, make_user("k@kunta.fi"), "Kommentti.").id
    db.session.commit()
    db.session.remove()
    flask_migrate.downgrade(revision="c4f1a9e2d6b8")
    try:
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE comments SET body_markdown = :body WHERE id = :id"),
                {"body": "**Tärkeä** asia.\r\n\r\n- yksi\r\n- kaksi\rloppu", "id": comment_id},
            )
            connection.execute(
                text("UPDATE sections SET body_markdown = :body"), {"body": "A\r\nB"}
            )
        db.session.remove()
    finally:
        flask_migrate.upgrade()
    comment = db.session.get(Comment, comment_id)
    assert comment.body_markdown == "**Tärkeä** asia.\n\n- yksi\n- kaksi\nloppu"
    assert comment.body_text == "Tärkeä asia.\n\n- yksi\n- kaksi\n  loppu"
    assert db.session.scalars(select(Section.body_markdown)).one() == "A\nB"
