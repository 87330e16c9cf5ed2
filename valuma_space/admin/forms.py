from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired

from valuma_space.auth.models import ROLE_LABELS, Role


class RoleForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    role = SelectField(
        _l("Rooli"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Vaihda rooli"))

    def chosen_role(self) -> Role:
        return Role(self.role.data)
