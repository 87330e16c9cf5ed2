"""Writing export rows: CSV, XLSX, JSON and readable reports. Every writer streams: it takes the
section blocks one at a time and never holds the whole discussion."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO

from flask import render_template

from valuma_space.exports.rows import COLUMNS, SectionBlock

FORMATS = ("csv", "xlsx", "json", "report-html", "report-md", "report-docx")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "report-html": "text/html; charset=utf-8",
    "report-md": "text/markdown; charset=utf-8",
    "report-docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {
    "csv": "csv",
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
    "themes",
    "model_links",
    "text",
    "internal_notes",
}


def _columns(include_notes: bool) -> list[str]:
    return [*COLUMNS, "internal_notes"] if include_notes else COLUMNS


# --- CSV --------------------------------------------------------------------------------------


def csv_chunks(blocks: Iterable[SectionBlock], include_notes: bool = False) -> Iterator[str]:
    """UTF-8 with a byte-order mark (Excel then reads ä and ö right), RFC 4180 quoting."""
    columns = _columns(include_notes)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(columns)
    checked = [column in FREE_TEXT for column in columns]
    for block in blocks:
        for row in block.rows:
            writer.writerow(
                [
                    neutralise(value) if check else value
                    for value, check in zip(map(row.get, columns), checked, strict=True)
                ]
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


# --- XLSX -------------------------------------------------------------------------------------


WIDTHS = {
    "text": 80,
    "quote": 40,
    "section": 30,
    "page": 24,
    "author": 24,
    "model_links": 40,
    "themes": 24,
    "permalink": 36,
}


def write_xlsx(
    blocks: Iterable[SectionBlock],
    out: IO[bytes],
    model: dict[str, object],
    include_notes: bool = False,
) -> None:
    """A sheet per page and one of the model links; headers frozen, filters on, real dates.
    XlsxWriter's constant-memory mode writes each row out as it goes."""
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
    links_sheet = book.add_worksheet("Mallilinkit")
    links_row = 1
    for col, name in enumerate(["comment_id", "section", "model_links", "themes"]):
        links_sheet.write_string(0, col, name, header)
    for block in blocks:
        if block.page.id not in sheets:
            title = "".join(ch for ch in block.page.title if ch not in "[]:*?/\\")[:28] or "Sivu"
            sheet = book.add_worksheet(f"{title} {len(sheets) + 1}"[:31])
            for col, name in enumerate(columns):
                sheet.write_string(0, col, name, header)
                sheet.set_column(col, col, WIDTHS.get(name, 12))
            sheet.freeze_panes(1, 0)
            sheets[block.page.id] = (sheet, 1)
        sheet, row_number = sheets[block.page.id]
        for row in block.rows:
            for col, name in enumerate(columns):
                value = row.get(name, "")
                if name in {"created_at", "edited_at"} and value:
                    sheet.write_datetime(
                        row_number,
                        col,
                        datetime.fromisoformat(str(value)).replace(tzinfo=None),
                        when,
                    )
                elif isinstance(value, int):
                    sheet.write_number(row_number, col, value)
                else:
                    sheet.write_string(row_number, col, str(neutralise(value)))
            if row.get("model_links"):
                links_sheet.write_number(links_row, 0, int(row["id"]))  # type: ignore[arg-type]
                links_sheet.write_string(links_row, 1, str(neutralise(row["section"])))
                links_sheet.write_string(links_row, 2, str(neutralise(row["model_links"])))
                links_sheet.write_string(links_row, 3, str(neutralise(row["themes"])))
                links_row += 1
            row_number += 1
        sheets[block.page.id] = (sheet, row_number)
    for sheet, rows in sheets.values():
        sheet.autofilter(0, 0, max(rows - 1, 0), len(columns) - 1)  # type: ignore[attr-defined]
    links_sheet.autofilter(0, 0, max(links_row - 1, 0), 3)
    book.close()


# --- JSON -------------------------------------------------------------------------------------


