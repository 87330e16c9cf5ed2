"""A Word document (.docx) written straight into its zip package, its body streamed.

python-docx builds the whole document as an XML tree in memory before saving it: for 100,000
comments that took 500 MB and eight minutes. A report needs only headings, bulleted paragraphs
and bold or italic runs, so the few fixed parts of the package are written here as they are and
the body is streamed into word/document.xml as it is made.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from typing import IO
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = f"""{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

PACKAGE_RELS = f"""{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">
<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="{PACKAGE_RELATIONSHIPS}/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""

DOCUMENT_RELS = f"""{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">
<Relationship Id="rId1" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="{RELATIONSHIPS}/numbering" Target="numbering.xml"/>
</Relationships>"""

# Word knows "heading 1" and "heading 2" by these lower-case names: they then show in its
# navigation pane and table of contents (python-docx reads them back as "Heading 1").
STYLES = f"""{XML_DECLARATION}<w:styles xmlns:w="{MAIN}">
<w:docDefaults>
<w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="fi-FI"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:color w:val="17365D"/><w:sz w:val="48"/><w:szCs w:val="48"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:color w:val="365F91"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>
<w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr>
<w:rPr><w:b/><w:bCs/><w:color w:val="4F81BD"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/>
<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:spacing w:after="80"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet2"><w:name w:val="List Bullet 2"/><w:basedOn w:val="Normal"/>
<w:pPr><w:numPr><w:numId w:val="2"/></w:numPr><w:spacing w:after="80"/></w:pPr></w:style>
</w:styles>"""


def _bullet(number: int, style: str, symbol: str, indent: int) -> str:
    return (
        f'<w:abstractNum w:abstractNumId="{number}"><w:multiLevelType w:val="singleLevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
        f'<w:pStyle w:val="{style}"/><w:lvlText w:val="{symbol}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{indent}" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
    )


NUMBERING = (
    f'{XML_DECLARATION}<w:numbering xmlns:w="{MAIN}">'
    + _bullet(0, "ListBullet", "•", 360)
    + _bullet(1, "ListBullet2", "◦", 720)
    + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    + '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
)

# A4 with 2.5 cm margins.
BODY_START = f'{XML_DECLARATION}<w:document xmlns:w="{MAIN}"><w:body>'
BODY_END = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709"'
    ' w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>'
)

# Characters XML 1.0 does not allow at all: a comment could hold them, a document cannot.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
BREAKS = re.compile("\r\n|\r|\n")


def run(text: str, bold: bool = False, italic: bool = False) -> str:
    """A run of text; tabs and line breaks become Word's own, as python-docx makes them."""
    properties = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    text = escape(NOT_XML.sub("", text))
    text = BREAKS.sub('</w:t><w:br/><w:t xml:space="preserve">', text)
    text = text.replace("\t", '</w:t><w:tab/><w:t xml:space="preserve">')
    return (
        "<w:r>"
        + (f"<w:rPr>{properties}</w:rPr>" if properties else "")
        + f'<w:t xml:space="preserve">{text}</w:t></w:r>'
    )


def paragraph(runs: Iterable[str], style: str = "") -> str:
    """A paragraph of `runs`; `style` is a style id from STYLES, or none for Normal."""
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{properties}{''.join(runs)}</w:p>"


def heading(text: str, level: int) -> str:
    """Level 0 is the document's title."""
    return paragraph([run(text)], f"Heading{level}" if level else "Title")


def write(out: IO[bytes], title: str, created: str, body: Iterable[str]) -> None:
    """The package, with `body` (paragraphs, in pieces of any size) as the document's text.
    `created` is an ISO 8601 moment."""
    core = (
        f"{XML_DECLARATION}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(NOT_XML.sub('', title))}</dc:title>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{escape(created)}</dcterms:created>'
        "</cp:coreProperties>"
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("docProps/core.xml", core)
        package.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS)
        package.writestr("word/styles.xml", STYLES)
        package.writestr("word/numbering.xml", NUMBERING)
        with package.open("word/document.xml", "w") as document:
            document.write(BODY_START.encode())
            for piece in body:
                document.write(piece.encode())
            document.write(BODY_END.encode())
