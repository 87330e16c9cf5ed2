from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from valuma_space.modeldesign.models import ALTERNATIVE_KIND_LABELS, ALTERNATIVE_STATUS_LABELS
from valuma_space.validators import title_field


class AlternativeForm(FlaskForm):
    kind = RadioField(
        _l("Tyyppi"),
        choices=[SelectChoice(k.value, label) for k, label in ALTERNATIVE_KIND_LABELS.items()],
        default="operating_model",
    )
    title = title_field(_l("Otsikko"), _l("Anna vaihtoehdolle otsikko."))
    description = TextAreaField(
        _l("Kuvaus (Markdown)"), validators=[Length(max=50_000)], render_kw={"rows": 8}
    )
    status = SelectField(
        _l("Tila"),
        choices=[SelectChoice(k.value, label) for k, label in ALTERNATIVE_STATUS_LABELS.items()],
        default="draft",
    )
    shown = BooleanField(
        _l("Näytetään osallistujille"),
        description=_l(
            "Julkaistaessa vain näytettävät vaihtoehdot tulevat sivulle Mallivaihtoehdot. "
            "Jo julkaistu vaihtoehto poistuu sivulta heti, kun valinnan poistaa; sen kommentit säilyvät."
        ),
    )


class AssessmentForm(FlaskForm):
    score = RadioField(
        _l("Arvio"),
        choices=[
            SelectChoice(str(n), label)
            for n, label in ((-2, "−2"), (-1, "−1"), (0, "0"), (1, "+1"), (2, "+2"))
        ],
        validators=[InputRequired(message=_l("Valitse arvio."))],
    )
    reason = TextAreaField(
        _l("Perustelu"),
        validators=[InputRequired(message=_l("Perustele arvio.")), Length(max=5000)],
        render_kw={"rows": 4},
    )
