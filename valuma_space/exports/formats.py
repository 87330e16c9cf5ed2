"""Writing export rows: CSV, XLSX, JSON and readable reports. Every writer streams: it takes the
section blocks one at a time and never holds the whole discussion."""

from __future__ import annotations

import csv
import io
import json
import pickle
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import chain, repeat
from operator import itemgetter
from typing import IO, Any

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from valuma_space.exports import wordml
from valuma_space.exports.answers import (
    ANSWER,
    ANSWER_COLUMNS,
    ANSWER_FREE_TEXT,
    KIND_CODE,
    AnswerRow,
    QuestionAnswers,
)
from valuma_space.exports.rows import COLUMNS, REMOVED, Cells, ExportRow, SectionBlock

FORMATS = ("csv", "csv-answers", "xlsx", "json", "report-html", "report-md", "report-docx")
FORMAT_LABELS = {
    "csv": _l("CSV-taulukko"),
    "csv-answers": _l("CSV-taulukko: kysymysten vastaukset"),
    "xlsx": _l("Excel-taulukko"),
    "json": _l("JSON-tiedosto (koneluettava)"),
    "report-html": _l("Raportti (verkkosivu)"),
    "report-md": _l("Raportti (Markdown)"),
    "report-docx": _l("Raportti (Word)"),
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "csv-answers": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "report-html": "text/html; charset=utf-8",
    "report-md": "text/markdown; charset=utf-8",
    "report-docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {
    "csv": "csv",
    "csv-answers": "csv",
    "xlsx": "xlsx",
    "json": "json",
    "report-html": "html",
    "report-md": "md",
    "report-docx": "docx",
}


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet could read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


# Only these hold text that people typed or named; the rest are numbers, dates and our own codes.
FREE_TEXT = {
    "page",
    "section",
    "quote",
    "author",
    "organisation",
    "moderation_reason",
    "themes",
    "model_links",
    "text",
    "text_markdown",
    "internal_notes",
}
FREE_TEXT_CELLS = itemgetter(*(ExportRow._fields.index(name) for name in FREE_TEXT))


def _columns(include_notes: bool) -> list[str]:
    return list(ExportRow._fields) if include_notes else COLUMNS


def _formula_safe(rows: list[Cells]) -> list[Cells]:
    """The rows with every free-text cell that starts like a formula neutralised. Almost no cell
    does, so a section is first looked through without a Python call per cell, and copied only
    when one does."""
    cells = chain.from_iterable(map(FREE_TEXT_CELLS, rows))
    if not any(map(str.startswith, cells, repeat(TRIGGERS))):
        return rows
    return [
        tuple(
            neutralise(value) if name in FREE_TEXT else value
            for name, value in zip(ExportRow._fields, row, strict=True)
        )
        for row in rows
    ]


ANSWER_FREE_TEXT_CELLS = itemgetter(*(AnswerRow._fields.index(name) for name in ANSWER_FREE_TEXT))


def _answers_formula_safe(rows: list[Cells]) -> list[Cells]:
    """The answer rows with every free-text cell that starts like a formula neutralised; a
    scale's point is a number of our own ("-2"), and is left as it is."""
    cells = chain.from_iterable(map(ANSWER_FREE_TEXT_CELLS, rows))
    if not any(map(str.startswith, cells, repeat(TRIGGERS))):
        return rows
    return [
        tuple(
            neutralise(value)
            if name in ANSWER_FREE_TEXT and not (index == ANSWER and row[KIND_CODE] == "scale")
            else value
            for index, (name, value) in enumerate(zip(AnswerRow._fields, row, strict=True))
        )
        for row in rows
    ]


# --- CSV --------------------------------------------------------------------------------------


