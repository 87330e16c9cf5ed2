from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from valuma_space.validators import title_field


class SettingsForm(FlaskForm):
    title = title_field(_l("Otsikko"), _l("Anna työtilalle otsikko."))
    summary = TextAreaField(_l("Tiivistelmä"), validators=[Length(max=3000)], render_kw={"rows": 4})
    comments_open_at = DateTimeLocalField(
        _l("Kommentointi alkaa (Suomen aikaa)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    comments_close_at = DateTimeLocalField(
        _l("Kommentointi päättyy (Suomen aikaa)"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    closed_by_hand = BooleanField(_l("Sulje kommentointi nyt, kommentointiajasta riippumatta"))
    reading_access = RadioField(
        _l("Kuka voi lukea aineistoa"),
        choices=[
            SelectChoice("public", _l("Kaikki, myös kirjautumattomat")),
            SelectChoice("signed_in", _l("Vain kirjautuneet käyttäjät")),
        ],
    )
    pre_moderation = BooleanField(
        _l("Ennakkomoderointi: osallistujien kommentit näkyvät muille vasta hyväksynnän jälkeen")
    )
    allowed_email_domains = StringField(
        _l("Sallitut sähköpostiverkkotunnukset rekisteröitymiseen (valinnainen)"),
        validators=[Length(max=2000)],
    )
    invited_only = BooleanField(
        _l("Vain kutsutut (ja sallittujen verkkotunnusten osoitteet) voivat rekisteröityä")
    )


class InvitationForm(FlaskForm):
    addresses = TextAreaField(
        _l("Kutsuttavat"),
        validators=[InputRequired(message=_l("Liitä vähintään yksi sähköpostiosoite."))],
        render_kw={"rows": 8},
    )
