"""Exports of 100,000 comments: time and peak memory per format, each against a plain CSV limit.

    .venv/bin/python bench/export.py [--comments 100000] [--formats csv] [--rounds 3] [--keep-db PATH]

Seeds a fresh SQLite database (the demo workspace, 100,000 threaded comments across its sections,
200 authors with all three name choices, themes and model links) in a child process of its own,
so that nothing the seeding imported or built stays in the process that starts the measured runs.
Then, ROUNDS times, for each format it runs `flask valuma export` and then the limit, alternately
(A B A B A B): one SQL query joining comments with their authors and sections, written with a
plain csv.writer as many columns wide as the CSV export.

Each measured run is a fresh interpreter started with exec (`python bench/export.py --child ...`,
whose top-level imports are a few standard modules), never a fork of a process that has already
built things. The child measures itself: its wall time (the export's or the limit's work; starting
the app is not counted) and its peak resident memory, read from VmHWM in /proc/self/status once
its work is done (after exec that high-water mark is the child's own, unlike ru_maxrss, which
Linux carries over exec from the process that forked). It prints them as one JSON line.

Prints min / median / max of time and of peak memory for each format and for its limit runs
(target: csv, xlsx, json and report-html under 200 MB), and for each format
`ratio <format>: X`, where X is the limit's time over the export's (limit seconds / export
seconds, the median over the rounds of each round's pair; 1.0 would be as fast as the bare limit,
higher is better; target for csv 0.5 or better). The last line is `ratio: X`, the same ratio for
csv alone, as this script always printed (bench/compare_commits.py reads it). Seeding takes a
while: `--keep-db PATH` seeds PATH once and reuses it on later runs.
"""

from __future__ import annotations

# Only what a child needs: the limit's child must not carry the parent's imports.
import json
import os
import sys
import time
from pathlib import Path

# The tree whose app is measured: this file's own, or the one bench/compare_commits.py names,
# so that one revision of the benchmark measures two revisions of the app.
ROOT = Path(os.environ.get("VALUMA_TREE") or Path(__file__).resolve().parent.parent)
FORMATS = ["csv", "xlsx", "json", "report-html", "report-md", "report-docx"]


def seed(count: int) -> None:
    """Build the database named by DATABASE_URL (run in a child of its own, see `main`)."""
    import random
    from datetime import UTC, datetime, timedelta

    import flask_migrate
    from sqlalchemy import func, insert, select

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
        # The demo brings comments of its own: the bench's follow them.
        first_id = next_id = (db.session.scalar(select(func.max(Comment.id))) or 0) + 1
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
                for c in range(first_id, next_id, 7)
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
                for c in range(first_id, next_id, 11)
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
    import csv
    import sqlite3

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


def _has_column(connection, table: str, column: str) -> bool:
    return any(row[1] == column for row in connection.execute(f"PRAGMA table_info({table})"))


def peak_mb() -> float:
    """This process's own peak resident memory: VmHWM, reset by exec, unlike ru_maxrss."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM in /proc/self/status")


def child(argv: list[str]) -> None:
    """Run one export (or the limit, or the seeding) in this process, started with exec, and
    print its own time and peak memory as one JSON line."""
    sys.path.insert(0, str(ROOT))
    if argv[0] == "seed":
        started = time.perf_counter()
        seed(int(argv[1]))
    elif argv[0] == "limit":
        started = time.perf_counter()
        limit_csv(argv[1], argv[2])
    elif argv[0] == "app-start":  # what every export child holds before it exports anything
        started = time.perf_counter()
        import wsgi  # noqa: F401
    else:
        from wsgi import app  # starting the app is not part of the export's time

        runner = app.test_cli_runner()
        started = time.perf_counter()
        result = runner.invoke(args=["valuma", "export", "--format", argv[0], "--out", argv[1]])
        if result.exit_code != 0:
            raise SystemExit(result.output)
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb()}))


def _measure(env: dict[str, str], *argv: str) -> tuple[float, float]:
    """Seconds and peak megabytes of one `child` run, in a fresh interpreter (exec) of its own."""
    import subprocess

    result = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{argv}: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["seconds"], report["peak_mb"]


def _spread(values: list[float], unit: str, digits: int) -> str:
    import statistics

    return (
        f"min {min(values):.{digits}f} / median {statistics.median(values):.{digits}f} /"
        f" max {max(values):.{digits}f} {unit}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    import argparse
    import statistics
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help="comma-separated (default: all)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of export, limit, export, limit ... (3)"
    )
    parser.add_argument(
        "--keep-db",
        type=Path,
        help="seed this SQLite file if it does not exist, else reuse it (its --comments as seeded)",
    )
    args = parser.parse_args()
    formats = args.formats.split(",")
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
        seconds, peak = _measure(env, "seed", str(args.comments))
        print(
            f"seeded {args.comments} comments in {seconds:.0f} s (in a child, peak {peak:.0f} MB)"
        )
    seconds, peak = _measure(env, "app-start")
    print(f"starting the app alone (each export child does): {seconds:.2f} s, peak {peak:.0f} MB")
    times: dict[str, list[float]] = {f: [] for f in formats}
    peaks: dict[str, list[float]] = {f: [] for f in formats}
    limit_times: dict[str, list[float]] = {f: [] for f in formats}
    limit_peaks: dict[str, list[float]] = {f: [] for f in formats}
    for round_number in range(1, args.rounds + 1):
        for fmt in formats:
            out = work / f"export.{fmt}"
            seconds, peak = _measure(env, fmt, str(out))
            times[fmt].append(seconds)
            peaks[fmt].append(peak)
            limit_seconds, limit_peak = _measure(
                env, "limit", str(database), str(work / "limit.csv")
            )
            limit_times[fmt].append(limit_seconds)
            limit_peaks[fmt].append(limit_peak)
            print(
                f"round {round_number} {fmt:12s} {seconds:7.2f} s  peak {peak:5.0f} MB"
                f"  {out.stat().st_size / 1e6:7.1f} MB written | limit {limit_seconds:6.2f} s"
                f"  peak {limit_peak:4.0f} MB",
                flush=True,
            )
    print(f"\n{args.rounds} rounds, each format followed by the limit (A B A B ...):")
    ratios = {}
    for fmt in formats:
        print(f"{fmt:12s} time {_spread(times[fmt], 's', 2)}; peak {_spread(peaks[fmt], 'MB', 0)}")
        print(
            f"{'  its limit':12s} time {_spread(limit_times[fmt], 's', 2)};"
            f" peak {_spread(limit_peaks[fmt], 'MB', 0)}"
        )
        pairs = [limit / export for limit, export in zip(limit_times[fmt], times[fmt], strict=True)]
        ratios[fmt] = statistics.median(pairs)
    print("ratios: limit seconds / export seconds, median of the rounds' pairs (higher is better)")
    for fmt in formats:
        memory = statistics.median(peaks[fmt]) / statistics.median(limit_peaks[fmt])
        print(f"ratio {fmt}: {ratios[fmt]:.2f}  (peak memory {memory:.1f}× the limit's)")
    if "csv" in ratios:  # the figure this script always printed, for bench/compare_commits.py
        print(f"ratio: {ratios['csv']:.2f}")


if __name__ == "__main__":
    main()
