"""The section page in four cases, against the bare-stack limit served at the same time.

    .venv/bin/python bench/section_page.py [--comments 1000] [--seconds 10] [--rounds 5]

Seeds the database with bench/section_seed.py ( one section of N threaded
comments in the shape of shared/reference/stack_limit_app.py, a participant signed in through
the real emailed-link flow), and also signs in a moderator and a second participant whose own
comment waits for approval (written while the workspace had pre-moderation on). Then it serves
VALUMA Space and stack_limit_app.py (STACK_LIMIT_N=N) with gunicorn, 2 workers each, both at
the same time on ports of their own, and measures with wrk (-t2 -c8 --timeout 60s), ROUNDS rounds that take
turns at which of the two is measured first (after each wrk run the server is left to work
through the requests still queued, so that they do not fall into the next case's time):

    limit      the limit's /flat, read without Accept-Encoding (the reference of every ratio)
    warm       the participant reads /osio/<slug>?kaikki=1 again and again
    writes     the same, but every 10th request of each wrk thread POSTs a new comment as the
               participant (bench/section_page.lua; the CSRF token and cookie are fetched
               before the run); the comments made are counted in the database after the case
    moderator  a signed-in moderator reads the page
    pending    the participant with a comment waiting for approval reads the page

Prints min / median / max requests/s of each, and `ratio <case>: X`, the median over the rounds
(and `ratio: X`, the warm case's, for bench/compare_commits.py)
of the case's requests/s over the limit's in the same round (machine load shared by both cancels
out). Then, as information beside its target: the first read's latency after a write (median of
single write-then-read pairs, against the median latency of a plain read of the limit), the
bytes of the page on the wire when asked with `Accept-Encoding: gzip`, and each gunicorn
worker's VmRSS after 1,000 more writes. Targets are printed, not asserted: warm ≥ 0.9,
writes ≥ 0.6, moderator ≥ 0.5, first read ≤ 3× the limit's latency, RSS ≤ 150 MB per worker,
page ≤ 100 KB on the wire. The writes case and the 1,000 writes add comments to the section,
so later rounds read a somewhat longer page (the count is printed).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package

from section_seed import (
    REFERENCE,
    ROOT,
    TEXT,
    VENV_BIN,
    free_port,
    seed_and_sign_in,
    serve,
    wait_for,
)

LUA = Path(__file__).resolve().parent / "section_page.lua"
CASES = ["warm", "writes", "moderator", "pending"]
TARGETS = {"warm": "≥ 0.9", "writes": "≥ 0.6", "moderator": "≥ 0.5", "pending": "none given"}
WRITE_MARK = "Kuormakirjoitus"
PENDING_TEXT = "Odottava kommentti: " + TEXT


def sign_in_others(env: dict[str, str], slug: str) -> tuple[str, str]:
    """A moderator, and a participant with a comment waiting for approval: their cookies.
    (Run after seed_and_sign_in, which built the database.)"""
    os.environ.update(env)
    from sqlalchemy import select

    from config import config_from_env
    from tests.helpers import login_as
    from valuma_space import create_app
    from valuma_space.auth.models import Role
    from valuma_space.auth.services import ensure_user
    from valuma_space.comments.models import Visibility
    from valuma_space.comments.services import add_comment
    from valuma_space.extensions import db
    from valuma_space.mail.transports import MemoryTransport
    from valuma_space.materials.models import Section
    from valuma_space.workspaces.models import Workspace

    app = create_app(config_from_env())
    app.extensions["valuma_mail_transport"] = MemoryTransport()
    with app.app_context():
        section = db.session.scalars(select(Section).where(Section.slug == slug)).one()
        moderator, _ = ensure_user("moderaattori@kunta1.fi", Role.MODERATOR)
        waiting, _ = ensure_user("odottaja@kunta2.fi")
        for user, name in ((moderator, "Moderaattori"), (waiting, "Odottaja")):
            user.display_name = name
            user.profile_completed = True
        # How a comment comes to wait: the workspace's pre-moderation is on when it is written
        # (comments/services.add_comment). Turned off again, so that the other cases' comments
        # (the writes) are published at once; the waiting one stays waiting.
        workspace = db.session.get(Workspace, section.workspace_id)
        workspace.pre_moderation = True
        comment, _ = add_comment(section, waiting, PENDING_TEXT)
        assert comment.visibility == Visibility.PENDING
        workspace.pre_moderation = False
        db.session.commit()
        emails = [moderator.email, waiting.email]
    cookies = []
    for email in emails:
        # An app context of its own for each: Flask-WTF keeps the CSRF token it made in `g`.
        with app.app_context():
            client = app.test_client()
            login_as(client, email)
            cookie = client.get_cookie("session")
            assert cookie is not None
            cookies.append(f"session={cookie.value}")
    return cookies[0], cookies[1]


def fetch(
    port: int,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
) -> tuple[int, http.client.HTTPResponse, bytes]:
    """One request on a connection of its own, no redirects followed, the body as sent."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response, response.read()
    finally:
        connection.close()


