"""Exports carry the questions' answers: CSV and XLSX a row per answer, JSON the answers under
their questions in their section, the reports each question's results. Every format is read
back (csv, openpyxl, the JSON schema) and every answer found exactly once, with its text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jsonschema import ValidationError, validate
from openpyxl import load_workbook

from tests.factories import make_comment, make_page, make_section, make_user, make_workspace
from tests.helpers import run_export
from valuma_space.auth.models import NameDisplay, Role
from valuma_space.choices import (
    ORGANISATION_TYPE_LABELS,
    REGION_LABELS,
    OrganisationType,
    Region,
)
from valuma_space.exports import rows as export_rows
from valuma_space.exports.services import INCOMPLETE, chunks
from valuma_space.extensions import db
from valuma_space.modeldesign.models import AlternativeKind, AlternativeStatus
from valuma_space.modeldesign.services import add_criterion, publish_alternatives, save_alternative
from valuma_space.polls.models import Answer, Question, QuestionKind
from valuma_space.polls.services import (
    Design,
    QuestionInput,
    add_question,
    answer,
    change_question,
    moderate_answer,
)

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parent.parent / "valuma_space" / "exports" / "schema.json"
    ).read_text()
)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

KIND_LABELS = {
    "single": "Yksi vaihtoehto",
    "multiple": "Monivalinta",
    "scale": "Asteikko",
    "ranking": "Järjestys",
    "text": "Lyhyt vapaa teksti",
    "matrix": "Matriisi",
    "rate_alternatives": "Vaihtoehtojen arviointi",
}


def _keys(question: Question, workspace_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """The question's options (a matrix's columns) and rows by label."""
    wording = Design(workspace_id).wording(question)
    return {c.label: c.key for c in wording.options}, {c.label: c.key for c in wording.rows}


@pytest.fixture
def poll(app: Flask) -> dict[str, Any]:
    """A section with a question of each kind, answered by three people who are named in three
    ways; what each answer must read as in the export, by (question kind, person)."""
    workspace = make_workspace("Kyselytyötila")
    section = make_section(make_page(workspace, "Kysymykset"), "Kiinnostuksen kohteet", "Teksti")
    other = make_section(make_page(workspace, "Muuta"), "Toinen osio", "Teksti")
    moderator = make_user("moderaattori@valuma.fi", role=Role.MODERATOR, profile_completed=True)
    full = make_user(
        "taysi@kunta.fi",
        display_name="Maija Meikäläinen",
        organisation="Kunta",
        name_display=NameDisplay.FULL_NAME,
        organisation_type=OrganisationType.MUNICIPALITY,
        region=Region.PIRKANMAA,
    )
    org = make_user(
        "org@liitto.fi",
        display_name="Salainen Nimi",
        organisation="Liitto ry",
        name_display=NameDisplay.ORGANISATION,
        organisation_type=OrganisationType.ASSOCIATION,
        region=Region.LAPPI,
    )
    pseudo = make_user(
        "pseudo@kunta.fi",
        display_name="Piilotettu Nimi",
        pseudonym="Kettu",
        name_display=NameDisplay.PSEUDONYM,
    )
    cost = add_criterion(workspace, "Kustannukset")
    effect = add_criterion(workspace, "Vaikuttavuus")
    model_a = save_alternative(
        workspace,
        None,
        AlternativeKind.OPERATING_MODEL,
        "Verkostomalli",
        "Kuvaus.",
        AlternativeStatus.UNDER_DISCUSSION,
        shown=True,
    )
    model_b = save_alternative(
        workspace,
        None,
        AlternativeKind.OPERATING_MODEL,
        "Keskusmalli",
        "Kuvaus.",
        AlternativeStatus.UNDER_DISCUSSION,
        shown=True,
    )
    publish_alternatives(workspace, moderator, show_matrix=False)
    db.session.commit()

    def ask(kind: QuestionKind, prompt: str, **details: Any) -> Question:
        return add_question(section, moderator, QuestionInput(kind, prompt, **details))

    single = ask(QuestionKind.SINGLE, "Kiinnostaako verkostoituminen?", options=("Kyllä", "Ei"))
    multiple = ask(
        QuestionKind.MULTIPLE,
        "Mitkä teemat kiinnostavat?",
        options=("Osaaminen", "Rahoitus", "Viestintä"),
    )
    scale = ask(
        QuestionKind.SCALE,
        "Kuinka tärkeää tuki on?",
        scale_min=1,
        scale_max=5,
        min_label="Ei lainkaan",
        max_label="Erittäin",
    )
    ranking = ask(QuestionKind.RANKING, "Järjestä tuen muodot", options=("Raha", "Aika", "Tieto"))
    text = ask(QuestionKind.TEXT, "Mitä muuta?")
    matrix = ask(
        QuestionKind.MATRIX,
        "Kuka vastaa mistäkin?",
        options=("Kunta", "Maakunta"),
        rows=("Rahoitus", "Koordinointi"),
    )
    rating = ask(QuestionKind.RATE_ALTERNATIVES, "Arvioi mallit")
    elsewhere = add_question(
        other, moderator, QuestionInput(QuestionKind.SINGLE, "Muualla?", options=("Joo", "Ei"))
    )
    db.session.commit()
    ws = workspace.id
    yes_no, _ = _keys(single, ws)
    themes, _ = _keys(multiple, ws)
    forms, _ = _keys(ranking, ws)
    columns, rows = _keys(matrix, ws)

    def give(question: Question, person: Any, values: dict[str, list[str]]) -> int:
        given = answer(question, person, workspace, values)
        assert given is not None
        return given.id

    expected: dict[tuple[str, str], str] = {}
    ids: dict[tuple[str, str], int] = {}

    def expect(question: Question, who: str, person: Any, values: dict, text: str) -> None:
        ids[question.kind.value, who] = give(question, person, values)
        expected[question.kind.value, who] = text

    people = {"full": full, "org": org, "pseudo": pseudo}
    for who, choice in (("full", "Kyllä"), ("org", "Ei"), ("pseudo", "Kyllä")):
        expect(single, who, people[who], {"option": [str(yes_no[choice])]}, choice)
    # The counting case of the issue: {A, B}, {A}, {B, C}.
    for who, chosen in (
        ("full", ("Osaaminen", "Rahoitus")),
        ("org", ("Osaaminen",)),
        ("pseudo", ("Viestintä", "Rahoitus")),  # given out of order: written in the options'
    ):
        values = {"option": [str(themes[label]) for label in chosen]}
        expect(
            multiple, who, people[who], values, "; ".join(sorted(chosen, key=list(themes).index))
        )
    for who, point in (("full", 4), ("org", 2), ("pseudo", 5)):
        expect(scale, who, people[who], {"value": [str(point)]}, str(point))
    expect(
        ranking,
        "full",
        full,
        {
            f"rank-{forms['Raha']}": ["2"],
            f"rank-{forms['Aika']}": ["1"],
            f"rank-{forms['Tieto']}": ["3"],
        },
        "1. Aika; 2. Raha; 3. Tieto",
    )
    expect(
        ranking,
        "org",
        org,
        {
            f"rank-{forms['Raha']}": ["1"],
            f"rank-{forms['Aika']}": ["3"],
            f"rank-{forms['Tieto']}": ["2"],
        },
        "1. Raha; 2. Tieto; 3. Aika",
    )
    expect(text, "full", full, {"text": ["Hyvä ajatus, ä ja ö"]}, "Hyvä ajatus, ä ja ö")
    expect(text, "org", org, {"text": ["Piilotettava vastaus"]}, "Piilotettava vastaus")
    expect(text, "pseudo", pseudo, {"text": ["=1+1"]}, "=1+1")
    expect(
        matrix,
        "full",
        full,
        {
            f"row-{rows['Koordinointi']}": [str(columns["Kunta"])],
            f"row-{rows['Rahoitus']}": [str(columns["Maakunta"])],
        },
        "Rahoitus: Maakunta; Koordinointi: Kunta",
    )
    ratings = {
        f"cell-{model_a.id}-{cost.id}": ["2"],
        f"cell-{model_b.id}-{effect.id}": ["-1"],
        f"cell-{model_a.id}-{effect.id}": ["0"],
    }
    expect(
        rating,
        "org",
        org,
        ratings,
        "Verkostomalli / Kustannukset: +2; Verkostomalli / Vaikuttavuus: 0; "
        "Keskusmalli / Vaikuttavuus: -1",
    )
    give(elsewhere, full, {"option": [str(_keys(elsewhere, ws)[0]["Joo"])]})
    db.session.commit()
    moderate_answer(db.session.get(Answer, ids["text", "org"]), moderator, False, "Asiaton")
    make_comment(section, pseudo, "Kommentti nimimerkillä")
    db.session.commit()
    return {
        "workspace": workspace,
        "section": section,
        "other": other,
        "expected": expected,
        "ids": ids,
        "questions": {
            q.kind.value: q for q in (single, multiple, scale, ranking, text, matrix, rating)
        },
    }


NAMES = {"full": "Maija Meikäläinen", "org": "Liitto ry"}
SECRETS = ("Salainen Nimi", "Piilotettu Nimi", "Kettu", "@kunta.fi", "@liitto.fi")


def _csv(app: Flask, tmp_path: Path, *options: str) -> list[dict[str, str]]:
    raw = run_export(app, "csv-answers", tmp_path, *options).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _check_rows(poll: dict[str, Any], rows: list[dict[str, Any]], hidden_in: bool) -> None:
    """Every expected answer exactly once, with its text, kind, version and respondent."""
    ids, expected = poll["ids"], poll["expected"]
    by_id = {int(row["answer_id"]): row for row in rows if row["section"] != "Toinen osio"}
    assert len(by_id) == len([r for r in rows if r["section"] != "Toinen osio"])
    wanted = dict(ids)
    if not hidden_in:
        del wanted["text", "org"]
    assert sorted(by_id) == sorted(wanted.values())
    pseudonyms = set()
    for (kind, who), answer_id in wanted.items():
        row = by_id[answer_id]
        text = row["answer"]
        if kind == "text" and who == "pseudo":
            text = text.removeprefix("'")  # neutralised, as a formula would be
        assert text == expected[kind, who], (kind, who)
        question = poll["questions"][kind]
        assert int(row["question_id"]) == question.id
        assert row["question_prompt"] == question.prompt
        assert row["question_kind_code"] == kind and row["question_kind"] == KIND_LABELS[kind]
        assert int(row["question_version"]) == 1
        assert row["section"] == "Kiinnostuksen kohteet" and row["page"] == "Kysymykset"
        answered = row["answered_at"]  # text, or a real date from a spreadsheet
        assert hasattr(answered, "year") or (answered[:4].isdigit() and answered[10] == "T")
        if who in NAMES:
            assert row["respondent"] == NAMES[who]
        else:
            assert row["respondent"].startswith("Osallistuja ") and row["organisation"] == ""
            pseudonyms.add(row["respondent"])
        if kind == "text":
            code = "hidden" if who == "org" else "visible"
            assert row["visibility_code"] == code
            assert row["visibility"] == ("Piilotettu" if who == "org" else "Näkyvissä")
            assert row["moderation_reason"] == ("Asiaton" if who == "org" else "")
        else:
            assert row["visibility_code"] == "" and row["moderation_reason"] == ""
    assert len(pseudonyms) == 1  # the same person, the same pseudonym throughout
    full = by_id[ids["single", "full"]]
    assert full["organisation"] == "Kunta"
    assert full["organisation_type"] == str(ORGANISATION_TYPE_LABELS[OrganisationType.MUNICIPALITY])
    assert full["organisation_type_code"] == "municipality"
    assert (
        full["region"] == str(REGION_LABELS[Region.PIRKANMAA])
        and full["region_code"] == "pirkanmaa"
    )
    text = json.dumps(rows, ensure_ascii=False, default=str)
    for secret in SECRETS:
        assert secret not in text


def test_csv_round_trips_every_answer(app: Flask, poll, tmp_path: Path) -> None:
    rows = _csv(app, tmp_path)
    _check_rows(poll, rows, hidden_in=False)
    assert "Piilotettava vastaus" not in json.dumps(rows, ensure_ascii=False)
    for row in rows:
        for value in row.values():
            assert not value.startswith(TRIGGERS), value
    # The comments' CSV stays as it was: comments only.
    comments = list(
        csv.DictReader(io.StringIO(run_export(app, "csv", tmp_path).read_text("utf-8-sig")))
    )
    assert [c["text"] for c in comments] == ["Kommentti nimimerkillä"]


def test_a_hidden_free_text_answer_is_in_only_when_asked_and_marked(
    app: Flask, poll, tmp_path: Path
) -> None:
    rows = _csv(app, tmp_path, "--include-hidden")
    _check_rows(poll, rows, hidden_in=True)
    [hidden] = [r for r in rows if r["visibility_code"] == "hidden"]
    assert hidden["answer"] == "Piilotettava vastaus" and hidden["moderation_reason"] == "Asiaton"


def test_the_multiple_choice_answers_stay_apart(app: Flask, poll, tmp_path: Path) -> None:
    rows = [r for r in _csv(app, tmp_path) if r["question_kind_code"] == "multiple"]
    assert sorted(r["answer"] for r in rows) == [
        "Osaaminen",
        "Osaaminen; Rahoitus",
        "Rahoitus; Viestintä",
    ]
    counts = {
        label: sum(label in r["answer"].split("; ") for r in rows)
        for label in ("Osaaminen", "Rahoitus", "Viestintä")
    }
    assert counts == {"Osaaminen": 2, "Rahoitus": 2, "Viestintä": 1}
    report = run_export(app, "report-md", tmp_path).read_text("utf-8")
    assert "| Osaaminen | 2 | 67 % |" in report
    assert "| Rahoitus | 2 | 67 % |" in report and "| Viestintä | 1 | 33 % |" in report


def test_the_section_filter_applies_to_answers(app: Flask, poll, tmp_path: Path) -> None:
    everything = _csv(app, tmp_path)
    assert {r["section"] for r in everything} == {"Kiinnostuksen kohteet", "Toinen osio"}
    only = _csv(app, tmp_path, "--section", poll["other"].slug)
    assert [(r["section"], r["answer"]) for r in only] == [("Toinen osio", "Joo")]


def test_xlsx_has_a_sheet_of_the_answers(app: Flask, poll, tmp_path: Path) -> None:
    book = load_workbook(run_export(app, "xlsx", tmp_path, "--include-hidden"))
    assert book.sheetnames[-1] == "Vastaukset" and "Mallilinkit" in book.sheetnames
    sheet = book["Vastaukset"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    header = [cell.value for cell in sheet[1]]
    rows = []
    for values in sheet.iter_rows(min_row=2, values_only=True):
        record = dict(zip(header, values, strict=True))
        assert hasattr(record["answered_at"], "year")  # a real date
        assert isinstance(record["answer_id"], int) and isinstance(record["question_version"], int)
        rows.append({k: "" if v is None else v for k, v in record.items()})
    _check_rows(poll, rows, hidden_in=True)
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            assert not (isinstance(cell.value, str) and cell.value.startswith(TRIGGERS)), cell.value


def test_json_nests_the_answers_under_their_section(app: Flask, poll, tmp_path: Path) -> None:
    data = json.loads(run_export(app, "json", tmp_path, "--include-hidden").read_text("utf-8"))
    validate(data, SCHEMA)
    [section] = [
        s for page in data["pages"] for s in page["sections"] if s["slug"] == poll["section"].slug
    ]
    assert [q["kind_code"] for q in section["questions"]] == list(KIND_LABELS)
    rows = []
    for question in section["questions"]:
        assert question["versions"] == [{"number": 1, "prompt": question["prompt"]}]
        for given in question["answers"]:
            rows.append(
                {
                    "answer_id": given["id"],
                    "page": "Kysymykset",
                    "section": section["heading"],
                    "question_id": question["id"],
                    "question_prompt": given["question_prompt"],
                    "question_kind": question["kind"],
                    "question_kind_code": question["kind_code"],
                    "question_version": given["question_version"],
                    "visibility": given["visibility"] or "",
                    "visibility_code": given["visibility_code"] or "",
                    **{
                        key: given[key]
                        for key in (
                            "respondent",
                            "organisation",
                            "organisation_type",
                            "organisation_type_code",
                            "region",
                            "region_code",
                            "answer",
                            "answered_at",
                            "moderation_reason",
                        )
                    },
                }
            )
            if question["kind_code"] == "text":
                assert given["text"] == given["answer"] and given["items"] == []
    _check_rows(poll, rows, hidden_in=True)
    by_kind = {q["kind_code"]: q for q in section["questions"]}
    [multiple] = [a for a in by_kind["multiple"]["answers"] if a["answer"] == "Osaaminen"]
    assert [(i["column"], i["value"]) for i in multiple["items"]] == [("Osaaminen", 1)]
    [rating] = by_kind["rate_alternatives"]["answers"]
    assert {(i["row"], i["column"], i["value"]) for i in rating["items"]} == {
        ("Verkostomalli", "Kustannukset", 2),
        ("Verkostomalli", "Vaikuttavuus", 0),
        ("Keskusmalli", "Vaikuttavuus", -1),
    }
    assert by_kind["scale"]["scale"] == {
        "min": 1,
        "max": 5,
        "min_label": "Ei lainkaan",
        "max_label": "Erittäin",
    }
    assert [r["label"] for r in by_kind["rate_alternatives"]["rows"]] == [
        "Verkostomalli",
        "Keskusmalli",
    ]
    # The schema describes the answers, not only lets them through.
    broken = json.loads(json.dumps(data))
    [target] = [
        s for page in broken["pages"] for s in page["sections"] if s["slug"] == poll["section"].slug
    ]
    target["questions"][0]["answers"][0]["colour"] = "red"
    with pytest.raises(ValidationError):
        validate(broken, SCHEMA)
    del target["questions"][0]["answers"][0]["colour"]
    target["questions"][0]["answers"][0]["items"] = [{"row_key": 0}]
    with pytest.raises(ValidationError):
        validate(broken, SCHEMA)
    del target["questions"]
    with pytest.raises(ValidationError):
        validate(broken, SCHEMA)


def test_answers_to_an_earlier_wording_keep_their_version(app: Flask, poll, tmp_path: Path) -> None:
    question = poll["questions"]["single"]
    moderator = make_user("moderaattori@valuma.fi", role=Role.MODERATOR)
    change_question(
        question,
        moderator,
        QuestionInput(
            QuestionKind.SINGLE, "Kiinnostaako verkostoituminen nyt?", options=("Kyllä", "Ei")
        ),
        confirmed=True,
    )
    db.session.commit()
    rows = [r for r in _csv(app, tmp_path) if r["question_id"] == str(question.id)]
    assert len(rows) == 3
    assert {(r["question_version"], r["question_current_version"]) for r in rows} == {("1", "2")}
    assert {r["question_prompt"] for r in rows} == {"Kiinnostaako verkostoituminen?"}
    report = run_export(app, "report-md", tmp_path).read_text("utf-8")
    assert "Aiempi muotoilu (versio 1): Kiinnostaako verkostoituminen?" in report


@pytest.mark.parametrize("fmt", ["report-html", "report-md", "report-docx"])
def test_reports_show_each_questions_results(app: Flask, poll, tmp_path: Path, fmt: str) -> None:
    out = run_export(app, fmt, tmp_path)
    if fmt == "report-docx":
        from docx import Document

        text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    else:
        text = out.read_text("utf-8")
    for question in poll["questions"].values():
        assert question.prompt in text
    for figure in ("Mediaani: 4,0", "Keskiarvo: 3,7", "Borda", "Vastaajia: 3", "Hyvä ajatus"):
        assert figure in text, figure
    assert "+2,0 (n = 1)" in text and "-1,0 (n = 1)" in text.replace("−", "-")
    assert "Piilotettava vastaus" not in text
    for secret in SECRETS:
        assert secret not in text
    if fmt == "report-html":
        assert "<caption>" in text and '<th scope="col">Kustannukset</th>' in text
        assert "=1+1" in text  # as text: a report runs nothing


def test_answers_load_in_a_fixed_number_of_queries(
    app: Flask, poll, tmp_path: Path, count_queries
) -> None:
    formats = ["csv-answers", "xlsx", "json", "report-html"]
    before = {}
    for fmt in formats:
        app.extensions.pop("valuma_results_cache", None)  # each count a cold one
        with count_queries() as counter:
            run_export(app, fmt, tmp_path)
        before[fmt] = len(counter.statements)
    workspace, questions = poll["workspace"], poll["questions"]
    options, _ = _keys(questions["multiple"], workspace.id)
    for number in range(40):
        person = make_user(f"lisa{number}@kunta.fi", name_display=NameDisplay.PSEUDONYM)
        answer(questions["multiple"], person, workspace, {"option": [str(options["Rahoitus"])]})
        answer(questions["text"], person, workspace, {"text": [f"Vastaus {number}"]})
        answer(questions["scale"], person, workspace, {"value": ["3"]})
    db.session.commit()
    for fmt in formats:
        app.extensions.pop("valuma_results_cache", None)
        with count_queries() as counter:
            run_export(app, fmt, tmp_path)
        assert len(counter.statements) == before[fmt], fmt
    rows = _csv(app, tmp_path)
    assert len(rows) == len(poll["ids"]) - 1 + 1 + 120


def test_an_answers_export_that_fails_part_way_does_not_end_like_a_whole_file(
    app: Flask, poll, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_read = export_rows.AnswerReader.read
    calls = []

    def failing_on_the_second_section(self, page, section):
        calls.append(section.id)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_read(self, page, section)

    monkeypatch.setattr(export_rows.AnswerReader, "read", failing_on_the_second_section)
    received = []
    with pytest.raises(RuntimeError):
        for chunk in chunks(
            poll["workspace"].id, "csv-answers", export_rows.ExportFilters(), "http://x"
        ):
            received.append(chunk)
    body = "".join(received)
    assert "Hyvä ajatus" in body and body.endswith(INCOMPLETE)


def test_moderators_download_the_answers(app: Flask, poll) -> None:
    from tests.helpers import login_as

    client = app.test_client()
    login_as(client, "moderaattori@valuma.fi")
    response = client.get("/moderointi/vienti/lataa?format=csv-answers")
    assert response.status_code == 200
    assert 'filename="valuma-vastaukset.csv"' in response.headers["Content-Disposition"]
    assert "Hyvä ajatus" in response.get_data(as_text=True)
    page = client.get("/moderointi/vienti/").get_data(as_text=True)
    assert 'value="csv-answers"' in page
