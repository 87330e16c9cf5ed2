"""The one way a view takes a comment from its URL: found, known to the viewer, and (when the
view acts on it) allowed, or the request ends here with 404 or 403 — as the Flask tutorial's
`get_post(id, check_author=True)` does for every view at once."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from valuma_space.comments import policy
from valuma_space.comments.models import Comment
from valuma_space.comments.policy import Action
from valuma_space.comments.services import get_comment
from valuma_space.workspaces.services import workspace_or_404

REMOVED = _l(
    "Tämä kommentti on poistettu tai piilotettu: sitä ei voi enää ilmoittaa eikä merkitä samaa mieltä."
)
REFUSALS = {
    Action.REPLY: _l("Tähän kommenttiin ei voi vastata: se on poistettu tai piilotettu."),
    Action.AGREE: _l("Voit merkitä samaa mieltä vain muiden näkyvissä oleviin kommentteihin."),
    Action.REPORT: _l("Omaa kommenttia ei voi ilmoittaa."),
    Action.EDIT: _l(
        "Voit muokata vain omia kommenttejasi, jotka eivät ole poistettuja tai piilotettuja."
    ),
    Action.DELETE: _l("Voit poistaa vain omia kommenttejasi."),
    Action.MODERATE: _l("Vain moderaattorit voivat moderoida kommentteja."),
}


def refusal(comment: Comment, action: Action) -> object:
    """Why the viewer cannot take `action`, in words that fit the comment."""
    if action in {Action.REPLY, Action.REPORT, Action.AGREE} and not policy.text_is_public(
        comment.visibility, comment.published_at
    ):
        return REFUSALS[Action.REPLY] if action == Action.REPLY else REMOVED
    return REFUSALS[action]


def comment_or_404(comment_id: int, action: Action | None = None) -> Comment:
    """The comment, if the viewer may know of it; with `action`, only if they may also do it:
    otherwise a page that shows what they may see of it (its notice, when its text is withheld)
    and why they cannot, with 403."""
    comment = get_comment(comment_id, workspace_or_404())
    if comment is None or not policy.may_know(comment, current_user):
        abort(404)
    if action is not None:
        refuse_unless(comment, action)
    return comment


def refuse_unless(comment: Comment, action: Action) -> None:
    if policy.allows(comment, current_user, action):
        return
    html = render_template(
        "comments/refused.html", comment=comment, problem=refusal(comment, action)
    )
    abort(Response(html, status=403))