def form_token(port: int, path: str, cookie: str) -> tuple[str, str]:
    """The comment form's CSRF token, and the session cookie it belongs to (the page may set
    a new one that holds the token)."""
    status, response, body = fetch(port, path, headers={"Cookie": cookie})
    assert status == 200, status
    match = re.search(
        r'<form[^>]*id="kommentoi".*?name="csrf_token"[^>]*value="([^"]+)"', body.decode(), re.S
    )
    assert match, "the section page has no comment form"
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            cookie = header.split(";", 1)[0]
    return match.group(1), cookie


def write_form(token: str, text: str) -> str:
    return urllib.parse.urlencode(
        {
            "csrf_token": token,
            "kind": "comment",
            "body": text,
            "quote": "",
            "parent_id": "",
            "idempotency_key": secrets.token_hex(16),
            "draft": "",
            "confirmed": "",
        }
    )


def post_comment(port: int, post_path: str, cookie: str, token: str, text: str) -> None:
    status, _, body = fetch(
        port,
        post_path,
        "POST",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        write_form(token, text),
    )
    if status != 303:
        raise SystemExit(f"writing a comment answered {status}:\n{body[:2000].decode()}")


def run_wrk(
    url: str, seconds: int, cookie: str | None = None, script: list[str] | None = None
) -> tuple[float, int]:
    """Requests/s and the number of requests of one wrk run; any error response stops it."""
    # A long timeout: a page slower than wrk's default 2 s would be left out of the count.
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "60s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(LUA), url, "--", *script]
    else:
        command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error responses:\n{output}")
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if socket_errors:
        print(f"  wrk socket errors on {url}: {socket_errors.group(1)}", flush=True)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rate, int(re.search(r"(\d+) requests in", output).group(1))


def count_comments(database: Path, like: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT count(*) FROM comments WHERE body_markdown LIKE ?", (like,)
        ).fetchone()[0]


