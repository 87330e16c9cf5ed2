"""Exports of 100,000 comments: time and peak memory per format, and CSV against a plain limit.

    .venv/bin/python bench/export.py [--comments 100000] [--formats csv] [--keep-db PATH]

Seeds a fresh SQLite database (the demo workspace, 100,000 threaded comments across its sections,
200 authors with all three name choices, themes and model links), then runs
`flask valuma export` for each format in a process of its own and prints the wall time and the
peak resident memory of that process (target: csv, xlsx, json and report-html under 200 MB).
For CSV it also runs the limit: one SQL query joining comments with their authors and sections,
written with a plain csv.writer as many columns wide as the export, in the same kind of process;
it prints `ratio: X` (limit time / export time; target 0.5 or better). Seeding takes a while: `--keep-db PATH` seeds
PATH once and reuses it on later runs.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The tree whose app is measured: this file's own, or the one bench/compare_commits.py names,
# so that one revision of the benchmark measures two revisions of the app.
ROOT = Path(os.environ.get("VALUMA_TREE") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
FORMATS = ["csv", "xlsx", "json", "report-html", "report-md", "report-docx"]


def seed(env: dict[str, str], count: int) -> None:
    os.environ.update(env)
    import flask_migrate
    from sqlalchemy import insert, select

    from config import config_from_env
    from valuma_space import create_app
    from valuma_space.auth.models import User
    from valuma_space.comments.models import Comment
    from valuma_space.demo.builder import build_demo
    from valuma_space.extensions import db
    from valuma_space.materials.models import Section
    from valuma_space.modeldesign.models import (
        Alternative,
        CommentLink,
        Criterion,
        Theme,
        comment_themes,
    )

    app = create_app(config_from_env())
    with app.app_context():
        flask_migrate.upgrade()
        build_demo()
        workspace_id = db.session.scalar(select(Section.workspace_id).limit(1))
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"bench{n}@kunta{n % 9}.fi",
                    "display_name": f"Osallistuja Nimi {n}",
                    "organisation": f"Organisaatio {n % 40}",
                    "pseudonym": f"Nimimerkki {n}",
                    "name_display": ("full_name", "organisation", "pseudonym")[n % 3],
                    "role": "participant",
                    "locale": "fi",
                    "session_token": f"t{n}",
                    "profile_completed": True,
                    "created_at": datetime.now(UTC),
                }
                for n in range(200)
            ],
        )
        db.session.execute(
            insert(Theme), [{"workspace_id": workspace_id, "name": f"Teema {n}"} for n in range(8)]
        )
        db.session.execute(
            insert(Alternative),
            [
                {
                    "workspace_id": workspace_id,
                    "kind": "operating_model",
                    "title": f"Malli {n}",
                    "description_markdown": "",
                    "description_html": "",
                    "status": "draft",
                    "position": n,
                }
                for n in range(5)
            ],
        )
        db.session.execute(
            insert(Criterion),
            [
                {"workspace_id": workspace_id, "name": f"Kriteeri {n}", "position": n}
                for n in range(5)
            ],
        )
        users = db.session.scalars(select(User.id).where(User.email.like("bench%"))).all()
        sections = db.session.scalars(select(Section.id)).all()
        themes = db.session.scalars(select(Theme.id)).all()
        alternatives = db.session.scalars(select(Alternative.id)).all()
        criteria = db.session.scalars(select(Criterion.id)).all()
        db.session.commit()
        random.seed(1)
        start = datetime.now(UTC) - timedelta(days=60)
        text = "aluekehittämisen verkostoyhteistyö " * 8
        # The same seed serves the revisions before and after comments kept their plain text.
        has_plain_text = hasattr(Comment, "body_text")
        per_section: dict[int, list[int]] = {s: [] for s in sections}
        batch = []
        next_id = 1
        for i in range(count):
            section = sections[i % len(sections)]
            recent = per_section[section][-40:]
            parent = random.choice(recent) if recent and random.random() < 0.6 else None
            batch.append(
                {
                    "id": next_id,
                    "section_id": section,
                    "parent_id": parent,
                    "author_id": users[i % len(users)],
                    "kind": ("comment", "question", "proposal")[i % 3],
                    "body_markdown": f"Kommentti {i}: {text}",
                    "body_html": f"<p>Kommentti {i}: {text}</p>",
                    **({"body_text": f"Kommentti {i}: {text}"} if has_plain_text else {}),
                    "quote": "",
                    "visibility": "visible",
                    "agree_count": i % 5,
                    "idempotency_key": f"bench-{i}",
                    "created_at": start + timedelta(seconds=i * 50),
                    "triage_status": "new",
                    "moderation_reason": "",
                    "published_at": start + timedelta(seconds=i * 50),
                    "by_moderator": False,
                    "section_version": 1,
                }
            )
            per_section[section].append(next_id)
            next_id += 1
            if len(batch) == 5000:
                db.session.execute(insert(Comment), batch)
                batch = []
        if batch:
            db.session.execute(insert(Comment), batch)
        db.session.execute(
            insert(comment_themes),
            [
                {"comment_id": c, "theme_id": themes[c % len(themes)]}
                for c in range(1, count + 1, 7)
            ],
        )
        db.session.execute(
            insert(CommentLink),
            [
                {
                    "comment_id": c,
                    "alternative_id": alternatives[c % 5],
                    "criterion_id": criteria[c % 5],
                    "stance": "supports",
                    "note": "",
                    "created_at": datetime.now(UTC),
                }
                for c in range(1, count + 1, 11)
            ],
        )
        db.session.commit()


LIMIT_QUERY = (
    "SELECT c.id, 'http://127.0.0.1:5000/kommentit/' || c.id, p.title, s.heading,"
    " c.section_version, c.quote, c.parent_id, c.id, 0, c.id, c.created_at, c.edited_at,"
    " u.display_name, u.organisation, u.organisation_type, u.organisation_type, u.region,"
    " u.region, c.agree_count, c.kind, c.kind, c.visibility, c.visibility, c.triage_status,"
    " c.triage_status, c.moderation_reason, '', '', c.by_moderator, c.body_text,"
    " c.body_markdown "
    "FROM comments c JOIN sections s ON s.id = c.section_id JOIN pages p ON p.id = s.page_id"
    " LEFT JOIN users u ON u.id = c.author_id "
    "ORDER BY s.id, c.created_at"
)


def limit_csv(database: str, out: str) -> None:
    """The bare limit: one query and a plain csv.writer, writing as many columns as the export
    with text of the same kind, so that the ratio measures the export's own work (thread order,
    names as people chose them, labels, formula safety) and not how much it writes. What needs
    that work is written as the stored codes, or the id where a position would stand."""
    connection = sqlite3.connect(database)
    query = LIMIT_QUERY
    if not _has_column(connection, "comments", "body_text"):
        # Seeded by a revision from before comments kept their plain text.
        query = query.replace("c.body_text", "c.body_markdown")
    rows = connection.execute(query)
    with open(out, "w", newline="", encoding="utf-8-sig") as target:
        writer = csv.writer(target)
        writer.writerow([column[0] for column in rows.description])
        writer.writerows(rows)


def _has_column(connection: sqlite3.Connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in connection.execute(f"PRAGMA table_info({table})"))


def child(argv: list[str]) -> None:
    """Run one export in this process and report its own time and peak memory."""
    if argv[0] == "limit":
        started = time.perf_counter()
        limit_csv(argv[1], argv[2])
    else:
        from wsgi import app  # starting the app is not part of the export's time

        runner = app.test_cli_runner()
        started = time.perf_counter()
        result = runner.invoke(args=["valuma", "export", "--format", argv[0], "--out", argv[1]])
        if result.exit_code != 0:
            raise SystemExit(result.output)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f} {peak_mb:.0f}")


def _measure(env: dict[str, str], *argv: str) -> tuple[float, float]:
    """Seconds and peak megabytes of one `child` run, in a process of its own."""
    line = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(line[-2]), float(line[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="comma-separated (default: all)"
    )
    parser.add_argument(
        "--keep-db",
        type=Path,
        help="seed this SQLite file if it does not exist, else reuse it (its --comments as seeded)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="valuma-export-bench-"))
    database = args.keep_db.resolve() if args.keep_db else work / "bench.db"
    env = {
        **os.environ,
        "VALUMA_ENV": "development",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "bench-" + "k" * 40,
    }
    if database.exists():
        print(f"reusing {database}")
    else:
        started = time.perf_counter()
        seed(env, args.comments)
        print(f"seeded {args.comments} comments in {time.perf_counter() - started:.0f} s")
    results = {}
    for fmt in args.formats.split(","):
        out = work / f"export.{fmt}"
        seconds, peak = _measure(env, fmt, str(out))
        results[fmt] = seconds
        print(
            f"{fmt:12s} {seconds:7.2f} s  peak {peak:5.0f} MB  {out.stat().st_size / 1e6:7.1f} MB written"
        )
    if "csv" not in results:  # the limit is only for comparing the CSV export
        return
    limit_seconds, limit_peak = _measure(env, "limit", str(database), str(work / "limit.csv"))
    print(f"{'csv limit':12s} {limit_seconds:7.2f} s  peak {limit_peak:5.0f} MB")
    print(f"ratio: {limit_seconds / results['csv']:.2f}")


if __name__ == "__main__":
    main()
