from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length

from valuma_space.comments.models import TRIAGE_LABELS


def triage_choices() -> list[SelectChoice]:
    return [SelectChoice(status.value, label) for status, label in TRIAGE_LABELS.items()]


class ModerationActionForm(FlaskForm):
    """One form for every action on a comment's page; `action` says which button was pressed."""

    action = HiddenField()
    # Sent only with the triage button; the service refuses an unknown value.
    triage = SelectField(_l("Käsittelytila"), choices=triage_choices(), validate_choice=False)
    reason = TextAreaField(
        _l("Perustelu (kommentin kirjoittaja näkee sen)"),
        validators=[Length(max=1000, message=_l("Perustelu voi olla enintään 1000 merkkiä."))],
        render_kw={"rows": 2},
    )
    note = TextAreaField(
        _l("Sisäinen muistiinpano (vain moderaattorit näkevät)"),
        validators=[Length(max=5000, message=_l("Muistiinpano voi olla enintään 5000 merkkiä."))],
        render_kw={"rows": 3},
    )


class BulkForm(FlaskForm):
    triage = SelectField(_l("Merkitse valitut tilaan"), choices=triage_choices())
    submit = SubmitField(_l("Merkitse valitut"))


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("Miksi kommentti on mielestäsi asiaton?"),
        validators=[Length(max=2000, message=_l("Perustelu voi olla enintään 2000 merkkiä."))],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Lähetä ilmoitus"))


class PreModerationForm(FlaskForm):
    pre_moderation = BooleanField(
        _l("Ennakkomoderointi: osallistujien kommentit näkyvät muille vasta hyväksynnän jälkeen")
    )
    submit = SubmitField(_l("Tallenna asetus"))
