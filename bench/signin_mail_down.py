"""Sign-in while the mail server is down, slow or silent: request latency, and no mail lost or
sent twice once a good server answers.

    .venv/bin/python bench/signin_mail_down.py [--requests 50] [--workers 2]

Serves the real app with gunicorn on a fresh SQLite file (the engine where a long write
transaction blocks everyone), with a `flask valuma send-mail` process running as in production,
and MAIL_SERVER pointing at one port where, in turn:

1. nothing listens (the server is down);
2. an SMTP server takes 8 s over each mail before answering 250 (slow);
3. a socket accepts connections and never says a word (silent; MAIL_TIMEOUT is its default,
   10 s).

In each phase it makes N sign-in requests for N new addresses (each from its own client
address, through one proxy hop) and prints their latency, median and p95 (target: under 50 ms).
Then a good SMTP server (aiosmtpd) takes the port, and the benchmark checks that exactly 3 × N
mails arrived, one per address, and that each link signs in once and only once.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.smtp import SilentServer  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LINK = re.compile(r"https?://\S+/kirjaudu/vahvista/[A-Za-z0-9_-]+")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
    )


def fetch(
    client: urllib.request.OpenerDirector,
    url: str,
    data: dict | None = None,
    headers: dict | None = None,
) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    try:
        with client.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not come up")


class Collector:
    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[email.message.Message] = []
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow server: the mail is accepted only then
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"


def sign_in_requests(base_url: str, addresses: list[str], label: str, first_ip: int) -> None:
    latencies = []
    for number, address in enumerate(addresses):
        client = opener()
        _, page = fetch(client, f"{base_url}/kirjaudu")
        token = CSRF.search(page).group(1)
        started = time.perf_counter()
        ip = first_ip + number
        status, _ = fetch(
            client,
            f"{base_url}/kirjaudu",
            {"email": address, "next": "/", "csrf_token": token},
            {"X-Forwarded-For": f"198.51.{ip // 250}.{ip % 250 + 1}"},
        )
        latencies.append((time.perf_counter() - started) * 1000)
        assert status == 302, (label, status)
    latencies.sort()
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(
        f"mail server {label}: {len(latencies)} sign-in requests answered; latency ms: min"
        f" {latencies[0]:.1f}, median {statistics.median(latencies):.1f}, p95 {p95:.1f},"
        f" max {latencies[-1]:.1f} (target: under 50)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="valuma-bench-"))
    http_port, smtp_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{http_port}"
    env = {
        **os.environ,
        "VALUMA_ENV": "development",
        "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        "BASE_URL": base_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_RETRY_BASE_SECONDS": "2",
        "MAIL_RETRY_MAX_SECONDS": "4",
        # Every request comes from a client address of its own; the per-address caps are
        # not what this measures.
        "LOGIN_RATE_PER_IP": "1000 per minute",
        "PROXY_FIX_HOPS": "1",
    }
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "valuma", "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{http_port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sender = subprocess.Popen(
        [*flask, "valuma", "send-mail", "--poll", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    controller = None
    try:
        wait_for(f"{base_url}/healthz")
        # Warm up each worker once, off the clock.
        for _ in range(args.workers * 2):
            fetch(opener(), f"{base_url}/kirjaudu")

        n = args.requests
        addresses = [f"virkailija{i}@kunta{i % 9}.fi" for i in range(3 * n)]
        sign_in_requests(base_url, addresses[:n], "down", 0)
        time.sleep(1.5)  # let the sender meet the closed port at least once

        collector = Collector()
        slow = Controller(Collector(delay=8.0), hostname="127.0.0.1", port=smtp_port)
        slow.start()
        slow_since = time.monotonic()
        time.sleep(1.0)  # the sender is now inside an 8-second SMTP exchange
        sign_in_requests(base_url, addresses[n : 2 * n], "slow (8 s per mail)", n)
        # Long enough for the first slow exchange to end: that mail is sent, and never again.
        time.sleep(max(0.0, slow_since + 9.5 - time.monotonic()))
        slow_delivered = list(slow.handler.messages)
        slow.stop()

        silent = SilentServer(smtp_port)
        time.sleep(1.0)
        sign_in_requests(base_url, addresses[2 * n :], "silent", 2 * n)
        time.sleep(11.0)  # past MAIL_TIMEOUT (10 s): the sender gave up on the silent server
        silent.stop()
        time.sleep(0.5)

        controller = Controller(collector, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        came_back = time.monotonic()
        deadline = came_back + 120
        expected = len(addresses) - len(slow_delivered)
        while len(collector.messages) < expected and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # anything extra would show up now
        messages = slow_delivered + collector.messages
        received = sorted(m["To"] for m in messages)
        print(
            f"good mail server: {len(collector.messages)} mails delivered in"
            f" {time.monotonic() - came_back:.1f} s ({len(slow_delivered)} had gone through the"
            " slow server)"
        )
        assert received == sorted(addresses), "lost or duplicated mail"

        once = twice = 0
        for message in messages:
            text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
            link = LINK.search(text.get_payload(decode=True).decode()).group(0)
            for attempt in range(2):
                client = opener()
                _, page = fetch(client, link if attempt == 0 else f"{base_url}/kirjaudu")
                token = CSRF.search(page).group(1)
                status, _ = fetch(client, link, {"csrf_token": token})
                if attempt == 0 and status == 302:
                    once += 1
                if attempt == 1 and status == 302:
                    twice += 1
        print(f"links: {once} of {len(messages)} signed in; {twice} worked a second time")
        assert once == len(addresses) and twice == 0
        print("result: OK")
    finally:
        if controller is not None:
            controller.stop()
        for process in (sender, server):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