def csv_chunks(blocks: Iterable[SectionBlock], include_notes: bool = False) -> Iterator[str]:
    """UTF-8 with a byte-order mark (Excel then reads ä and ö right), RFC 4180 quoting."""
    columns = _columns(include_notes)
    yield "\ufeff" + _csv_text([columns])
    cells = itemgetter(slice(len(columns)))
    for block in blocks:
        yield _csv_text(map(cells, _formula_safe(block.cells)))


def csv_answer_chunks(blocks: Iterable[SectionBlock]) -> Iterator[str]:
    """The answers, a row per answer, as csv_chunks writes the comments."""
    yield "\ufeff" + _csv_text([ANSWER_COLUMNS])
    for block in blocks:
        yield _csv_text(_answers_formula_safe(block.answer_cells))


def _csv_text(rows: Iterable[Sequence[object]]) -> str:
    # A new buffer each time: one emptied with seek and truncate holds four bytes a character
    # from then on and is slower to write and to read out.
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


# --- XLSX -------------------------------------------------------------------------------------


WIDTHS = {
    "text": 80,
    "text_markdown": 40,
    "organisation": 24,
    "moderation_reason": 30,
    "quote": 40,
    "section": 30,
    "page": 24,
    "author": 24,
    "model_links": 40,
    "themes": 24,
    "permalink": 36,
    "question_prompt": 40,
    "respondent": 24,
    "answer": 60,
}


def write_xlsx(
    blocks: Iterable[SectionBlock],
    out: IO[bytes],
    model: dict[str, object],
    include_notes: bool = False,
) -> None:
    """A sheet per page, one of the model links and, when the sections have questions, one of
    their answers (a row per answer); headers frozen, filters on, real dates. XlsxWriter's constant-memory mode writes
    each row out as it goes."""
    import xlsxwriter

    columns = _columns(include_notes)
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "in_memory": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    header = book.add_format({"bold": True, "bg_color": "#E6EEF7"})
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheets: dict[int, tuple[object, int]] = {}
    links_sheet = book.add_worksheet(str(_l("Mallilinkit")))
    links_row = 1
    for col, name in enumerate(["comment_id", "section", "model_links", "themes"]):
        links_sheet.write_string(0, col, name, header)
    width = len(columns)
    dates = {columns.index("created_at"), columns.index("edited_at")}
    # The answers' sheet comes last, after the pages' sheets that are added as the sections go
    # by: its rows wait in a file of their own meanwhile, not in memory. An export with no
    # questions in it has no such sheet, as before there were questions.
    questions = False
    with tempfile.TemporaryFile() as answers:
        for block in blocks:
            if block.questions:
                questions = True
                pickle.dump(_answers_formula_safe(block.answer_cells), answers)
            if block.page.id not in sheets:
                title = (
                    "".join(ch for ch in block.page.title if ch not in "[]:*?/\\")[:28] or "Sivu"
                )
                sheet = book.add_worksheet(f"{title} {len(sheets) + 1}"[:31])
                for col, name in enumerate(columns):
                    sheet.write_string(0, col, name, header)
                    sheet.set_column(col, col, WIDTHS.get(name, 12))
                sheet.freeze_panes(1, 0)
                sheets[block.page.id] = (sheet, 1)
            sheet, row_number = sheets[block.page.id]
            for row in map(ExportRow._make, _formula_safe(block.cells)):
                for col, value in enumerate(row[:width]):
                    if value is None:
                        continue  # an empty cell: the comment starts a thread
                    if isinstance(value, int):
                        sheet.write_number(row_number, col, value)
                    elif value and col in dates:
                        sheet.write_datetime(
                            row_number,
                            col,
                            datetime.fromisoformat(value).replace(tzinfo=None),
                            when,
                        )
                    else:
                        sheet.write_string(row_number, col, value)
                if row.model_links:
                    links_sheet.write_number(links_row, 0, row.id)
                    links_sheet.write_string(links_row, 1, row.section)
                    links_sheet.write_string(links_row, 2, row.model_links)
                    links_sheet.write_string(links_row, 3, row.themes)
                    links_row += 1
                row_number += 1
            sheets[block.page.id] = (sheet, row_number)
        for sheet, rows in sheets.values():
            sheet.autofilter(0, 0, max(rows - 1, 0), len(columns) - 1)  # type: ignore[attr-defined]
        links_sheet.autofilter(0, 0, max(links_row - 1, 0), 3)
        if questions:
            answers.seek(0)
            _answers_sheet(book, header, when, answers)
    book.close()


