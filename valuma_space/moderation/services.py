"""Every change a moderator makes goes through here, and each leaves a row in the log."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Select,
    Subquery,
    and_,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.orm import aliased, joinedload

from valuma_space.auth.choices import OrganisationType, Region
from valuma_space.auth.models import Role, User
from valuma_space.comments import policy
from valuma_space.comments.models import Comment, CommentKind, TriageStatus, Visibility
from valuma_space.comments.policy import Action
from valuma_space.comments.signals import comment_moderated
from valuma_space.db import insert_unless_present, utcnow
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.materials.models import Section
from valuma_space.moderation.models import (
    LogAction,
    ModerationLogEntry,
    ModerationOutcome,
    ModeratorNote,
    Report,
    ReportStatus,
)
from valuma_space.moderation.paging import QueueKey
from valuma_space.refusals import Refused
from valuma_space.workspaces.models import Workspace

QUEUE_PAGE_SIZE = 50


class ReasonRequired(Refused):
    def __init__(self) -> None:
        super().__init__(_l("Kirjoita perustelu: kommentin kirjoittaja näkee sen."))


def log(
    actor: User,
    action: LogAction,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    comment: Comment | None = None,
    target_user: User | None = None,
) -> ModerationLogEntry:
    entry = ModerationLogEntry(
        actor_id=actor.id,
        actor_email=actor.email,
        action=action,
        comment_id=comment.id if comment is not None else None,
        target_user_id=target_user.id if target_user is not None else None,
        from_value=from_value,
        to_value=to_value,
        reason=reason,
    )
    db.session.add(entry)
    return entry


# --- visibility -------------------------------------------------------------------------------


def _decide(
    comment: Comment,
    moderator: User,
    to: Visibility,
    outcome: ModerationOutcome,
    reason: str = "",
) -> None:
    """Change the comment's visibility, log it and tell those it concerns, the log entry
    naming the decision. One that changes nothing (the same hiding with the same reason
    again) is neither logged nor told."""
    if comment.visibility == to and comment.moderation_reason == reason:
        return
    entry = log(
        moderator, LogAction.VISIBILITY, comment.visibility.value, to.value, reason, comment=comment
    )
    comment.visibility = to
    comment.moderation_reason = reason
    if to == Visibility.VISIBLE and comment.published_at is None:
        comment.published_at = utcnow()
    db.session.flush()
    comment_moderated.send(
        comment, moderator=moderator, outcome=outcome, reason=reason, decision_id=entry.id
    )


def approve(comment: Comment, moderator: User) -> None:
    """A waiting comment becomes visible to everyone."""
    if comment.visibility != Visibility.PENDING:
        raise Refused(_l("Vain hyväksyntää odottavan kommentin voi hyväksyä."))
    _decide(comment, moderator, Visibility.VISIBLE, ModerationOutcome.APPROVED)


def reject(comment: Comment, moderator: User, reason: str) -> None:
    """A waiting comment is refused; only its author sees it, with the reason."""
    if comment.visibility != Visibility.PENDING:
        raise Refused(_l("Vain hyväksyntää odottavan kommentin voi hylätä."))
    if not reason.strip():
        raise ReasonRequired
    _decide(comment, moderator, Visibility.HIDDEN, ModerationOutcome.REJECTED, reason.strip())


def hide(comment: Comment, moderator: User, reason: str) -> None:
    """Hide a comment; participants see the reason in its place. Open reports are upheld."""
    if comment.visibility == Visibility.DELETED:
        raise Refused(_l("Kirjoittaja on jo poistanut kommentin."))
    if not reason.strip():
        raise ReasonRequired
    _resolve_reports(comment, ReportStatus.UPHELD)
    _decide(comment, moderator, Visibility.HIDDEN, ModerationOutcome.HIDDEN, reason.strip())


def restore(comment: Comment, moderator: User) -> None:
    if comment.visibility != Visibility.HIDDEN:
        raise Refused(_l("Vain piilotetun kommentin voi palauttaa."))
    _decide(comment, moderator, Visibility.VISIBLE, ModerationOutcome.RESTORED)


# --- reports ----------------------------------------------------------------------------------


def report(comment: Comment, reporter: User, reason: str) -> Report:
    if comment.author_id == reporter.id:
        raise Refused(_l("Omaa kommenttia ei voi ilmoittaa."))
    if not policy.allows(comment, reporter, Action.REPORT):
        raise Refused(_l("Tätä kommenttia ei voi enää ilmoittaa: se on poistettu tai piilotettu."))
    if not reason.strip():
        raise Refused(_l("Kerro lyhyesti, miksi kommentti on mielestäsi asiaton."))
    row = {"comment_id": comment.id, "reporter_id": reporter.id, "reason": reason.strip()[:2000]}
    if not insert_unless_present(db.session, Report, row):
        earlier = db.session.scalars(
            select(Report).where(Report.comment_id == comment.id, Report.reporter_id == reporter.id)
        ).one()
        if earlier.status == ReportStatus.OPEN:
            raise Refused(_l("Olet jo ilmoittanut tämän kommentin. Moderaattori käsittelee sen."))
        # Reported again after a moderator dismissed it (the text may have changed since).
        earlier.status, earlier.reason = ReportStatus.OPEN, row["reason"]
        earlier.created_at, earlier.resolved_at = utcnow(), None
    db.session.flush()
    return db.session.scalars(
        select(Report).where(Report.comment_id == comment.id, Report.reporter_id == reporter.id)
    ).one()


def _resolve_reports(comment: Comment, status: ReportStatus) -> int:
    result = db.session.execute(
        update(Report)
        .where(Report.comment_id == comment.id, Report.status == ReportStatus.OPEN)
        .values(status=status, resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined, no-any-return]


def dismiss_reports(comment: Comment, moderator: User) -> None:
    if _resolve_reports(comment, ReportStatus.DISMISSED):
        log(moderator, LogAction.REPORT_DISMISSED, comment=comment)
    db.session.flush()


# --- triage -----------------------------------------------------------------------------------


def set_triage(comments: Iterable[Comment], moderator: User, to: TriageStatus) -> int:
    changed = 0
    for comment in comments:
        if comment.triage_status != to:
            log(moderator, LogAction.TRIAGE, comment.triage_status.value, to.value, comment=comment)
            comment.triage_status = to
            changed += 1
    db.session.flush()
    return changed


def mark_read(comment: Comment, moderator: User) -> None:
    """Opening a new comment's moderation page is reading it."""
    if comment.triage_status == TriageStatus.NEW:
        set_triage([comment], moderator, TriageStatus.READ)


