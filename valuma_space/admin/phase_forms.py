from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import Length, Optional, StopValidation, ValidationError

from valuma_space.urls import is_link_target
from valuma_space.validators import SingleLine, title_field

NOT_A_LINK = _l(
    "Linkin pitää olla tämän sivuston osoite, joka alkaa vinoviivalla (esimerkiksi "
    "/osio/aikataulu), tai verkko-osoite, joka alkaa https:// tai http://."
)


class DayField(DateField):
    """A date typed as 2026-12-31 (the browser's date picker sends that), with the error in the
    user's language rather than WTForms' English."""

    def __init__(self, label: object, missing: object, **kwargs: Any) -> None:
        super().__init__(label, validators=[_DayGiven(missing)], **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(
                str(_l("Kirjoita päivämäärä muodossa vvvv-kk-pp, esimerkiksi 2026-05-31."))
            ) from None


class _DayGiven:
    """Required: an empty field says so; a mistyped one keeps the format's message."""

    field_flags = {"required": True}

    def __init__(self, message: object) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if not "".join(field.raw_data or []).strip():
            field.errors[:] = []
            raise StopValidation(str(self.message))
        if field.errors:
            raise StopValidation()


class SafeLink:
    def __call__(self, form: Any, field: Any) -> None:
        value = (field.data or "").strip()
        if value and not is_link_target(value):
            raise ValidationError(str(NOT_A_LINK))


class PhaseForm(FlaskForm):
    title = title_field(_l("Vaiheen nimi"), _l("Anna vaiheelle nimi."))
    starts_on = DayField(_l("Alkaa"), _l("Anna vaiheen alkamispäivä."))
    ends_on = DayField(_l("Päättyy"), _l("Anna vaiheen päättymispäivä."))
    description = TextAreaField(
        _l("Kuvaus"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )
    link = StringField(
        _l("Linkki aineistoon (valinnainen)"),
        validators=[Optional(), Length(max=500), SingleLine(), SafeLink()],
    )

    def validate_ends_on(self, field: Any) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(str(_l("Vaihe voi päättyä aikaisintaan alkamispäivänään.")))