def workers_rss(master: int) -> dict[int, float]:
    """VmRSS in MB of each child process of the gunicorn master."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0").strip()) == master and "VmRSS" in fields:
            found[int(entry.name)] = int(fields["VmRSS"].split()[0]) / 1024
    return found


def settle(port: int, path: str, seconds: float = 120) -> None:
    """Wait until the server has worked through what the last wrk run left queued: wrk stops
    at its deadline, but the sync workers still render every request already accepted or in
    the listen queue, and that would fall into the next case's time. Settled when a cheap
    page answers quickly three times in a row."""
    deadline = time.monotonic() + seconds
    quick = 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        fetch(port, path)
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0
    time.sleep(0.2)


def spread(values: list[float], digits: int = 1) -> str:
    return (
        f"min {min(values):.{digits}f} / median {statistics.median(values):.{digits}f} /"
        f" max {max(values):.{digits}f}"
    )


def latency(port: int, path: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    status, _, _ = fetch(port, path, headers=headers)
    elapsed = time.perf_counter() - started
    assert status == 200, status
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=12, help="write-then-read pairs (12)")
    parser.add_argument("--writes", type=int, default=1000, help="writes before the RSS (1000)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")

    work = Path(tempfile.mkdtemp(prefix="valuma-section-cases-"))
    database = work / "bench.db"
    env = {
        **os.environ,
        "VALUMA_ENV": "development",
        "SECRET_KEY": "bench-" + "k" * 40,
        "DATABASE_URL": f"sqlite:///{database}",
    }
    path, participant = seed_and_sign_in(env, args.comments)
    slug = urllib.parse.urlsplit(path).path.rsplit("/", 1)[1]
    moderator, waiting = sign_in_others(env, slug)
    post_path = f"/osio/{slug}/kommentoi"

    ours_port, limit_port = free_port(), free_port()
    gunicorn = str(VENV_BIN / "gunicorn")
    ours = serve([gunicorn, "-w", "2", "-b", f"127.0.0.1:{ours_port}", "wsgi:app"], env, ROOT)
    limit = serve(
        [
            *(gunicorn, "-w", "2", "-b", f"127.0.0.1:{limit_port}"),
            *("--chdir", str(REFERENCE), "stack_limit_app:app"),
        ],
        {**os.environ, "STACK_LIMIT_N": str(args.comments)},
        REFERENCE,
    )
    try:
        wait_for(f"http://127.0.0.1:{ours_port}/healthz")
        wait_for(f"http://127.0.0.1:{limit_port}/hello")
        ours_url = f"http://127.0.0.1:{ours_port}{path}"
        limit_url = f"http://127.0.0.1:{limit_port}/flat"
        check_pages(ours_port, path, participant, moderator, waiting, args.comments)
        token, writer = form_token(ours_port, path, participant)

        # The page on the wire, as a browser asks for it.
        gzip = {"Accept-Encoding": "gzip"}
        _, response, page = fetch(ours_port, path, headers={**gzip, "Cookie": participant})
        ours_encoding = response.headers.get("Content-Encoding") or "none"
        _, response, flat = fetch(limit_port, "/flat", headers=gzip)
        limit_encoding = response.headers.get("Content-Encoding") or "none"

        def measure(case: str, seconds: int) -> float:
            if case == "limit":
                rate = run_wrk(limit_url, seconds)[0]
                settle(limit_port, "/hello")
                return rate
            if case == "writes":
                before = count_comments(database, f"{WRITE_MARK}%")
                # A run id of its own each time: the keys repeat from run to run otherwise,
                # and a repeated key gives back the comment it made the first time.
                lua_args = [path, post_path, token, writer, secrets.token_hex(6)]
                rate, requests = run_wrk(ours_url, seconds, writer, lua_args)
                settle(ours_port, "/healthz")
                made = count_comments(database, f"{WRITE_MARK}%") - before
                written.append((requests, made))
                return rate
            cookie = {"warm": participant, "moderator": moderator, "pending": waiting}[case]
            rate = run_wrk(ours_url, seconds, cookie)[0]
            settle(ours_port, "/healthz")
            return rate

        written: list[tuple[int, int]] = []
        for case in ["limit", *CASES]:  # warm-up: each worker's caches, for every viewer
            measure(case, 2)
        written.clear()
        rates: dict[str, list[float]] = {case: [] for case in ["limit", *CASES]}
        for round_number in range(args.rounds):
            order = ["limit", *CASES] if round_number % 2 == 0 else [*CASES, "limit"]
            for case in order:
                rates[case].append(measure(case, args.seconds))
            print(
                f"round {round_number + 1} ({order[0]} first): "
                + ", ".join(f"{case} {rates[case][-1]:.1f}" for case in ["limit", *CASES])
                + f" requests/s; writes made {written[-1][1]} comments in {written[-1][0]} requests",
                flush=True,
            )

        # The first read after a write, one pair at a time; the limit's plain read beside it.
        first_reads = []
        for n in range(args.pairs):
            post_comment(ours_port, post_path, writer, token, f"{WRITE_MARK} pari {n}")
            first_reads.append(latency(ours_port, path, {"Cookie": writer}))
        limit_reads = [latency(limit_port, "/flat", {}) for _ in range(args.pairs)]

        rss_before = workers_rss(ours.pid)
        with ThreadPoolExecutor(4) as pool:
            list(
                pool.map(
                    lambda n: post_comment(
                        ours_port, post_path, writer, token, f"{WRITE_MARK} tuhannesta {n}"
                    ),
                    range(args.writes),
                )
            )
        for _ in range(8):  # both workers read the longer page once or more
            latency(ours_port, path, {"Cookie": participant})
        rss_after = workers_rss(ours.pid)
        limit_rss = workers_rss(limit.pid)
        total_written = count_comments(database, f"{WRITE_MARK}%")
    finally:
        for server in (ours, limit):
            server.terminate()
            server.wait(timeout=10)

    print(
        f"\n{args.rounds} rounds of {args.seconds} s, wrk -t2 -c8 --timeout 60s, both servers up at once,"
        " taking turns at going first; requests/s:"
    )
    for case in ["limit", *CASES]:
        label = "limit /flat" if case == "limit" else case
        print(f"  {label:12s} {spread(rates[case])}")
    made = [m for _, m in written]
    expected = [r // 10 for r, _ in written]
    print(
        f"  writes case: {sum(made)} comments made in the database over the rounds"
        f" (1 in 10 of {sum(r for r, _ in written)} requests ≈ {sum(expected)} expected);"
        f" {total_written} written by this run in all, section now"
        f" {args.comments + total_written} comments"
    )
    print("ratios: the case's requests/s over the limit's in the same round, median of rounds")
    for case in CASES:
        pairs = [ours / lim for ours, lim in zip(rates[case], rates["limit"], strict=True)]
        print(
            f"ratio {case}: {statistics.median(pairs):.2f}"
            f"  (min {min(pairs):.2f} / max {max(pairs):.2f}; target {TARGETS[case]})"
        )
        if case == "warm":
            warm = statistics.median(pairs)
    # The line bench/compare_commits.py reads: the warm case, the page most readers get.
    print(f"ratio: {warm:.2f}")
    ours_ms, limit_ms = statistics.median(first_reads) * 1000, statistics.median(limit_reads) * 1000
    print(
        f"first read after a write: median {ours_ms:.1f} ms over {args.pairs} pairs"
        f" ({spread([t * 1000 for t in first_reads])} ms); limit's plain read"
        f" {limit_ms:.1f} ms; {ours_ms / limit_ms:.1f}× the limit (target ≤ 3×)"
    )
    print(
        f"page on the wire with Accept-Encoding: gzip: {len(page) / 1024:.1f} KB"
        f" (Content-Encoding: {ours_encoding}; target ≤ 100 KB); limit /flat"
        f" {len(flat) / 1024:.1f} KB (Content-Encoding: {limit_encoding})"
    )
    print(
        f"gunicorn workers' VmRSS after {args.writes} writes: "
        + ", ".join(f"pid {pid} {mb:.0f} MB" for pid, mb in sorted(rss_after.items()))
        + " (target ≤ 150 MB each); before them: "
        + ", ".join(f"{mb:.0f} MB" for _, mb in sorted(rss_before.items()))
        + "; the limit's workers: "
        + ", ".join(f"{mb:.0f} MB" for _, mb in sorted(limit_rss.items()))
    )


def check_pages(
    port: int, path: str, participant: str, moderator: str, waiting: str, comments: int
) -> None:
    """Each viewer sees what the case is about, before anything is measured."""
    pages = {}
    for name, cookie in (("warm", participant), ("moderator", moderator), ("pending", waiting)):
        status, _, body = fetch(port, path, headers={"Cookie": cookie})
        assert status == 200, (name, status)
        pages[name] = body.decode()
        assert "Kirjaudu ulos" in pages[name], f"{name}: not signed in"
    bodies = len(re.findall(r"Kommentti \d+: ", pages["warm"]))
    assert bodies == comments, f"{bodies} comment bodies, not {comments}"
    assert "Muokkaa osiota" in pages["moderator"], "the moderator does not see moderators' links"
    assert "Muokkaa osiota" not in pages["warm"]
    assert "Odottava kommentti" in pages["pending"], "the waiting comment is not on its page"
    assert "Odottava kommentti" not in pages["warm"], "the waiting comment shows to others"
    print(
        f"VALUMA Space section page: {bodies} comment bodies, {len(pages['warm']) // 1024} KiB;"
        f" moderator {len(pages['moderator']) // 1024} KiB;"
        f" with the waiting comment {len(pages['pending']) // 1024} KiB"
    )


if __name__ == "__main__":
    main()
