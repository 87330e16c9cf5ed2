from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import Length, ValidationError

from valuma_space.comments.models import COMMENT_KIND_LABELS, CommentKind
from valuma_space.comments.services import MAX_BODY_LENGTH, MAX_QUOTE_LENGTH
from valuma_space.params import id_param


def _not_blank(form: FlaskForm, field: Any) -> None:
    if not (field.data or "").strip():
        raise ValidationError(str(_l("Kirjoita kommenttisi ennen lähettämistä.")))


class CommentForm(FlaskForm):
    kind = RadioField(
        _l("Kommentin tyyppi"),
        choices=[SelectChoice(kind.value, label) for kind, label in COMMENT_KIND_LABELS.items()],
        default=CommentKind.COMMENT.value,
    )
    body = TextAreaField(
        _l("Kommenttisi"),
        validators=[
            _not_blank,
            Length(
                max=MAX_BODY_LENGTH,
                message=_l("Kommentti voi olla enintään %(max)d merkkiä.", max=MAX_BODY_LENGTH),
            ),
        ],
        render_kw={"rows": 6, "maxlength": MAX_BODY_LENGTH},
    )
    quote = TextAreaField(
        _l("Lainaus osion tekstistä (valinnainen)"),
        validators=[
            Length(
                max=MAX_QUOTE_LENGTH,
                message=_l("Lainaus voi olla enintään %(max)d merkkiä.", max=MAX_QUOTE_LENGTH),
            )
        ],
        render_kw={"rows": 2, "maxlength": MAX_QUOTE_LENGTH},
    )
    parent_id = HiddenField()
    idempotency_key = HiddenField()
    draft = HiddenField()
    confirmed = HiddenField()
    """The warnings the writer saw and chose to send past (their seal), see `asks_first`."""
    submit = SubmitField(_l("Lähetä"))
    warnings: tuple[str, ...] = ()
    """What the writer is asked about before the text is saved (shown above "Lähetä silti")."""

    def asks_first(self, warnings: list[str]) -> bool:
        """Whether the form goes back to the writer with `warnings`: only with warnings they
        have not already sent past, for this text."""
        if not warnings:
            return False
        seal = hashlib.sha256("\n".join(warnings).encode()).hexdigest()[:32]
        if self.confirmed.data == seal:
            return False
        self.warnings, self.confirmed.data = tuple(warnings), seal
        return True

    def ensure_key(self) -> None:
        """Each rendered form gets its own key; a re-shown form keeps the one it had."""
        if not self.idempotency_key.data or len(self.idempotency_key.data) > 64:
            self.idempotency_key.data = secrets.token_hex(16)

    def chosen_kind(self) -> CommentKind:
        try:
            return CommentKind(self.kind.data)
        except ValueError:
            return CommentKind.COMMENT

    def parent(self) -> int | None:
        if not self.parent_id.data:
            return None
        # An id that matches nothing is refused as a reply to nothing.
        return id_param(self.parent_id.data) or -1


class ConfirmDeleteForm(FlaskForm):
    submit = SubmitField(_l("Poista kommentti"))
