"""The events' pages: the list and an event's page for readers, registering and cancelling,
the calendar file, and the moderators' pages for writing events."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from valuma_space.access import Access, access
from valuma_space.auth.services import register_profile_part
from valuma_space.choices import ORGANISATION_TYPE_LABELS, REGION_LABELS
from valuma_space.db import utcnow
from valuma_space.events import services
from valuma_space.events.calendar import calendar_file
from valuma_space.events.forms import AnswersForm, ConfirmForm, EventForm, RegisterForm
from valuma_space.events.models import (
    ATTENDANCE_MODE_LABELS,
    REGISTRATION_MODE_LABELS,
    Event,
    Registration,
    RegistrationMode,
    RegistrationState,
)
from valuma_space.extensions import db
from valuma_space.i18n import format_datetime, local_to_utc, local_zone, utc_to_local
from valuma_space.views import attempt
from valuma_space.workspaces.services import owned_or_404, workspace_or_404

bp = Blueprint("events", __name__)


def event_when(event: Event) -> str:
    """ "13.2.2020 klo 13.00–16.00", in Helsinki time; the end's date only when it differs."""
    zone = local_zone()
    same_day = event.starts_at.astimezone(zone).date() == event.ends_at.astimezone(zone).date()
    end = format_datetime(event.ends_at, "H.mm") if same_day else format_datetime(event.ends_at)
    return f"{format_datetime(event.starts_at)}–{end}"


bp.add_app_template_global(event_when, "event_when")
bp.add_app_template_global(ATTENDANCE_MODE_LABELS, "event_attendance_labels")
bp.add_app_template_global(REGISTRATION_MODE_LABELS, "event_mode_labels")


TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_deadline")


def _event_data(form: EventForm) -> dict[str, Any]:
    data = dict(form.data)
    for name in TIMES:
        data[name] = local_to_utc(data[name])
    return data


def _event_path(event: Event, **args: Any) -> str:
    return url_for("events.show", event_id=event.id, **args)


# --- reading and registering ------------------------------------------------------------------


@bp.get("/tapahtumat")
@access(Access.READER)
def index() -> str:
    workspace = workspace_or_404()
    return render_template("events/index.html", events=services.events_of(workspace), now=utcnow())


def _render_event(
    event: Event,
    problem: str | None = None,
    status: int = 200,
    answers_form: AnswersForm | None = None,
) -> Response:
    registration = services.registration_of(event, current_user)
    if answers_form is None:
        answers_form = AnswersForm(obj=registration) if registration else AnswersForm()
    chosen = request.args.get("tapa")
    now = utcnow()
    body = render_template(
        "events/event.html",
        event=event,
        registration=registration,
        counts=services.counts(event),
        seats_left=services.seats_left(event),
        registration_open=event.registration_open(now),
        not_yet_open=event.registration_opens_at is not None
        and now < event.registration_opens_at
        and not event.closed_by_hand,
        started=now >= event.starts_at,
        show_remote_link=services.may_see_remote_link(event, current_user),
        register_form=RegisterForm(),
        confirm_form=ConfirmForm(),
        answers_form=answers_form,
        chosen=chosen if chosen in set(RegistrationMode) else None,
        states=RegistrationState,
        modes=RegistrationMode,
        problem=problem,
    )
    return Response(body, status=status)


@bp.get("/tapahtumat/<int:event_id>")
@access(Access.READER)
def show(event_id: int) -> Response:
    return _render_event(owned_or_404(Event, event_id))


@bp.get("/tapahtumat/<int:event_id>.ics")
@access(Access.READER)
def calendar(event_id: int) -> Response:
    event = owned_or_404(Event, event_id)
    body = calendar_file(event, remote_link=services.may_see_remote_link(event, current_user))
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="tapahtuma-{event.id}.ics"'},
    )


def _what_they_got(registration: Registration) -> str:
    if registration.state == RegistrationState.WAITING:
        return _(
            "Tapahtuma on täynnä: olet jonossa sijalla %(position)s. Saat viestin, jos paikka "
            "vapautuu.",
            position=registration.waiting_position,
        )
    if registration.mode == RegistrationMode.REMOTE:
        return _("Olet ilmoittautunut seuraamaan tapahtumaa etänä.")
    return _("Paikkasi on vahvistettu.")


@bp.post("/tapahtumat/<int:event_id>/ilmoittaudu")
@access(Access.READER)
def register(event_id: int) -> Response:
    event = owned_or_404(Event, event_id)
    form = RegisterForm()
    if not current_user.is_authenticated:
        # Through the emailed-link sign-in, and back to the registration.
        chosen = form.mode.data if form.mode.data in set(RegistrationMode) else None
        flash(_("Kirjaudu sisään, niin pääset ilmoittautumaan."), "info")
        back = _event_path(event, tapa=chosen) + "#ilmoittautuminen"
        return redirect(url_for("auth.login", next=back))
    if not form.validate_on_submit():
        return _render_event(event, _("Valitse osallistumistapa ja yritä uudelleen."), 400)
    mode = RegistrationMode(form.mode.data)
    done = attempt(lambda: services.register(event, current_user, mode))
    if done.refused is not None or done.result is None:
        return _render_event(event, done.problem, done.status)
    message = _what_they_got(done.result)
    db.session.commit()
    flash(message, "success")
    return redirect(_event_path(event) + "#ilmoittautuminen")


