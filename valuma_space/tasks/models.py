from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from valuma_space.db import UTCDateTime, str_enum, utcnow
from valuma_space.extensions import db


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    """A worker claimed it; if `lease_until` passes first, the worker is taken to have died."""
    DONE = "done"
    FAILED = "failed"
    """Given up after its attempts (last_error says why)."""


class Job(db.Model):
    """A piece of background work that must get done: the product's own record of it.

    The queue only carries the job's id; a worker claims the row, runs the job and marks it done.
    A job whose queue message was lost, or whose worker died mid-job, is found by the periodic
    sweep (tasks/queue.py) and sent again, so every job runs to completion at least once, and
    every job is written to be safe to run twice.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("key", name="uq_jobs_key"),
        Index(None, "state", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    """The registered job (`tasks.queue.job`), e.g. `notifications.digests`."""
    key: Mapped[str | None] = mapped_column(String(200))
    """For work that must happen once per something (a digest round per day): a second request
    with the same key adds nothing. None for jobs that may repeat."""
    arguments: Mapped[str] = mapped_column(Text, default="{}")
    """The job's keyword arguments, as JSON."""
    state: Mapped[JobState] = mapped_column(str_enum(JobState), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """Not before this moment: later after each failure (back-off)."""
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """While running: the worker's claim ends here; past it, the sweep runs the job again."""
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
