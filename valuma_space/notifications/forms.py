from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SubmitField
from wtforms.validators import InputRequired

from valuma_space.auth.models import DIGEST_FREQUENCY_LABELS
from valuma_space.notifications.models import SUBSCRIPTION_LABELS, Subscription


class SettingsForm(FlaskForm):
    replies = BooleanField(SUBSCRIPTION_LABELS[Subscription.REPLIES])
    mentions = BooleanField(SUBSCRIPTION_LABELS[Subscription.MENTIONS])
    moderation = BooleanField(SUBSCRIPTION_LABELS[Subscription.MODERATION])
    input_used = BooleanField(SUBSCRIPTION_LABELS[Subscription.INPUT_USED])
    digest = RadioField(
        _l("Kooste uusista asioista"),
        choices=[SelectChoice(key.value, label) for key, label in DIGEST_FREQUENCY_LABELS.items()],
        validators=[InputRequired(message=_l("Valitse, kuinka usein haluat koosteen."))],
    )
    submit = SubmitField(_l("Tallenna asetukset"))

    MAILED = (
        Subscription.REPLIES,
        Subscription.MENTIONS,
        Subscription.MODERATION,
        Subscription.INPUT_USED,
    )

    def mail_choices(self) -> dict[Subscription, bool]:
        return {subscription: bool(self[subscription.value].data) for subscription in self.MAILED}


class UnsubscribeForm(FlaskForm):
    class Meta:
        # The signed link is the proof; mail clients post to it without any page (RFC 8058).
        csrf = False

    submit = SubmitField(_l("Peru nämä viestit"))


class MarkAllReadForm(FlaskForm):
    submit = SubmitField(_l("Merkitse kaikki luetuiksi"))


class SendDigestsForm(FlaskForm):
    """The development button on the moderation page: only its CSRF token is checked."""
