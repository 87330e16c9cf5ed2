"""Answering in the reading pages, writing questions in the editor, and the results."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from markupsafe import Markup
from wtforms import ValidationError

from valuma_space.access import Access, access
from valuma_space.comments.models import VISIBILITY_LABELS
from valuma_space.comments.pages import section_page
from valuma_space.extensions import csrf, db
from valuma_space.i18n import local_to_utc, utc_to_local
from valuma_space.materials.extras import question_line, register_editor_panel
from valuma_space.materials.models import Section
from valuma_space.materials.services import section_with_page
from valuma_space.modeldesign.models import Alternative
from valuma_space.modeldesign.services import alternatives as design_alternatives
from valuma_space.modeldesign.services import register_alternative_extras
from valuma_space.modeldesign.services import themes as workspace_themes
from valuma_space.polls import figures, pages, results, services
from valuma_space.polls.forms import ConfirmForm, HideAnswerForm, QuestionForm
from valuma_space.polls.models import (
    QUESTION_KIND_LABELS,
    RESULTS_SHOWN_LABELS,
    Answer,
    Question,
    QuestionKind,
    ResultsShown,
)
from valuma_space.views import attempt
from valuma_space.workspaces.services import owned_or_404, workspace_or_404

bp = Blueprint("polls", __name__)


for _name, _helper in {
    "poll_kinds": QuestionKind,
    "poll_few": figures.few,
    "poll_smallest": results.SMALLEST_GROUP,
    "poll_chart": figures.chart,
    "poll_count": figures.count_text,
    "poll_share": figures.share_text,
    "poll_number": figures.number,
    "poll_signed": figures.signed,
    "poll_score_class": figures.score_class,
    "poll_heat": figures.heat_class,
    "poll_cell": figures.cell_text,
}.items():
    bp.add_app_template_global(_helper, _name)  # type: ignore[arg-type]


# --- answering --------------------------------------------------------------------------------


def _sent_values() -> dict[str, list[str]]:
    if request.form.get("clear"):
        return {}
    return {
        name: request.form.getlist(name)
        for name in request.form
        if name not in ("csrf_token", "draft", "clear")
    }


def _csrf_fresh() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _question_for_reader(question_id: int) -> tuple[Any, Question, Section]:
    workspace = workspace_or_404()
    question = services.question_in(workspace, question_id)
    if question is None:
        abort(404)
    section = section_with_page(workspace, question.section.slug, current_user)
    if section is None:
        abort(404)
    return workspace, question, section


@bp.post("/kysymys/<int:question_id>/vastaa")
@access(Access.READER)
@csrf.exempt  # checked below, so that an expired token gives the answer back instead of an error
def answer(question_id: int) -> Response:
    workspace, question, section = _question_for_reader(question_id)
    values = _sent_values()
    back = url_for("materials.section", slug=section.slug)
    if not current_user.is_authenticated:
        draft = services.stash_answer(question, values)
        db.session.commit()
        flash(
            _("Kirjaudu sisään, niin vastauksesi tallentuu: se on tallessa lomakkeessa."),
            "info",
        )
        return redirect(url_for("auth.login", next=f"{back}?vastaus={draft.id}#q{question.id}"))
    if not _csrf_fresh():
        return _show_again(
            workspace,
            section,
            question,
            values,
            _("Lomake oli vanhentunut. Vastauksesi on tallessa: lähetä se uudelleen."),
        )
    done = attempt(lambda: services.answer(question, current_user, workspace, values))
    if done.refused is not None:
        return _show_again(workspace, section, question, values, done.problem, done.status)
    services.discard_answer_draft(request.form.get("draft"))
    db.session.commit()
    message = (
        _("Vastauksesi on tallennettu.")
        if done.result is not None
        else _("Vastauksesi on poistettu.")
    )
    if _wants_json():
        block = pages.question_block(question, current_user, saved=True)
        return jsonify(message=message, html=str(block))
    flash(message, "success")
    return redirect(f"{back}#q{question.id}")


def _show_again(
    workspace: Any,
    section: Section,
    question: Question,
    values: dict[str, list[str]],
    problem: str | None,
    status: int = 400,
) -> Response:
    """The section again with the answer as sent in its form and the problem beside it."""
    pages.submitted()[question.id] = pages.Submitted(values, problem)
    if _wants_json():
        block = pages.question_block(question, current_user)
        response = jsonify(message=problem, html=str(block))
        response.status_code = status
        return response
    return section_page(workspace, section, status=status, problem=None)


# --- the editor's panel and the questions' own forms ------------------------------------------


def _editor_panel(section: Section) -> Markup:
    questions = services.questions_of([section.id])[section.id]
    placed = set(
        services.placed_ids(
            section.draft_markdown if section.draft_markdown is not None else section.body_markdown
        )
    )
    counts = services.answer_counts(questions)
    return Markup(  # noqa: S704 (an autoescaped template)
        render_template(
            "polls/_editor_panel.html",
            section=section,
            questions=questions,
            placed=placed,
            counts=counts,
            kind_labels=QUESTION_KIND_LABELS,
            line=question_line,
            form=ConfirmForm(),
        )
    )


register_editor_panel(_editor_panel)


def _input(form: QuestionForm) -> services.QuestionInput:
    def lines(text: str | None) -> tuple[str, ...]:
        return tuple((text or "").splitlines())

    return services.QuestionInput(
        kind=QuestionKind(form.kind.data),
        prompt=form.prompt.data or "",
        help_text=form.help_text.data or "",
        required=bool(form.required.data),
        results_shown=ResultsShown(form.results_shown.data or ResultsShown.AFTER_ANSWERING),
        with_comment_period=bool(form.with_comment_period.data),
        opens_at=local_to_utc(form.opens_at.data),
        closes_at=local_to_utc(form.closes_at.data),
        options=lines(form.options.data),
        rows=lines(form.rows.data),
        max_choices=form.max_choices.data,
        scale_min=form.scale_min.data if form.scale_min.data is not None else 1,
        scale_max=form.scale_max.data if form.scale_max.data is not None else 5,
        min_label=form.min_label.data or "",
        max_label=form.max_label.data or "",
    )


def _question_page(
    section: Section,
    form: QuestionForm,
    question: Question | None = None,
    problem: str | None = None,
    confirm: int | None = None,
    status: int = 200,
) -> Response:
    return Response(
        render_template(
            "polls/question_form.html",
            section=section,
            form=form,
            question=question,
            problem=problem,
            confirm=confirm,
            kinds=QuestionKind,
            kind_labels=QUESTION_KIND_LABELS,
        ),
        status=status,
    )


@bp.route("/hallinta/aineisto/osiot/<int:section_id>/kysymykset/uusi", methods=["GET", "POST"])
@access(Access.MODERATOR)
def new(section_id: int) -> Response:
    section = owned_or_404(Section, section_id)
    form = QuestionForm()
    if request.method == "GET":
        if request.args.get("tyyppi") in {k.value for k in QuestionKind}:
            form.kind.data = request.args["tyyppi"]
        return _question_page(section, form)
    if not form.validate_on_submit():
        return _question_page(section, form, status=400)
    done = attempt(lambda: services.add_question(section, current_user, _input(form)))
    if done.refused is not None:
        return _question_page(section, form, problem=done.problem, status=done.status)
    db.session.commit()
    flash(
        _(
            "Kysymys on lisätty osion tekstin jälkeen. Voit siirtää sen tekstiin lisäämällä "
            "sen rivin kohtaan, jossa se näytetään."
        ),
        "success",
    )
    return redirect(url_for("authoring.edit_section", section_id=section.id, _anchor="questions"))


def _fill(form: QuestionForm, question: Question) -> None:
    config = question.config
    form.kind.data = question.kind.value
    form.prompt.data = question.prompt
    form.help_text.data = question.help_text
    form.options.data = "\n".join(o["label"] for o in config.get("options", []))
    form.rows.data = "\n".join(r["label"] for r in config.get("rows", []))
    form.max_choices.data = config.get("max_choices")
    form.scale_min.data = config.get("scale_min", 1)
    form.scale_max.data = config.get("scale_max", 5)
    form.min_label.data = config.get("min_label", "")
    form.max_label.data = config.get("max_label", "")
    form.required.data = question.required
    form.results_shown.data = question.results_shown.value
    form.with_comment_period.data = question.with_comment_period
    form.opens_at.data = utc_to_local(question.opens_at)
    form.closes_at.data = utc_to_local(question.closes_at)


@bp.route("/hallinta/kysymykset/<int:question_id>", methods=["GET", "POST"])
@access(Access.MODERATOR)
def edit(question_id: int) -> Response:
    question = owned_or_404(Question, question_id)
    section = question.section
    form = QuestionForm()
    if request.method == "GET":
        _fill(form, question)
        return _question_page(section, form, question)
    form.kind.data = question.kind.value
    if not form.validate_on_submit():
        return _question_page(section, form, question, status=400)
    confirmed = form.confirmed.data == str(question.version)
    done = attempt(
        lambda: services.change_question(question, current_user, _input(form), confirmed)
    )
    if isinstance(done.refused, services.NeedsConfirmation):
        form.confirmed.data = str(question.version)
        return _question_page(
            section, form, question, done.problem, confirm=done.refused.answers, status=409
        )
    if done.refused is not None:
        return _question_page(section, form, question, done.problem, status=done.status)
    db.session.commit()
    flash(_("Kysymys on tallennettu."), "success")
    return redirect(url_for("authoring.edit_section", section_id=section.id, _anchor="questions"))


@bp.post("/hallinta/kysymykset/<int:question_id>/poista")
@access(Access.MODERATOR)
def delete(question_id: int) -> Response:
    question = owned_or_404(Question, question_id)
    section_id = question.section_id
    if ConfirmForm().validate_on_submit():
        services.delete_question(question, current_user)
        db.session.commit()
        flash(_("Kysymys ja sen vastaukset on poistettu."), "success")
    return redirect(url_for("authoring.edit_section", section_id=section_id, _anchor="questions"))


@bp.post("/hallinta/kysymykset/<int:question_id>/siirra")
@access(Access.MODERATOR)
def move(question_id: int) -> Response:
    question = owned_or_404(Question, question_id)
    if ConfirmForm().validate_on_submit():
        services.move_question(question, current_user, -1 if request.form.get("up") else 1)
        db.session.commit()
    return redirect(
        url_for("authoring.edit_section", section_id=question.section_id, _anchor="questions")
    )


# --- results ----------------------------------------------------------------------------------


@bp.get("/kyselyt/")
@access(Access.MODERATOR)
def index() -> str:
    workspace = workspace_or_404()
    listed = services.workspace_questions(workspace)
    counts = services.answer_counts([q for _, qs in listed for q in qs])
    return render_template(
        "polls/index.html",
        listed=listed,
        counts=counts,
        kind_labels=QUESTION_KIND_LABELS,
        shown_labels=RESULTS_SHOWN_LABELS,
    )


def _only_param(questions: list[Question]) -> results.Only | None:
    """`?vastasi=<question>_<row>_<column>[_<value>]`: only the people who answered so."""
    parts = request.args.get("vastasi", "").split("_")
    if len(parts) not in (3, 4) or not all(p.lstrip("-").isdigit() for p in parts):
        return None
    only = results.Only(*(int(p) for p in parts))
    return only if only.question_id in {q.id for q in questions} else None


@bp.get("/kyselyt/osio/<slug>")
@access(Access.MODERATOR)
def section_results(slug: str) -> str:
    workspace = workspace_or_404()
    section = section_with_page(workspace, slug, current_user)
    if section is None:
        abort(404)
    questions = services.questions_of([section.id])[section.id]
    breakdown = request.args.get("jako")
    breakdown = breakdown if breakdown in results.BREAKDOWNS else None
    only = _only_param(questions)
    design = services.Design(workspace.id)
    computed, figures_of = pages.figures_html(
        workspace, section, questions, design, breakdown, only
    )
    texts = results.text_answers(questions, moderator=True, only=only)
    # `?kaikki=<question>`: every free-text answer of one question, not only the newest.
    every = request.args.get("kaikki", "")
    whole = next((q for q in questions if str(q.id) == every), None)
    if whole is not None:
        texts |= results.text_answers([whole], moderator=True, limit=100_000, only=only)
    answer_ids = [a.id for rows in texts.values() for a, _ in rows]
    return render_template(
        "polls/results.html",
        workspace=workspace,
        section=section,
        questions=questions,
        computed=computed,
        figures=figures_of,
        texts=texts,
        answer_theme_ids={
            answer_id: {theme.id for theme in found}
            for answer_id, found in services.themes_of_answers(answer_ids).items()
        },
        answer_links=services.links_of_answers(answer_ids),
        alternatives=design_alternatives(workspace) if answer_ids else [],
        themes=workspace_themes(workspace) if answer_ids else [],
        breakdown=breakdown,
        only=only,
        whole=whole,
        only_label=services.describe_only(questions, design, only) if only else None,
        kind_labels=QUESTION_KIND_LABELS,
        shown_labels=RESULTS_SHOWN_LABELS,
        hide_form=HideAnswerForm(),
        visibility_labels=VISIBILITY_LABELS,
        form=ConfirmForm(),
    )


def _answer_or_404(answer_id: int) -> tuple[Answer, Question]:
    """A free-text answer to a question of the request's workspace, with its question."""
    answer_row = db.session.get(Answer, answer_id)
    if answer_row is None:
        abort(404)
    return answer_row, owned_or_404(Question, answer_row.question_id)


