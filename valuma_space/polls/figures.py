"""A question's results as people read them: figures in the reader's language ("alle 5" where a
figure would single people out) and charts drawn on the server beside the tables."""

from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from valuma_space.moderation.charts import heat_level, heat_map, share_bars
from valuma_space.polls.models import QuestionKind
from valuma_space.polls.results import SMALLEST_GROUP, CellResult, Counted, Tally


def few() -> str:
    return _("alle %(n)s", n=SMALLEST_GROUP)


def count_text(counted: Counted) -> str:
    return few() if counted.suppressed else str(counted.count)


def share_text(counted: Counted) -> str:
    return "–" if counted.suppressed else f"{counted.percent} %"


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return str(format_decimal(round(value, digits), format="#,##0." + "0" * digits))


def signed(value: float | None) -> str:
    """A mean score as the assessment matrix writes scores: +0,8, −1,2, 0,0."""
    if value is None:
        return "–"
    text = number(abs(value))
    return ("+" if value > 0.05 else "−" if value < -0.05 else "") + text


def score_class(value: float | None) -> str:
    """The assessment matrix's colour for the mean rounded to its scale."""
    if value is None:
        return "score-none"
    n = max(-2, min(2, round(value)))
    return "score-" + ("p" + str(n) if n > 0 else "m" + str(-n) if n < 0 else "0")


def cell_text(cell: CellResult) -> str:
    return few() if cell.suppressed else str(cell.count)


def chart(tally: Tally, chart_id: str) -> Markup:
    """The tally drawn: bars of shares for options, a scale's points and a ranking's first
    places; a heat map for a matrix. Empty for free text and for a hidden tally."""
    if tally.suppressed or not tally.respondents:
        return Markup("")
    kind = tally.wording.kind
    title = tally.wording.prompt
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING):
        counted = tally.ranked if kind == QuestionKind.RANKING else tally.options
        rows = [
            (
                o.choice.label,
                0.0 if o.counted.suppressed else o.counted.share,
                f"{count_text(o.counted)} ({share_text(o.counted)})",
            )
            for o in counted
        ]
        return share_bars(rows, title, chart_id)
    if kind == QuestionKind.SCALE:
        labels = {tally.wording.scale[0]: tally.wording.min_label}
        labels[tally.wording.scale[-1]] = tally.wording.max_label
        rows = [
            (
                f"{point} {labels.get(point, '')}".strip(),
                0.0 if c.suppressed else c.share,
                f"{count_text(c)} ({share_text(c)})",
            )
            for point, c in tally.distribution
        ]
        return share_bars(rows, title, chart_id)
    if kind == QuestionKind.MATRIX and not any(c.suppressed for c in tally.cells.values()):
        return heat_map(
            [r.label for r in tally.wording.rows],
            [c.label for c in tally.wording.options],
            [
                [tally.cell(r.key, c.key).count for c in tally.wording.options]
                for r in tally.wording.rows
            ],
            title,
            chart_id,
            _("Vastaajia"),
        )
    return Markup("")


def heat_class(tally: Tally, cell: CellResult) -> str:
    largest = max((c.count for c in tally.cells.values()), default=0)
    return f"heat-{0 if cell.suppressed else heat_level(cell.count, largest)}"
