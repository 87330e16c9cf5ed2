"""Writes demo/discussion.py into the demo workspace through the app's own services, as a
moderator and the invented stakeholders would have, so that counters, notifications, the
moderation log and the thread caches are what those actions leave.

Creates only what is missing: the stakeholders' accounts that are not there, the discussion
only while the workspace has no comments, and each part of the model design (themes, criteria,
alternatives) only while the workspace has none of it. Links and assessments need both the
comments and the alternatives they join, so they come only with those made in the same run.

The services stamp everything "now"; the demo's discussion happened over the weeks before, so
the times are set afterwards (see `_backdate`), each clamped between the workspace's opening and
the moment of the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from valuma_space.auth.models import DigestFrequency, User
from valuma_space.auth.services import ensure_user
from valuma_space.comments.models import Agreement, Comment, TriageStatus
from valuma_space.comments.services import add_comment, set_agreement
from valuma_space.db import utcnow
from valuma_space.demo import discussion as data
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.materials.models import Section, SectionVersion
from valuma_space.modeldesign import services as design
from valuma_space.modeldesign.models import Alternative, CommentLink, Criterion, Theme
from valuma_space.moderation import services as moderation
from valuma_space.moderation.models import ModerationLogEntry, ModeratorNote, Report
from valuma_space.notifications.models import PUBLISHED, Notification
from valuma_space.workspaces.models import Invitation, Workspace


@dataclass
class DiscussionReport:
    stakeholders: int = 0
    new_stakeholders: int = 0
    comments: int = 0
    pending: int = 0
    hidden: int = 0
    themes: int = 0
    criteria: int = 0
    alternatives: int = 0
    links: int = 0
    assessments: int = 0
    invitations: int = 0
    skipped: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        made = [
            f"{count} {name}"
            for count, name in (
                (self.comments, "comments"),
                (self.themes, "themes"),
                (self.criteria, "criteria"),
                (self.alternatives, "alternatives"),
                (self.links, "links"),
                (self.assessments, "assessments"),
                (self.invitations, "invitations"),
            )
            if count
        ]
        lines = []
        if made:
            lines.append(
                "Added an invented discussion (its people, organisations and comments are "
                f"fictional): {self.stakeholders} stakeholders ({self.new_stakeholders} new), "
                + ", ".join(made)
                + (
                    f"; {self.pending} waiting for approval, {self.hidden} hidden."
                    if self.comments
                    else "."
                )
            )
        return lines + [f"  {reason}" for reason in self.skipped]


def period_start() -> datetime:
    """When the demo's comment period opens: local midnight, DAYS_BEFORE_BUILD days ago."""
    today = utcnow().astimezone(local_zone()).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - timedelta(days=data.DAYS_BEFORE_BUILD)


class Clock:
    """The moments of the replayed discussion, inside the workspace's period and before now."""

    def __init__(self, workspace: Workspace) -> None:
        self.start = period_start()
        self.now = utcnow()
        self.earliest = workspace.comments_open_at or self.start

    def at(self, day: int, hhmm: str, later: timedelta = timedelta()) -> datetime:
        hour, minute = (int(part) for part in hhmm.split(":"))
        local = datetime.combine(
            (self.start + timedelta(days=day)).date(), time(hour, minute), tzinfo=local_zone()
        )
        moment = local + later
        return min(max(moment, self.earliest), self.now - timedelta(minutes=1))


def ensure_person(person: data.Stakeholder, registered: datetime) -> tuple[User, bool]:
    """An invented person's account, made with their profile if it is not there (one that is
    keeps what it has); True if it was made now."""
    user, created = ensure_user(person.email)
    if created:
        user.display_name = person.name
        user.organisation = person.organisation
        user.organisation_type = person.organisation_type
        user.region = person.region
        user.name_display = person.name_display
        user.pseudonym = person.pseudonym
        user.profile_completed = True
        # Invented people get no mail, whatever happens to their comments and answers.
        user.mail_replies = user.mail_mentions = False
        user.mail_moderation = user.mail_input_used = False
        user.digest = DigestFrequency.NEVER
        user.created_at = registered
    return user, created


def _stakeholders(report: DiscussionReport, clock: Clock) -> dict[str, User]:
    people: dict[str, User] = {}
    for number, person in enumerate(data.STAKEHOLDERS):
        user, created = ensure_person(person, clock.at(0, "08:00", timedelta(hours=number)))
        report.new_stakeholders += created
        people[person.key] = user
    report.stakeholders = len(people)
    db.session.flush()
    return people


def _address(name: str) -> str:
    return name.lower().replace(" ", ".").translate(str.maketrans("äöå", "aoa"))


