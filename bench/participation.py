"""The moderators' participation page: its CPU time with N comments on top of the demo.

    .venv/bin/python bench/participation.py [--comments 5000] [--requests 20]

Seeds a fresh SQLite database with the demo and N more comments through the services (as
bench/section_seed.py seeds: random.seed(1), authors cycling through 50 participants, here
spread over the demo's sections and, by their creation time, over the ten weeks before now),
signs the demo's moderator in through the real emailed-link flow and reads
`/moderointi/osallistuminen` with the Flask test client: one warm-up request, then REQUESTS
timed ones. Prints the CPU time of the process per request (time.process_time: this process
runs both the app and SQLite) as min / median / max in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

# The tree whose app is measured: this file's own, or the one bench/compare_commits.py names.
ROOT = Path(os.environ.get("VALUMA_TREE") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
PAGE = "/moderointi/osallistuminen"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="valuma-participation-bench-"))
    os.environ.update(
        {
            "VALUMA_ENV": "development",
            "SECRET_KEY": "bench-" + "k" * 40,
            "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        }
    )
    import flask_migrate
    from sqlalchemy import func, select

    from config import config_from_env
    from tests.helpers import login_as
    from valuma_space import create_app
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.models import Comment
    from valuma_space.comments.services import add_comment
    from valuma_space.db import utcnow
    from valuma_space.demo import content
    from valuma_space.demo.builder import build_demo
    from valuma_space.extensions import db
    from valuma_space.mail.transports import MemoryTransport
    from valuma_space.materials.models import Section

    app = create_app(config_from_env())
    app.extensions["valuma_mail_transport"] = MemoryTransport()
    with app.app_context():
        flask_migrate.upgrade()
        build_demo()
        sections = list(db.session.scalars(select(Section).order_by(Section.id)))
        users = [ensure_user(f"osallistuja{n}@kunta{n % 7}.fi")[0] for n in range(50)]
        for number, user in enumerate(users):
            user.display_name = f"Osallistuja {number}"
            user.profile_completed = True
        random.seed(1)
        now = utcnow()
        for i in range(args.comments):
            comment, _ = add_comment(random.choice(sections), users[i % 50], f"Kommentti {i}.")
            comment.created_at = now - timedelta(seconds=random.randrange(70 * 24 * 3600))
            if i % 500 == 499:
                db.session.flush()
        db.session.commit()
        total = db.session.scalar(select(func.count(Comment.id)))
        db.session.remove()

        client = app.test_client()
        login_as(client, content.MODERATOR_EMAIL)
        first = client.get(PAGE)  # warm-up: translations, templates, caches
        assert first.status_code == 200, first.status_code
        times = []
        for _ in range(args.requests):
            start = time.process_time()
            response = client.get(PAGE)
            times.append((time.process_time() - start) * 1000)
            assert response.status_code == 200
    print(f"participation page, {total} comments in the database, {args.requests} requests")
    print(
        f"CPU ms per request: min {min(times):.1f}  median {statistics.median(times):.1f}  "
        f"max {max(times):.1f}"
    )


if __name__ == "__main__":
    main()