def add_note(comment: Comment, moderator: User, body: str) -> ModeratorNote:
    if not body.strip():
        raise Refused(_l("Kirjoita muistiinpano ennen tallentamista."))
    note = ModeratorNote(comment_id=comment.id, author_id=moderator.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    return note


def set_pre_moderation(workspace: Workspace, moderator: User, on: bool) -> None:
    if workspace.pre_moderation != on:
        log(
            moderator,
            LogAction.PRE_MODERATION,
            str(workspace.pre_moderation).lower(),
            str(on).lower(),
        )
        workspace.pre_moderation = on
        db.session.flush()


def log_role_change(actor: User, user: User, old: Role, new: Role) -> None:
    if old != new:
        log(actor, LogAction.ROLE, old.value, new.value, target_user=user)


# --- the queue --------------------------------------------------------------------------------


@dataclass
class QueueFilters:
    section_id: int | None = None
    triage: TriageStatus | None = None
    visibility: Visibility | None = None
    kind: CommentKind | None = None
    organisation_type: OrganisationType | None = None
    region: Region | None = None
    since: date | None = None
    until: date | None = None
    text: str = ""
    reported_only: bool = False


@dataclass
class QueueRow:
    comment: Comment
    open_reports: int


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    position: int = 0
    """How many rows of the queue come before this page's first."""
    previous_key: QueueKey | None = None
    """The first row's place, when rows come before it: the previous page ends there."""
    next_key: QueueKey | None = None
    """The last row's place, when rows come after it: the next page begins there."""
    counts: dict[TriageStatus, int] = field(default_factory=dict)
    reported: int = 0

    @property
    def page(self) -> int:
        """The page that holds the first row, as if the queue were cut into pages from its
        start (exact while the queue stays as it was when the reader began)."""
        return self.position // QUEUE_PAGE_SIZE + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // QUEUE_PAGE_SIZE))


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())


def _filtered(workspace: Workspace, filters: QueueFilters) -> Select:
    author = aliased(User)
    query = (
        select(Comment.id)
        .join(Section, Section.id == Comment.section_id)
        .outerjoin(author, author.id == Comment.author_id)
        .where(Section.workspace_id == workspace.id)
    )
    if filters.section_id:
        query = query.where(Comment.section_id == filters.section_id)
    if filters.triage:
        query = query.where(Comment.triage_status == filters.triage)
    if filters.visibility:
        query = query.where(Comment.visibility == filters.visibility)
    if filters.kind:
        query = query.where(Comment.kind == filters.kind)
    if filters.organisation_type:
        query = query.where(author.organisation_type == filters.organisation_type)
    if filters.region:
        query = query.where(author.region == filters.region)
    if filters.since:
        query = query.where(Comment.created_at >= _local_midnight(filters.since))
    if filters.until:
        query = query.where(Comment.created_at < _local_midnight(filters.until + timedelta(days=1)))
    if filters.text.strip():
        needle = f"%{filters.text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(Comment.body_markdown).like(needle),
                func.lower(Comment.quote).like(needle),
            )
        )
    if filters.reported_only:
        query = query.where(
            select(Report.id)
            .where(Report.comment_id == Comment.id, Report.status == ReportStatus.OPEN)
            .exists()
        )
    return query


