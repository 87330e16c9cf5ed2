"""A realistic little discussion for the charts: people of several organisation types and
regions, invitations, themed comments and links with stances. Built through the services."""

from __future__ import annotations

import random

from sqlalchemy import select

from valuma_space.auth.models import Role, User
from valuma_space.auth.services import ensure_user
from valuma_space.choices import OrganisationType, Region
from valuma_space.comments.services import add_comment
from valuma_space.extensions import db
from valuma_space.materials.models import Section
from valuma_space.modeldesign import services as design
from valuma_space.modeldesign.models import (
    AlternativeKind,
    AlternativeStatus,
    Assessment,
    Stance,
    Theme,
)
from valuma_space.workspaces.models import Invitation, Workspace

THEMES = ["Rahoitus", "Maaseutu", "Osaamisen kehittäminen", "Kestävä kasvu", "Digitalisaatio"]
ALTERNATIVES = [
    "Kansallinen verkostokoordinaattori",
    "Alueelliset innovaatioekosysteemit",
    "Teemaverkostojen hankehaku",
]
CRITERIA = ["Vaikuttavuus", "Hallinnollinen kuorma", "Alueellinen tasa-arvo"]
PEOPLE = [
    (OrganisationType.MUNICIPALITY, Region.PIRKANMAA),
    (OrganisationType.MUNICIPALITY, Region.UUSIMAA),
    (OrganisationType.MUNICIPALITY, Region.LAPPI),
    (OrganisationType.REGIONAL_COUNCIL, Region.POHJOIS_SAVO),
    (OrganisationType.REGIONAL_COUNCIL, Region.LAPPI),
    (OrganisationType.MINISTRY, Region.NATIONAL),
    (OrganisationType.ELY_CENTRE, Region.KESKI_SUOMI),
    (OrganisationType.DEVELOPMENT_COMPANY, Region.PIRKANMAA),
    (OrganisationType.RESEARCH, Region.UUSIMAA),
    (OrganisationType.NETWORK, Region.NATIONAL),
    (OrganisationType.ASSOCIATION, Region.POHJOIS_POHJANMAA),
]


def seed_chart_data(
    workspace: Workspace, sections: list[Section], moderator: User, comments: int = 40
) -> None:
    """People, themes, alternatives and criteria the first time; more comments every time."""
    rng = random.Random(comments)
    if db.session.scalar(select(Theme.id).where(Theme.workspace_id == workspace.id)) is None:
        _people_and_models(workspace, moderator)
    people = list(
        db.session.scalars(
            select(User).where(User.email.like("kaavio%@esimerkki.fi")).order_by(User.id)
        )
    )
    themes = list(db.session.scalars(select(Theme).where(Theme.workspace_id == workspace.id)))
    alternatives = design.alternatives(workspace)
    criteria = design.criteria(workspace)
    writers = people[: len(people) * 2 // 3]
    for number in range(comments):
        author = rng.choice(writers)
        comment, _ = add_comment(rng.choice(sections), author, f"Kommentti {number}.")
        db.session.flush()
        design.set_comment_themes(
            comment, {t.id for t in rng.sample(themes, rng.randint(1, 2))}, workspace
        )
        if rng.random() < 0.7:
            design.link_comment(
                comment,
                moderator,
                rng.choice(alternatives),
                rng.choice(criteria),
                rng.choice(
                    [Stance.SUPPORTS, Stance.SUPPORTS, Stance.OPPOSES, Stance.PROPOSES_CHANGE]
                ),
                "",
            )
    if db.session.scalar(select(Assessment.id)) is not None:
        return
    for alternative in alternatives:
        for criterion in criteria:
            score = rng.randint(-2, 2)
            design.assess(alternative, criterion, moderator, score, "Arvio perusteluineen.")
    db.session.flush()


def _people_and_models(workspace: Workspace, moderator: User) -> None:
    for number, (kind, region) in enumerate(PEOPLE * 2):
        email = f"kaavio{number}@esimerkki.fi"
        db.session.add(
            Invitation(
                workspace_id=workspace.id,
                email=email,
                organisation_type=kind,
                region=region,
                invited_by_id=moderator.id,
            )
        )
        if number % 3 != 2:  # a third of the invited have not registered
            user, _ = ensure_user(email, Role.PARTICIPANT)
            user.organisation_type, user.region = kind, region
    db.session.flush()
    for name in THEMES:
        design.add_theme(workspace, name)
    for title in ALTERNATIVES:
        design.save_alternative(
            workspace,
            None,
            AlternativeKind.OPERATING_MODEL,
            title,
            "Kuvaus.",
            AlternativeStatus.UNDER_DISCUSSION,
        )
    for name in CRITERIA:
        design.add_criterion(workspace, name)
    db.session.flush()
