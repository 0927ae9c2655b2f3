"""Source formats writers use besides Markdown: Org, AsciiDoc, Jupyter notebooks, WXR.

Each is brought to what the Markdown reader (``markup.py``) reads — raw HTML, tags, quote
blocks and credit lines — without losing what the format adds:

* **Org** (also pandoc's HTML→Org output): ``#+begin_html`` / ``#+end_html`` markers and
  ``#+html:`` prefixes are dropped so that an embed split across several HTML blocks is one
  blockquote again; ``#+begin_quote`` blocks become blockquotes; Org links ``[[URL][text]]``
  become ``<a href>``; pandoc writes the em dash as ``---``. ``#+begin_src`` /
  ``#+begin_example`` blocks are code and skipped.
* **AsciiDoc**: passthrough blocks (``++++``) and ``pass:[…]`` hold raw HTML; listing and
  literal blocks (``----``, ``....``) are code and skipped.
* **Jupyter notebooks**: Markdown cells, and the ``text/html`` outputs of code cells.
* **WordPress export (WXR)**: each item's ``content:encoded`` is an article of its own
  (``iter_wxr_items``); WordPress turns a status URL alone on its line into an embed.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from archiver.errors import InputError

_ORG_MARKER = re.compile(r"^[ \t]*#\+(?:begin|end)_(?:html|export[ \t]+html)[ \t]*$", re.I | re.M)
_ORG_QUOTE = re.compile(r"^[ \t]*#\+(?:begin|(end))_quote[ \t]*$", re.I | re.M)
_ORG_HTML_LINE = re.compile(r"^([ \t]*)#\+html:[ \t]?", re.I | re.M)
_ORG_CODE = re.compile(
    r"^[ \t]*#\+begin_(src|example)\b.*?^[ \t]*#\+end_\1[ \t]*$", re.I | re.M | re.S
)
_ORG_LINK = re.compile(r"\[\[([^\[\]\s]{1,2000})\](?:\[([^\[\]]{0,500})\])?\]")
_ORG_DASH = re.compile(r"(?m)^([ \t>]*)---(?=[ \t])|(?<=[ \t])---(?=[ \t])")
_ADOC_DELIMITER = re.compile(r"(-{4,}|\.{4,})[ \t]*")
_ADOC_PASS = re.compile(r"^\+{4,}[ \t]*$", re.M)
_ADOC_INLINE = re.compile(r"pass:[a-z,]*\[(.*?)\]", re.S)


def _blank(match: re.Match[str]) -> str:
    """Keep line count (evidence positions), drop the content."""
    return "\n" * match.group(0).count("\n")


def org_to_markup(text: str) -> str:
    """An Org document as the Markdown reader reads it (raw HTML joined, links as HTML)."""
    text = _ORG_CODE.sub(_blank, text)
    text = _ORG_MARKER.sub("", text)
    text = _ORG_QUOTE.sub(lambda m: "</blockquote>" if m.group(1) else "<blockquote>", text)
    text = _ORG_HTML_LINE.sub(r"\1", text)
    text = _ORG_LINK.sub(lambda m: f'<a href="{m.group(1)}">{m.group(2) or m.group(1)}</a>', text)
    return _ORG_DASH.sub(lambda m: (m.group(1) or "") + "\u2014", text)


def _blank_delimited_blocks(text: str) -> str:
    """AsciiDoc listing (``----``) and literal (``....``) blocks emptied, their lines kept.

    A block runs from a delimiter line to the next line with the same delimiter; a delimiter
    that is never closed opens nothing. Found by a look-up of each delimiter's lines, so many
    unclosed delimiters cost linear time (a regex with a back-reference was quadratic).
    """
    lines = text.split("\n")
    where: dict[str, list[int]] = {}
    for number, line in enumerate(lines):
        match = _ADOC_DELIMITER.fullmatch(line)
        if match:
            where.setdefault(match.group(1), []).append(number)
    if not where:
        return text
    number = 0
    while number < len(lines):
        match = _ADOC_DELIMITER.fullmatch(lines[number])
        if match:
            same = where[match.group(1)]
            after = bisect_right(same, number)
            if after < len(same):
                end = same[after]
                lines[number : end + 1] = [""] * (end + 1 - number)
                number = end + 1
                continue
        number += 1
    return "\n".join(lines)


def asciidoc_to_markup(text: str) -> str:
    """An AsciiDoc document as the Markdown reader reads it (passthrough HTML kept)."""
    text = _blank_delimited_blocks(text)
    text = _ADOC_PASS.sub("", text)
    return _ADOC_INLINE.sub(lambda m: m.group(1), text)


def notebook_parts(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` per Markdown cell (``markdown``) and HTML output (``html``)."""
    try:
        notebook = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not a readable notebook: {exc.args[0]}") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        # nbformat 3 kept the cells in worksheets.
        sheets = notebook.get("worksheets") if isinstance(notebook, dict) else None
        cells = [c for s in sheets or [] if isinstance(s, dict) for c in s.get("cells") or []]
    parts = []
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        if cell.get("cell_type") == "markdown":
            parts.append(("markdown", _joined(cell.get("source"))))
        for output in cell.get("outputs") or []:
            data = output.get("data") if isinstance(output, dict) else None
            if isinstance(data, dict) and "text/html" in data:
                parts.append(("html", _joined(data["text/html"])))
    return [(kind, part) for kind, part in parts if part.strip()]


def _joined(value: object) -> str:
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


_WXR_NS = "http://wordpress.org/export/"


def is_wxr(text: str) -> bool:
    """A WordPress export: RSS with the ``wp:`` export namespace."""
    head = text[:4000]
    return "<rss" in head and _WXR_NS in head


@dataclass(frozen=True)
class WxrItem:
    """One post or page of a WordPress export."""

    title: str | None
    link: str | None
    guid: str | None
    content: str


def iter_wxr_items(data: bytes) -> Iterator[WxrItem]:
    """Posts and pages of a WordPress export, with their content (attachments skipped)."""
    parser = etree.XMLParser(recover=True, huge_tree=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not a readable WordPress export: {exc}") from None
    if root is None:
        raise InputError("not a readable WordPress export")
    for item in root.iter("item"):
        kinds = [c.text for c in item if isinstance(c.tag, str) and c.tag.endswith("}post_type")]
        if "attachment" in kinds:
            continue
        content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
        if not content.strip():
            continue
        yield WxrItem(
            title=(item.findtext("title") or "").strip() or None,
            link=(item.findtext("link") or "").strip() or None,
            guid=(item.findtext("guid") or "").strip() or None,
            content=content,
        )
