"""Digests: what is new for one person since their previous digest, daily or weekly.

`queue_digests` runs as a job each day from `DIGEST_HOUR` (Helsinki time) on, started by the task
queue's schedulers (`schedule_digests`: the job's key is the day, so two schedulers make one
job), and from `flask valuma send-digests`. A digest row per person and period (a Helsinki day,
or an ISO week) makes a second run, or two runs at once, send nothing twice; a period with
nothing new sends nothing and leaves the next digest to tell it all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import joinedload

from valuma_space.auth.models import DigestFrequency, User
from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.db import insert_unless_present, utcnow
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.mail.models import MailKind
from valuma_space.mail.outbox import enqueue
from valuma_space.materials.models import Page, Section, SectionVersion
from valuma_space.notifications.models import Digest
from valuma_space.tasks import queue as tasks

TOP_AGREED = 3
MODERATOR_REPLIES = 5


def period_of(frequency: DigestFrequency, moment: datetime) -> str:
    local = moment.astimezone(local_zone())
    if frequency == DigestFrequency.DAILY:
        return local.date().isoformat()
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class DigestContents:
    sections: list[tuple[Section, bool]] = field(default_factory=list)
    """Sections published or updated in the period, each with whether it is new."""
    comment_counts: list[tuple[Section, int]] = field(default_factory=list)
    most_agreed: list[Comment] = field(default_factory=list)
    moderator_replies: list[Comment] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.sections or self.comment_counts or self.moderator_replies)


def _published_between(since: datetime, until: datetime, user: User):
    """Comments anyone may read that appeared in the period, the person's own left out."""
    return (
        policy.readable_by_participants()
        & (Comment.published_at >= since)
        & (Comment.published_at < until)
        & (Comment.author_id.is_(None) | (Comment.author_id != user.id))
    )


def digest_contents(user: User, since: datetime, until: datetime) -> DigestContents:
    """What the digest tells: four queries, however much happened."""
    versions = db.session.execute(
        select(Section, func.min(SectionVersion.number))
        .join(SectionVersion, SectionVersion.section_id == Section.id)
        .join(Page, Page.id == Section.page_id)
        .where(SectionVersion.published_at >= since, SectionVersion.published_at < until)
        .where(Section.is_published.is_(True), Page.is_published.is_(True))
        .group_by(Section.id, Page.position)
        .order_by(Page.position, Section.position)
    ).all()
    new_comments = _published_between(since, until, user)
    counts = db.session.execute(
        select(Section, func.count(Comment.id))
        .join(Comment, Comment.section_id == Section.id)
        .join(Page, Page.id == Section.page_id)
        .where(new_comments)
        .group_by(Section.id, Page.position)
        .order_by(Page.position, Section.position)
    ).all()
    with_section = (joinedload(Comment.author), joinedload(Comment.section))
    most_agreed = db.session.scalars(
        select(Comment)
        .where(new_comments, Comment.agree_count > 0)
        .options(*with_section)
        .order_by(Comment.agree_count.desc(), Comment.id)
        .limit(TOP_AGREED)
    ).all()
    moderator_replies = db.session.scalars(
        select(Comment)
        .where(new_comments, Comment.by_moderator.is_(True))
        .where(Comment.parent_id.is_not(None))
        .options(*with_section)
        .order_by(Comment.published_at.desc(), Comment.id)
        .limit(MODERATOR_REPLIES)
    ).all()
    return DigestContents(
        sections=[(section, first == 1) for section, first in versions],
        comment_counts=[(section, count) for section, count in counts],
        most_agreed=list(most_agreed),
        moderator_replies=list(moderator_replies),
    )


def queue_digests(now: datetime | None = None) -> Iterator[User]:
    """Put in the outbox the digest of everyone whose day or week has one due, yielding each
    person once their digest is queued: the caller commits each (the CLI and the development
    button do), so that a run stopped halfway keeps what it queued and the next carries on.
    Safe to run again, and to run twice at once: the digest row of a person and period is
    taken with INSERT … ON CONFLICT DO NOTHING, and only the run that takes it queues a mail."""
    now = now or utcnow()
    for frequency in (DigestFrequency.DAILY, DigestFrequency.WEEKLY):
        period = period_of(frequency, now)
        already = exists().where(Digest.user_id == User.id, Digest.period == period)
        users = db.session.scalars(
            select(User).where(User.digest == frequency, ~already).order_by(User.id)
        ).all()
        for user in users:
            since = user.digest_since or user.created_at
            if since >= now or digest_contents(user, since, now).is_empty():
                continue
            row = {"user_id": user.id, "period": period, "since": since, "until": now}
            if not insert_unless_present(db.session, Digest, row):
                continue  # another run took this person's digest for the period
            message = enqueue(MailKind.DIGEST, user.email, user.locale, user_id=user.id)
            db.session.execute(
                update(Digest)
                .where(Digest.user_id == user.id, Digest.period == period)
                .values(outbox_id=message.id)
            )
            user.digest_since = now
            db.session.flush()
            yield user


@tasks.job("notifications.digests", lease_seconds=1800)
def send_digests() -> Iterator[User]:
    """The day's digests, a person at a time: the queue commits after each, so that a run
    stopped halfway keeps what it queued and the next carries on without sending anyone a
    second digest."""
    return queue_digests()


@tasks.periodic("notifications.digests", tasks.every_minute)
def schedule_digests(now: datetime) -> bool:
    """From the digest hour on, the day's digest job, once: its key is the Helsinki date."""
    local = now.astimezone(local_zone())
    if local.hour < current_app.config["DIGEST_HOUR"]:
        return False
    return tasks.enqueue("notifications.digests", key=f"digests:{local.date().isoformat()}")
