from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from valuma_space.auth.choices import ORGANISATION_TYPE_LABELS, REGION_LABELS
from valuma_space.auth.emails import InvalidEmail, normalise_email
from valuma_space.auth.models import NAME_DISPLAY_LABELS, NameDisplay
from valuma_space.validators import SingleLine

INVALID_EMAIL = _l(
    "Tarkista sähköpostiosoite: sen pitää olla muotoa nimi@organisaatio.fi, ilman välilyöntejä."
)


def valid_email(form: FlaskForm, field: Any) -> None:
    try:
        field.normalised = normalise_email(field.data or "")
    except InvalidEmail:
        raise ValidationError(str(INVALID_EMAIL)) from None


def email_field(label: Any, missing_message: Any) -> EmailField:
    return EmailField(
        label,
        validators=[
            InputRequired(message=missing_message),
            Length(max=254, message=_l("Sähköpostiosoite on liian pitkä.")),
            valid_email,
        ],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class LoginForm(FlaskForm):
    email = email_field(_l("Sähköpostiosoite"), _l("Kirjoita sähköpostiosoitteesi."))
    next = HiddenField()
    submit = SubmitField(_l("Lähetä kirjautumislinkki"))


class ChangeEmailForm(FlaskForm):
    email = email_field(_l("Uusi sähköpostiosoite"), _l("Kirjoita uusi sähköpostiosoitteesi."))
    submit = SubmitField(_l("Lähetä vahvistuslinkki"))


class ConfirmForm(FlaskForm):
    remember = BooleanField(_l("Muista minut tällä laitteella 30 päivää"))
    submit = SubmitField(_l("Kirjaudu sisään"))


class RenewLinkForm(FlaskForm):
    submit = SubmitField(_l("Lähetä uusi linkki"))


class ConfirmEmailChangeForm(FlaskForm):
    submit = SubmitField(_l("Vahvista uusi osoite"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Kirjaudu ulos"))


def _choices(labels: dict[Any, Any], empty: Any) -> list[SelectChoice]:
    return [SelectChoice("", empty)] + [
        SelectChoice(key.value, label) for key, label in labels.items()
    ]


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Nimi"),
        validators=[
            Length(max=120, message=_l("Nimi voi olla enintään 120 merkkiä.")),
            SingleLine(),
        ],
        render_kw={"autocomplete": "name"},
    )
    organisation = StringField(
        _l("Organisaatio"),
        validators=[
            Length(max=200, message=_l("Organisaation nimi voi olla enintään 200 merkkiä.")),
            SingleLine(),
        ],
        render_kw={"autocomplete": "organization"},
    )
    organisation_type = SelectField(
        _l("Organisaation tyyppi"), choices=_choices(ORGANISATION_TYPE_LABELS, _l("Ei valittu"))
    )
    region = SelectField(_l("Alue"), choices=_choices(REGION_LABELS, _l("Ei valittu")))
    name_display = RadioField(
        _l("Miten nimesi näkyy muille"),
        choices=[SelectChoice(key.value, label) for key, label in NAME_DISPLAY_LABELS.items()],
        default=NameDisplay.FULL_NAME.value,
        validators=[DataRequired(message=_l("Valitse, miten nimesi näkyy."))],
    )
    pseudonym = StringField(
        _l("Nimimerkki"),
        validators=[
            Length(max=80, message=_l("Nimimerkki voi olla enintään 80 merkkiä.")),
            SingleLine(),
        ],
    )
    next = HiddenField()
    submit = SubmitField(_l("Tallenna"))

    def validate_pseudonym(self, field: Any) -> None:
        if self.name_display.data == NameDisplay.PSEUDONYM and not (field.data or "").strip():
            raise ValidationError(
                str(_l("Kirjoita nimimerkki tai valitse toinen tapa näyttää nimesi."))
            )

    def validate_organisation(self, field: Any) -> None:
        if self.name_display.data == NameDisplay.ORGANISATION and not (field.data or "").strip():
            raise ValidationError(
                str(_l("Kirjoita organisaatiosi nimi tai valitse toinen tapa näyttää nimesi."))
            )


class DeleteAccountForm(FlaskForm):
    delete_comments = BooleanField(_l("Poista myös kaikki kommenttini"))
    confirm = BooleanField(
        _l("Ymmärrän, että poistettua tiliä ei voi palauttaa."),
        validators=[InputRequired(message=_l("Vahvista poisto rastittamalla ruutu."))],
    )
    submit = SubmitField(_l("Poista tilini"))
