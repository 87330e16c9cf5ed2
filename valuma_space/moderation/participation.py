"""Who takes part and what they say: the figures of the participation page and its charts.

Every count of comments goes through the reading rule's SQL (comments.policy), and each figure
says which comments it counts:

- **commented** (people): someone who has a comment in the workspace that made them a
  participant (`policy.took_part_sql`: published and not withdrawn by its author; a comment a
  moderator hid afterwards still counts, one waiting for approval or rejected does not).
- **comments per section and per week**: published comments whose text stands
  (`policy.text_is_public_sql`); hidden, rejected, waiting and deleted ones are left out.
- **region × theme** and **organisation type × alternative**: what every participant reads
  (`policy.readable_by_participants`: visible, published, in a published section), the same
  comments the assessment matrix counts, so that a figure shown in a slide can be checked by
  anyone in the discussion. A theme tag or a link on a hidden comment is not counted.

Invited people are counted from the invitations (what the moderator told of them), registered
people from their profiles: the two may differ for the same person, and the chart says so.
Each function takes a fixed number of queries, however many comments there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import distinct, func, select

from valuma_space.auth.models import Role, User
from valuma_space.choices import OrganisationType, Region
from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.extensions import db
from valuma_space.i18n import local_zone
from valuma_space.materials.models import Page, Section
from valuma_space.modeldesign.models import (
    Alternative,
    CommentLink,
    Stance,
    Theme,
    comment_themes,
)
from valuma_space.workspaces.models import Invitation, Workspace

STANCES = (Stance.SUPPORTS, Stance.OPPOSES, Stance.PROPOSES_CHANGE)
"""The stances the organisation type × alternative view counts (a question takes no side)."""


class Reach(NamedTuple):
    """People of one organisation type or region; `key` None means not told."""

    key: Any
    invited: int
    registered: int
    commented: int


@dataclass
class Participation:
    by_organisation_type: list[Reach]
    by_region: list[Reach]
    per_section: list[tuple[Section, Page, int]]
    per_week: list[tuple[date, int]]
    least_discussed: list[tuple[Section, Page, int]]
    themes: ThemesByRegion
    stances: StancesByOrganisation


@dataclass
class ThemesByRegion:
    themes: list[Theme]
    regions: list[Region | None]
    """Regions with at least one tagged comment, the most active first; None: not told."""
    counts: dict[tuple[Region | None, int], int]
    """(region, theme id) → comments tagged with the theme by participants of the region."""

    def count(self, region: Region | None, theme: Theme) -> int:
        return self.counts.get((region, theme.id), 0)


@dataclass
class StancesByOrganisation:
    alternatives: list[Alternative]
    """Alternatives with at least one linked comment, in the workspace's order."""
    counts: dict[tuple[int, OrganisationType | None, Stance], int]
    """(alternative id, organisation type of the comment's author, stance) → comments."""

    def types_for(self, alternative: Alternative) -> list[OrganisationType | None]:
        found = {key for alt, key, _ in self.counts if alt == alternative.id}
        return sorted(found, key=_key_order)

    def stances(self, alternative: Alternative, key: OrganisationType | None) -> list[int]:
        return [self.counts.get((alternative.id, key, stance), 0) for stance in STANCES]


def _key_order(key: Any) -> tuple[bool, str]:
    return (key is None, str(key or ""))


def _reach(user_column: Any, invitation_column: Any, workspace: Workspace) -> list[Reach]:
    """Invited, registered and commented people by one property: two queries."""
    took_part = (
        select(Comment.author_id)
        .join(Section, Section.id == Comment.section_id)
        .where(
            Section.workspace_id == workspace.id,
            Comment.author_id.is_not(None),
            policy.took_part_sql(),
        )
        .distinct()
        .subquery()
    )
    people = db.session.execute(
        select(user_column, func.count(User.id), func.count(took_part.c.author_id))
        .outerjoin(took_part, took_part.c.author_id == User.id)
        .where(User.role == Role.PARTICIPANT)
        .group_by(user_column)
    ).all()
    invited = dict(
        db.session.execute(
            select(invitation_column, func.count(Invitation.id))
            .where(Invitation.workspace_id == workspace.id)
            .group_by(invitation_column)
        ).all()
    )
    rows = {
        key: Reach(key, invited.get(key, 0), registered, active)
        for key, registered, active in people
    }
    for key, count in invited.items():
        rows.setdefault(key, Reach(key, count, 0, 0))
    return sorted(
        rows.values(), key=lambda r: (r.key is None, -max(r.invited, r.registered), str(r.key))
    )


