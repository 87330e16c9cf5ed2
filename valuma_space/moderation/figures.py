"""The participation page's figures as people read them: for each chart its heading, its table
(the same figures, for screen readers and copying), its legend and its drawing, in the page or
as a downloadable SVG file for the consortium's slides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup

from valuma_space.choices import ORGANISATION_TYPE_LABELS, REGION_LABELS
from valuma_space.i18n import format_date
from valuma_space.modeldesign.models import STANCE_LABELS
from valuma_space.moderation.charts import (
    Series,
    bar_chart,
    grouped_bars,
    heat_map,
    stacked_bars,
)
from valuma_space.moderation.participation import STANCES, Participation, Reach


@dataclass
class Figure:
    name: str
    """Its address: /moderointi/osallistuminen/<name>.svg"""
    heading: str
    columns: list[str]
    rows: list[list[object]]
    draw: Callable[[bool], Markup]
    """Draws the chart; True: as a standalone file."""
    legend: list[Series] = field(default_factory=list)
    note: str = ""
    heat: bool = False
    """A heat map at its natural size, scrolling in its own box."""
    wide: bool = False
    """Spans the whole width of the page."""
    row_headers: int = 1
    """Leading cells of each row that name it."""
    split: bool = False
    """Spans the page, its chart and table side by side on a wide screen."""

    @property
    def chart(self) -> Markup:
        return self.draw(False)


def _reach_figure(
    name: str, heading: str, first_column: str, reach: list[Reach], labels: dict
) -> Figure:
    unknown = _("Ei kerrottu")
    series = [
        Series("invited", _("Kutsuttuja")),
        Series("registered", _("Rekisteröityneitä")),
        Series("commented", _("Kommentoineita")),
    ]
    rows: list[list[object]] = [
        [str(labels[r.key]) if r.key else unknown, r.invited, r.registered, r.commented]
        for r in reach
    ]
    return Figure(
        name,
        heading,
        [first_column, *(s.label for s in series)],
        rows,
        lambda standalone: grouped_bars(
            [(str(row[0]), [int(v) for v in row[1:]]) for row in rows],  # type: ignore[call-overload]
            series,
            heading,
            f"chart-{name}",
            standalone,
        ),
        legend=series,
        split=True,
        note=_(
            "Kutsutut kutsulistan tietojen mukaan, rekisteröityneet ja kommentoineet oman "
            "profiilinsa mukaan. Kommentoineiksi lasketaan julkaistun kommentin kirjoittaneet."
        ),
    )


def figures(data: Participation) -> dict[str, Figure]:
    unknown = _("Ei kerrottu")
    found: list[Figure] = [
        _reach_figure(
            "organisaatiot",
            _("Osallistujat organisaatiotyypeittäin"),
            _("Organisaation tyyppi"),
            data.by_organisation_type,
            ORGANISATION_TYPE_LABELS,
        ),
        _reach_figure(
            "alueet",
            _("Osallistujat alueittain"),
            _("Alue"),
            data.by_region,
            REGION_LABELS,
        ),
    ]
    section_rows: list[list[object]] = [
        [section.heading, count] for section, _page, count in data.per_section
    ]
    week_rows: list[list[object]] = [
        [_("viikko %(date)s", date=format_date(monday)), count] for monday, count in data.per_week
    ]
    for name, heading, first, rows in (
        ("osiot", _("Kommentit osioittain"), _("Osio"), section_rows),
        ("viikot", _("Kommentit viikoittain"), _("Viikko"), week_rows),
    ):
        found.append(
            Figure(
                name,
                heading,
                [first, _("Kommentteja")],
                rows,
                lambda standalone, rows=rows, heading=heading, name=name: bar_chart(
                    [(str(label), int(count)) for label, count in rows],  # type: ignore[call-overload]
                    heading,
                    f"chart-{name}",
                    standalone,
                ),
                note=_("Julkaistut, näkyvissä olevat kommentit."),
            )
        )
    themes = data.themes
    region_names = [str(REGION_LABELS[r]) if r else unknown for r in themes.regions]
    grid = [[themes.count(r, t) for t in themes.themes] for r in themes.regions]
    heading = _("Alueet ja teemat")
    found.append(
        Figure(
            "alueet-teemat",
            heading,
            [_("Alue"), *(t.name for t in themes.themes)],
            [[name, *counts] for name, counts in zip(region_names, grid, strict=True)],
            lambda standalone, heading=heading: heat_map(
                region_names,
                [t.name for t in themes.themes],
                grid,
                heading,
                "chart-alueet-teemat",
                _("Kommentteja:"),
                standalone,
            ),
            note=_(
                "Kuinka monta kommenttia kunkin alueen osallistujat ovat kirjoittaneet teemoittain "
                "(moderaattorien teemoittelun mukaan). Mitä tummempi ruutu, sitä enemmän "
                "kommentteja; luku on jokaisessa ruudussa. Mukana ovat kaikkien luettavissa "
                "olevat kommentit."
            ),
            heat=True,
        )
    )
    stances = data.stances
    series = [
        Series(stance.value, str(STANCE_LABELS[stance]), hatched=stance != "supports")
        for stance in STANCES
    ]
    groups = [
        (
            alternative.title,
            [
                (
                    str(ORGANISATION_TYPE_LABELS[key]) if key else unknown,
                    stances.stances(alternative, key),
                )
                for key in stances.types_for(alternative)
            ],
        )
        for alternative in stances.alternatives
    ]
    heading = _("Organisaatiotyypit ja vaihtoehdot")
    found.append(
        Figure(
            "organisaatiot-vaihtoehdot",
            heading,
            [_("Vaihtoehto"), _("Organisaation tyyppi"), *(s.label for s in series)],
            [[title, label, *values] for title, rows in groups for label, values in rows],
            lambda standalone, heading=heading: stacked_bars(
                groups, series, heading, "chart-organisaatiot-vaihtoehdot", standalone
            ),
            legend=series,
            wide=True,
            row_headers=2,
            note=_(
                "Kommentit, jotka moderaattorit ovat liittäneet vaihtoehtoon, kirjoittajan "
                "organisaatiotyypin mukaan. Luvut palkin perässä ovat selitteen järjestyksessä. "
                "Mukana ovat kaikkien luettavissa olevat kommentit."
            ),
        )
    )
    return {figure.name: figure for figure in found}
