"""The multi-server set-up of README.md's Deployment section, run on this machine and checked.

    .venv/bin/python bench/cluster.py [--minutes 5] [--participants 50]
                                      [--scale-seconds 20] [--scale-rounds 5]

What it starts, as README.md says a system administrator does (the commands are the Procfile's
lines, the proxy is deploy/nginx.conf with its placeholders filled in):

- a fresh PostgreSQL database `valuma_cluster_<time>` on 127.0.0.1:5432 (user postgres),
  `flask db upgrade` and `flask valuma demo` once, the moderator by `flask valuma user add`
  (participants register through the sign-in flow, as people do);
- Redis database CLUSTER_REDIS_DB (5; emptied at the start and at the end) for rate limits,
  shared renderings and discussion versions (THREAD_CACHE=redis) and the task queue;
- an SMTP sink (aiosmtpd) on a free port as MAIL_SERVER, which keeps every message;
- three app servers (the Procfile's `web`, each its own process group and port) and two
  workers (the Procfile's `worker`), all with the same environment;
- nginx (Debian's package; installed with apt-get if missing) in front, round robin.

Then: 50 participants sign in through the emailed link (each from a loopback address of its
own, 127.0.0.x, as different people are different clients), and for --minutes read sections,
post comments, reply and agree with think time, while a moderator approves waiting comments
(pre-moderation is on for a stretch in the middle), hides and restores. Meanwhile one app
server and one worker are stopped with SIGTERM and started again. Afterwards it prints:

    acknowledged / stored / lost / duplicated   comments answered 303 vs rows in PostgreSQL
    5xx                                         every answer >= 500 the clients saw (502s too)
    cross-server visibility                     posted via one server, read via each other one
    sign-in mails                               each delivered once, each link signs in
    sign-in limit across servers                one client over nginx: refused after the limit
    scaling                                     wrk through nginx, 1 vs 3 app servers

and exits non-zero when a check fails. Everything it started is stopped, the database dropped
and its Redis database emptied at the end, also on Ctrl+C.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import html
import http.client
import os
import random
import re
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is not a package

from section_seed import ROOT, VENV_BIN, free_port

PROCFILE = ROOT / "Procfile"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
LUA = Path(__file__).resolve().parent / "section_page.lua"
PG_ADMIN = os.environ.get("CLUSTER_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_BASE = os.environ.get("CLUSTER_REDIS", "redis://127.0.0.1:6379")
REDIS_DB = int(os.environ.get("CLUSTER_REDIS_DB", "5"))
LOGIN_LIMIT = 12
"""LOGIN_RATE_PER_IP for the run: low, so that 3x it is within a few seconds' requests."""
SECTION_MARK = "Klusteritesti"
"""Every comment the bench writes starts with this and carries a token of its own."""
TOKEN = re.compile(r"\bkt-[0-9a-f]{4}-\d+-\d+\b")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# --- the processes -------------------------------------------------------------------------


def procfile() -> dict[str, str]:
    """The Procfile's commands by name: what README.md tells administrators to run."""
    commands = {}
    for line in PROCFILE.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line)
        if match:
            commands[match.group(1)] = match.group(2)
    return commands


def units_match_procfile() -> list[str]:
    """The Procfile lines that deploy/systemd/'s units do not run as written (empty: none)."""
    commands = procfile()
    drifted = []
    for name in ("web", "worker"):
        unit = (ROOT / "deploy" / "systemd" / f"valuma-{name}@.service").read_text()
        match = re.search(r"^ExecStart=/bin/sh -c 'exec (.+)'$", unit, re.M)
        if match is None or match.group(1).replace("$$", "$") != commands[name]:
            drifted.append(name)
    return drifted


def worker_command() -> str:
    """The worker process: the Procfile's `worker` line, the task queue's worker (mail,
    digests, background jobs, with its scheduler)."""
    return procfile()["worker"]


