"""The workspace's accent colour and the WCAG 2.1 contrast it must keep.

The accent takes the place of the site's blue (--brand in site.css): buttons carry white text on
it, and links are written in it on the page's backgrounds. A colour is accepted only if both
reach AA for normal text, 4.5:1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
AA_NORMAL_TEXT = 4.5
BUTTON_TEXT = "#ffffff"
"""The text colour on accent buttons (site.css .button)."""
PAGE_BACKGROUNDS = ("#ffffff", "#f4f6f9")
"""Where links in the accent colour stand: cards (--paper) and the page itself (--paper-tint)."""


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour, from 0 (black) to 1 (white)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours, from 1 to 21, in either order."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class AccentContrast:
    text_on_accent: float
    """White button text on the accent."""
    links: float
    """The accent as link colour on the lightest-contrast page background."""

    @property
    def passes(self) -> bool:
        return min(self.text_on_accent, self.links) >= AA_NORMAL_TEXT


def accent_contrast(colour: str) -> AccentContrast:
    return AccentContrast(
        text_on_accent=contrast_ratio(colour, BUTTON_TEXT),
        links=min(contrast_ratio(colour, background) for background in PAGE_BACKGROUNDS),
    )


def shade(colour: str, amount: float = 0.25) -> str:
    """The colour mixed with black: the darker tone for hover and the header."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(value * (1 - amount)):02x}" for value in channels)


def floor_ratio(ratio: float) -> float:
    """A ratio rounded down to one decimal, so that 4.48 is never shown as a passing 4.5."""
    return int(ratio * 10) / 10


def ratio_text(ratio: float) -> str:
    """A ratio as people read it in their language: 4,5:1 in Finnish."""
    return f"{format_decimal(floor_ratio(ratio), format='0.0')}:1"


def accent_problem(colour: str) -> str | None:
    """Why a colour cannot be the accent, with the measured ratios, or None if it can (an
    empty value keeps the site's own colour)."""
    if not colour:
        return None
    if not HEX_COLOUR.match(colour):
        return _("Kirjoita väri muodossa #RRGGBB, esimerkiksi #0b4f8a.")
    contrast = accent_contrast(colour)
    if contrast.passes:
        return None
    return _(
        "Väri %(colour)s: valkoinen teksti sen päällä %(text)s, linkit sivun taustalla "
        "%(links)s; vähintään 4,5:1 tarvitaan. Valitse tummempi sävy.",
        colour=colour.lower(),
        text=ratio_text(contrast.text_on_accent),
        links=ratio_text(contrast.links),
    )
