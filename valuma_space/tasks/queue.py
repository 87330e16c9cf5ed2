"""The task queue: Huey carries the messages; the product's own records say what must be done.

Which guarantee comes from where:
- **Huey** runs a message on one worker, soon: from Redis (`TASK_QUEUE_URL=redis://…`, many
  workers on many servers) or from a SQLite file (the embedded default, a worker thread inside
  the development server). It does not run a message again whose worker died mid-task: Huey
  takes the message off the queue before running it and has no acknowledgement.
- **The jobs table** (`Job`) is the record of each job: a worker claims the row with a
  conditional UPDATE (so two deliveries of one message run it once at a time), runs it, and marks
  it done. The sweep, every minute on every scheduler, sends again every job that is queued but
  untouched for `SWEEP_GRACE`, or running past its lease: the job of a worker that died runs
  again once its lease is over. Jobs are therefore run at least once and written to be safe to
  run twice.
- **Mail** keeps the outbox row as its record (mail/sender.py). The commit that writes an outbox
  row wakes the sender through the queue (`wake`), and the sweep runs a delivery round every
  minute, which catches a lost wake-up and a retry that is due.
- **Periodic work** (`periodic`) is started each minute by every scheduler that runs; it only
  decides what is due and enqueues a job with a key per period, so two schedulers make one job.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Huey
from huey.consumer import Consumer
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from config import ConfigError
from valuma_space.db import insert_unless_present, utcnow
from valuma_space.extensions import db
from valuma_space.tasks.models import Job, JobState

log = logging.getLogger(__name__)

SWEEP_GRACE = timedelta(seconds=30)
"""A queued job nobody has claimed for this long has lost its message (or waits behind a long
queue, and then a second message does no harm): the sweep sends it again."""
SWEEP_BATCH = 500
RETRY_BASE = timedelta(seconds=10)
RETRY_MAX = timedelta(minutes=30)


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: Callable[..., object]
    lease: timedelta
    """Longer than the job can take: past it, the job is taken to have lost its worker."""
    max_attempts: int


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    due: Callable[[datetime], bool]
    """Given the minute (aware, UTC), whether to run now."""
    function: Callable[[datetime], object]


JOBS: dict[str, JobSpec] = {}
WAKE_TASKS: dict[str, Callable[[], object]] = {}
PERIODIC: dict[str, PeriodicSpec] = {}


def job(
    name: str, *, lease_seconds: int = 300, max_attempts: int = 5
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Register a job that runs in a worker with the keyword arguments `enqueue` was given (JSON
    values). It must be safe to run twice: a worker that dies after the work and before marking
    it done leaves it to run again. Like a service it flushes and never commits; a job that
    returns an iterator is committed after each step it yields (a long job keeps what it did)."""

    def register(function: Callable[..., object]) -> Callable[..., object]:
        JOBS[name] = JobSpec(name, function, timedelta(seconds=lease_seconds), max_attempts)
        return function

    return register