@dataclass
class Process:
    """One Procfile process, its own process group (start_new_session), logging to a file."""

    name: str
    command: str
    env: dict[str, str]
    logfile: Path
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        # As honcho and foreman do: the line through the shell, so ${PORT:-8000} expands;
        # `exec` leaves the command itself as the group's leader.
        with self.logfile.open("ab") as out:
            self.popen = subprocess.Popen(
                ["/bin/sh", "-c", f"exec {self.command}"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self, timeout: float = 40) -> float:
        """SIGTERM to the whole group; wait for the leader to exit. Returns the seconds taken."""
        if self.popen is None or self.popen.poll() is not None:
            return 0.0
        began = time.monotonic()
        try:
            os.killpg(self.popen.pid, signal.SIGTERM)
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()
        except ProcessLookupError:
            pass
        return time.monotonic() - began

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
            except ProcessLookupError:
                pass

    def pids(self) -> list[int]:
        """Every live process of the group."""
        if self.popen is None:
            return []
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == self.popen.pid:  # the fifth field: the process group
                    found.append(int(entry.name))
        return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (clock ticks from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def ensure_nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found:
        return found
    log("nginx is missing: apt-get install -y nginx")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "nginx"], check=True)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(prefix: Path, port: int, upstream_ports: list[int]) -> str:
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in upstream_ports
    )
    text = NGINX_TEMPLATE.read_text()
    return (
        text.replace("@SERVERS@", servers)
        .replace("@LISTEN@", f"127.0.0.1:{port}")
        .replace("@PREFIX@", str(prefix))
    )


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Stats:
    """What every client saw, shared by all threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    errors_5xx: list[str] = field(default_factory=list)
    connection_errors: list[str] = field(default_factory=list)
    refused_4xx: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    unacknowledged: set[str] = field(default_factory=set)
    actions: Counter = field(default_factory=Counter)

    def saw(self, method: str, path: str, status: int, seconds: float, port: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if status >= 500:
                self.errors_5xx.append(f"{status} {method} {path} via :{port}")
            elif status >= 400:
                self.refused_4xx[(status, method, re.sub(r"\d+", "N", path.split("?")[0]))] += 1


class Client:
    """One browser: its own source address, its cookies, one keep-alive connection at a time.

    Production cookies are `Secure`; the bench talks plain HTTP to nginx on the loopback, so the
    cookies are kept here by name, as a browser over HTTPS would send them."""

    def __init__(self, port: int, source: str, stats: Stats | None) -> None:
        self.port, self.source, self.stats = port, source, stats
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        port: int | None = None,
    ) -> tuple[int, dict[str, str], str]:
        port = port or self.port
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.monotonic()
        if port != self.port:  # straight to one app server: a connection of its own
            connection = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=60, source_address=(self.source, 0)
            )
        else:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", port, timeout=60, source_address=(self.source, 0)
                )
            connection = self.connection
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            if connection is self.connection:
                self.connection = None
            if self.stats is not None:
                with self.stats.lock:
                    self.stats.connection_errors.append(f"{method} {path} via :{port}: {error!r}")
            raise
        finally:
            if port != self.port:
                connection.close()
        seconds = time.monotonic() - began
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in header or "Max-Age=0" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if response.getheader("Connection", "").lower() == "close" and port == self.port:
            connection.close()
            self.connection = None
        if self.stats is not None:
            self.stats.saw(method, path, response.status, seconds, port)
        return response.status, dict(response.headers), text

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def csrf_of(page: str, form_id: str | None = None) -> str:
    if form_id is not None:
        match = re.search(
            rf'<form[^>]*id="{form_id}".*?name="csrf_token"[^>]*value="([^"]+)"', page, re.S
        )
    else:
        match = CSRF.search(page)
    if not match:
        raise RuntimeError(f"no CSRF token in the page (form {form_id})")
    return html.unescape(match.group(1))


# --- mail ----------------------------------------------------------------------------------


class Sink:
    """An SMTP server that keeps every message it is given, by recipient."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.messages: list[tuple[str, email.message.EmailMessage]] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                with sink.lock:
                    for rcpt in envelope.rcpt_tos:
                        sink.messages.append((rcpt.lower(), message))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def sign_in_links(self, address: str) -> list[str]:
        links = []
        with self.lock:
            mails = [m for rcpt, m in self.messages if rcpt == address.lower()]
        for message in mails:
            part = message.get_body(preferencelist=("plain",))
            text = part.get_content() if part is not None else ""
            found = re.search(r"https?://\S+/kirjaudu/vahvista/[A-Za-z0-9_\-.]+", text)
            if found:
                links.append(found.group(0))
        return links

    def wait_link(self, address: str, earlier: int, seconds: float = 60) -> str | None:
        """The first link after the `earlier` ones this address already had."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            links = self.sign_in_links(address)
            if len(links) > earlier:
                return links[earlier]
            time.sleep(0.2)
        return None

    def stop(self) -> None:
        self.controller.stop()


def sign_in(client: Client, address: str, sink: Sink, mails: MailLedger) -> bool:
    """The real flow: the form, the mail, the link's confirm page, its button. True if signed in."""
    status, _, page = client.request("GET", "/kirjaudu")
    if status != 200:
        return False
    earlier = len(sink.sign_in_links(address))
    status, headers, _ = client.request(
        "POST", "/kirjaudu", {"csrf_token": csrf_of(page), "email": address, "next": ""}
    )
    mails.requested(address)
    if status != 302 or "/kirjaudu/tarkista" not in headers.get("Location", ""):
        return False
    link = sink.wait_link(address, earlier)
    if link is None:
        return False
    path = urllib.parse.urlsplit(link).path
    status, _, page = client.request("GET", path)
    if status != 200:
        return False
    status, headers, _ = client.request("POST", path, {"csrf_token": csrf_of(page), "submit": "1"})
    if status != 302:
        return False
    status, _, page = client.request("GET", "/profiili")
    worked = status == 200 and "/kirjaudu/ulos" in page
    if worked:
        mails.worked(address)
    return worked


@dataclass
class MailLedger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    asked: Counter = field(default_factory=Counter)
    links_worked: int = 0

    def requested(self, address: str) -> None:
        with self.lock:
            self.asked[address.lower()] += 1

    def worked(self, address: str) -> None:
        with self.lock:
            self.links_worked += 1


# --- the load ------------------------------------------------------------------------------