def _back_to(question: Question, answer_id: int) -> Response:
    """The answer in its place on the results page."""
    return redirect(
        url_for("polls.section_results", slug=question.section.slug, _anchor=f"a{answer_id}")
    )


@bp.post("/kyselyt/vastaukset/<int:answer_id>/moderoi")
@access(Access.MODERATOR)
def moderate(answer_id: int) -> Response:
    answer_row, question = _answer_or_404(answer_id)
    form = HideAnswerForm()
    if form.validate_on_submit():
        visible = request.form.get("action") == "show"
        services.moderate_answer(answer_row, current_user, visible, form.reason.data or "")
        db.session.commit()
        flash(
            _("Vastaus näkyy nyt.") if visible else _("Vastaus on piilotettu."),
            "success",
        )
    return _back_to(question, answer_id)


@bp.post("/kyselyt/vastaukset/<int:answer_id>/teemat")
@access(Access.MODERATOR)
def tag(answer_id: int) -> Response:
    answer_row, question = _answer_or_404(answer_id)
    if ConfirmForm().validate_on_submit():
        theme_ids = {int(t) for t in request.form.getlist("theme") if t.isdigit()}
        services.set_answer_themes(answer_row, theme_ids, workspace_or_404())
        db.session.commit()
        flash(_("Teemat on tallennettu."), "success")
    return _back_to(question, answer_id)


@bp.post("/kyselyt/vastaukset/<int:answer_id>/linkit")
@access(Access.MODERATOR)
def link(answer_id: int) -> Response:
    answer_row, question = _answer_or_404(answer_id)
    if ConfirmForm().validate_on_submit():
        alternative_id = request.form.get("alternative", "")
        if request.form.get("action") == "unlink" and alternative_id.isdigit():
            services.unlink_answer(answer_row, int(alternative_id))
            db.session.commit()
            flash(_("Linkki poistettiin."), "success")
        elif alternative_id.isdigit():
            alternative = owned_or_404(Alternative, int(alternative_id))
            services.link_answer(answer_row, alternative, current_user)
            db.session.commit()
            flash(_("Vastaus linkitettiin vaihtoehtoon."), "success")
    return _back_to(question, answer_id)


register_alternative_extras("polls/_alternative_answers.html", services.answers_linked_to)
