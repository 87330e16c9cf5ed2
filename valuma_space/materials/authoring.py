"""Moderators keep the materials current: pages, sections, drafts, publishing and versions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from valuma_space.auth.models import User
from valuma_space.db import utcnow
from valuma_space.extensions import db
from valuma_space.materials.markdown import (
    Picture,
    picture_markdown,
    picture_references,
    render_material,
)
from valuma_space.materials.models import Attachment, Page, Section, SectionVersion
from valuma_space.materials.services import slugify
from valuma_space.refusals import Refused
from valuma_space.workspaces.models import Workspace


@dataclass
class EditConflict(Exception):
    """Someone saved the section after this editor opened it; nothing was overwritten."""

    heading: str
    text: str


def _unique_slug(model: type, workspace_id: int, wanted: str, exclude_id: int | None = None) -> str:
    base = slugify(wanted)
    slug, number = base, 2
    while db.session.scalar(
        select(model.id).where(
            model.workspace_id == workspace_id, model.slug == slug, model.id != (exclude_id or 0)
        )
    ):
        slug = f"{base}-{number}"
        number += 1
    return slug


def create_page(
    workspace: Workspace,
    title: str,
    intro: str = "",
    slug: str | None = None,
    published: bool = False,
) -> Page:
    """A new page, last in the workspace. Moderators' new pages start hidden, so that sections
    can be added before anyone reads it; the demo and tests create published ones."""
    if not title.strip():
        raise Refused(_l("Anna sivulle otsikko."))
    position = (
        db.session.scalar(select(func.count(Page.id)).where(Page.workspace_id == workspace.id)) or 0
    )
    page = Page(
        workspace_id=workspace.id,
        title=title.strip(),
        intro=intro.strip(),
        slug=slug or _unique_slug(Page, workspace.id, title),
        position=position,
        is_published=published,
    )
    db.session.add(page)
    db.session.flush()
    return page


def update_page(page: Page, title: str, intro: str) -> Page:
    if not title.strip():
        raise Refused(_l("Anna sivulle otsikko."))
    page.title, page.intro = title.strip(), intro.strip()
    db.session.flush()
    return page


def create_section(
    page: Page,
    heading: str,
    markdown: str,
    actor: User | None = None,
    slug: str | None = None,
    published: bool = False,
) -> Section:
    """A new section, last on its page, with its text as version 1. Moderators' new sections
    start hidden, so that they can be read through before they are published."""
    if not heading.strip():
        raise Refused(_l("Anna osiolle otsikko."))
    position = (
        db.session.scalar(select(func.count(Section.id)).where(Section.page_id == page.id)) or 0
    )
    section = Section(
        page_id=page.id,
        workspace_id=page.workspace_id,
        heading=heading.strip(),
        slug=slug or _unique_slug(Section, page.workspace_id, heading),
        position=position,
        is_published=published,
        version=0,
    )
    db.session.add(section)
    db.session.flush()
    publish_text(section, heading, markdown, actor)
    return section


def publish_text(
    section: Section, heading: str, markdown: str, actor: User | None = None
) -> SectionVersion:
    """Make a text the section's current one, keeping it as a new version."""
    section.version += 1
    section.heading = heading.strip()
    section.body_markdown = markdown
    section.body_html = render_section_text(section, markdown)
    section.updated_at = utcnow()
    section.draft_heading = None
    section.draft_markdown = None
    section.edit_revision += 1
    version = SectionVersion(
        section_id=section.id,
        number=section.version,
        heading=section.heading,
        body_markdown=markdown,
        published_by_id=actor.id if actor is not None else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _check_revision(section: Section, base_revision: int, heading: str, markdown: str) -> None:
    if section.edit_revision != base_revision:
        raise EditConflict(
            heading=section.draft_heading or section.heading,
            text=section.draft_markdown
            if section.draft_markdown is not None
            else section.body_markdown,
        )
    if not heading.strip():
        raise Refused(_l("Anna osiolle otsikko."))


def save_draft(
    section: Section, actor: User, heading: str, markdown: str, base_revision: int
) -> None:
    _check_revision(section, base_revision, heading, markdown)
    render_section_text(section, markdown)  # a draft's pictures are checked as publishing would
    section.draft_heading = heading.strip()
    section.draft_markdown = markdown
    section.edit_revision += 1
    db.session.flush()


def publish(
    section: Section, actor: User, heading: str, markdown: str, base_revision: int
) -> SectionVersion:
    _check_revision(section, base_revision, heading, markdown)
    if heading.strip() == section.heading and markdown == section.body_markdown:
        section.draft_heading = section.draft_markdown = None
        section.edit_revision += 1
        db.session.flush()
        return section.versions[-1]
    return publish_text(section, heading, markdown, actor)


def _image_path(stored_name: str) -> str:
    """The address a picture is served from. Texts are rendered when saved, also by the demo
    outside any request: then the address comes from BASE_URL, as mail's links do."""
    if has_request_context():
        return url_for("authoring.image", name=stored_name)
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        return url_for("authoring.image", name=stored_name)


def _picture(attachment: Attachment) -> Picture:
    variants = attachment.variants
    default = next((v for v in variants if v.width >= 960), variants[-1])
    return Picture(
        name=attachment.filename,
        src=_image_path(default.stored_name),
        srcset=", ".join(f"{_image_path(v.stored_name)} {v.width}w" for v in variants),
        width=attachment.width or default.width,
        height=attachment.height or default.height,
    )


def picture_target(attachment: Attachment) -> str:
    return f"attachment:{attachment.id}"


def _section_pictures(section: Section) -> Callable[[str], Picture | None]:
    """The section's own re-encoded pictures, by `attachment:ID` or by their file name. The
    attachments are loaded only for a text that shows a picture."""
    pictures: dict[str, Attachment] = {}

    def resolve(target: str) -> Picture | None:
        if not pictures:
            for attachment in section.attachments:
                if attachment.is_inline_image:
                    pictures[picture_target(attachment)] = attachment
                    pictures.setdefault(attachment.filename, attachment)
        attachment = pictures.get(target)
        return _picture(attachment) if attachment is not None else None

    return resolve


def render_section_text(section: Section, markdown: str) -> str:
    """The text as readers see it; refused if it shows a picture that is not the section's own,
    or one without alt text."""
    return render_material(markdown, _section_pictures(section))


def picture_snippet(attachment: Attachment, alt: str, caption: str) -> str:
    """The Markdown the editor's "insert into the text" adds for one of the section's pictures."""
    if not attachment.is_inline_image:
        raise Refused(_l("Vain PNG-, JPEG- ja WebP-kuvia voi näyttää tekstissä."))
    if not alt.strip():
        raise Refused(
            _l(
                "Kuvalta puuttuu vaihtoehtoinen teksti: %(image)s. Kirjoita kuvan kenttään lyhyesti, mitä kuva esittää.",
                image=attachment.filename,
            )
        )
    return picture_markdown(picture_target(attachment), alt, caption)


def check_picture_unused(attachment: Attachment) -> None:
    """A picture the published text or the draft shows cannot be deleted from under it."""
    section = attachment.section
    targets = {picture_target(attachment), attachment.filename}
    for text in (section.body_markdown, section.draft_markdown or ""):
        if any(ref.target in targets for ref in picture_references(text)):
            raise Refused(
                _l(
                    "Kuva näkyy osion tekstissä. Poista se ensin tekstistä ja julkaise osio, sitten voit poistaa liitteen."
                )
            )


def discard_draft(section: Section) -> None:
    section.draft_heading = section.draft_markdown = None
    section.edit_revision += 1
    db.session.flush()


def set_published(item: Page | Section, published: bool) -> None:
    item.is_published = published
    db.session.flush()


def move(item: Page | Section, direction: int) -> None:
    """Swap with the neighbour before (-1) or after (+1)."""
    model = type(item)
    scope = (
        model.workspace_id == item.workspace_id if model is Page else model.page_id == item.page_id
    )  # type: ignore[union-attr]
    siblings = list(
        db.session.scalars(select(model).where(scope).order_by(model.position, model.id))
    )
    index = siblings.index(item)
    other = index + direction
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            sibling.position = position
    db.session.flush()


def version_pair(
    section: Section, old: int, new: int
) -> tuple[SectionVersion, SectionVersion] | None:
    versions = {
        v.number: v
        for v in db.session.scalars(
            select(SectionVersion).where(
                SectionVersion.section_id == section.id, SectionVersion.number.in_([old, new])
            )
        )
    }
    if old not in versions or new not in versions:
        return None
    return versions[old], versions[new]