def _invitations(workspace: Workspace, moderator: User, clock: Clock) -> int:
    """The stakeholders and a few more were invited when the period opened. Written as rows,
    not through the invitation service: invented people are sent no mail."""
    if db.session.scalar(select(Invitation.id).where(Invitation.workspace_id == workspace.id)):
        return 0
    invited = [
        (p.email, p.name, p.organisation, p.organisation_type, p.region) for p in data.STAKEHOLDERS
    ] + [
        (f"{_address(name)}@sidosryhma.example", name, organisation, kind, region)
        for name, organisation, kind, region in data.INVITED_ONLY
    ]
    sent = clock.at(0, "09:00")
    for email, name, organisation, kind, region in invited:
        db.session.add(
            Invitation(
                workspace_id=workspace.id,
                email=email,
                name=name,
                organisation=organisation,
                organisation_type=kind,
                region=region,
                invited_by_id=moderator.id,
                created_at=sent,
                last_sent_at=sent,
            )
        )
    db.session.flush()
    return len(invited)


def _model_design(
    workspace: Workspace, moderator: User, report: DiscussionReport
) -> tuple[dict[str, Theme], dict[str, Criterion], dict[str, Alternative]]:
    """Themes, criteria and alternatives, each kind only if the workspace has none of it. The
    returned dicts name what the discussion may be tagged with and linked to."""
    existing_themes = {theme.name: theme for theme in design.themes(workspace)}
    if not existing_themes:
        for name in data.THEMES.values():
            existing_themes[name] = design.add_theme(workspace, name)
            report.themes += 1
    themes = {
        key: existing_themes[name] for key, name in data.THEMES.items() if name in existing_themes
    }
    criteria: dict[str, Criterion] = {}
    if not design.criteria(workspace):
        for key, name in data.CRITERIA.items():
            criteria[key] = design.add_criterion(workspace, name)
            report.criteria += 1
    else:
        report.skipped.append("Criteria were there: none added.")
    alternatives: dict[str, Alternative] = {}
    if not design.alternatives(workspace):
        for alternative in data.ALTERNATIVES:
            alternatives[alternative.key] = design.save_alternative(
                workspace,
                None,
                alternative.kind,
                alternative.title,
                alternative.description,
                alternative.status,
                shown=alternative.shown,
            )
            report.alternatives += 1
        # The alternatives under discussion are published for participants to comment on, as
        # the moderator's "Julkaise vaihtoehdot" would; the matrix stays the moderators' own.
        design.publish_alternatives(workspace, moderator, show_matrix=False)
    else:
        report.skipped.append("Alternatives were there: none added, no comment linked.")
    if criteria and alternatives:
        for alternative_key, criterion_key, score, reason in data.ASSESSMENTS:
            design.assess(
                alternatives[alternative_key], criteria[criterion_key], moderator, score, reason
            )
            report.assessments += 1
    return themes, criteria, alternatives


def _has_comments(workspace: Workspace) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(Comment.id))
            .join(Section, Section.id == Comment.section_id)
            .where(Section.workspace_id == workspace.id)
        )
    )


def build_discussion(workspace: Workspace, moderator: User) -> DiscussionReport:
    report = DiscussionReport()
    if _has_comments(workspace):
        return report  # the discussion is there, maybe moderated since: leave it
    if not workspace.accepts_comments():
        report.skipped.append("Commenting is closed in the demo workspace: no discussion added.")
        return report
    clock = Clock(workspace)
    people = _stakeholders(report, clock)
    report.invitations = _invitations(workspace, moderator, clock)
    people[data.MODERATOR] = moderator
    themes, criteria, alternatives = _model_design(workspace, moderator, report)
    sections = {
        section.slug: section
        for section in db.session.scalars(
            select(Section).where(Section.workspace_id == workspace.id)
        )
    }

    # Written in the order they were said, so that ids follow time as they do on a live site.
    ordered: list[tuple[Section, data.Say, data.Say | None]] = []

    def walk(section: Section, say: data.Say, parent: data.Say | None) -> None:
        ordered.append((section, say, parent))
        for reply in say.replies:
            walk(section, reply, say)

    for slug, threads in data.DISCUSSION.items():
        if slug in sections:
            for say in threads:
                walk(sections[slug], say, None)
    for key, threads in data.ON_ALTERNATIVES.items():
        # Only on alternatives this run published: a moderator's own are not commented on.
        section_id = alternatives[key].section_id if key in alternatives else None
        if section_id is not None:
            for say in threads:
                walk(db.session.get(Section, section_id), say, None)
    ordered.sort(key=lambda row: clock.at(row[1].day, row[1].at))

    written: dict[int, Comment] = {}  # id(Say) -> its comment
    for section, say, parent in ordered:
        pre_moderated = workspace.pre_moderation
        if say.pending:
            # Written while the workspace was pre-moderated, without leaving pre-moderation on
            # (nor a log row of a moderator's switch that nobody made).
            workspace.pre_moderation = True
        comment, _ = add_comment(
            section,
            people[say.by],
            say.body,
            kind=say.kind,
            quote=say.quote,
            parent=written[id(parent)] if parent is not None else None,
        )
        workspace.pre_moderation = pre_moderated
        written[id(say)] = comment
        report.comments += 1
        report.pending += say.pending

    for _section, say, _parent in ordered:
        _moderate(
            workspace,
            say,
            written[id(say)],
            people,
            moderator,
            themes,
            criteria,
            alternatives,
            report,
        )
    _backdate(ordered, written, clock)
    published = clock.at(data.ALTERNATIVES_PUBLISHED_DAY, "09:00")
    backdate_sections(
        [a.section_id for a in alternatives.values() if a.section_id is not None], published
    )
    db.session.flush()
    return report


