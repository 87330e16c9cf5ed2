"""The section benchmark's database and servers (bench/section_page.py; bench/participation.py
seeds the same shape): one section with N threaded comments shaped as in
shared/reference/stack_limit_app.py (comment i replies with probability 0.6 to one of the 40
before it, random.seed(1); its text is "Kommentti {i}: " + "aluekehittämisen verkostoyhteistyö " * 8;
authors cycle through 50 users), and a participant signed in through the real emailed-link flow.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REFERENCE = ROOT.parent / "shared" / "reference"
VENV_BIN = Path(sys.executable).parent
TEXT = "aluekehittämisen verkostoyhteistyö " * 8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def seed_and_sign_in(env: dict[str, str], comments: int) -> tuple[str, str]:
    """Build the database; return the section's path and a signed-in participant's cookie."""
    os.environ.update(env)
    import flask_migrate

    from config import config_from_env
    from tests.helpers import login_as
    from valuma_space import create_app
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.models import Comment
    from valuma_space.comments.services import add_comment
    from valuma_space.demo.builder import build_demo
    from valuma_space.extensions import db
    from valuma_space.mail.transports import MemoryTransport
    from valuma_space.materials.models import Section

    app = create_app(config_from_env())
    app.extensions["valuma_mail_transport"] = MemoryTransport()
    with app.app_context():
        flask_migrate.upgrade()
        build_demo()
        section = db.session.query(Section).filter_by(slug="paatavoitteet").one()
        users = [ensure_user(f"osallistuja{n}@kunta{n % 7}.fi")[0] for n in range(50)]
        for number, user in enumerate(users):
            user.display_name = f"Osallistuja {number}"
            user.profile_completed = True
        random.seed(1)
        made: list[Comment] = []
        for i in range(comments):
            parent = random.choice(made[-40:]) if made and random.random() < 0.6 else None
            comment, _ = add_comment(
                section, users[i % 50], f"Kommentti {i}: {TEXT}", parent=parent
            )
            made.append(comment)
        db.session.commit()
        slug = section.slug
        client = app.test_client()
        login_as(client, users[7].email)
        cookie = client.get_cookie("session")
        assert cookie is not None
        # ?kaikki=1: the whole thread, not the first 20 threads the page opens with.
        return f"/osio/{slug}?kaikki=1", f"session={cookie.value}"


def serve(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
