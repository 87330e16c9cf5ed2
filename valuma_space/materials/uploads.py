"""Attachments: the real type from the file's first bytes, a name of our own on disk. A PNG, JPEG
or WebP is stored only as drawn again from its pixels (materials/images.py), in several widths."""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
import zipfile
from pathlib import Path
from typing import IO

from flask_babel import lazy_gettext as _l

from valuma_space.extensions import db
from valuma_space.materials import images
from valuma_space.materials.models import Attachment, ImageVariant, Section
from valuma_space.refusals import Refused
from valuma_space.storage import Storage, TooLarge

IDENTITY_PREFIX = "tyotila-"
"""Stored names of the workspace's logo and cover start so, apart from the sections' pictures."""

ZIP_KINDS = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}

# An SVG document: optional byte order mark, XML declaration, comments and doctype, then <svg.
_SVG = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    rb"(?:<!DOCTYPE\s+svg[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg[\s>]",
    re.DOTALL | re.IGNORECASE,
)


def detect_type(stream: IO[bytes]) -> tuple[str, str] | None:
    """(content type, extension) judged from the content, or None for anything not allowed."""
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if head[:6] in {b"GIF87a", b"GIF89a"}:
        return "image/gif", ".gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if _SVG.match(stream.read(4096)):
        stream.seek(0)
        return "image/svg+xml", ".svg"  # a download only: never shown inline, never re-encoded
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, kind in ZIP_KINDS.items():
                if any(name.startswith(prefix) for name in names):
                    return kind
    return None


def clean_filename(name: str, extension: str) -> str:
    """A safe name to show and offer: no path, no control or quote characters, the right ending."""
    stem = Path(name.replace("\\", "/")).name
    stem = unicodedata.normalize("NFC", stem)
    stem = re.sub(r"[^\w .()-]+", "_", stem).strip(" ._") or "liite"
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", stem)[:150]
    return f"{stem}{extension}"


def save_attachment(
    section: Section, storage: Storage, stream: IO[bytes], original_name: str, max_bytes: int
) -> Attachment:
    detected = detect_type(stream)
    if detected is None:
        raise Refused(
            _l(
                "Tiedostotyyppiä ei sallita. Sallittuja ovat PDF, DOCX, XLSX, PPTX sekä PNG-, JPEG-, GIF-, WebP- ja SVG-kuvat."
            )
        )
    content_type, extension = detected
    if content_type in images.INLINE_TYPES:
        return _save_image(section, storage, stream, original_name, max_bytes, detected)
    stored_name = secrets.token_hex(16) + extension
    try:
        size = storage.save(stored_name, stream, max_bytes)  # all or nothing
    except TooLarge:
        raise Refused(_l("Tiedosto on liian suuri.")) from None
    attachment = Attachment(
        section=section,
        filename=clean_filename(original_name, extension),
        stored_name=stored_name,
        content_type=content_type,
        size=size,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def _read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Refused(_l("Tiedosto on liian suuri."))
    return data


def _save_image(
    section: Section,
    storage: Storage,
    stream: IO[bytes],
    original_name: str,
    max_bytes: int,
    detected: tuple[str, str],
) -> Attachment:
    """The picture drawn again from its pixels: the upload's own bytes are never written."""
    content_type, extension = detected
    clean = images.reencode(io.BytesIO(_read_limited(stream, max_bytes)), content_type)
    stem = secrets.token_hex(16)
    files = {f"{stem}{extension}": clean.full.data}
    files |= {f"{stem}-{v.width}{extension}": v.data for v in clean.variants}
    written: list[str] = []
    try:
        for name, data in files.items():
            storage.save_bytes(name, data)
            written.append(name)
    except OSError:
        for name in written:
            storage.delete(name)
        raise
    attachment = Attachment(
        section=section,
        filename=clean_filename(original_name, extension),
        stored_name=f"{stem}{extension}",
        content_type=content_type,
        size=len(clean.full.data),
        width=clean.full.width,
        height=clean.full.height,
        variants=[
            ImageVariant(
                width=v.width,
                height=v.height,
                stored_name=f"{stem}-{v.width}{extension}",
                size=len(v.data),
            )
            for v in clean.variants
        ],
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def delete_attachment(attachment: Attachment, storage: Storage) -> None:
    for name in [attachment.stored_name, *(v.stored_name for v in attachment.variants)]:
        storage.delete(name)
    db.session.delete(attachment)
    db.session.flush()


def save_identity_image(storage: Storage, stream: IO[bytes], max_bytes: int, widest: bool) -> str:
    """A logo (at most 480 px wide) or a cover (at most 1600 px), drawn again from its pixels
    as the sections' pictures are; returns the stored file's name."""
    detected = detect_type(stream)
    if detected is None or detected[0] not in images.INLINE_TYPES:
        raise Refused(_l("Kuvan pitää olla PNG-, JPEG- tai WebP-tiedosto."))
    content_type, extension = detected
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise Refused(_l("Kuva on liian suuri: enintään %(mb)d Mt.", mb=max_bytes // (1024 * 1024)))
    clean = images.reencode(io.BytesIO(data), content_type)
    chosen = clean.variants[-1] if widest else clean.variants[0]
    name = f"{IDENTITY_PREFIX}{secrets.token_hex(12)}-{chosen.width}{extension}"
    storage.save_bytes(name, chosen.data)
    return name