def _open_reports() -> Subquery:
    return (
        select(Report.comment_id, func.count(Report.id).label("reports"))
        .where(Report.status == ReportStatus.OPEN)
        .group_by(Report.comment_id)
        .subquery()
    )


def _parts(key: QueueKey | None, forward: bool) -> Iterator[tuple[bool, QueueKey | None]]:
    """The two parts of the queue (reported, then the rest) that a page going `forward` (or
    back) from `key` takes rows from, each with the bound within it, if any."""
    for reported in (True, False):
        if key is None:
            yield reported, None
        elif reported == key.reported:
            yield reported, key
        elif forward == key.reported:
            # On from a reported row: all of the rest; back from another: all reported ones.
            yield reported, None


def _part(
    workspace: Workspace,
    filters: QueueFilters,
    open_reports: Subquery,
    reported: bool,
    bound: QueueKey | None,
    forward: bool,
    limit: int,
) -> Select:
    """Up to `limit` rows of one part of the queue next to `bound`, newest first (or oldest
    first going back). Within a part the order is (created_at, id), which an index serves:
    the database reads the rows of the page and no others."""
    query = _filtered(workspace, filters)
    if reported:
        query = query.join(open_reports, open_reports.c.comment_id == Comment.id).add_columns(
            Comment.created_at, literal_column("0").label("rank"), open_reports.c.reports
        )
    else:
        has_open_report = (
            select(Report.id)
            .where(Report.comment_id == Comment.id, Report.status == ReportStatus.OPEN)
            .exists()
        )
        query = query.where(~has_open_report).add_columns(
            Comment.created_at,
            literal_column("1").label("rank"),
            literal_column("0").label("reports"),
        )
    place = tuple_(Comment.created_at, Comment.id)
    if bound is not None:
        edge = (bound.created_at, bound.id)
        query = query.where(place < edge if forward else place > edge)
    if forward:
        return query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit)
    return query.order_by(Comment.created_at, Comment.id).limit(limit)


def _seek(
    workspace: Workspace, filters: QueueFilters, key: QueueKey | None, forward: bool
) -> tuple[list[QueueRow], bool]:
    """One page of rows next to `key` in the queue's order (from its start, or going back from
    its end, without a key), and whether more rows lie beyond them: one query."""
    open_reports = _open_reports()
    limit = QUEUE_PAGE_SIZE + 1
    parts = [
        select(_part(workspace, filters, open_reports, reported, bound, forward, limit).subquery())
        for reported, bound in _parts(key, forward)
    ]
    seek = (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("seek")
    if forward:
        order = (seek.c.rank, seek.c.created_at.desc(), seek.c.id.desc())
    else:
        order = (seek.c.rank.desc(), seek.c.created_at, seek.c.id)
    found = db.session.execute(
        select(Comment, seek.c.reports)
        .join(seek, seek.c.id == Comment.id)
        .options(joinedload(Comment.author), joinedload(Comment.section).joinedload(Section.page))
        .order_by(*order)
        .limit(limit)
    ).all()
    rows = [QueueRow(comment, reports) for comment, reports in found[:QUEUE_PAGE_SIZE]]
    return (rows if forward else rows[::-1]), len(found) > QUEUE_PAGE_SIZE


def _key(row: QueueRow) -> QueueKey:
    return QueueKey(row.open_reports > 0, row.comment.created_at, row.comment.id)


def _total_and_position(
    workspace: Workspace, filters: QueueFilters, first: QueueKey | None
) -> tuple[int, int]:
    """How many rows the filters let through, and how many of them come before `first`: one
    pass over the rows that counting them needed anyway, so knowing the page costs nothing."""
    rows = _filtered(workspace, filters).add_columns(Comment.created_at).subquery()
    open_reports = _open_reports()
    if first is None:
        before = false()
    else:
        newer = tuple_(rows.c.created_at, rows.c.id) > (first.created_at, first.id)
        reported = open_reports.c.comment_id.is_not(None)
        before = and_(reported, newer) if first.reported else or_(reported, newer)
    total, position = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((before, 1), else_=0)), 0)).select_from(
            rows.outerjoin(open_reports, open_reports.c.comment_id == rows.c.id)
        )
    ).one()
    return total, position