def _answers_sheet(book: Any, header: Any, when: Any, spool: IO[bytes]) -> None:
    """The sheet of the answers, a row per answer, from the sections' rows spooled in turn."""
    sheet = book.add_worksheet(str(_l("Vastaukset")))
    for col, name in enumerate(ANSWER_COLUMNS):
        sheet.write_string(0, col, name, header)
        sheet.set_column(col, col, WIDTHS.get(name, 12))
    sheet.freeze_panes(1, 0)
    answered_at = ANSWER_COLUMNS.index("answered_at")
    row_number = 1
    while True:
        try:
            rows = pickle.load(spool)  # noqa: S301 (our own file, written just before)
        except EOFError:
            break
        for cells in rows:
            for col, value in enumerate(cells):
                if isinstance(value, int):
                    sheet.write_number(row_number, col, value)
                elif value and col == answered_at:
                    moment = datetime.fromisoformat(value).replace(tzinfo=None)
                    sheet.write_datetime(row_number, col, moment, when)
                else:
                    sheet.write_string(row_number, col, value)
            row_number += 1
    sheet.autofilter(0, 0, max(row_number - 1, 0), len(ANSWER_COLUMNS) - 1)


# --- JSON -------------------------------------------------------------------------------------


def _threads_json(block: SectionBlock, include_notes: bool) -> str:
    """Rows in thread order written as nested threads of replies, without recursion: a chain of
    any depth (the encoder of the json module stops at about a thousand levels)."""
    left_out = {"page", "section"} if include_notes else {"page", "section", "internal_notes"}
    rows, themes, links = block.rows, block.themes, block.links
    stances = block.labels.stance if block.labels else {}
    out = ["["]
    open_ids: list[object] = []  # the comments whose "replies" list is being written
    has_items = [False]  # per open list: whether it holds a node already
    for row in rows:
        # Close the replies of everything below the row's parent; a root, or a reply whose
        # parent is not in the export, closes them all.
        parent = row.parent_id if row.parent_id in open_ids else None
        while open_ids and open_ids[-1] != parent:
            out.append("]}")
            open_ids.pop()
            has_items.pop()
        node = {
            key: value
            for key, value in zip(ExportRow._fields, row, strict=True)
            if key not in left_out
        }
        if row.visibility_code == REMOVED:  # a placeholder tells nothing of the comment
            node.pop("internal_notes", None)
            node["themes"], node["model_links"] = [], []
        else:  # lists as lists: the cells hold them joined for the spreadsheet formats
            node["themes"] = themes.get(row.id, [])
            node["model_links"] = [link.data(stances) for link in links.get(row.id, ())]
        if has_items[-1]:
            out.append(", ")
        has_items[-1] = True
        out.append(json.dumps(node, ensure_ascii=False)[:-1] + ', "replies": [')
        open_ids.append(row.id)
        has_items.append(False)
    out.append("]}" * len(open_ids))
    out.append("]")
    return "".join(out)


