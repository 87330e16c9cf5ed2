"""The poll results page against the section page, in the same run: 2,000 respondents × 10
questions.

    .venv/bin/python bench/poll_results.py [--respondents 2000] [--seconds 10] [--rounds 5]

Seeds a fresh SQLite database with the demo, a section of its own holding ten questions of
every kind (rate-the-alternatives among them, on the demo's published alternatives), and
RESPONDENTS people answering all ten (inserted in bulk, each answer made by the services' own
parser, as tests/test_polls_queries.py does); signs in the demo's moderator and a participant
who has answered (so the section page shows them the results under each question) through the
real emailed-link flow. Serves the app with gunicorn, 2 workers, and measures with wrk
(-t2 -c8 --timeout 60s) ROUNDS rounds, the cases taking turns at going first:

    section    the participant reads the section page with its ten questions and results
    results    the moderator reads the results page (/kyselyt/osio/<slug>)
    writes     the same, but every 10th request of each wrk thread is the participant changing
               an answer (bench/poll_results.lua): each write makes the results page compute
               afresh on the next load in both workers, the case users meet while answers come in
    breakdown  the moderator reads the results by organisation type
    matrix     the moderator reads the assessment matrix with the participants' ratings
    plain      the participant reads a demo section without questions (paatavoitteet), for
               what the ten questions cost the section page

Prints min / median / max requests/s of each, `ratio <case>: X` (the case's requests/s over the
section page's in the same round, median of rounds) and `ratio: X` for the results page
(target ≥ 0.5). Then, as information, the results page computed with an empty cache, in this
process with the Flask test client: median milliseconds over 10 loads.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package

from section_page import fetch, settle, spread
from section_seed import ROOT, VENV_BIN, free_port, serve, wait_for

LUA = Path(__file__).resolve().parent / "poll_results.lua"
CASES = ["section", "results", "writes", "breakdown", "matrix", "plain"]
PARTICIPANT = "kyselyn.lukija@kunta.example"


def seed(env: dict[str, str], respondents: int) -> dict[str, object]:
    os.environ.update(env)
    import flask_migrate
    from sqlalchemy import select

    from config import config_from_env
    from tests.helpers import login_as
    from tests.test_polls_queries import QUESTIONS, add_respondents
    from valuma_space import create_app
    from valuma_space.auth.services import ensure_user
    from valuma_space.demo import content
    from valuma_space.demo.builder import build_demo
    from valuma_space.extensions import db
    from valuma_space.mail.transports import MemoryTransport
    from valuma_space.materials.authoring import create_section
    from valuma_space.materials.models import Page
    from valuma_space.polls import services
    from valuma_space.workspaces.models import Workspace

    app = create_app(config_from_env())
    app.extensions["valuma_mail_transport"] = MemoryTransport()
    with app.app_context():
        flask_migrate.upgrade()
        build_demo()
        workspace = db.session.scalars(select(Workspace)).one()
        page = db.session.scalars(select(Page).order_by(Page.position)).first()
        section = create_section(
            page, "Kymmenen kysymystä", "Kysely alueiden tarpeista.", slug="kysely", published=True
        )
        moderator, _ = ensure_user(content.MODERATOR_EMAIL)
        questions = [
            services.add_question(
                section,
                moderator,
                services.QuestionInput(kind, f"Kysymys {n}", **settings),  # type: ignore[arg-type]
            )
            for n, (kind, settings) in enumerate(QUESTIONS)
        ]
        db.session.commit()
        survey = {"workspace": workspace, "questions": questions}
        started = time.perf_counter()
        for start in range(0, respondents, 500):
            add_respondents(survey, start, min(respondents, start + 500))
        print(
            f"seeded {respondents} respondents × 10 questions in {time.perf_counter() - started:.0f} s"
        )
        reader, _ = ensure_user(PARTICIPANT)
        reader.display_name, reader.profile_completed = "Kyselyn lukija", True
        design = services.Design(workspace.id)
        import random

        from tests.test_polls_queries import random_values

        rnd = random.Random(7)
        for question in questions:
            services.answer(
                question, reader, workspace, random_values(design.wording(question), rnd, 0)
            )
        db.session.commit()
        single = questions[0].id
        cookies = {}
        for name, email in (("moderator", content.MODERATOR_EMAIL), ("participant", PARTICIPANT)):
            with app.app_context():
                client = app.test_client()
                login_as(client, email)
                cookies[name] = f"session={client.get_cookie('session').value}"
        # The results page computed with an empty cache, in this process.
        with app.app_context():
            client = app.test_client()
            login_as(client, content.MODERATOR_EMAIL)
            timings = []
            for _ in range(11):
                app.extensions.pop("valuma_results_cache", None)
                started = time.perf_counter()
                assert client.get("/kyselyt/osio/kysely").status_code == 200
                timings.append(time.perf_counter() - started)
        return {
            "slug": "kysely",
            "single": single,
            "cold_ms": [t * 1000 for t in timings[1:]],
            **cookies,
        }


def answer_token(port: int, path: str, cookie: str, question_id: int) -> tuple[str, str]:
    status, response, body = fetch(port, path, headers={"Cookie": cookie})
    assert status == 200, status
    match = re.search(
        rf'<form[^>]*id="q{question_id}-form".*?name="csrf_token" value="([^"]+)"',
        body.decode(),
        re.S,
    )
    assert match, "the section page has no question form"
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            cookie = header.split(";", 1)[0]
    return match.group(1), cookie


def run_wrk(url: str, seconds: int, cookie: str, script: list[str] | None = None) -> float:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "60s"]
    if script:
        command += ["-s", str(LUA), url, "--", *script]
    else:
        command += ["-H", f"Cookie: {cookie}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"wrk saw {errors.group(1)} error responses:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="valuma-poll-bench-"))
    env = {
        **os.environ,
        "VALUMA_ENV": "development",
        "SECRET_KEY": "bench-" + "k" * 40,
        "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
    }
    seeded = seed(env, args.respondents)
    slug = seeded["slug"]
    port = free_port()
    server = serve(
        [str(VENV_BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"], env, ROOT
    )
    base = f"http://127.0.0.1:{port}"
    paths = {
        "section": (f"/osio/{slug}", "participant"),
        "results": (f"/kyselyt/osio/{slug}", "moderator"),
        "writes": (f"/kyselyt/osio/{slug}", "moderator"),
        "breakdown": (f"/kyselyt/osio/{slug}?jako=organisation_type", "moderator"),
        "matrix": ("/mallit/matriisi", "moderator"),
        "plain": ("/osio/paatavoitteet", "participant"),
    }
    try:
        wait_for(f"{base}/healthz")
        for case, (path, who) in paths.items():
            status, _, _page = fetch(port, path, headers={"Cookie": seeded[who]})
            assert status == 200, (case, status)
        results_page = fetch(port, paths["results"][0], headers={"Cookie": seeded["moderator"]})[2]
        respondents = rf"\b{args.respondents + 1} vastaajaa".encode()
        assert re.search(respondents, results_page), "the results count every respondent"
        token, writer = answer_token(
            port, paths["section"][0], seeded["participant"], seeded["single"]
        )
        post_path = f"/kysymys/{seeded['single']}/vastaa"

        def measure(case: str, seconds: int) -> float:
            path, who = paths[case]
            if case == "writes":
                script = [path, post_path, token, seeded["moderator"], writer]
                rate = run_wrk(base + path, seconds, seeded[who], script)
            else:
                rate = run_wrk(base + path, seconds, seeded[who])
            settle(port, "/healthz")
            return rate

        for case in CASES:  # warm-up: each worker's caches
            measure(case, 2)
        rates: dict[str, list[float]] = {case: [] for case in CASES}
        for number in range(args.rounds):
            order = CASES if number % 2 == 0 else list(reversed(CASES))
            for case in order:
                rates[case].append(measure(case, args.seconds))
            print(
                f"round {number + 1} ({order[0]} first): "
                + ", ".join(f"{case} {rates[case][-1]:.1f}" for case in CASES)
                + " requests/s",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=10)

    print(
        f"\n{args.rounds} rounds of {args.seconds} s, wrk -t2 -c8 --timeout 60s, gunicorn -w 2,"
        f" {args.respondents} respondents × 10 questions; requests/s:"
    )
    for case in CASES:
        print(f"  {case:10s} {spread(rates[case])}")
    print("ratios: the case's requests/s over the section page's in the same round, median")
    for case in CASES[1:]:
        pairs = [
            ours / section for ours, section in zip(rates[case], rates["section"], strict=True)
        ]
        print(
            f"ratio {case}: {statistics.median(pairs):.2f}"
            f"  (min {min(pairs):.2f} / max {max(pairs):.2f})"
        )
    main_pairs = [r / s for r, s in zip(rates["results"], rates["section"], strict=True)]
    print(
        f"ratio: {statistics.median(main_pairs):.2f}  (results page / section page; target ≥ 0.5)"
    )
    print(
        "results page computed with an empty cache, in-process (Flask test client): "
        f"{spread(seeded['cold_ms'])} ms"
    )


if __name__ == "__main__":
    main()
