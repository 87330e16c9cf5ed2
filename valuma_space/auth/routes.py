from __future__ import annotations

import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from valuma_space.access import Access, access
from valuma_space.auth import services, throttle
from valuma_space.auth.emails import InvalidEmail, masked, normalise_email
from valuma_space.auth.forms import (
    ChangeEmailForm,
    ConfirmEmailChangeForm,
    ConfirmForm,
    DeleteAccountForm,
    LoginForm,
    LogoutForm,
    ProfileForm,
    RenewLinkForm,
)
from valuma_space.auth.throttle import KNOWN_COOKIE
from valuma_space.auth.tokens import TokenCheck, TokenProblem, TokenPurpose, check_token
from valuma_space.extensions import csrf, db, limiter
from valuma_space.urls import safe_next
from valuma_space.views import form_status

bp = Blueprint("auth", __name__)

# Forms that carry what the user typed check their CSRF token themselves (FlaskForm does), so
# that an expired token gives the form back, filled in, with a message, not an error page.
form_level_csrf = csrf.exempt


def _address_key() -> str:
    raw = (request.form.get("email") or "").strip().lower()[:254]
    try:
        return "address:" + normalise_email(raw)
    except InvalidEmail:
        return "address:" + raw


def _locale() -> str:
    return str(get_locale())


def _no_store(response: Response) -> Response:
    # Pages reached through a link token must not linger in caches or history.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/kirjaudu", methods=["GET", "POST"])
@access(Access.PUBLIC)
@form_level_csrf
def login() -> Response | tuple[str, int]:
    form = LoginForm()
    if request.method != "POST":
        form.next.data = safe_next(request.args.get("next"))
    elif form.validate_on_submit():
        # Counted only now: a request that failed validation uses up nobody's allowance.
        email = normalise_email(form.email.data)
        decided = throttle.verdict(email, get_remote_address(), request.cookies.get(KNOWN_COOKIE))
        if decided == throttle.Verdict.TOO_MANY:
            abort(429)
        if decided == throttle.Verdict.SEND:
            services.request_sign_in(email, _locale(), safe_next(form.next.data))
            db.session.commit()
        return redirect(url_for("auth.check_email"))
    status = form_status(form)
    return render_template("auth/login.html", form=form), status


@bp.get("/kirjaudu/tarkista")
@access(Access.PUBLIC)
def check_email() -> str:
    return render_template(
        "auth/check_email.html", max_minutes=current_app.config["LOGIN_LINK_MAX_AGE"] // 60
    )


