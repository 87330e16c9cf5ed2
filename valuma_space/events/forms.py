from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, AnyOf, InputRequired, Length, NumberRange, Optional

from valuma_space.events.models import ATTENDANCE_MODE_LABELS, AttendanceMode, RegistrationMode
from valuma_space.validators import SingleLine, title_field

TIME_FORMAT = "%Y-%m-%dT%H:%M"
NOT_A_TIME = _l("Kirjoita aika muodossa vvvv-kk-pp tt:mm, esimerkiksi 2026-05-31 13:00.")


class EventForm(FlaskForm):
    title = title_field(_l("Otsikko"), _l("Anna tapahtumalle otsikko."))
    description = TextAreaField(
        _l("Kuvaus (Markdown)"), validators=[Length(max=20000)], render_kw={"rows": 8}
    )
    starts_at = DateTimeLocalField(
        _l("Alkaa (Suomen aikaa)"),
        format=TIME_FORMAT,
        validators=[InputRequired(NOT_A_TIME)],
    )
    ends_at = DateTimeLocalField(
        _l("Päättyy (Suomen aikaa)"),
        format=TIME_FORMAT,
        validators=[InputRequired(NOT_A_TIME)],
    )
    place = StringField(_l("Paikka"), validators=[Length(max=200), SingleLine()])
    address = StringField(_l("Osoite"), validators=[Length(max=300), SingleLine()])
    attendance = RadioField(
        _l("Osallistumistapa"),
        choices=[SelectChoice(mode.value, label) for mode, label in ATTENDANCE_MODE_LABELS.items()],
        default=AttendanceMode.ONSITE.value,
    )
    capacity = IntegerField(
        _l("Paikkoja paikan päällä (tyhjä: ei rajaa)"),
        validators=[Optional(), NumberRange(min=0, max=100000)],
    )
    registration_opens_at = DateTimeLocalField(
        _l("Ilmoittautuminen alkaa (Suomen aikaa, valinnainen)"),
        format=TIME_FORMAT,
        validators=[Optional()],
    )
    registration_deadline = DateTimeLocalField(
        _l("Ilmoittautuminen päättyy (Suomen aikaa, valinnainen)"),
        format=TIME_FORMAT,
        validators=[Optional()],
    )
    closed_by_hand = BooleanField(_l("Sulje ilmoittautuminen nyt, ajasta riippumatta"))
    remote_link = StringField(
        _l("Etäyhteyden osoite (näytetään vain ilmoittautuneille)"),
        validators=[
            Optional(),
            Length(max=500),
            URL(require_tld=False, message=_l("Anna osoite, joka alkaa https://.")),
        ],
    )
    contact = StringField(_l("Yhteyshenkilö"), validators=[Length(max=300), SingleLine()])
    ask_dietary = BooleanField(_l("Kysy erityisruokavaliosta"))
    ask_accessibility = BooleanField(_l("Kysy saavutettavuustarpeista"))
    ask_interpretation = BooleanField(_l("Kysy tulkkauksen tarpeesta ruotsiksi"))


class RegisterForm(FlaskForm):
    mode = StringField(validators=[AnyOf([mode.value for mode in RegistrationMode])])


class ConfirmForm(FlaskForm):
    """A button that changes state, with its CSRF token."""


class AnswersForm(FlaskForm):
    dietary = StringField(_l("Erityisruokavalio"), validators=[Length(max=500), SingleLine()])
    accessibility = StringField(
        _l("Saavutettavuustarpeet"), validators=[Length(max=500), SingleLine()]
    )
    interpretation = BooleanField(_l("Tarvitsen tulkkauksen ruotsiksi"))