def queue(
    workspace: Workspace,
    filters: QueueFilters,
    after: QueueKey | None = None,
    before: QueueKey | None = None,
) -> QueuePage:
    """One page of the queue, reported comments first, then newest first: the page after the
    row at `after`, the page before the row at `before`, or else the first. A fixed number of
    queries however many comments there are and however deep the page, and no OFFSET; one
    more only when rows have left since the link was made and the page would come out short
    (going back) or empty (going on)."""
    forward = before is None or after is not None
    rows, more = _seek(workspace, filters, after if forward else before, forward)
    if not forward and len(rows) < QUEUE_PAGE_SIZE:
        # Back to the start, and rows have gone since: the first page, full.
        forward = True
        rows, more = _seek(workspace, filters, None, forward)
    elif after is not None and not rows:
        # Past the end (a bulk action took the last page's rows away): the last page.
        forward = False
        rows, more = _seek(workspace, filters, None, forward)
    first = _key(rows[0]) if rows else None
    total, position = _total_and_position(workspace, filters, first)
    has_previous = position > 0 if forward else more
    has_next = more if forward else position + len(rows) < total
    counted = dict(
        db.session.execute(
            select(Comment.triage_status, func.count(Comment.id))
            .join(Section, Section.id == Comment.section_id)
            .where(Section.workspace_id == workspace.id)
            .group_by(Comment.triage_status)
        ).all()
    )
    reported = (
        db.session.scalar(
            select(func.count(func.distinct(Report.comment_id)))
            .join(Comment, Comment.id == Report.comment_id)
            .join(Section, Section.id == Comment.section_id)
            .where(Section.workspace_id == workspace.id, Report.status == ReportStatus.OPEN)
        )
        or 0
    )
    return QueuePage(
        rows=rows,
        total=total,
        position=position,
        previous_key=first if rows and has_previous else None,
        next_key=_key(rows[-1]) if rows and has_next else None,
        counts={status: counted.get(status, 0) for status in TriageStatus},
        reported=reported,
    )


def comments_by_ids(workspace: Workspace, ids: Sequence[int]) -> list[Comment]:
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Comment)
            .join(Section, Section.id == Comment.section_id)
            .where(Section.workspace_id == workspace.id, Comment.id.in_(ids))
        )
    )


@dataclass
class CommentCase:
    comment: Comment
    reports: list[Report]
    notes: list[tuple[ModeratorNote, User | None]]
    history: list[ModerationLogEntry]
    replies: list[Comment]


def comment_case(comment: Comment) -> CommentCase:
    reports = list(
        db.session.scalars(
            select(Report).where(Report.comment_id == comment.id).order_by(Report.created_at)
        )
    )
    notes = [
        (note, author)
        for note, author in db.session.execute(
            select(ModeratorNote, User)
            .outerjoin(User, User.id == ModeratorNote.author_id)
            .where(ModeratorNote.comment_id == comment.id)
            .order_by(ModeratorNote.created_at)
        )
    ]
    history = list(
        db.session.scalars(
            select(ModerationLogEntry)
            .where(ModerationLogEntry.comment_id == comment.id)
            .options(joinedload(ModerationLogEntry.actor))
            .order_by(ModerationLogEntry.created_at)
        )
    )
    replies = list(
        db.session.scalars(
            select(Comment)
            .where(Comment.parent_id == comment.id)
            .options(joinedload(Comment.author))
            .order_by(Comment.created_at)
        )
    )
    return CommentCase(comment, reports, notes, history, replies)


# --- the log ----------------------------------------------------------------------------------


LOG_PAGE_SIZE = 100


def log_entries(
    action: LogAction | None = None, actor_email: str = "", page: int = 1
) -> tuple[list[ModerationLogEntry], int]:
    query = select(ModerationLogEntry)
    if action:
        query = query.where(ModerationLogEntry.action == action)
    if actor_email.strip():
        query = query.where(
            func.lower(ModerationLogEntry.actor_email).like(f"%{actor_email.strip().lower()}%")
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = list(
        db.session.scalars(
            query.options(joinedload(ModerationLogEntry.actor))
            .order_by(ModerationLogEntry.created_at.desc(), ModerationLogEntry.id.desc())
            .limit(LOG_PAGE_SIZE)
            .offset((max(page, 1) - 1) * LOG_PAGE_SIZE)
        )
    )
    return entries, total