def json_chunks(
    blocks: Iterable[SectionBlock],
    workspace_title: str,
    model: dict[str, object],
    exported_at: str,
    include_notes: bool = False,
) -> Iterator[str]:
    """workspace → pages → sections → threads → replies, and sections → questions → answers,
    written a section at a time."""
    yield '{"workspace": ' + json.dumps(workspace_title, ensure_ascii=False)
    yield ', "exported_at": ' + json.dumps(exported_at)
    yield ', "model_design": ' + json.dumps(model, ensure_ascii=False)
    yield ', "pages": ['
    current_page = None
    first_section = True
    for block in blocks:
        if block.page.id != current_page:
            if current_page is not None:
                yield "]}, "
            current_page = block.page.id
            yield (
                '{"title": '
                + json.dumps(block.page.title, ensure_ascii=False)
                + ', "slug": '
                + json.dumps(block.page.slug)
                + ', "sections": ['
            )
            first_section = True
        section = {
            "heading": block.section.heading,
            "slug": block.section.slug,
            "version": block.section.version,
        }
        threads = _threads_json(block, include_notes)
        head = json.dumps(section, ensure_ascii=False)[:-1]
        questions = json.dumps([q.data() for q in block.questions], ensure_ascii=False)
        yield (
            ("" if first_section else ", ")
            + head
            + ', "threads": '
            + threads
            + ', "questions": '
            + questions
            + "}"
        )
        first_section = False
    if current_page is not None:
        yield "]}"
    yield "]}\n"


# --- readable reports -------------------------------------------------------------------------


class Summary:
    """Counts per section, kind, theme and alternative, kept up as the sections go by, so that a
    report's closing summary needs no second pass and no copy of the rows."""

    HEADINGS = {
        "section": _l("Kommentit osioittain"),
        "kind": _l("Kommentit tyypeittäin"),
        "theme": _l("Teemat"),
        "alternative": _l("Mallivaihtoehdot"),
    }

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {name: Counter() for name in self.HEADINGS}

    def sections(self) -> Iterator[tuple[str, Counter]]:
        """Each count with its heading in the export's language."""
        for name, heading in self.HEADINGS.items():
            yield str(heading), self.counts[name]

    def add(self, block: SectionBlock) -> None:
        counts = self.counts
        for row in block.rows:
            if row.visibility_code == REMOVED:
                continue
            counts["section"][block.section.heading] += 1
            counts["kind"][row.kind] += 1
            for theme in block.themes.get(row.id, ()):
                counts["theme"][theme] += 1
            for link in block.links.get(row.id, ()):
                counts["alternative"][link.alternative] += 1


def report_html_chunks(
    blocks: Iterable[SectionBlock], workspace_title: str, exported_at: str
) -> Iterator[str]:
    """A printable document: the summary needs every count first, so sections are rendered one at
    a time into the body and the summary goes last."""
    yield render_template(
        "exports/report_head.html", title=workspace_title, exported_at=exported_at
    )
    summary = Summary()
    for block in blocks:
        yield render_template("exports/report_section.html", block=block)
        summary.add(block)
    yield render_template("exports/report_tail.html", summary=summary)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>&|~])")


def md_text(value: object) -> str:
    """Text as Markdown that shows it as it is, on one line: the characters that could start a
    tag, an entity, a link, code or emphasis are backslash-escaped (as CommonMark allows for
    any ASCII punctuation), so a viewer that renders HTML runs nothing. What only matters at the
    start of a line (#, -, 1.) needs nothing: the text never starts one."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(str(value).split()))


def _md_questions(questions: list[QuestionAnswers]) -> str:
    """The section's questions with their results as Markdown tables."""
    if not questions:
        return ""
    out = [f"### {_('Kysymykset')}\n\n"]
    for question in questions:
        out.append(
            f"#### {md_text(question.question.prompt)}\n\n*{md_text(question.kind_label)}*\n\n"
        )
        for table in question.tables:
            out.append(f"{md_text(table.caption)}\n\n")
            out.append("| " + " | ".join(md_text(cell) or " " for cell in table.header) + " |\n")
            out.append("|" + " --- |" * len(table.header) + "\n")
            for row in table.rows:
                out.append("| " + " | ".join(md_text(cell) for cell in row) + " |\n")
            out.append("\n" + "".join(f"{md_text(note)}\n\n" for note in table.notes))
    return "".join(out)


