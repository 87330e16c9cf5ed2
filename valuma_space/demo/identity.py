"""The demo workspace's own look: an accent colour, a logo and a cover picture, drawn with Pillow
when the workspace is created and stored as a moderator's upload would be."""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw

from valuma_space.materials.uploads import save_identity_image
from valuma_space.storage import Storage
from valuma_space.workspaces.models import Workspace

ACCENT = "#0e6b5c"
"""A deep teal: white text on it 6.4:1, as a link on the page 5.9:1."""
COVER_ALT = (
    "Piirroskuva: kaupunkeja ja alueita kuvaavia pisteitä eri puolilla kuvaa, ja niiden "
    "välillä verkoston viivoja."
)
_TEAL, _DEEP, _LIGHT = (14, 107, 92), (8, 58, 102), (226, 242, 238)


def _png(image: Image.Image) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    return out


def _nodes(width: int, height: int, count: int, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)  # noqa: S311  (a picture, the same each time)
    return [(rng.uniform(0.06, 0.94) * width, rng.uniform(0.1, 0.9) * height) for _ in range(count)]


def cover_png() -> io.BytesIO:
    """Regions and towns as dots, joined to their nearest neighbours: a network, in a wide strip
    (1600 × 560) like the home page's banner."""
    width, height = 1600, 560
    image = Image.new("RGB", (width, height), _LIGHT)
    draw = ImageDraw.Draw(image)
    for row in range(height):  # a soft vertical gradient, light teal to white
        mix = row / height
        colour = tuple(round(a + (255 - a) * mix * 0.7) for a in _LIGHT)
        draw.line((0, row, width, row), fill=colour)
    nodes = _nodes(width, height, 34, seed=2019)
    for x, y in nodes:
        nearest = sorted(nodes, key=lambda other: math.dist((x, y), other))[1:4]
        for other in nearest:
            draw.line((x, y, *other), fill=(120, 170, 160), width=5)
    for index, (x, y) in enumerate(nodes):
        radius = 14 + (index * 7) % 22
        fill = _TEAL if index % 3 else _DEEP
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)
        draw.ellipse((x - radius / 3, y - radius / 3, x + radius / 3, y + radius / 3), fill="white")
    return _png(image)


def logo_png() -> io.BytesIO:
    """Three joined dots in a teal circle, 240 × 240: a mark that reads at 40 px."""
    size = 240
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=_TEAL)
    points = [(70, 160), (120, 70), (175, 150)]
    for first, second in zip(points, points[1:] + points[:1], strict=True):
        draw.line((*first, *second), fill="white", width=14)
    for x, y in points:
        draw.ellipse((x - 24, y - 24, x + 24, y + 24), fill="white")
    return _png(image)


def dress(workspace: Workspace, storage: Storage) -> None:
    """Give a newly created demo workspace its colour and pictures."""
    workspace.accent_color = ACCENT
    workspace.logo_image = save_identity_image(storage, logo_png(), 5 * 1024 * 1024, widest=False)
    workspace.cover_image = save_identity_image(storage, cover_png(), 5 * 1024 * 1024, widest=True)
    workspace.cover_alt = COVER_ALT
