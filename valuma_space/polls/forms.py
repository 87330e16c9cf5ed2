from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from valuma_space.polls.models import (
    QUESTION_KIND_LABELS,
    RESULTS_SHOWN_LABELS,
    QuestionKind,
    ResultsShown,
)


class QuestionForm(FlaskForm):
    kind = SelectField(
        _l("Kysymyksen tyyppi"),
        choices=[SelectChoice(k.value, label) for k, label in QUESTION_KIND_LABELS.items()],
        default=QuestionKind.SINGLE.value,
    )
    prompt = StringField(
        _l("Kysymys"),
        validators=[InputRequired(_l("Kirjoita kysymys.")), Length(max=500)],
    )
    help_text = TextAreaField(
        _l("Ohje vastaajalle (valinnainen)"), validators=[Length(max=2000)], render_kw={"rows": 2}
    )
    options = TextAreaField(
        _l("Vaihtoehdot, kukin omalle rivilleen"),
        description=_l(
            "Yksi vaihtoehto, monivalinta ja järjestys: vaihtoehdot. Matriisi: sarakkeet."
        ),
        render_kw={"rows": 5},
    )
    rows = TextAreaField(_l("Matriisin rivit, kukin omalle rivilleen"), render_kw={"rows": 4})
    max_choices = IntegerField(
        _l("Monivalinnan valintoja enintään (valinnainen)"),
        validators=[Optional(), NumberRange(min=1, max=30)],
    )
    scale_min = IntegerField(_l("Asteikon alku"), default=1, validators=[Optional()])
    scale_max = IntegerField(_l("Asteikon loppu"), default=5, validators=[Optional()])
    min_label = StringField(_l("Asteikon alun selite"), validators=[Length(max=120)])
    max_label = StringField(_l("Asteikon lopun selite"), validators=[Length(max=120)])
    required = BooleanField(_l("Pakollinen: vastausta voi muuttaa mutta ei poistaa"))
    results_shown = RadioField(
        _l("Milloin osallistujat näkevät tulokset"),
        choices=[SelectChoice(k.value, label) for k, label in RESULTS_SHOWN_LABELS.items()],
        default=ResultsShown.AFTER_ANSWERING.value,
    )
    with_comment_period = BooleanField(_l("Auki samaan aikaan kuin kommentointi"), default=True)
    opens_at = DateTimeLocalField(
        _l("Avautuu (Suomen aikaa)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Sulkeutuu (Suomen aikaa)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    confirmed = HiddenField()


class ConfirmForm(FlaskForm):
    """A button that changes state, with its CSRF token."""


class HideAnswerForm(FlaskForm):
    reason = StringField(_l("Syy (näytetään vastauksen paikalla)"), validators=[Length(max=500)])