def wake_task(name: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register work that has a record of its own (the outbox for mail) and only needs to be
    started: `wake(name)` runs it in a worker after the caller's commit."""

    def register(function: Callable[[], object]) -> Callable[[], object]:
        WAKE_TASKS[name] = function
        return function

    return register


def periodic(name: str, due: Callable[[datetime], bool]) -> Callable:
    """Register `function(now)` to run in a worker each minute `due(now)` holds, on every
    scheduler: it must be cheap and safe to run twice, and enqueue keyed jobs for real work."""

    def register(function: Callable[[datetime], object]) -> Callable[[datetime], object]:
        PERIODIC[name] = PeriodicSpec(name, due, function)
        return function

    return register


def every_minute(_moment: datetime) -> bool:
    return True


# -- In the caller's transaction ------------------------------------------------------------------


def enqueue(
    name: str, *, key: str | None = None, run_after: datetime | None = None, **arguments: Any
) -> bool:
    """Add a job in the caller's transaction; the queue hears of it once that commits (a
    rolled-back request leaves no job). With a `key`, a job with the same key (still to run or
    already done) makes this one nothing. Returns whether a job was added."""
    if name not in JOBS:
        raise KeyError(f"no job is registered as {name!r}")
    values = {
        "name": name,
        "key": key,
        "arguments": json.dumps(arguments, sort_keys=True),
        "state": JobState.QUEUED,
        "attempts": 0,
        "run_after": run_after or utcnow(),
        "last_error": "",
        "created_at": utcnow(),
    }
    if key is not None:
        job_id = _insert_keyed(values)
        if job_id is None:
            return False
    else:
        row = Job(**values)
        db.session.add(row)
        db.session.flush()
        job_id = row.id
    delay = max((values["run_after"] - utcnow()).total_seconds(), 0.0)
    after_commit(lambda app: queue_for(app).send_job(job_id, delay))
    return True


def _insert_keyed(values: dict[str, Any]) -> int | None:
    if not insert_unless_present(db.session, Job, values):
        return None
    return db.session.scalar(select(Job.id).where(Job.key == values["key"]))


def wake(name: str) -> None:
    """Run the registered wake task in a worker once the caller's transaction commits (once per
    transaction however often it is asked)."""
    if name not in WAKE_TASKS:
        raise KeyError(f"no wake task is registered as {name!r}")
    pending = db.session.info.setdefault(_WAKES, set())
    if name in pending:
        return
    pending.add(name)
    after_commit(lambda app: queue_for(app).send_wake(name))


_AFTER_COMMIT = "valuma_after_commit"
_WAKES = "valuma_wakes"


def after_commit(callback: Callable[[Flask], object]) -> None:
    """Call `callback(app)` once the session's transaction commits; forget it on rollback."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.session.info.setdefault(_AFTER_COMMIT, []).append((app, callback))


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop(_AFTER_COMMIT, [])
    session.info.pop(_WAKES, None)
    for app, callback in callbacks:
        try:
            callback(app)
        except Exception:  # the queue being down loses nothing: the sweep sends it later
            log.exception("could not reach the task queue; the sweep will catch up")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)
    session.info.pop(_WAKES, None)


# -- In a worker ----------------------------------------------------------------------------------


def run_job(job_id: int, now: datetime | None = None) -> bool:
    """Claim the job, run it and record the outcome, each step committed. Returns whether this
    call ran it (False: done already, claimed by a live worker, or not yet due)."""
    moment = now or utcnow()
    row = db.session.get(Job, job_id)
    if row is None:
        db.session.rollback()
        return False
    spec = JOBS.get(row.name)
    lease = spec.lease if spec is not None else timedelta(minutes=5)
    claimed = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.run_after <= moment,
            or_(
                Job.state == JobState.QUEUED,
                (Job.state == JobState.RUNNING) & (Job.lease_until < moment),
            ),
        )
        .values(state=JobState.RUNNING, attempts=Job.attempts + 1, lease_until=moment + lease)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    db.session.refresh(row)
    attempt = row.attempts
    if spec is None:
        _record_failure(
            job_id, attempt, f"no job is registered as {row.name!r}", moment, final=True
        )
        return True
    arguments = json.loads(row.arguments)
    try:
        outcome = spec.function(**arguments)
        if isinstance(outcome, Iterator):
            for _step in outcome:
                db.session.commit()
        db.session.flush()
    except Exception as error:
        db.session.rollback()
        log.exception("job %s (%s) failed on attempt %s", job_id, spec.name, attempt)
        final = attempt >= spec.max_attempts
        _record_failure(job_id, attempt, f"{type(error).__name__}: {error}", moment, final)
        return True
    # The work and "done" commit together: for a job that only writes to the database, a worker
    # dying before this commit leaves nothing done, and the retry does it once.
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.attempts == attempt)
        .values(state=JobState.DONE, lease_until=None, finished_at=utcnow(), last_error="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return True


def _record_failure(job_id: int, attempt: int, error: str, moment: datetime, final: bool) -> None:
    delay = min(RETRY_BASE * 2 ** max(attempt - 1, 0), RETRY_MAX)
    values: dict[str, Any] = {"last_error": error[:500], "lease_until": None}
    if final:
        values.update(state=JobState.FAILED, finished_at=moment)
    else:
        values.update(state=JobState.QUEUED, run_after=moment + delay)
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.attempts == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if not final:
        queue_for(current_app._get_current_object()).send_job(job_id, delay.total_seconds())  # type: ignore[attr-defined]


def jobs_to_resend(now: datetime) -> list[int]:
    """Jobs whose message was lost or whose worker died: queued, due and untouched for the grace
    period, or running past their lease."""
    return list(
        db.session.scalars(
            select(Job.id)
            .where(
                or_(
                    (Job.state == JobState.QUEUED) & (Job.run_after <= now - SWEEP_GRACE),
                    (Job.state == JobState.RUNNING) & (Job.lease_until < now),
                )
            )
            .order_by(Job.id)
            .limit(SWEEP_BATCH)
        )
    )


def sweep(now: datetime | None = None) -> int:
    """Send again what `jobs_to_resend` finds; returns how many."""
    moment = now or utcnow()
    ids = jobs_to_resend(moment)
    db.session.rollback()
    queue = queue_for(current_app._get_current_object())  # type: ignore[attr-defined]
    for job_id in ids:
        queue.send_job(job_id)
    return len(ids)


periodic("tasks.sweep", every_minute)(lambda now: sweep(now))


# -- The queue of one app -------------------------------------------------------------------------


class EmbeddedConsumer(Consumer):
    """Huey's consumer inside another program (the development server, a test): its threads run
    the tasks, and the host program keeps its own signal handling (Ctrl+C stops the server)."""

    def _set_signal_handlers(self) -> None:
        pass


class TaskQueue:
    """One app's Huey, with the product's tasks registered on it, each run in an app context."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = _huey_for(app)
        self._job_task = self.huey.task(name="valuma.job")(self._in_context(run_job))
        self._wake_tasks = {
            name: self.huey.task(name=f"valuma.wake.{name}")(self._in_context(function))
            for name, function in WAKE_TASKS.items()
        }
        for spec in PERIODIC.values():
            self.huey.periodic_task(_due_in_utc(spec.due), name=f"valuma.periodic.{spec.name}")(
                self._in_context(_run_periodic(spec))
            )

    def _in_context(self, function: Callable[..., object]) -> Callable[..., object]:
        app = self.app

        def run(*args: Any, **kwargs: Any) -> object:
            with app.app_context():
                try:
                    return function(*args, **kwargs)
                finally:
                    db.session.remove()

        run.__name__ = getattr(function, "__name__", "task")
        return run

    def send_job(self, job_id: int, delay: float = 0.0) -> None:
        if delay > 0:
            self._job_task.schedule((job_id,), delay=delay)
        else:
            self._job_task(job_id)

    def send_wake(self, name: str, delay: float = 0.0) -> None:
        task = self._wake_tasks[name]
        if delay > 0:
            task.schedule(delay=delay)
        else:
            task()

    def consumer(self, threads: int, scheduler: bool, embedded: bool) -> Consumer:
        """Huey's consumer: `threads` worker threads, and with `scheduler` the periodic tasks.
        From SQLite a worker looks for work every half second at the most (Redis wakes it at
        once)."""
        consumer_class = EmbeddedConsumer if embedded else Consumer
        return consumer_class(
            self.huey,
            workers=threads,
            periodic=scheduler,
            initial_delay=0.05,
            backoff=1.5,
            max_delay=0.5,
            worker_type="thread",
            graceful_signal="TERM",
            shutdown_timeout=30,
        )


def _due_in_utc(due: Callable[[datetime], bool]) -> Callable[[datetime], bool]:
    # Huey hands the scheduler's minute as naive UTC.
    return lambda moment: due(moment.replace(tzinfo=UTC))


def _run_periodic(spec: PeriodicSpec) -> Callable[[], object]:
    def run() -> object:
        outcome = spec.function(utcnow())
        db.session.commit()
        return outcome

    run.__name__ = spec.name.replace(".", "_")
    return run


def _huey_for(app: Flask) -> Huey:
    url = app.config.get("TASK_QUEUE_URL") or ""
    # Results are never read: the jobs table and the outbox say what became of the work.
    options = {"name": app.config.get("TASK_QUEUE_NAME") or "valuma", "results": False}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(url=url, **options)
    if url == "memory://":
        return MemoryHuey(**options)
    if url == "" or url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///") or str(Path(app.instance_path) / "tasks.sqlite")
        return SqliteHuey(filename=path, **options)
    raise ConfigError(
        "TASK_QUEUE_URL must be redis://…, sqlite:///path or empty (a SQLite file in the instance"
        f" folder), not {urlsplit(url).scheme or url!r}"
    )


def queue_for(app: Flask) -> TaskQueue:
    queue = app.extensions.get("valuma_tasks")
    if queue is None:
        queue = app.extensions.setdefault("valuma_tasks", TaskQueue(app))
    return queue


def current_queue() -> TaskQueue:
    return queue_for(current_app._get_current_object())  # type: ignore[attr-defined]


__all__ = [
    "JOBS",
    "PERIODIC",
    "WAKE_TASKS",
    "EmbeddedConsumer",
    "TaskQueue",
    "current_queue",
    "enqueue",
    "every_minute",
    "job",
    "periodic",
    "queue_for",
    "run_job",
    "sweep",
    "wake",
    "wake_task",
]