@dataclass
class Load:
    nginx_port: int
    sections: list[str]
    stats: Stats
    run_id: str
    stop: threading.Event = field(default_factory=threading.Event)
    counter: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token(self, who: int) -> str:
        with self.lock:
            self.counter[who] += 1
            return f"kt-{self.run_id}-{who}-{self.counter[who]}"


def post_comment(client: Client, load: Load, who: int, path: str, form: dict[str, str]) -> None:
    """One comment or reply, its token in the text; a send the connection lost is sent again
    with the same idempotency key, as a browser's second press would be."""
    token = load.token(who)
    form = {**form, "body": f"{SECTION_MARK} {token}: {form['body']}"}
    form["idempotency_key"] = secrets.token_hex(16)
    for _attempt in range(3):
        try:
            status, _, _ = client.request("POST", path, form)
        except (OSError, http.client.HTTPException):
            time.sleep(1)
            continue
        with load.stats.lock:
            if status == 303:
                load.stats.acknowledged.add(token)
            else:
                load.stats.unacknowledged.add(token)
        return
    with load.stats.lock:
        load.stats.unacknowledged.add(token)


def comment_form(csrf: str, body: str, parent: str = "") -> dict[str, str]:
    return {
        "csrf_token": csrf,
        "kind": "comment",
        "body": body,
        "quote": "",
        "parent_id": parent,
        "draft": "",
        "confirmed": "",
    }


SENTENCES = [
    "Maakuntien yhteistyöryhmien rooli kaipaa selkeyttä.",
    "Rahoitusmallin pitäisi palkita verkostojen tuloksia.",
    "Pienet kunnat tarvitsevat tukea hankehallintoon.",
    "Ehdotus on hyvä, mutta aikataulu tuntuu kireältä.",
    "Kansallisten verkostojen ja alueiden työnjako on tärkein kysymys.",
]


def participant(client: Client, load: Load, who: int, rng: random.Random) -> None:
    while not load.stop.is_set():
        slug = rng.choice(load.sections)
        try:
            status, _, page = client.request("GET", f"/osio/{slug}?order=newest")
            load.stats.actions["read"] += 1
            if status != 200:
                load.stop.wait(rng.uniform(1, 3))
                continue
            ids = re.findall(r'id="c(\d+)"', page)
            roll = rng.random()
            if roll < 0.35:
                post_comment(
                    client,
                    load,
                    who,
                    f"/osio/{slug}/kommentoi",
                    comment_form(csrf_of(page, "kommentoi"), rng.choice(SENTENCES)),
                )
                load.stats.actions["comment"] += 1
            elif roll < 0.55 and ids:
                parent = rng.choice(ids[:30])
                status, _, reply_page = client.request("GET", f"/kommentit/{parent}/vastaa")
                if status == 200:
                    post_comment(
                        client,
                        load,
                        who,
                        f"/osio/{slug}/kommentoi",
                        comment_form(
                            csrf_of(reply_page, "kommentoi"), rng.choice(SENTENCES), parent
                        ),
                    )
                    load.stats.actions["reply"] += 1
            elif roll < 0.75 and ids and 'class="thread-form"' in page:
                target = rng.choice(ids[:30])
                csrf = re.search(
                    r'class="thread-form">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                    page,
                )
                if csrf:
                    client.request(
                        "POST",
                        f"/kommentit/{target}/samaa-mielta",
                        {"csrf_token": html.unescape(csrf.group(1)), "agree": "1"},
                    )
                    load.stats.actions["agree"] += 1
        except (OSError, http.client.HTTPException):
            pass  # counted as a connection error; the next round opens a new connection
        except RuntimeError as error:
            with load.stats.lock:
                load.stats.connection_errors.append(f"page without a form: {error}")
        load.stop.wait(rng.uniform(1.0, 4.0))
    client.close()


def moderator(client: Client, load: Load, rng: random.Random, minutes: float) -> None:
    """Approves waiting comments, hides one of the bench's comments now and then and restores
    it later; turns pre-moderation on for the middle fifth of the run, so that there is
    something to approve."""
    began = time.monotonic()
    length = minutes * 60
    pre_on = False

    def act(comment_id: str, action: str, reason: str = "") -> None:
        status, _, page = client.request("GET", f"/moderointi/kommentit/{comment_id}")
        if status != 200:
            return
        form = {"csrf_token": csrf_of(page), "action": action, "reason": reason, "note": ""}
        status, _, _ = client.request("POST", f"/moderointi/kommentit/{comment_id}", form)
        if status == 303:
            load.stats.actions[f"moderator {action}"] += 1

    def ids_in(query: str) -> list[str]:
        status, _, page = client.request("GET", f"/moderointi/?{query}")
        return re.findall(r'href="/moderointi/kommentit/(\d+)"', page) if status == 200 else []

    def set_pre_moderation(on: bool) -> None:
        _, _, page = client.request("GET", "/moderointi/")
        form = {"csrf_token": csrf_of(page), "submit": "1"}
        if on:
            form["pre_moderation"] = "y"
        client.request("POST", "/moderointi/asetukset", form)
        log(f"moderator: pre-moderation {'on' if on else 'off'}")

    while not load.stop.is_set():
        try:
            elapsed = (time.monotonic() - began) / length
            if not pre_on and 0.4 <= elapsed < 0.6:
                set_pre_moderation(True)
                pre_on = True
            elif pre_on and elapsed >= 0.6:
                set_pre_moderation(False)
                pre_on = False
            pending = ids_in("visibility=pending")
            if pending:
                act(rng.choice(pending[:10]), "approve")
            hidden = ids_in(f"visibility=hidden&q={SECTION_MARK}")
            if hidden and rng.random() < 0.5:
                act(hidden[0], "restore")
            elif rng.random() < 0.3:
                visible = ids_in(f"visibility=visible&q={SECTION_MARK}")
                if visible:
                    act(rng.choice(visible[:10]), "hide", "Kuormatesti: piilotettu hetkeksi")
        except (OSError, http.client.HTTPException):
            pass
        except RuntimeError as error:
            with load.stats.lock:
                load.stats.connection_errors.append(f"moderation page without a form: {error}")
        load.stop.wait(rng.uniform(1.0, 3.0))
    if pre_on:
        set_pre_moderation(False)
    client.close()