def report_md_chunks(
    blocks: Iterable[SectionBlock], workspace_title: str, exported_at: str
) -> Iterator[str]:
    yield f"# {md_text(workspace_title)}\n\n{_('Vienti')} {md_text(exported_at)}\n\n"
    summary = Summary()
    for block in blocks:
        yield f"## {md_text(block.page.title)}: {md_text(block.section.heading)}\n\n"
        for row in block.rows:
            indent = "  " * row.depth
            if row.visibility_code == REMOVED:
                yield f"{indent}- *({_('poistettu kommentti %(id)s', id=row.id)})*\n"
                continue
            extra = "".join(
                f" \\[{label}: {md_text(value)}\\]"
                for value, label in ((row.themes, _("teemat")), (row.model_links, _("mallit")))
                if value
            )
            about = md_text(f"({row.kind}, {row.created_at}):")
            yield f"{indent}- **{md_text(row.author)}** {about} {md_text(row.text)}{extra}\n"
        yield "\n" + _md_questions(block.questions)
        summary.add(block)
    yield f"## {_('Yhteenveto')}\n\n"
    for heading, counter in summary.sections():
        yield (
            f"### {md_text(heading)}\n\n"
            + "".join(f"- {md_text(key)}: {value}\n" for key, value in counter.most_common())
            + "\n"
        )


def write_docx(
    blocks: Iterable[SectionBlock], out: IO[bytes], workspace_title: str, exported_at: str
) -> None:
    """The report as a Word document, written a section at a time (see wordml)."""
    wordml.write(
        out, workspace_title, exported_at, _docx_body(blocks, workspace_title, exported_at)
    )


def _docx_body(
    blocks: Iterable[SectionBlock], workspace_title: str, exported_at: str
) -> Iterator[str]:
    yield wordml.heading(workspace_title, 0)
    yield wordml.paragraph([wordml.run(f"{_('Vienti')} {exported_at}")])
    summary = Summary()
    for block in blocks:
        paragraphs = [wordml.heading(f"{block.page.title}: {block.section.heading}", 1)]
        for row in block.rows:
            style = "ListBullet" if row.depth == 0 else "ListBullet2"
            if row.visibility_code == REMOVED:
                runs = [wordml.run(f"({_('poistettu kommentti %(id)s', id=row.id)})", italic=True)]
            else:
                runs = [
                    wordml.run(f"{row.author} ({row.kind}, {row.created_at}): ", bold=True),
                    wordml.run(" ".join(row.text.split())),
                ]
                if row.themes or row.model_links:
                    runs.append(wordml.run(f"  [{row.themes} {row.model_links}]", italic=True))
            paragraphs.append(wordml.paragraph(runs, style))
        paragraphs.extend(_docx_questions(block.questions))
        yield "".join(paragraphs)
        summary.add(block)
    yield wordml.heading(_("Yhteenveto"), 1)
    for heading, counter in summary.sections():
        yield wordml.heading(heading, 2)
        for key, value in counter.most_common():
            yield wordml.paragraph([wordml.run(f"{key}: {value}")], "ListBullet")


def _docx_questions(questions: list[QuestionAnswers]) -> Iterator[str]:
    """The section's questions with their results, a table's row to a line (the report's Word
    writer has no tables)."""
    for question in questions:
        yield wordml.heading(question.question.prompt, 2)
        yield wordml.paragraph([wordml.run(question.kind_label, italic=True)])
        for table in question.tables:
            yield wordml.paragraph([wordml.run(table.caption, bold=True)])
            for row in table.rows:
                cells = [
                    f"{name}: {cell}" if name else cell
                    for name, cell in zip(table.header[1:], row[1:], strict=False)
                ]
                yield wordml.paragraph([wordml.run(f"{row[0]} – {'; '.join(cells)}")], "ListBullet")
            for note in table.notes:
                yield wordml.paragraph([wordml.run(note)])
