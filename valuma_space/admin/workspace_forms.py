from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from valuma_space.validators import SingleLine, title_field
from valuma_space.workspaces.colours import accent_problem


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

    accent_color = StringField(
        _l("Korostusväri (valinnainen)"),
        validators=[Optional(), Length(max=7)],
        render_kw={"placeholder": "#0b4f8a", "size": 9, "autocomplete": "off"},
    )
    logo = FileField(_l("Logo (valinnainen)"))
    remove_logo = BooleanField(_l("Poista nykyinen logo"))
    cover = FileField(_l("Kansikuva (valinnainen)"))
    cover_alt = StringField(
        _l("Kansikuvan tekstivastine"), validators=[Length(max=300), SingleLine()]
    )
    remove_cover = BooleanField(_l("Poista nykyinen kansikuva"))
    organisers = TextAreaField(
        _l("Toteuttajat"), validators=[Length(max=2000)], render_kw={"rows": 3}
    )
    partners = TextAreaField(_l("Kumppanit"), validators=[Length(max=2000)], render_kw={"rows": 2})

    has_cover = False
    """Whether the workspace has a cover picture already (set by the view)."""

    def validate_accent_color(self, field: StringField) -> None:
        problem = accent_problem((field.data or "").strip())
        if problem:
            raise ValidationError(problem)

    def validate_cover_alt(self, field: StringField) -> None:
        new_cover = bool(self.cover.data and getattr(self.cover.data, "filename", ""))
        keeps_cover = self.has_cover and not self.remove_cover.data
        if (new_cover or keeps_cover) and not (field.data or "").strip():
            raise ValidationError(
                str(
                    _l(
                        "Kirjoita kansikuvalle tekstivastine: kerro lyhyesti, mitä kuvassa on. "
                        "Ilman sitä kuvaa ei voi ottaa käyttöön."
                    )
                )
            )


class InvitationForm(FlaskForm):
    addresses = TextAreaField(
        _l("Kutsuttavat"),
        validators=[InputRequired(message=_l("Liitä vähintään yksi sähköpostiosoite."))],
        render_kw={"rows": 8},
    )
