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
Each function takes a fixed number of queries, however many comments there are, and counts in
the database: what comes back is a row per section, week, group or theme, never one per comment
(the weeks are local ones, see `comments_per_local_week`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Integer, case, distinct, func, literal_column, select

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
    """Everything the participation page shows: ten queries (nine without comments), each
    returning a row per section, week, group or theme, never one per comment."""
    # Counted per section apart from the sections' own (wide) rows; the same figures give the
    # span of the comments, which bounds the weeks.
    counted = (
        select(
            Comment.section_id,
            func.count(Comment.id).label("comments"),
            func.min(Comment.created_at).label("first"),
            func.max(Comment.created_at).label("last"),
        )
        .join(Section, Section.id == Comment.section_id)
        .where(Section.workspace_id == workspace.id, policy.text_is_public_sql())
        .group_by(Comment.section_id)
        .subquery()
    )
    per_section_rows = db.session.execute(
        select(
            Section,
            Page,
            func.coalesce(counted.c.comments, 0),
            counted.c.first,
            counted.c.last,
        )
        .join(Page, Page.id == Section.page_id)
        .outerjoin(counted, counted.c.section_id == Section.id)
        .where(Section.workspace_id == workspace.id)
        .order_by(Page.position, Section.position)
    ).all()
    per_section = [(section, page, count) for section, page, count, _, _ in per_section_rows]
    firsts = [first for *_, first, _last in per_section_rows if first is not None]
    lasts = [last for *_, last in per_section_rows if last is not None]
    per_week = comments_per_local_week(workspace, min(firsts), max(lasts)) if firsts else []
    return Participation(
        by_organisation_type=_reach(
            User.organisation_type, Invitation.organisation_type, workspace
        ),
        by_region=_reach(User.region, Invitation.region, workspace),
        per_section=per_section,
        per_week=per_week,
        least_discussed=sorted(
            per_section, key=lambda row: (row[2], row[1].position, row[0].position)
        )[:5],
        themes=themes_by_region(workspace),
        stances=stances_by_organisation(workspace),
    )


def local_week_starts(first: datetime, last: datetime) -> list[datetime]:
    """The moments local weeks begin (Monday 00:00 in the study's time zone), from the week of
    `first` to the one after the week of `last`: the boundaries of those weeks, aware."""
    zone = local_zone()
    monday = _monday(first.astimezone(zone).date())
    end = _monday(last.astimezone(zone).date()) + timedelta(days=7)
    starts = []
    while monday <= end:
        starts.append(datetime.combine(monday, time.min, tzinfo=zone))
        monday += timedelta(days=7)
    return starts


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def comments_per_local_week(
    workspace: Workspace, first: datetime, last: datetime
) -> list[tuple[date, int]]:
    """Published comments whose text stands, per week in the study's time zone, from the week
    of `first` to that of `last` (the earliest and latest such comment); weeks without comments
    are there with zero, so that the chart shows no gaps. One query, a row per week with
    comments.

    A week is a local one: from Monday 00:00 in Helsinki to the next Monday 00:00, 7 × 24 hours
    but for the weeks of a DST change (167 hours in March, 169 in October). SQLite has no time
    zones, so the local calendar stays in Python: the local Mondays' midnights are turned into
    UTC moments here (`zoneinfo` gives each its own offset, +02:00 in winter, +03:00 in
    summer), and the query only compares each stored UTC moment with those boundaries
    (`_week_of`) and counts per week with `GROUP BY`. A moment falls between the boundaries of
    the week of its local date, so the figures are those of taking every comment's local date
    in Python, as the page once did; this holds in any zone whose local date never runs
    backwards (Helsinki turns its clocks at 03:00 and 04:00, far from midnight).

    Why boundaries rather than grouping by UTC hour or 15-minute bucket and folding those into
    local days: a bucket needs the timestamp as a number, which the two engines extract
    differently (`strftime('%s')`, `EXTRACT(EPOCH …)`), and it returns a row per bucket with
    comments, up to 24 a day. Comparing timestamps reads the same on both engines (SQLite's
    stored text, always with six decimals, sorts as the moments do), is exact to the
    microsecond, and returns a row per week. The database makes log₂(weeks) comparisons per
    comment."""
    starts = local_week_starts(first, last)
    weeks = (
        select(_week_of(Comment.created_at, starts, 0, len(starts) - 1).label("week"))
        .select_from(Comment)
        .join(Section, Section.id == Comment.section_id)
        .where(
            Section.workspace_id == workspace.id,
            policy.text_is_public_sql(),
            Comment.created_at >= starts[0],
            Comment.created_at < starts[-1],
        )
        .subquery()
    )
    counts = dict(
        db.session.execute(select(weeks.c.week, func.count()).group_by(weeks.c.week)).all()
    )
    return [(start.date(), counts.get(index, 0)) for index, start in enumerate(starts[:-1])]


def _week_of(moment: Any, starts: list[datetime], low: int, high: int) -> ColumnElement[int]:
    """The number of the week (`low` ≤ i < `high`) a moment known to fall between
    `starts[low]` and `starts[high]` is in, as nested CASEs that halve the weeks at each
    level: log₂(weeks) comparisons per comment, rather than one per week."""
    if high - low == 1:
        return literal_column(str(low), Integer)
    middle = (low + high) // 2
    return case(
        (moment < starts[middle], _week_of(moment, starts, low, middle)),
        else_=_week_of(moment, starts, middle, high),
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
