"""Bar charts as SVG, drawn on the server: no script, no inline style, and the same figures are
always given as a table beside them for screen readers and for copying."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
BAR_AREA = 360
VALUE_WIDTH = 50


def bar_chart(rows: list[tuple[str, int]], title: str, chart_id: str) -> Markup:
    """Horizontal bars, one per row; the figure is hidden from assistive technology because
    the table next to it says the same."""
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    largest = max((value for _, value in rows), default=0) or 1
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-hidden="true" focusable="false">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        bar = round(BAR_AREA * value / largest)
        text_y = y + BAR_HEIGHT * 0.7
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y:.0f}" text-anchor="end" class="chart-label">{escape(short)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(bar, 1 if value else 0)}" height="{BAR_HEIGHT}" class="chart-bar"></rect>'
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{text_y:.0f}" class="chart-value">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every value above is escaped or a number)
