"""Attachments: the real type from the file's first bytes, a name of our own on disk."""

from __future__ import annotations

import re
import secrets
import unicodedata
import zipfile
from pathlib import Path
from typing import IO

from flask_babel import lazy_gettext as _l

from valuma_space.extensions import db
from valuma_space.materials.models import Attachment, Section
from valuma_space.refusals import Refused

ZIP_KINDS = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}


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
    section: Section, upload_dir: str, stream: IO[bytes], original_name: str, max_bytes: int
) -> Attachment:
    detected = detect_type(stream)
    if detected is None:
        raise Refused(
            _l(
                "Tiedostotyyppiä ei sallita. Sallittuja ovat PDF, DOCX, XLSX, PPTX sekä PNG-, JPEG-, GIF- ja WebP-kuvat."
            )
        )
    content_type, extension = detected
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16) + extension
    target = folder / stored_name
    size = 0
    try:
        with open(target, "wb") as out:
            while chunk := stream.read(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise Refused(_l("Tiedosto on liian suuri."))
                out.write(chunk)
    except Refused:
        target.unlink(missing_ok=True)  # nothing half-saved
        raise
    attachment = Attachment(
        section_id=section.id,
        filename=clean_filename(original_name, extension),
        stored_name=stored_name,
        content_type=content_type,
        size=size,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def delete_attachment(attachment: Attachment, upload_dir: str) -> None:
    (Path(upload_dir) / attachment.stored_name).unlink(missing_ok=True)
    db.session.delete(attachment)
    db.session.flush()
