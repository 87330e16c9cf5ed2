"""The task queue on both of its backends: the embedded SQLite file and Redis (the distributed
one, which CI has): a task enqueued in a request runs once, in a worker, after the response; a
job whose worker is killed mid-job runs again; two schedulers make one digest round a day.

The tests order events: Huey's own signals tell when a worker has finished a task, and a worker
process tells through a file that it is inside the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from huey import signals as huey_signals
from sqlalchemy import select

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import confirm_link, link_path, post_form, sent_mails
from valuma_space.auth.models import DigestFrequency
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.mail.models import OutboxMessage, OutboxStatus
from valuma_space.tasks import queue as tasks
from valuma_space.tasks.models import Job, JobState
from valuma_space.tasks.queue import queue_for

ROOT = Path(__file__).resolve().parent.parent
WAIT = 30  # seconds an event may take before the test fails instead of hanging
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_fail() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("CI runs the task queue on Redis at 127.0.0.1:6379, which does not answer")
        pytest.skip("no Redis at 127.0.0.1:6379")
    return client


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {"TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite'}"}
        return
    client = _redis_or_fail()
    name = f"valumatest{uuid.uuid4().hex}"
    yield {"TASK_QUEUE_URL": REDIS_URL, "TASK_QUEUE_NAME": name}
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)


@pytest.fixture
def config_overrides(backend: dict[str, str]) -> dict[str, Any]:
    return {**backend, "DIGEST_HOUR": 0}


class Finished:
    """Counts the tasks the app's workers have finished, from Huey's own signals."""

    def __init__(self, app: Flask) -> None:
        self.names: list[str] = []
        self.condition = threading.Condition()
        queue_for(app).huey.signal(huey_signals.SIGNAL_COMPLETE, huey_signals.SIGNAL_ERROR)(
            self._record
        )

    def _record(self, signal_name: str, task: Any, *args: Any) -> None:
        with self.condition:
            self.names.append(task.name)
            self.condition.notify_all()

    def wait_for(self, name: str, count: int = 1) -> None:
        with self.condition:
            done = self.condition.wait_for(
                lambda: sum(1 for n in self.names if n == name) >= count, WAIT
            )
        assert done, f"{name} did not finish {count} time(s); finished: {self.names}"


@pytest.fixture
def finished(app: Flask) -> Finished:
    return Finished(app)


@pytest.fixture
def start_worker(app: Flask) -> Iterator[Callable[..., Any]]:
    started: list[Any] = []

    def start(scheduler: bool = False) -> Any:
        consumer = queue_for(app).consumer(threads=2, scheduler=scheduler, embedded=True)
        consumer.start()
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop(graceful=True)


RAN: list[dict[str, Any]] = []


@tasks.job("tests.record")
def _record_job(**arguments: Any) -> None:
    RAN.append(arguments)


@tasks.job("tests.hold", lease_seconds=1)
def _hold_job(token: str) -> None:
    """Runs in tests/task_worker.py's processes; registered here so that the test can enqueue."""
    raise AssertionError("only the worker processes run this job")


@pytest.fixture(autouse=True)
def _forget_runs() -> None:
    RAN.clear()


def test_sign_in_mail_is_sent_by_a_worker_once_after_the_response(
    app: Flask, start_worker, finished: Finished
) -> None:
    make_workspace()
    make_user("maija@kunta.fi")
    client = app.test_client()
    response = post_form(client, "/kirjaudu", email="maija@kunta.fi")
    assert response.status_code == 302
    # The request only left a message on the queue: no worker runs yet, and nothing went.
    assert sent_mails(app) == []
    assert queue_for(app).huey.pending_count() == 1
    start_worker()
    finished.wait_for("valuma.wake.mail.deliver")
    [mail] = sent_mails(app)
    assert mail.recipient == "maija@kunta.fi"
    assert queue_for(app).huey.pending_count() == 0
    db.session.expire_all()
    [row] = db.session.scalars(select(OutboxMessage)).all()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    signed_in = confirm_link(client, link_path(mail.link))
    assert signed_in.status_code == 302
    assert "Kirjaudu ulos" in client.get("/").get_data(as_text=True)