# --- checks ------------------------------------------------------------------------------


def cross_server(client: Client, ports: list[int], slug: str, load: Load) -> tuple[bool, str]:
    """A comment posted straight to the first server, then read straight from each other one."""
    first, *others = ports
    _, _, page = client.request("GET", f"/osio/{slug}", port=first)
    token = load.token(0)
    form = comment_form(csrf_of(page, "kommentoi"), "näkyykö muilla palvelimilla?")
    form["body"] = f"{SECTION_MARK} {token}: {form['body']}"
    form["idempotency_key"] = secrets.token_hex(16)
    status, _, _ = client.request("POST", f"/osio/{slug}/kommentoi", form, port=first)
    if status != 303:
        return False, f"posting via :{first} answered {status}"
    with load.stats.lock:
        load.stats.acknowledged.add(token)
    missing = []
    for port in others:
        _, _, page = client.request("GET", f"/osio/{slug}?order=newest", port=port)
        if token not in page:
            missing.append(port)
    if missing:
        return False, f"posted via :{first}, missing on the next read via " + ", ".join(
            f":{p}" for p in missing
        )
    return True, f"posted via :{first}, seen via " + ", ".join(f":{p}" for p in others)


@dataclass
class LimitResult:
    first_refused: int | None
    refused: int
    sent: int
    accepted_by: Counter
    """Which server answered each accepted request (from nginx's access log)."""
    refused_by: Counter


def limit_across(nginx_port: int, prefix: Path) -> LimitResult:
    """One client (its own source address) asks nginx for 3x the limit's sign-in links, and
    one more, each for another address (so that only the per-client limit applies)."""
    source = "127.0.0.250"
    client = Client(nginx_port, source, None)
    first_refused = None
    statuses = []
    for number in range(1, 3 * LOGIN_LIMIT + 2):
        _, _, page = client.request("GET", "/kirjaudu")
        status, _, _ = client.request(
            "POST",
            "/kirjaudu",
            {"csrf_token": csrf_of(page), "email": f"raja{number}@raja-kunta.fi", "next": ""},
        )
        statuses.append(status)
        if status == 429 and first_refused is None:
            first_refused = number
        if status not in (302, 429):
            log(f"sign-in limit: request #{number} answered {status}")
    client.close()
    accepted_by: Counter = Counter()
    refused_by: Counter = Counter()
    for line in (prefix / "access.log").read_text().splitlines():
        if line.startswith(source + " ") and '"POST /kirjaudu ' in line:
            upstream = re.search(r"upstream=(\S+)", line)
            status = line.split('" ', 1)[1].split(" ", 1)[0]
            if upstream:
                port = upstream.group(1).rsplit(":", 1)[-1]
                (refused_by if status == "429" else accepted_by)[port] += 1
    return LimitResult(first_refused, statuses.count(429), len(statuses), accepted_by, refused_by)


# --- scaling -------------------------------------------------------------------------------


