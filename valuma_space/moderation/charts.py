"""Charts as SVG, drawn on the server: no script, and the same figures always stand in a table
beside them for screen readers and for copying.

Hand-written rather than a library: no well-kept Python chart library draws accessible, small
server-side SVG without heavy dependencies (matplotlib, the candidate, pulls in NumPy and
Pillow, draws text as paths or with a viewBox that scales it, and needs styling to match the
site), while these few bar and grid shapes are a page of code.

Two ways to draw each chart:

- **in the page** (`standalone=False`): no viewBox, so that text keeps its CSS size (the site's
  stylesheet styles the classes; the page's CSP allows no inline styles). Bar charts take the
  card's width through percentages in x and width; heat maps have their natural pixel size and
  scroll inside their own box.
- **as a file** (`standalone=True`, the "Lataa SVG" downloads): fixed pixel width and height,
  the title as text, its own `<style>` and a white background, so that it reads in a slide.

Colours keep 3:1 against white (WCAG 1.4.11), and never carry meaning alone: every bar has its
figure beside it, series differ by outline or hatching too, and every heat map cell has its number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

FILE_WIDTH = 800
"""The width of a downloaded bar chart, in pixels."""
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'
STYLE = f"""
text {{ font-family: {FONT}; fill: #1b2430; font-size: 14px; }}
.chart-title {{ font-size: 18px; font-weight: 600; }}
.chart-label {{ font-size: 14px; }}
.chart-group {{ font-size: 15px; font-weight: 600; }}
.chart-value {{ font-size: 13px; }}
.chart-cell-text {{ font-size: 14px; font-weight: 600; }}
.chart-cell-text.on-dark {{ fill: #ffffff; }}
.chart-s-registered {{ fill: #0b4f8a; }}
.chart-s-invited {{ fill: #e4ecf5; stroke: #083a66; stroke-width: 1.5; }}
.chart-s-commented {{ fill: #6b3fa0; }}
.chart-s-supports {{ fill: #1d7a4f; }}
.chart-s-opposes {{ fill: #a4262c; }}
.chart-s-proposes_change {{ fill: #8a5a00; }}
.chart-hatch {{ stroke: #ffffff; stroke-width: 2; }}
.chart-sep {{ stroke: #ffffff; stroke-width: 1.5; }}
.chart-cell {{ stroke: #ffffff; stroke-width: 2; }}
.chart-h0 {{ fill: #f4f6f9; stroke: #d5dbe3; }}
.chart-h1 {{ fill: #d6e4f0; }}
.chart-h2 {{ fill: #a9c6e0; }}
.chart-h3 {{ fill: #5b8fc0; }}
.chart-h4 {{ fill: #2a619a; }}
.chart-h5 {{ fill: #0b3f6e; }}
"""
HEAT_LEVELS = 5
"""Heat map shades beyond zero; levels 3 and above carry white numbers."""


@dataclass(frozen=True)
class Series:
    key: str
    """Names the CSS class chart-s-<key> and, with `hatched`, a pattern."""
    label: str
    hatched: bool = False


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class _Canvas:
    """Positions along the width: percentages in the page, pixels in a file."""

    def __init__(self, chart_id: str, title: str, standalone: bool) -> None:
        self.chart_id, self.title, self.standalone = chart_id, title, standalone
        self.parts: list[str] = []
        self.top = 34 if standalone else 4
        self.pad = 24 if standalone else 0

    def x(self, fraction: float) -> str:
        if self.standalone:
            return f"{self.pad + fraction * (FILE_WIDTH - 2 * self.pad):.1f}"
        return f"{fraction * 100:.2f}%"

    def w(self, fraction: float) -> str:
        """A length along the width (x without the file's margin)."""
        if self.standalone:
            return f"{fraction * (FILE_WIDTH - 2 * self.pad):.1f}"
        return f"{fraction * 100:.2f}%"

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def svg(self, height: int, width: int | None = None, defs: str = "") -> Markup:
        chart_id = escape(self.chart_id)
        title = escape(self.title)
        if self.standalone:
            width = width or FILE_WIDTH
            head = (
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-t">'
                f'<title id="{chart_id}-t">{title}</title><style>{STYLE}</style>'
                f'<rect width="100%" height="100%" fill="#ffffff"></rect>'
                f'<text x="{self.pad}" y="24" class="chart-title">{title}</text>'
            )
        else:
            size = f'width="{width}"' if width else 'width="100%"'
            head = (
                f'<svg class="chart" id="{chart_id}" {size} height="{height}" '
                f'aria-hidden="true" focusable="false"><title>{title}</title>'
            )
        return Markup(head + defs + "".join(self.parts) + "</svg>")  # noqa: S704 (escaped above)


def _hatch_defs(chart_id: str, series: list[Series]) -> str:
    """White lines over a series' own colour, so that it differs without colour too: the first
    hatched series leans right, the next left."""
    hatched = [s for s in series if s.hatched]
    return "".join(
        f'<pattern id="{escape(chart_id)}-p-{s.key}" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate({45 if i % 2 == 0 else -45})">'
        f'<rect width="6" height="6" class="chart-s-{s.key}"></rect>'
        f'<line x1="0" y1="0" x2="0" y2="6" class="chart-hatch"></line></pattern>'
        for i, s in enumerate(hatched)
    )


def _paint(chart_id: str, s: Series) -> str:
    """The class (and, hatched, the pattern) a series' shape is painted with: a hatched shape
    has no colour class, since CSS would win over its fill attribute."""
    if s.hatched:
        return f'class="chart-hatched" fill="url(#{escape(chart_id)}-p-{s.key})"'
    return f'class="chart-s-{s.key}"'


def _legend(canvas: _Canvas, series: list[Series], y: int) -> int:
    """A line of swatches with their names, in a downloaded file only (the page shows the
    legend in HTML, where it wraps); returns the y below it."""
    if not canvas.standalone:
        return y
    x = float(canvas.pad)
    for s in series:
        width = 20 + len(s.label) * 7.5 + 24  # about 7.5 px a letter at 13 px
        if x + width > FILE_WIDTH - canvas.pad:
            x, y = float(canvas.pad), y + 22
        canvas.add(
            f'<rect x="{x:.0f}" y="{y}" width="14" height="14" '
            f"{_paint(canvas.chart_id, s)}></rect>"
            f'<text x="{x + 20:.0f}" y="{y + 12}" class="chart-value">{escape(s.label)}</text>'
        )
        x += width
    return y + 28


LABEL_LETTERS = 30
"""Letters on a label's line: about 230 px at 14 px, what a card holds on a 320 px screen."""


def _label(canvas: _Canvas, text: str, y: int, css: str = "chart-label") -> int:
    """A label above its bar, wrapped at spaces into at most two lines; returns the y below."""
    for line in _lines(text, 70 if canvas.standalone else LABEL_LETTERS, 2):
        canvas.add(f'<text x="{canvas.x(0)}" y="{y + 14}" class="{css}">{escape(line)}</text>')
        y += 18
    return y + 2


def grouped_bars(
    rows: list[tuple[str, list[int]]],
    series: list[Series],
    title: str,
    chart_id: str,
    standalone: bool = False,
) -> Markup:
    """For each row a label and one bar per series, each with its figure after it; a single
    series draws one bar per row. All bars share one scale."""
    canvas = _Canvas(chart_id, title, standalone)
    y = canvas.top
    if len(series) > 1:
        y = _legend(canvas, series, y)
    largest = max((v for _, values in rows for v in values), default=0) or 1
    bar, gap = (14, 3) if len(series) > 1 else (18, 0)
    scale = 0.82
    for label, values in rows:
        y = _label(canvas, label, y)
        for s, value in zip(series, values, strict=True):
            fraction = scale * value / largest
            canvas.add(
                f'<rect x="{canvas.x(0)}" y="{y}" width="{canvas.w(fraction)}" height="{bar}" '
                f"{_paint(chart_id, s)}></rect>"
                if value
                else ""
            )
            canvas.add(
                f'<text x="{canvas.x(fraction)}" dx="6" y="{y + bar - 2}" class="chart-value">'
                f"{value}</text>"
            )
            y += bar + gap
        y += 12
    return canvas.svg(y + 4, defs=_hatch_defs(chart_id, series))


def bar_chart(
    rows: list[tuple[str, int]], title: str, chart_id: str, standalone: bool = False
) -> Markup:
    """One bar per row, its label above it and its figure after it."""
    return grouped_bars(
        [(label, [value]) for label, value in rows],
        [Series("registered", title)],
        title,
        chart_id,
        standalone,
    )


def share_bars(
    rows: list[tuple[str, float, str]], title: str, chart_id: str, standalone: bool = False
) -> Markup:
    """One bar per row on a scale of 0…1 (a share of respondents), its label above it and its
    figure after it as text, which may say less than the bar ("alle 5" draws no bar)."""
    canvas = _Canvas(chart_id, title, standalone)
    y = canvas.top
    paint = _paint(chart_id, Series("registered", title))
    for label, fraction, figure in rows:
        y = _label(canvas, label, y)
        width = 0.8 * max(0.0, min(fraction, 1.0))
        if width:
            canvas.add(
                f'<rect x="{canvas.x(0)}" y="{y}" width="{canvas.w(width)}" height="18" '
                f"{paint}></rect>"
            )
        canvas.add(
            f'<text x="{canvas.x(width)}" dx="6" y="{y + 16}" class="chart-value">'
            f"{escape(figure)}</text>"
        )
        y += 30
    return canvas.svg(y + 4)


def stacked_bars(
    groups: list[tuple[str, list[tuple[str, list[int]]]]],
    series: list[Series],
    title: str,
    chart_id: str,
    standalone: bool = False,
) -> Markup:
    """Groups (an alternative) of rows (an organisation type), each row one bar of the series
    stacked; its figures follow the bar in the legend's order."""
    canvas = _Canvas(chart_id, title, standalone)
    y = _legend(canvas, series, canvas.top)
    totals = [sum(values) for _, rows in groups for _, values in rows]
    largest = max(totals, default=0) or 1
    scale = 0.7
    for group, rows in groups:
        y = _label(canvas, group, y, "chart-group") + 4
        for label, values in rows:
            y = _label(canvas, label, y) - 1
            start = 0.0
            for s, value in zip(series, values, strict=True):
                if value:
                    width = scale * value / largest
                    canvas.add(
                        f'<rect x="{canvas.x(start)}" y="{y}" width="{canvas.w(width)}" '
                        f'height="16" {_paint(chart_id, s)}></rect>'
                    )
                    start += width
            figures = " · ".join(str(v) for v in values)
            canvas.add(
                f'<text x="{canvas.x(start)}" dx="8" y="{y + 13}" class="chart-value">'
                f"{figures}</text>"
            )
            y += 26
        y += 8
    return canvas.svg(y + 4, defs=_hatch_defs(chart_id, series))


def _lines(text: str, width: int, most: int = 3) -> list[str]:
    """A column heading wrapped at spaces into at most `most` lines of about `width` letters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[: most - 1], _short(" ".join(lines[most - 1 :]), width)]
    return [_short(line, width) for line in lines]


def heat_level(value: int, largest: int) -> int:
    return 0 if value <= 0 else max(1, math.ceil(HEAT_LEVELS * value / max(largest, 1)))


def heat_map(
    row_labels: list[str],
    column_labels: list[str],
    values: list[list[int]],
    title: str,
    chart_id: str,
    legend: str,
    standalone: bool = False,
) -> Markup:
    """A grid of counts at its natural pixel size (it scrolls in its own box when wider than
    the screen): darker is more, and the number stands in every cell."""
    label_width, cell_w, cell_h = 180, 112, 36
    canvas = _Canvas(chart_id, title, standalone)
    left = canvas.pad
    head_lines = [_lines(label, 14) for label in column_labels]
    header = 8 + 17 * max((len(lines) for lines in head_lines), default=1)
    top = canvas.top + header
    largest = max((v for row in values for v in row), default=0)
    for col, lines in enumerate(head_lines):
        cx = left + label_width + col * cell_w + cell_w / 2
        spans = "".join(
            f'<tspan x="{cx:.0f}" dy="{0 if i == 0 else 17}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        canvas.add(
            f'<text x="{cx:.0f}" y="{top - header + 14}" text-anchor="middle" '
            f'class="chart-value">{spans}</text>'
        )
    for row, label in enumerate(row_labels):
        y = top + row * cell_h
        canvas.add(
            f'<text x="{left}" y="{y + 23}" class="chart-label">{escape(_short(label, 22))}</text>'
        )
        for col, value in enumerate(values[row]):
            level = heat_level(value, largest)
            x = left + label_width + col * cell_w
            dark = " on-dark" if level >= 3 else ""
            canvas.add(
                f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" '
                f'class="chart-cell chart-h{level}"></rect>'
                f'<text x="{x + cell_w / 2:.0f}" y="{y + 23}" text-anchor="middle" '
                f'class="chart-cell-text{dark}">{value}</text>'
            )
    y = top + cell_h * len(row_labels) + 16
    x = left + label_width
    canvas.add(f'<text x="{left}" y="{y + 17}" class="chart-value">{escape(legend)}</text>')
    for level, text in heat_ranges(largest):
        canvas.add(
            f'<rect x="{x}" y="{y}" width="22" height="22" class="chart-cell chart-h{level}"></rect>'
            f'<text x="{x + 28}" y="{y + 16}" class="chart-value">{text}</text>'
        )
        x += 40 + 8 * len(text)
    width = max(x, left * 2 + label_width + cell_w * max(len(column_labels), 1))
    return canvas.svg(y + 30, width=width)


def heat_ranges(largest: int) -> list[tuple[int, str]]:
    """Each shade with the counts it stands for: (level, "3–4")."""
    ranges = [(0, "0")]
    for level in range(1, HEAT_LEVELS + 1):
        low = math.floor((level - 1) * largest / HEAT_LEVELS) + 1
        high = math.floor(level * largest / HEAT_LEVELS)
        if low <= high:
            ranges.append((level, str(low) if low == high else f"{low}–{high}"))
    return ranges
