"""Markdown as the text a reader sees: no `**`, `###` or `![…]`, the structure kept in plain
characters (paragraphs apart, list items on lines of their own). For exports, excerpts and mail,
and for differences between versions that readers read.

It walks markdown-it's tokens rather than stripping the rendered HTML, so that what is shown is
what the renderer made of the source, and nothing in the source can become markup."""

from __future__ import annotations

from markdown_it.token import Token

from valuma_space.materials.markdown import parse


def _inline(children: list[Token]) -> str:
    out: list[str] = []
    link_targets: list[str] = []
    link_starts: list[int] = []
    for token in children:
        if token.type in {"text", "code_inline"}:
            out.append(token.content)
        elif token.type in {"softbreak", "hardbreak"}:
            out.append("\n")
        elif token.type == "image":
            out.append(token.content or "")  # its alt text
        elif token.type == "link_open":
            link_targets.append(str(token.attrGet("href") or ""))
            link_starts.append(len(out))
        elif token.type == "link_close" and link_targets:
            href, start = link_targets.pop(), link_starts.pop()
            text = "".join(out[start:])
            if href and href not in {text, f"mailto:{text}"}:
                out.append(f" ({href})")
    return "".join(out)


def plain_text(source: str) -> str:
    """`source` as plain text: blocks a blank line apart, list items as `- ` or `1. ` lines,
    quotes as `> ` lines, links as their text with the address after it."""
    blocks: list[str] = []
    prefixes: list[str] = []  # the open lists and quotes, outermost first
    numbers: list[int] = []
    item_pending: list[str] = []
    tight = False
    row: list[str] | None = None  # the cells of the table row being read
    for token in parse(source):
        kind = token.type
        if kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            line = " | ".join(row)
            if blocks and tight:
                blocks[-1] += "\n" + line
            else:
                blocks.append(line)
            tight, row = True, None
        elif kind in {"table_open", "table_close"}:
            tight = False
        elif kind == "inline" and row is not None:
            row.append(_inline(token.children or []))
        elif kind == "bullet_list_open":
            prefixes.append("- ")
            numbers.append(0)
        elif kind == "ordered_list_open":
            prefixes.append("#")
            numbers.append(int(token.attrGet("start") or 1) - 1)
        elif kind in {"bullet_list_close", "ordered_list_close"}:
            prefixes.pop()
            numbers.pop()
        elif kind == "list_item_open":
            if prefixes[-1] == "#":
                numbers[-1] += 1
                item_pending.append(f"{numbers[-1]}. ")
            else:
                item_pending.append("- ")
        elif kind == "blockquote_open":
            prefixes.append("> ")
            numbers.append(0)
        elif kind == "blockquote_close":
            prefixes.pop()
            numbers.pop()
        elif kind == "inline" or kind in {"fence", "code_block"}:
            text = _inline(token.children or []) if kind == "inline" else token.content.rstrip("\n")
            if not text.strip():
                continue
            marker = item_pending.pop() if item_pending else ""
            quote = "> " * prefixes.count("> ")
            depth = sum(1 for prefix in prefixes if prefix != "> ")
            indent = "  " * max(depth - 1, 0)
            lines = text.split("\n")
            first = f"{quote}{indent}{marker}{lines[0]}"
            rest = [f"{quote}{indent}{' ' * len(marker)}{line}" for line in lines[1:]]
            in_list = depth > 0
            joined = "\n".join([first, *rest])
            if in_list and blocks and tight:
                blocks[-1] += "\n" + joined
            else:
                blocks.append(joined)
            tight = in_list
        elif kind == "hr":
            blocks.append("—")
            tight = False
        if kind in {"bullet_list_close", "ordered_list_close"} and not prefixes:
            tight = False
    return "\n\n".join(block.rstrip() for block in blocks).strip()