def test_a_job_runs_once_after_its_commit_and_never_after_a_rollback(
    app: Flask, start_worker, finished: Finished
) -> None:
    assert tasks.enqueue("tests.record", comment=1)
    db.session.rollback()  # the request failed: no job, no message
    assert db.session.scalars(select(Job)).all() == []
    assert queue_for(app).huey.pending_count() == 0

    assert tasks.enqueue("tests.record", comment=2)
    assert tasks.enqueue("tests.record", key="once", comment=3)
    assert not tasks.enqueue("tests.record", key="once", comment=4)  # the same key: nothing
    db.session.commit()
    start_worker()
    finished.wait_for("valuma.job", count=2)
    assert sorted(run["comment"] for run in RAN) == [2, 3]
    db.session.expire_all()
    jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
    assert [(job.state, job.attempts) for job in jobs] == [(JobState.DONE, 1)] * 2

    # A second message for a finished job (a sweep's, a duplicate) runs nothing.
    queue_for(app).send_job(jobs[0].id)
    finished.wait_for("valuma.job", count=3)
    assert len(RAN) == 2


def _worker_process(app: Flask, backend: dict[str, str], markers: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        **backend,
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MARKER_DIR": str(markers),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.task_worker"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_file(path: Path, process: subprocess.Popen) -> None:
    event = threading.Event()
    for _ in range(WAIT * 20):
        if path.exists():
            return
        if process.poll() is not None:
            pytest.fail(f"the worker exited: {process.stderr.read().decode()[-2000:]}")
        event.wait(0.05)
    pytest.fail(f"{path.name} never appeared")


def test_a_job_whose_worker_is_killed_mid_job_runs_again_and_has_its_effect_once(
    app: Flask, backend: dict[str, str], tmp_path: Path
) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    assert tasks.enqueue("tests.hold", token="kommentti-42")
    db.session.commit()
    [job] = db.session.scalars(select(Job)).all()

    first = _worker_process(app, backend, markers)
    try:
        _wait_for_file(markers / "started-1", first)
        os.killpg(first.pid, signal.SIGKILL)  # dies mid-job: no chance to say anything
        first.wait(WAIT)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.state, job.attempts) == (JobState.RUNNING, 1)
    assert not (markers / "effect").exists()
    # The dead worker's message is gone from the queue: nothing would run it again but the sweep.
    assert queue_for(app).huey.pending_count() == 0

    (markers / "release").touch()
    second = _worker_process(app, backend, markers)
    try:
        # Once the dead worker's lease is over, the sweep sends the job again.
        lease_over = job.lease_until + timedelta(milliseconds=50)
        threading.Event().wait(max((lease_over - utcnow()).total_seconds(), 0))
        assert tasks.jobs_to_resend(utcnow()) == [job.id]
        assert tasks.sweep() == 1
        _wait_for_file(markers / "finished", second)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(WAIT)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert (markers / "effect").read_text() == "kommentti-42\n"
    assert tasks.jobs_to_resend(utcnow() + timedelta(hours=1)) == []


def test_a_worker_stopped_with_sigterm_finishes_its_job_first(
    app: Flask, backend: dict[str, str], tmp_path: Path
) -> None:
    """A restart (systemd stop, a deploy) lets the running job end: SIGTERM arrives while the
    job is inside, the job then finishes once, and only after it the worker exits."""
    markers = tmp_path / "markers"
    markers.mkdir()
    assert tasks.enqueue("tests.hold", token="kommentti-7")
    db.session.commit()
    worker = _worker_process(app, backend, markers)
    try:
        _wait_for_file(markers / "started-1", worker)
        os.killpg(worker.pid, signal.SIGTERM)
        # Still inside the job: a graceful stop waits for it.
        with pytest.raises(subprocess.TimeoutExpired):
            worker.wait(0.5)
        assert not (markers / "finished").exists()
        (markers / "release").touch()
        assert worker.wait(WAIT) == 0
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert (markers / "effect").read_text() == "kommentti-7\n"
    db.session.expire_all()
    [job] = db.session.scalars(select(Job)).all()
    assert (job.state, job.attempts) == (JobState.DONE, 1)


def _digests(app: Flask) -> list[Any]:
    return [mail for mail in sent_mails(app) if mail.subject.startswith("Mitä uutta")]


