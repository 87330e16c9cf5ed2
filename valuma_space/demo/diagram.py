"""The demo's picture: the study's three data-collection phases as boxes and arrows, drawn with
Pillow when the demo is built and uploaded through the app's own upload service."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from valuma_space.materials import uploads
from valuma_space.materials.authoring import picture_snippet
from valuma_space.materials.models import Attachment, Section
from valuma_space.storage import upload_storage

SECTION_SLUG = "vaihe-1-uudistukset-ja-tilanne"
"""The first phase's section, where the reader meets the phases, shows the diagram."""
FILENAME = "aineistonkeruun-vaiheet.png"
ALT = (
    "Kaavio aineistonkeruun kolmesta vaiheesta: 1. uudistukset ja alueiden kehittämisen tilanne, "
    "2. hyvät käytännöt ja haasteet dokumenttien ja haastatteluiden avulla, 3. toimintamallien "
    "muotoilu ja ennakkovaikutusten arviointi vuorovaikutteisesti."
)
CAPTION = (
    "Hankkeen tiedonkeruu rakentuu karkeasti kolmesta vaiheesta: kaksi ensimmäistä käynnistyy "
    "kesän 2019 aikana, vuorovaikutteisin kolmas vaihe syyskuussa 2019."
)
PHASES = [
    (
        "1. vaihe · kesä 2019",
        ["Uudistukset ja alueiden", "kehittämisen tilanne; selvitys-", "ja tutkimuskirjallisuus"],
    ),
    (
        "2. vaihe · kesä 2019",
        ["Dokumentit ja haastattelut:", "hyvät käytännöt ja haasteet", "Suomessa ja muissa maissa"],
    ),
    (
        "3. vaihe · syyskuu 2019",
        ["Toimintamallien muotoilu ja", "ennakkovaikutusten arviointi", "vuorovaikutteisesti"],
    ),
]
FONTS = Path("/usr/share/fonts/truetype/dejavu")

_WIDTH, _BOX_HEIGHT, _GAP, _MARGIN = 1000, 270, 80, 30
_BRAND, _TINT, _INK = (11, 79, 138), (232, 240, 248), (27, 36, 48)


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size)


def phase_diagram_png() -> bytes:
    """Three boxes, top to bottom with arrows between them, in letters large enough to read
    on a phone, where the picture is drawn about a third of its width."""
    height = _MARGIN * 2 + len(PHASES) * _BOX_HEIGHT + (len(PHASES) - 1) * _GAP
    image = Image.new("RGB", (_WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    title_font, text_font = _font(True, 48), _font(False, 42)
    left, right = _MARGIN, _WIDTH - _MARGIN
    for number, (title, lines) in enumerate(PHASES):
        top = _MARGIN + number * (_BOX_HEIGHT + _GAP)
        draw.rounded_rectangle(
            (left, top, right, top + _BOX_HEIGHT), radius=24, fill=_TINT, outline=_BRAND, width=5
        )
        draw.text((left + 36, top + 22), title, font=title_font, fill=_BRAND)
        for row, line in enumerate(lines):
            draw.text((left + 36, top + 90 + row * 54), line, font=text_font, fill=_INK)
        if number < len(PHASES) - 1:
            middle, start, end = _WIDTH // 2, top + _BOX_HEIGHT + 8, top + _BOX_HEIGHT + _GAP - 8
            draw.line((middle, start, middle, end - 26), fill=_BRAND, width=10)
            draw.polygon(
                [(middle - 30, end - 34), (middle + 30, end - 34), (middle, end)], fill=_BRAND
            )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def with_phase_diagram(section: Section, body: str) -> str:
    """The section's text with the diagram after it, uploading the diagram the first time."""
    attachment = next((a for a in section.attachments if a.filename == FILENAME), None)
    if attachment is None:
        attachment = _upload(section)
    return f"{body.rstrip()}\n\n{picture_snippet(attachment, ALT, CAPTION)}\n"


def _upload(section: Section) -> Attachment:
    data = phase_diagram_png()
    return uploads.save_attachment(section, upload_storage(), io.BytesIO(data), FILENAME, len(data))