def _nest(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows in thread order back into threads of replies."""
    roots: list[dict[str, object]] = []
    by_id: dict[object, dict[str, object]] = {}
    for row in rows:
        node = {key: value for key, value in row.items() if key not in {"page", "section"}}
        node["replies"] = []
        by_id[row["id"]] = node
        parent = by_id.get(row["parent_id"])
        (parent["replies"] if parent is not None else roots).append(node)  # type: ignore[union-attr]
    return roots


def json_chunks(
    blocks: Iterable[SectionBlock], workspace_title: str, model: dict[str, object], exported_at: str
) -> Iterator[str]:
    """workspace → pages → sections → threads → replies, written a section at a time."""
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
            "threads": _nest(block.rows),
        }
        yield ("" if first_section else ", ") + json.dumps(section, ensure_ascii=False)
        first_section = False
    if current_page is not None:
        yield "]}"
    yield "]}\n"


# --- readable reports -------------------------------------------------------------------------


class Summary:
    """Counts per section, kind, theme and alternative, kept up as the sections go by, so that a
    report's closing summary needs no second pass and no copy of the rows."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {
            "section": Counter(),
            "kind": Counter(),
            "theme": Counter(),
            "alternative": Counter(),
        }

    def add(self, block: SectionBlock) -> None:
        counts = self.counts
        for row in block.rows:
            if row["visibility"] == "removed":
                continue
            counts["section"][block.section.heading] += 1
            counts["kind"][str(row["kind"])] += 1
            for theme in filter(None, str(row["themes"]).split("; ")):
                counts["theme"][theme] += 1
            for link in filter(None, str(row["model_links"]).split("; ")):
                counts["alternative"][link.split(" – ")[0].split(" (")[0]] += 1


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
    yield render_template("exports/report_tail.html", summary=summary.counts)


def report_md_chunks(
    blocks: Iterable[SectionBlock], workspace_title: str, exported_at: str
) -> Iterator[str]:
    yield f"# {workspace_title}\n\nVienti {exported_at}\n\n"
    summary = Summary()
    for block in blocks:
        yield f"## {block.page.title}: {block.section.heading}\n\n"
        for row in block.rows:
            indent = "  " * int(row["depth"])  # type: ignore[arg-type]
            if row["visibility"] == "removed":
                yield f"{indent}- *(poistettu kommentti {row['id']})*\n"
                continue
            text = " ".join(str(row["text"]).split())
            extra = "".join(
                f" [{label}: {row[key]}]"
                for key, label in (("themes", "teemat"), ("model_links", "mallit"))
                if row[key]
            )
            yield f"{indent}- **{row['author']}** ({row['kind']}, {row['created_at']}): {text}{extra}\n"
        yield "\n"
        summary.add(block)
    yield "## Yhteenveto\n\n"
    for name, counter in summary.counts.items():
        yield (
            f"### {name}\n\n"
            + "".join(f"- {key}: {value}\n" for key, value in counter.most_common())
            + "\n"
        )


def write_docx(
    blocks: Iterable[SectionBlock], out: IO[bytes], workspace_title: str, exported_at: str
) -> None:
    from docx import Document

    document = Document()
    document.add_heading(workspace_title, level=0)
    document.add_paragraph(f"Vienti {exported_at}")
    summary = Summary()
    for block in blocks:
        document.add_heading(f"{block.page.title}: {block.section.heading}", level=1)
        for row in block.rows:
            paragraph = document.add_paragraph(
                style="List Bullet" if int(row["depth"]) == 0 else "List Bullet 2"
            )  # type: ignore[arg-type]
            if row["visibility"] == "removed":
                paragraph.add_run(f"(poistettu kommentti {row['id']})").italic = True
                continue
            paragraph.add_run(f"{row['author']} ({row['kind']}, {row['created_at']}): ").bold = True
            paragraph.add_run(" ".join(str(row["text"]).split()))
            if row["themes"] or row["model_links"]:
                paragraph.add_run(f"  [{row['themes']} {row['model_links']}]").italic = True
        summary.add(block)
    document.add_heading("Yhteenveto", level=1)
    for name, counter in summary.counts.items():
        document.add_heading(name, level=2)
        for key, value in counter.most_common():
            document.add_paragraph(f"{key}: {value}", style="List Bullet")
    document.save(out)