def test_two_schedulers_send_each_digest_once_a_day(
    app: Flask, start_worker, finished: Finished
) -> None:
    start = utcnow() - timedelta(hours=2)
    section = make_section(make_page(make_workspace(), "Tausta"), "Päätavoitteet", "Teksti.")
    writer = make_user("kirjoittaja@kunta.fi", display_name="Kirjoittaja")
    readers = [make_user(f"lukija{n}@kunta.fi", display_name=f"Lukija {n}") for n in range(3)]
    for reader in readers:
        reader.digest = DigestFrequency.DAILY
        reader.digest_since = start
        reader.mail_replies = False
    writer.digest = DigestFrequency.NEVER
    db.session.commit()
    make_comment(section, writer, "Uutta luettavaa.")
    db.session.commit()

    consumers = [start_worker(scheduler=True), start_worker(scheduler=True)]
    # Each scheduler's minute, as Huey's scheduler runs it, at the same moment on both.
    moment = utcnow().replace(tzinfo=None)
    for consumer in consumers:
        consumer._create_scheduler().enqueue_periodic_tasks(moment)
    finished.wait_for("valuma.periodic.notifications.digests", count=2)
    finished.wait_for("valuma.job")
    # The job commits a person at a time, and each commit wakes the sender.
    finished.wait_for("valuma.wake.mail.deliver", count=len(readers))
    db.session.expire_all()
    [job] = db.session.scalars(select(Job).where(Job.name == "notifications.digests")).all()
    assert job.state == JobState.DONE and job.key.startswith("digests:")
    assert sorted(mail.recipient for mail in _digests(app)) == [r.email for r in readers]

    # The next minute, on both, adds nothing for the same day.
    for consumer in consumers:
        consumer._create_scheduler().enqueue_periodic_tasks(moment + timedelta(minutes=1))
    finished.wait_for("valuma.periodic.notifications.digests", count=4)
    assert db.session.scalars(select(Job).where(Job.name == "notifications.digests")).all() == [job]
    assert len(_digests(app)) == 3


def test_every_job_and_periodic_task_of_the_product_is_safe_to_run_twice(app: Flask) -> None:
    """Each registered piece of background work, run twice over the same data, has its effect
    once: the second run adds no job, queues no mail and sends nothing again."""
    section = make_section(make_page(make_workspace(), "Tausta"), "Päätavoitteet", "Teksti.")
    reader = make_user("lukija@kunta.fi", display_name="Lukija")
    reader.digest = DigestFrequency.DAILY
    reader.digest_since = utcnow() - timedelta(hours=2)
    writer = make_user("kirjoittaja@kunta.fi", display_name="Kirjoittaja")
    newcomer = make_user("tilaaja@kunta.fi")
    writer.digest = newcomer.digest = DigestFrequency.NEVER
    db.session.commit()
    make_comment(section, writer, "Uutta.")
    post_form(app.test_client(), "/kirjaudu", email="tilaaja@kunta.fi")
    db.session.commit()
    product_jobs = {name for name in tasks.JOBS if not name.startswith("tests.")}
    assert product_jobs == {"notifications.digests"}
    assert set(tasks.PERIODIC) == {"tasks.sweep", "mail.sweep", "notifications.digests"}
    assert set(tasks.WAKE_TASKS) == {"mail.deliver"}

    def state() -> tuple:
        db.session.expire_all()
        jobs = db.session.execute(select(Job.name, Job.key, Job.state)).all()
        mails = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.status)).all()
        return sorted(map(tuple, jobs)), sorted(map(tuple, mails)), len(sent_mails(app))

    for run in range(2):
        for spec in tasks.PERIODIC.values():
            spec.function(utcnow())
            db.session.commit()
        for name in product_jobs:
            for _step in tasks.JOBS[name].function():
                db.session.commit()
        for function in tasks.WAKE_TASKS.values():
            function()
            db.session.commit()
        if run == 0:
            after_first = state()
    assert state() == after_first
    jobs, mails, sent = after_first
    today = utcnow().astimezone(local_zone()).date().isoformat()
    assert [key for _name, key, _state in jobs] == [f"digests:{today}"]
    assert sorted(recipient for recipient, _status in mails) == [
        "lukija@kunta.fi",
        "tilaaja@kunta.fi",
    ]
    assert sent == 2