@bp.route("/kirjaudu/vahvista/<token>", methods=["GET", "POST"])
@access(Access.PUBLIC)
@form_level_csrf
def confirm(token: str) -> Response:
    """GET and HEAD only show the button (mail scanners open links); POST signs in."""
    form = ConfirmForm()
    if request.method != "POST" or not form.validate_on_submit():
        # Only looked at here: the POST below uses the token in one UPDATE, which alone decides
        # between two presses at once.
        check = check_token(token, TokenPurpose.SIGN_IN)
        if check.problem is not None:
            return _no_store(_link_problem(check, status=400))
        status = 200 if request.method != "POST" else 400
        return _no_store(_confirm_page(form, check, status=status))
    result = services.complete_sign_in(token, _locale())
    if result.user is None:
        db.session.commit()
        return _no_store(_link_problem(result.check, status=400))
    first_time = not result.user.profile_completed
    if first_time:
        services.mark_profile_seen(result.user)
    db.session.commit()
    session.clear()  # nothing from before sign-in carries over
    login_user(result.user, remember=bool(form.remember.data), fresh=True)
    if first_time:
        response = redirect(url_for("auth.profile", welcome=1, next=result.next_url))
    else:
        flash(_("Olet kirjautunut sisään."), "success")
        response = redirect(safe_next(result.next_url))
    known = throttle.trust(
        result.user.email, get_remote_address(), request.cookies.get(KNOWN_COOKIE)
    )
    response.set_cookie(
        KNOWN_COOKIE,
        known,
        max_age=throttle.TRUST_DAYS * 86400,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


def _confirm_page(form: ConfirmForm, check: TokenCheck, status: int = 200) -> Response:
    """The button, with the address it signs in: a forwarded link shows whose account it is."""
    address = masked(check.token.email) if check.token is not None else ""
    html = render_template("auth/confirm.html", form=form, address=address)
    return Response(html, status=status)


def _link_problem(check: TokenCheck, status: int) -> Response:
    renewal = None
    if check.problem == TokenProblem.EXPIRED and check.token and check.token.from_invitation:
        # An invitation read days later: one press sends a new link to the same address.
        renewal = {"form": RenewLinkForm(), "address": masked(check.token.email)}
    html = render_template("auth/link_problem.html", problem=check.problem, renewal=renewal)
    return Response(html, status=status)


@bp.post("/kirjaudu/vahvista/<token>/uusi")
@access(Access.PUBLIC)
@form_level_csrf
def renew_link(token: str) -> Response:
    """A new sign-in link in place of an expired invitation's, throttled as sign-in is."""
    form = RenewLinkForm()
    invitation = services.expired_invitation(token)
    if invitation is None or not form.validate_on_submit():
        return _no_store(_link_problem(check_token(token, TokenPurpose.SIGN_IN), status=400))
    decided = throttle.verdict(
        invitation.email, get_remote_address(), request.cookies.get(KNOWN_COOKIE)
    )
    if decided == throttle.Verdict.TOO_MANY:
        abort(429)
    if decided == throttle.Verdict.SEND:
        services.renew_invitation_link(token, _locale())
        db.session.commit()
    return redirect(url_for("auth.check_email"))


@bp.post("/kirjaudu/ulos")
@access(Access.SIGNED_IN)
def logout() -> Response:
    services.sign_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Olet kirjautunut ulos."), "success")
    return redirect(url_for("materials.home"))


@bp.route("/profiili", methods=["GET", "POST"])
@access(Access.SIGNED_IN)
@form_level_csrf
def profile() -> Response | tuple[str, int]:
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    welcome = request.args.get("welcome") == "1"
    if request.method != "POST":
        form.next.data = safe_next(request.args.get("next"), default="")
    elif form.validate_on_submit():
        services.update_profile(current_user, form.data)
        db.session.commit()
        flash(_("Profiilisi on tallennettu."), "success")
        return redirect(safe_next(form.next.data, default=url_for("auth.profile")))
    status = form_status(form)
    return render_template(
        "auth/profile.html",
        form=form,
        welcome=welcome,
        logout_form=LogoutForm(),
        parts=[] if welcome else services.profile_parts(current_user),
    ), status


@bp.get("/profiili/tiedot")
@access(Access.SIGNED_IN)
def my_data() -> Response:
    body = json.dumps(services.export_user_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="valuma-space-omat-tiedot.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/profiili/sahkoposti", methods=["GET", "POST"])
@access(Access.SIGNED_IN)
@form_level_csrf
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_PER_ADDRESS"], key_func=_address_key, methods=["POST"]
)
def change_email() -> Response | tuple[str, int]:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        services.request_email_change(current_user, form.email.data, _locale())
        db.session.commit()
        flash(
            _(
                "Lähetimme vahvistuslinkin osoitteeseen %(email)s. Osoitteesi vaihtuu, kun avaat linkin.",
                email=normalise_email(form.email.data),
            ),
            "success",
        )
        return redirect(url_for("auth.profile"))
    return render_template("auth/change_email.html", form=form), form_status(form)


@bp.route("/profiili/sahkoposti/vahvista/<token>", methods=["GET", "POST"])
@access(Access.PUBLIC)
@form_level_csrf
def confirm_email_change(token: str) -> Response:
    form = ConfirmEmailChangeForm()
    if request.method != "POST" or not form.validate_on_submit():
        check = check_token(token, TokenPurpose.CHANGE_EMAIL)
        if check.problem is not None:
            return _no_store(_link_problem(check, status=400))
        status = form_status(form)
        page = render_template("auth/confirm_email_change.html", form=form, email=check.token.email)
        return _no_store(Response(page, status=status))
    try:
        check, user = services.confirm_email_change(token)
    except services.EmailTaken:
        db.session.rollback()
        flash(_("Osoite on jo toisen käyttäjän käytössä, joten sitä ei vaihdettu."), "error")
        return redirect(url_for("materials.home"))
    db.session.commit()
    if user is None:
        return _no_store(_link_problem(check, status=400))
    flash(_("Sähköpostiosoitteesi on nyt %(email)s.", email=user.email), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("auth.profile"))
    return redirect(url_for("auth.login"))


@bp.route("/profiili/poista", methods=["GET", "POST"])
@access(Access.SIGNED_IN)
@form_level_csrf
def delete_account() -> Response | tuple[str, int]:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user, delete_comments=bool(form.delete_comments.data))
        except services.LastAdmin:
            flash(
                _("Olet ainoa ylläpitäjä. Anna ylläpito-oikeus toiselle ennen tilisi poistamista."),
                "error",
            )
            return redirect(url_for("auth.delete_account"))
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Tilisi on poistettu."), "success")
        return redirect(url_for("materials.home"))
    return render_template("auth/delete_account.html", form=form), form_status(form)