def participation(workspace: Workspace) -> Participation:
    """Everything the participation page shows: eleven queries."""
    per_section_rows = db.session.execute(
        select(Section, Page, func.count(Comment.id))
        .join(Page, Page.id == Section.page_id)
        .outerjoin(
            Comment,
            (Comment.section_id == Section.id) & policy.text_is_public_sql(),
        )
        .where(Section.workspace_id == workspace.id)
        .group_by(Section.id, Page.id)
        .order_by(Page.position, Section.position)
    ).all()
    per_section = [(section, page, count) for section, page, count in per_section_rows]
    created = db.session.scalars(
        select(Comment.created_at)
        .join(Section, Section.id == Comment.section_id)
        .where(Section.workspace_id == workspace.id, policy.text_is_public_sql())
    )
    weeks: dict[date, int] = {}
    zone = local_zone()
    for moment in created:
        local = moment.astimezone(zone).date()
        monday = local - timedelta(days=local.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
    if weeks:  # weeks without comments show as zero, not as gaps
        week = min(weeks)
        while week < max(weeks):
            weeks.setdefault(week, 0)
            week += timedelta(days=7)
    return Participation(
        by_organisation_type=_reach(
            User.organisation_type, Invitation.organisation_type, workspace
        ),
        by_region=_reach(User.region, Invitation.region, workspace),
        per_section=per_section,
        per_week=sorted(weeks.items()),
        least_discussed=sorted(
            per_section, key=lambda row: (row[2], row[1].position, row[0].position)
        )[:5],
        themes=themes_by_region(workspace),
        stances=stances_by_organisation(workspace),
    )


def themes_by_region(workspace: Workspace) -> ThemesByRegion:
    """Which regions raise which themes: comments tagged with each theme, by the region of
    their author's profile. Two queries."""
    themes = list(
        db.session.scalars(
            select(Theme).where(Theme.workspace_id == workspace.id).order_by(Theme.name)
        )
    )
    rows = db.session.execute(
        select(User.region, comment_themes.c.theme_id, func.count(Comment.id))
        .select_from(comment_themes)
        .join(Comment, Comment.id == comment_themes.c.comment_id)
        .join(Section, Section.id == Comment.section_id)
        .outerjoin(User, User.id == Comment.author_id)
        .where(Section.workspace_id == workspace.id, policy.readable_by_participants())
        .group_by(User.region, comment_themes.c.theme_id)
    ).all()
    counts = {(region, theme_id): count for region, theme_id, count in rows}
    totals: dict[Region | None, int] = {}
    for (region, _theme), count in counts.items():
        totals[region] = totals.get(region, 0) + count
    regions = sorted(totals, key=lambda r: (r is None, -totals[r], str(r or "")))
    return ThemesByRegion(themes, regions, counts)


def stances_by_organisation(workspace: Workspace) -> StancesByOrganisation:
    """How each group stands on each alternative: comments linked to the alternative with each
    stance, by the organisation type of their author. A comment linked to one alternative
    under several criteria with the same stance counts once. Two queries."""
    rows = db.session.execute(
        select(
            CommentLink.alternative_id,
            User.organisation_type,
            CommentLink.stance,
            func.count(distinct(Comment.id)),
        )
        .join(Comment, Comment.id == CommentLink.comment_id)
        .join(Alternative, Alternative.id == CommentLink.alternative_id)
        .outerjoin(User, User.id == Comment.author_id)
        .where(
            Alternative.workspace_id == workspace.id,
            CommentLink.stance.in_(STANCES),
            policy.readable_by_participants(),
        )
        .group_by(CommentLink.alternative_id, User.organisation_type, CommentLink.stance)
    ).all()
    counts = {(alt, key, stance): count for alt, key, stance, count in rows}
    linked = {alt for alt, _key, _stance in counts}
    alternatives = list(
        db.session.scalars(
            select(Alternative)
            .where(Alternative.id.in_(linked))
            .order_by(Alternative.kind, Alternative.position, Alternative.id)
        )
    )
    return StancesByOrganisation(alternatives, counts)