def run_wrk(
    port: int, seconds: int, read_path: str, post_path: str, csrf: str, cookie: str, run_id: str
) -> dict:
    command = [
        "wrk", "-t2", "-c20", f"-d{seconds}s", "--timeout", "30s", "--latency",
        "-s", str(LUA), f"http://127.0.0.1:{port}/",
        "--", read_path, post_path, csrf, cookie, run_id,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


# --- the run -------------------------------------------------------------------------------


class Cluster:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self.dbname = f"valuma_cluster_{self.stamp}_{secrets.token_hex(2)}"
        self.workdir = Path(tempfile.mkdtemp(prefix="valuma-cluster-"))
        self.processes: list[Process] = []
        self.nginxes: list[subprocess.Popen] = []
        self.sink: Sink | None = None
        self.db_created = False
        self.redis = None
        self.failures: list[str] = []

    # set-up and tear-down

    def admin_sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(statement)

    def query(self, statement: str, params: tuple = ()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            return connection.execute(statement, params).fetchall()

    def flask(self, *words: str) -> str:
        result = subprocess.run(
            [str(VENV_BIN / "flask"), "--app", "wsgi", *words],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise SystemExit(f"flask {' '.join(words)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def setup(self) -> None:
        import redis

        self.nginx = ensure_nginx()
        self.nginx_port = free_port()
        self.nginx1_port = free_port()
        self.ports = [free_port() for _ in range(3)]
        self.admin_sql(f'CREATE DATABASE "{self.dbname}"')
        self.db_created = True
        self.database_url = f"postgresql://postgres@127.0.0.1:5432/{self.dbname}"
        redis_url = f"{REDIS_BASE}/{REDIS_DB}"
        self.redis = redis.Redis.from_url(redis_url)
        self.redis.flushdb()
        self.sink = Sink()
        uploads = self.workdir / "uploads"
        uploads.mkdir()
        self.env = {
            **os.environ,
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "VALUMA_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": self.database_url,
            "BASE_URL": f"http://127.0.0.1:{self.nginx_port}",
            "TRUSTED_HOSTS": "127.0.0.1",
            "PROXY_FIX_HOPS": "1",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.sink.port),
            "MAIL_DEFAULT_SENDER": "VALUMA Space <valuma@cluster.example>",
            "REDIS_URL": redis_url,
            "THREAD_CACHE": "redis",
            "RATELIMIT_STORAGE_URI": redis_url,
            "TASK_QUEUE_URL": redis_url,
            "UPLOAD_DIR": str(uploads),
            "LOGIN_RATE_PER_IP": f"{LOGIN_LIMIT} per 10 minutes",
            "WEB_CONCURRENCY": "2",
        }
        log(f"database {self.dbname}, Redis db {REDIS_DB}, SMTP sink :{self.sink.port}")
        self.flask("db", "upgrade")
        self.flask("valuma", "demo")
        self.moderator_email = "moderaattori@klusteri-kunta.fi"
        self.flask("valuma", "user", "add", "--email", self.moderator_email, "--role", "moderator")
        commands = procfile()
        for number, port in enumerate(self.ports, 1):
            env = {**self.env, "PORT": str(port)}
            self.processes.append(
                Process(f"web.{number}", commands["web"], env, self.workdir / f"web.{number}.log")
            )
        for number in (1, 2):
            self.processes.append(
                Process(
                    f"worker.{number}",
                    worker_command(),
                    self.env,
                    self.workdir / f"worker.{number}.log",
                )
            )
        for process in self.processes:
            process.start()
        self.start_nginx(self.nginx_port, self.ports, "nginx")
        self.start_nginx(self.nginx1_port, self.ports[:1], "nginx-1")
        for port in self.ports:
            self.wait_healthy(port)
        self.wait_healthy(self.nginx_port)
        self.wait_healthy(self.nginx1_port)
        log(
            "up: app servers "
            + ", ".join(f":{p}" for p in self.ports)
            + f", 2 workers, nginx :{self.nginx_port} (and :{self.nginx1_port} with one upstream)"
        )

    def start_nginx(self, port: int, upstreams: list[int], name: str) -> None:
        prefix = self.workdir / name
        prefix.mkdir()
        conf = prefix / "nginx.conf"
        conf.write_text(nginx_config(prefix, port, upstreams))
        with (prefix / "stderr.log").open("wb") as out:
            self.nginxes.append(
                subprocess.Popen(
                    [self.nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def wait_healthy(self, port: int, seconds: float = 60) -> float:
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if connection.getresponse().status == 200:
                    connection.close()
                    return time.monotonic() - began
                connection.close()
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f":{port}/healthz did not answer 200 within {seconds:.0f} s")

    def teardown(self) -> None:
        for process in self.processes:
            process.kill()
        for popen in self.nginxes:
            if popen.poll() is None:
                os.killpg(popen.pid, signal.SIGTERM)
                try:
                    popen.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(popen.pid, signal.SIGKILL)
        if self.sink is not None:
            self.sink.stop()
        if self.db_created and not self.args.keep:
            try:
                self.admin_sql(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
            except Exception as error:  # the tear-down goes on
                print(f"could not drop {self.dbname}: {error}", flush=True)
        if self.redis is not None:
            self.redis.flushdb()
        if self.args.keep:
            print(f"kept: database {self.dbname}, logs in {self.workdir}", flush=True)
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # the run

    def sections(self) -> list[str]:
        rows = self.query(
            "SELECT s.slug FROM sections s JOIN pages p ON p.id = s.page_id ORDER BY p.position, s.position"
        )
        return [row[0] for row in rows]

    def run(self) -> int:
        args = self.args
        self.setup()
        stats = Stats()
        mails = MailLedger()
        load = Load(self.nginx_port, self.sections()[:4], stats, secrets.token_hex(2))

        # everyone signs in, ten at a time
        log(f"{args.participants} participants and the moderator sign in through the emailed link")
        clients = [
            Client(self.nginx_port, f"127.0.0.{10 + n}", stats) for n in range(args.participants)
        ]
        moderator_client = Client(self.nginx_port, "127.0.0.9", stats)
        people = [(moderator_client, self.moderator_email)] + [
            (c, f"osallistuja{n}@klusteri-kunta{n % 7}.fi") for n, c in enumerate(clients)
        ]
        failed_sign_ins = []
        lock = threading.Lock()

        def sign_in_all(batch):
            for client, address in batch:
                if not sign_in(client, address, self.sink, mails):
                    with lock:
                        failed_sign_ins.append(address)

        threads = [
            threading.Thread(daemon=True, target=sign_in_all, args=(people[i::10],))
            for i in range(10)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failed_sign_ins:
            self.failures.append(f"sign-in failed for {', '.join(failed_sign_ins)}")
        log(f"signed in: {len(people) - len(failed_sign_ins)} of {len(people)}")

        # the load, with the restarts in it
        log(f"load: {args.participants} participants and a moderator for {args.minutes:g} min")
        load_threads = [
            threading.Thread(
                daemon=True, target=participant, args=(c, load, n + 1, random.Random(n))
            )
            for n, c in enumerate(clients)
        ]
        load_threads.append(
            threading.Thread(
                daemon=True,
                target=moderator,
                args=(moderator_client, load, random.Random(99), args.minutes),
            )
        )
        began = time.monotonic()
        for thread in load_threads:
            thread.start()
        length = args.minutes * 60
        visibility: list[tuple[bool, str]] = []
        checker = Client(self.nginx_port, "127.0.0.8", None)
        people_again = people[1:6]

        def at(fraction: float) -> None:
            load.stop.wait(max(0.0, began + fraction * length - time.monotonic()))

        at(0.25)
        web = self.processes[1]
        port = self.ports[1]
        took = web.stop()
        log(f"restart: SIGTERM to {web.name} (:{port}), exited after {took:.1f} s")
        web.start()
        up = self.wait_healthy(port)
        log(f"restart: {web.name} started again, /healthz 200 after {up:.1f} s")

        at(0.4)
        # a checker signs in now (straight through nginx) and posts via one server, reads via the others
        sign_in(checker, "tarkistaja@klusteri-kunta.fi", self.sink, mails)
        visibility.append(cross_server(checker, self.ports, load.sections[0], load))
        log(f"cross-server visibility under load: {visibility[-1][1]}")

        at(0.5)
        worker = self.processes[3]
        took = worker.stop()
        log(
            f"restart: SIGTERM to {worker.name}, exited after {took:.1f} s; 5 sign-ins while it is down"
        )
        again = [Client(self.nginx_port, c.source, stats) for c, _ in people_again]
        again_threads = [
            threading.Thread(
                daemon=True,
                target=lambda c=c, a=a: (
                    sign_in(c, a, self.sink, mails) or failed_sign_ins.append(a)
                ),
            )
            for c, (_, a) in zip(again, people_again, strict=True)
        ]
        for thread in again_threads:
            thread.start()
        time.sleep(3)
        worker.start()
        log(f"restart: {worker.name} started again")
        for thread in again_threads:
            thread.join()

        at(1.0)
        load.stop.set()
        for thread in load_threads:
            thread.join()
        log(
            "load done: "
            + ", ".join(f"{name} {count}" for name, count in sorted(stats.actions.items()))
        )

        visibility.append(cross_server(checker, self.ports, load.sections[1], load))
        visibility.append(cross_server(checker, list(reversed(self.ports)), load.sections[2], load))

        # the outbox empties; then count mails
        time.sleep(5)
        limit = limit_across(self.nginx_port, self.workdir / "nginx")
        first_refused = limit.first_refused

        # what PostgreSQL holds
        stored_rows = self.query(
            "SELECT body_markdown FROM comments WHERE body_markdown LIKE %s",
            (f"{SECTION_MARK} kt-%",),
        )
        stored = Counter(
            TOKEN.search(row[0]).group(0) for row in stored_rows if TOKEN.search(row[0])
        )
        acknowledged = stats.acknowledged
        lost = [t for t in acknowledged if t not in stored]
        duplicated = [t for t, n in stored.items() if n > 1]
        extra = [t for t in stored if t not in acknowledged]

        # sign-in mails
        time.sleep(2)
        asked = dict(mails.asked)
        # Per request: an address asked for twice must have exactly two mails.
        received = {a: len(self.sink.sign_in_links(a)) for a in asked}
        delivered_once = sum(n for a, n in asked.items() if received[a] == n)
        duplicated_mails = sum(received[a] - n for a, n in asked.items() if received[a] > n)
        requested = sum(asked.values())

        scaling = self.scaling(clients[0]) if args.scale_rounds > 0 else None

        # the report
        print()
        print(f"acknowledged: {len(acknowledged)}")
        print(f"stored: {sum(stored.values())}")
        print(f"lost: {len(lost)}")
        print(f"duplicated: {len(duplicated)}")
        if extra:
            print(
                f"  stored though not acknowledged (the client gave up or saw a refusal): {len(extra)}"
            )
        print(f"5xx: {len(stats.errors_5xx)}")
        for line in stats.errors_5xx[:20]:
            print(f"  {line}")
        print(f"connection errors: {len(stats.connection_errors)}")
        for line in stats.connection_errors[:10]:
            print(f"  {line}")
        print(f"4xx: {sum(stats.refused_4xx.values())}")
        for (status, method, path), count in stats.refused_4xx.most_common(8):
            print(f"  {status} {method} {path}: {count}")
        print(
            f"requests: {sum(stats.statuses.values())} ({', '.join(f'{s}: {n}' for s, n in sorted(stats.statuses.items()))})"
        )
        if stats.latencies:
            ordered = sorted(stats.latencies)
            print(
                f"load latency: p50 {1000 * ordered[len(ordered) // 2]:.0f} ms, "
                f"p99 {1000 * ordered[int(len(ordered) * 0.99)]:.0f} ms"
            )
        outbox = dict(self.query("SELECT status, count(*) FROM outbox_messages GROUP BY status"))
        jobs = dict(self.query("SELECT state, count(*) FROM jobs GROUP BY state"))
        print(
            "outbox: "
            + (", ".join(f"{n} {status}" for status, n in sorted(outbox.items())) or "empty")
            + "; jobs: "
            + (", ".join(f"{n} {state}" for state, n in sorted(jobs.items())) or "none")
        )
        drifted = units_match_procfile()
        print(
            "Procfile and deploy/systemd units: "
            + ("the same commands" if not drifted else "DIFFER for " + ", ".join(drifted))
        )
        if drifted:
            self.failures.append("systemd units differ from the Procfile")
        print(self.retried_upstreams())
        ok_visible = all(ok for ok, _ in visibility)
        if ok_visible:
            print(f"cross-server visibility: ok ({visibility[0][1]})")
            print(
                f"  {len(visibility)} checks, each on the next read: under load after the restart, "
                "after the load, and after the load the other way round (" + visibility[-1][1] + ")"
            )
        else:
            print(
                "cross-server visibility: FAILED ("
                + "; ".join(t for ok, t in visibility if not ok)
                + ")"
            )
        print(
            f"sign-in mails: {requested} requested, {delivered_once} delivered once, "
            f"{duplicated_mails} duplicated, {mails.links_worked} links worked"
        )
        print(
            f"sign-in limit across servers: limit {LOGIN_LIMIT}, refused from request "
            f"#{first_refused}"
        )
        accepted = ", ".join(f":{p} {limit.accepted_by.get(str(p), 0)}" for p in self.ports)
        refused = ", ".join(f":{p} {limit.refused_by.get(str(p), 0)}" for p in self.ports)
        print(
            f"  one client, {limit.sent} requests through nginx (each for another address): "
            f"accepted by {accepted}; refused ({limit.refused}, every one from #{first_refused} "
            f"on: {limit.refused == limit.sent - LOGIN_LIMIT}) by {refused}"
        )
        if scaling:
            print(scaling)

        if lost:
            self.failures.append(f"lost {len(lost)}: {sorted(lost)[:5]}")
        if duplicated:
            self.failures.append(f"duplicated {len(duplicated)}")
        if stats.errors_5xx:
            self.failures.append(f"{len(stats.errors_5xx)} responses 5xx")
            self.print_tracebacks()
        if not ok_visible:
            self.failures.append("cross-server visibility")
        if delivered_once != requested or duplicated_mails or mails.links_worked != requested:
            self.failures.append("sign-in mails")
        if first_refused != LOGIN_LIMIT + 1 or limit.refused != limit.sent - LOGIN_LIMIT:
            self.failures.append(
                f"sign-in limit: refused from #{first_refused}, not #{LOGIN_LIMIT + 1}"
            )
        if self.failures:
            print("FAILED: " + "; ".join(self.failures))
            return 1
        print("all checks passed")
        return 0

    def retried_upstreams(self) -> str:
        """What nginx sent to a second server, and why the first failed (its error log)."""
        prefix = self.workdir / "nginx"
        methods: Counter = Counter()
        for line in (prefix / "access.log").read_text().splitlines():
            if re.search(r"upstream=\S+,", line):
                methods[line.split('"', 2)[1].split(" ", 1)[0]] += 1
        errors = (prefix / "error.log").read_text()
        reset = errors.count("Connection reset by peer")
        refused = errors.count("(111: Connection refused)")
        by_method = ", ".join(f"{m} {n}" for m, n in sorted(methods.items())) or "none"
        return (
            f"nginx retried on another server: {sum(methods.values())} requests ({by_method}); "
            f"first server reset the connection {reset} times (queued in a stopping gunicorn, "
            f"never read), refused it {refused} times"
        )

    def print_tracebacks(self) -> None:
        for process in self.processes:
            text = process.logfile.read_text(errors="replace")
            tracebacks = text.count("Traceback")
            if tracebacks:
                print(f"--- {process.name}: {tracebacks} tracebacks, the last:")
                print(text[text.rfind("Traceback") :][:3000])

    def scaling(self, client: Client) -> str:
        """wrk (2 threads, 20 connections, closed loop: 9 reads of a section page, then one
        comment) through nginx with 1 upstream and with 3, alternating; CPU per process kind."""
        args = self.args
        slug = self.sections()[5]
        read_path, post_path = f"/osio/{slug}", f"/osio/{slug}/kommentoi"
        _, _, page = client.request("GET", read_path)
        csrf = csrf_of(page, "kommentoi")
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        results: dict[int, list[dict]] = {1: [], 3: []}
        cpu: dict[int, list[dict[str, float]]] = {1: [], 3: []}
        log(
            f"scaling: {args.scale_rounds} rounds of {args.scale_seconds} s each with 1 and 3 app servers"
        )
        for round_number in range(args.scale_rounds):
            order = (1, 3) if round_number % 2 == 0 else (3, 1)
            for servers in order:
                port = self.nginx1_port if servers == 1 else self.nginx_port
                groups = self.cpu_groups()
                before = {name: cpu_seconds(pids) for name, pids in groups.items()}
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                busy_before = machine_busy()
                began = time.monotonic()
                result = run_wrk(
                    port,
                    args.scale_seconds,
                    read_path,
                    post_path,
                    csrf,
                    cookie,
                    f"s{round_number}{servers}",
                )
                seconds = time.monotonic() - began
                busy_after = machine_busy()
                used = {
                    name: (cpu_seconds(groups[name]) - before[name]) / seconds for name in groups
                }
                after = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
                used["wrk"] = (
                    after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
                ) / seconds
                used["machine"] = (
                    os.cpu_count()
                    * (busy_after[0] - busy_before[0])
                    / max(1, busy_after[1] - busy_before[1])
                )
                results[servers].append(result)
                cpu[servers].append(used)
                log(
                    f"  round {round_number + 1}, {servers} server(s): {result['rate']:.0f} req/s, "
                    f"p50 {result['p50']:.0f} ms, p99 {result['p99']:.0f} ms"
                    + (f", {result['errors']} non-2xx/3xx" if result["errors"] else "")
                    + (
                        f", socket errors {result['socket_errors']}"
                        if result["socket_errors"]
                        else ""
                    )
                )
                if result["errors"]:
                    self.failures.append(
                        f"scaling: {result['errors']} error responses with {servers} server(s)"
                    )
                time.sleep(2)  # let the queue empty before the next case
        lines = [
            "",
            f"scaling (wrk -t2 -c20, {args.scale_seconds} s, 9 reads of a section page : 1 comment, "
            f"through nginx; {args.scale_rounds} rounds; {os.cpu_count()} CPUs):",
            "servers  req/s min / median / max      p50 ms (median)  p99 ms (median)   CPU cores used: gunicorn  postgres  nginx  wrk  machine",
        ]
        for servers in (1, 3):
            rates = [r["rate"] for r in results[servers]]
            p50 = statistics.median(r["p50"] for r in results[servers])
            p99 = statistics.median(r["p99"] for r in results[servers])
            use = {k: statistics.median(c[k] for c in cpu[servers]) for k in cpu[servers][0]}
            lines.append(
                f"{servers:>7}  {min(rates):6.0f} / {statistics.median(rates):6.0f} / {max(rates):6.0f}"
                f"      {p50:14.0f}  {p99:15.0f}   "
                f"{use['gunicorn']:24.2f}  {use['postgres']:8.2f}  {use['nginx']:5.2f}  {use['wrk']:3.2f}  {use['machine']:7.2f}"
            )
        ratios = [
            three["rate"] / one["rate"] for one, three in zip(results[1], results[3], strict=True)
        ]
        lines.append(
            f"ratio: {statistics.median(ratios):.2f} (3 servers / 1 server, median over rounds of the same round's pair)"
        )
        cores = os.cpu_count() or 1
        three = {k: statistics.median(c[k] for c in cpu[3]) for k in cpu[3][0]}
        rate3 = statistics.median(r["rate"] for r in results[3])
        per_request = {k: 1000 * three[k] / rate3 for k in ("gunicorn", "postgres", "nginx")}
        ours = three["gunicorn"] + three["postgres"] + three["nginx"] + three["wrk"]
        ceiling = 1000 * cores / sum(per_request.values())
        lines.append(
            f"CPU per request with 3 servers: gunicorn {per_request['gunicorn']:.1f} ms, "
            f"postgres {per_request['postgres']:.1f} ms, nginx {per_request['nginx']:.1f} ms: "
            f"{cores} cores could serve at most {ceiling:.0f} req/s of this mix, however many "
            f"servers share them"
        )
        lines.append(
            f"what limits scaling here: CPU. The machine was {100 * three['machine'] / cores:.0f}% "
            f"busy with 3 servers ({ours:.2f} cores ours, {max(0.0, three['machine'] - ours):.2f} "
            "other processes on the machine); the three servers run on the same cores as one, "
            "so a third more worker processes only share them (any ratio above 1 comes from "
            "overlapping one worker's waits for PostgreSQL with another's rendering, or from "
            "taking a larger share of a machine others use too). Servers on machines of their "
            "own add their cores, sharing PostgreSQL and Redis."
        )
        return "\n".join(lines)

    def cpu_groups(self) -> dict[str, list[int]]:
        web = [pid for p in self.processes if p.name.startswith("web") for pid in p.pids()]
        postgres = [
            row[0]
            for row in self.query(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.dbname,)
            )
        ]
        nginx = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                comm = (entry / "comm").read_text().strip()
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if comm == "nginx" and int(fields[2]) in {p.pid for p in self.nginxes}:
                nginx.append(int(entry.name))
        return {"gunicorn": web, "postgres": postgres, "nginx": nginx}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--scale-seconds", type=int, default=20)
    parser.add_argument("--scale-rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args()
    cluster = Cluster(args)
    # Ctrl+C, and SIGTERM, stop the run with its tear-down (even when started in the background,
    # where the shell has SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return cluster.run()
    finally:
        cluster.teardown()


if __name__ == "__main__":
    sys.exit(main())