@bp.post("/tapahtumat/<int:event_id>/peru")
@access(Access.SIGNED_IN)
def cancel(event_id: int) -> Response:
    event = owned_or_404(Event, event_id)
    registration = services.registration_of(event, current_user)
    if registration is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return _render_event(event, _("Lomake oli vanhentunut: yritä uudelleen."), 400)
    done = attempt(lambda: services.cancel(registration))
    if done.refused is not None:
        return _render_event(event, done.problem, done.status)
    db.session.commit()
    flash(_("Ilmoittautumisesi on peruttu."), "success")
    return redirect(_event_path(event) + "#ilmoittautuminen")


@bp.post("/tapahtumat/<int:event_id>/vastaukset")
@access(Access.SIGNED_IN)
def answers(event_id: int) -> Response:
    event = owned_or_404(Event, event_id)
    registration = services.registration_of(event, current_user)
    if registration is None:
        abort(404)
    form = AnswersForm()
    if not form.validate_on_submit():
        return _render_event(event, answers_form=form, status=400)
    done = attempt(lambda: services.answer_questions(registration, current_user, form.data))
    if done.refused is not None:
        return _render_event(event, done.problem, done.status, answers_form=form)
    db.session.commit()
    flash(_("Vastauksesi on tallennettu."), "success")
    return redirect(_event_path(event) + "#lisatiedot")


@bp.route("/tapahtumat/peru/<token>", methods=["GET", "POST"])
@access(Access.PUBLIC)
def cancel_link(token: str) -> Response:
    """The link in the confirmation mail: GET shows a button (mail scanners open links), only
    the POST cancels."""
    registration = services.registration_by_token(token)
    if registration is None or registration.event.workspace_id != workspace_or_404().id:
        abort(404)
    event = registration.event
    form = ConfirmForm()
    problem, status = None, 200
    if form.validate_on_submit():
        done = attempt(lambda: services.cancel(registration))
        if done.refused is None:
            db.session.commit()
        problem, status = done.problem, done.status
    body = render_template(
        "events/cancel.html",
        event=event,
        registration=registration,
        form=form,
        started=utcnow() >= event.starts_at,
        cancelled=registration.state == RegistrationState.CANCELLED,
        problem=problem,
    )
    return Response(body, status=status)


# --- for the organisers -----------------------------------------------------------------------


@bp.get("/hallinta/tapahtumat")
@access(Access.MODERATOR)
def manage() -> str:
    events = services.events_of(workspace_or_404())
    return render_template(
        "events/manage.html",
        events=events,
        counts={event.id: services.counts(event) for event in events},
    )


@bp.route("/hallinta/tapahtumat/uusi", methods=["GET", "POST"])
@access(Access.MODERATOR)
def create() -> Response:
    form = EventForm()
    problem = None
    if form.validate_on_submit():
        data = _event_data(form)
        done = attempt(lambda: services.create_event(workspace_or_404(), current_user, data))
        if done.refused is None and done.result is not None:
            db.session.commit()
            flash(_("Tapahtuma on luotu."), "success")
            return redirect(url_for("events.edit", event_id=done.result.id))
        problem = done.problem
    return _render_form(form, problem)


@bp.route("/hallinta/tapahtumat/<int:event_id>", methods=["GET", "POST"])
@access(Access.MODERATOR)
def edit(event_id: int) -> Response:
    event = owned_or_404(Event, event_id)
    if request.method == "GET":
        values = {name: getattr(event, name) for name in EventForm().data if name != "csrf_token"}
        for name in TIMES:
            values[name] = utc_to_local(values[name])
        values["attendance"] = event.attendance.value
        form = EventForm(data=values)
    else:
        form = EventForm()
    problem = None
    if form.validate_on_submit():
        data = _event_data(form)
        done = attempt(lambda: services.update_event(event, current_user, data))
        if done.refused is None:
            db.session.commit()
            flash(_("Tapahtuma on tallennettu."), "success")
            return redirect(url_for("events.edit", event_id=event.id))
        problem = done.problem
    return _render_form(form, problem, event)


def _render_form(form: EventForm, problem: str | None, event: Event | None = None) -> Response:
    status = 400 if (problem or form.errors) else 200
    return Response(
        render_template("events/form.html", form=form, problem=problem, event=event),
        status=status,
    )


@bp.get("/hallinta/tapahtumat/<int:event_id>/osallistujat")
@access(Access.MODERATOR)
def attendees(event_id: int) -> str:
    event = owned_or_404(Event, event_id)
    found = services.attendee_list(event, current_user)
    return render_template(
        "events/attendees.html",
        event=event,
        found=found,
        organisation_type_labels=ORGANISATION_TYPE_LABELS,
        region_labels=REGION_LABELS,
    )


@bp.get("/hallinta/tapahtumat/<int:event_id>/ilmoittautumislista")
@access(Access.MODERATOR)
def check_in(event_id: int) -> str:
    event = owned_or_404(Event, event_id)
    return render_template(
        "events/check_in.html", event=event, people=services.check_in_list(event, current_user)
    )


# --- on a person's profile --------------------------------------------------------------------

register_profile_part("events/_profile_registrations.html", services.registrations_of_person)
