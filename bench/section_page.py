"""The busiest page: one section with 1,000 threaded comments, against the bare-stack limit.

    .venv/bin/python bench/section_page.py [--comments 1000] [--seconds 10]

Seeds a fresh SQLite database with one section of N comments shaped as in
shared/reference/stack_limit_app.py (comment i replies with probability 0.6 to one of the 40
before it, random.seed(1); its text is "Kommentti {i}: " + "aluekehittämisen verkostoyhteistyö " * 8;
authors cycle through 50 users), signs a participant in through the real emailed-link flow,
serves the app with gunicorn (2 workers) and reads the section page with wrk (apt-get install
wrk) as that participant. It reads the full thread (`/osio/<slug>?kaikki=1`): the page opens
with only the first 20 threads, and the measure is of all 1,000 comments, as before the cut
(a tree without the parameter ignores it and shows them all anyway). Then, in the same run,
it serves stack_limit_app.py the same way.
Prints both requests/s and `ratio: X` (target: 0.6 or better).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
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


def run_wrk(url: str, seconds: int, cookie: str | None = None) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error responses:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def serve(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")

    work = Path(tempfile.mkdtemp(prefix="valuma-section-bench-"))
    env = {
        **os.environ,
        "VALUMA_ENV": "development",
        "SECRET_KEY": "bench-" + "k" * 40,
        "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
    }
    path, cookie = seed_and_sign_in(env, args.comments)

    port = free_port()
    app = serve(
        [str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"], env, ROOT
    )
    try:
        url = f"http://127.0.0.1:{port}{path}"
        wait_for(f"http://127.0.0.1:{port}/healthz")
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        page = urllib.request.urlopen(request, timeout=30).read().decode()
        bodies = len(re.findall(r"Kommentti \d+: ", page))
        signed_in = "Kirjaudu ulos" in page
        print(
            f"VALUMA Space section page: {bodies} comment bodies, {len(page) // 1024} KiB, signed in: {signed_in}"
        )
        assert bodies == args.comments and signed_in
        run_wrk(url, 2, cookie)  # warm-up: fills each worker's thread cache
        ours = run_wrk(url, args.seconds, cookie)
    finally:
        app.terminate()
        app.wait(timeout=10)

    port = free_port()
    reference_env = {**os.environ, "STACK_LIMIT_N": str(args.comments)}
    reference = serve(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(REFERENCE),
            "stack_limit_app:app",
        ],
        reference_env,
        REFERENCE,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/hello")
        run_wrk(f"http://127.0.0.1:{port}/flat", 2)
        limit = run_wrk(f"http://127.0.0.1:{port}/flat", args.seconds)
    finally:
        reference.terminate()
        reference.wait(timeout=10)

    print(f"VALUMA Space: {ours:.1f} requests/s")
    print(f"bare-stack limit (stack_limit_app.py): {limit:.1f} requests/s")
    print(f"ratio: {ours / limit:.2f}")


if __name__ == "__main__":
    main()