def backdate_sections(section_ids: list[int], moment: datetime) -> None:
    """Sections the demo created now, as if published at `moment` (and unchanged since: each
    comment's bump of the thread's version also stamped the section's updated_at)."""
    if not section_ids:
        return
    db.session.flush()
    for section in db.session.scalars(select(Section).where(Section.id.in_(section_ids))):
        section.updated_at = moment
    for version in db.session.scalars(
        select(SectionVersion).where(SectionVersion.section_id.in_(section_ids))
    ):
        version.published_at = moment


def _moderate(
    workspace: Workspace,
    say: data.Say,
    comment: Comment,
    people: dict[str, User],
    moderator: User,
    themes: dict[str, Theme],
    criteria: dict[str, Criterion],
    alternatives: dict[str, Alternative],
    report: DiscussionReport,
) -> None:
    """What the others and the moderator did with one comment."""
    for key in say.agree:
        set_agreement(comment, people[key], True)
    if say.reported:
        reporter, reason = say.reported
        moderation.report(comment, people[reporter], reason)
    if say.hidden:
        moderation.hide(comment, moderator, say.hidden)
        report.hidden += 1
    if say.note:
        moderation.add_note(comment, moderator, say.note)
    chosen = {themes[key].id for key in say.themes if key in themes}
    if chosen:
        design.set_comment_themes(comment, chosen, workspace)
    for link in say.links:
        alternative = alternatives.get(link.alternative)
        if alternative is None:
            continue
        criterion = criteria.get(link.criterion) if link.criterion else None
        design.link_comment(comment, moderator, alternative, criterion, link.stance, link.note)
        report.links += 1
    triage = say.triage
    if triage is None and (say.by == data.MODERATOR or say.hidden):
        # The moderator's own replies, and what they hid, are not news to moderators.
        triage = TriageStatus.READ
    if triage is not None:
        moderation.set_triage([comment], moderator, triage)


def _backdate(
    ordered: list[tuple[Section, data.Say, data.Say | None]],
    written: dict[int, Comment],
    clock: Clock,
) -> None:
    """The services stamped what they wrote with the build's "now"; give each row the moment
    its comment was written (and what others did with it, the hours after that)."""
    when = {written[id(say)].id: clock.at(say.day, say.at) for _s, say, _p in ordered}
    after = {
        comment_id: min(moment + timedelta(hours=5), clock.now)
        for comment_id, moment in when.items()
    }
    ids = list(when)
    for comment in written.values():
        comment.created_at = when[comment.id]
        if comment.published_at is not None:
            comment.published_at = comment.created_at
    for agreement in db.session.scalars(select(Agreement).where(Agreement.comment_id.in_(ids))):
        agreement.created_at = min(
            when[agreement.comment_id] + timedelta(minutes=20 + agreement.user_id * 7 % 300),
            clock.now,
        )
    for model in (CommentLink, ModeratorNote, ModerationLogEntry):
        for row in db.session.scalars(select(model).where(model.comment_id.in_(ids))):
            row.created_at = after[row.comment_id]
    for report in db.session.scalars(select(Report).where(Report.comment_id.in_(ids))):
        report.created_at = min(when[report.comment_id] + timedelta(hours=2), clock.now)
        if report.resolved_at is not None:
            report.resolved_at = after[report.comment_id]
    for notification in db.session.scalars(
        select(Notification).where(Notification.comment_id.in_(ids))
    ):
        new_comment = notification.event == PUBLISHED
        notification.created_at = (when if new_comment else after)[notification.comment_id]
        # Told in the app when it happened; mail about weeks-old events is not sent now.
        notification.waiting_for_mail = False
