"""Reading HTML elements as a reader sees them: visible text, links, and exact source.

Shared by the embed readers (``html.py``) and the publisher containers (``containers.py``):
the visible text of a subtree with HTML's white-space rules and the spans of its links, and
the markup of an element exactly as written in the page (the evidence kept in the archive).
"""

from __future__ import annotations

import re
from functools import cache

from lxml import etree

from archiver.extract.common import Anchor

WS = re.compile(r"[ \t\r\n\f]+")
_SPACE_CHARS = " \t\r\n\f"  # HTML's white space (not Python's: no NBSP, no \v)
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "textarea", "svg", "button"})
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "section",
        "header",
        "footer",
        "figure",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "table",
    }
)


def classes(el: etree._Element) -> set[str]:
    return set((el.get("class") or "").lower().split())


@cache
def _tag_pattern(tag: str, before: str, after: str) -> re.Pattern[str]:
    """A tag's opener (or closer) pattern, compiled once per tag: ``re``'s own cache lookup
    cost as much as the match."""
    return re.compile(before + re.escape(tag) + after, re.IGNORECASE)


class SourceIndex:
    """Finds the exact source text of an element, so evidence is the markup as written."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._line_starts: list[int] | None = None
        # Per tag: each element's rank among the tag's elements on its line; per (tag, line):
        # where the tag's openers are. Built once, so a page of many embeds stays linear.
        self._ranks: dict[str, dict[etree._Element, int]] = {}
        self._openers: dict[tuple[str, int], list[int]] = {}

    def snippet(self, el: etree._Element) -> str:
        exact = self._exact(el)
        if exact is not None:
            return exact
        return etree.tostring(el, encoding="unicode", with_tail=False, method="html")

    def _exact(self, el: etree._Element) -> str | None:
        line = el.sourceline
        if not line:
            return None
        if self._line_starts is None:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", self.source))
            self._line_starts = starts
        if line > len(self._line_starts):
            return None
        # Which occurrence of this tag on that line is it?
        ranks = self._ranks.get(el.tag)
        if ranks is None:
            ranks, on_line = {}, {}
            for other in el.getroottree().getroot().iter(el.tag):
                ranks[other] = on_line.get(other.sourceline, 0)
                on_line[other.sourceline] = ranks[other] + 1
            self._ranks[el.tag] = ranks
        nth = ranks.get(el)
        if nth is None:
            # Not under its document's root (lxml moves what follows </html> elsewhere):
            # no rank, so the element's own serialization is the evidence.
            return None
        matches = self._openers.get((el.tag, line))
        if matches is None:
            start_of_line = self._line_starts[line - 1]
            end_of_line = (
                self._line_starts[line] if line < len(self._line_starts) else len(self.source)
            )
            opener = _tag_pattern(el.tag, r"<", r"\b")
            matches = [m.start() for m in opener.finditer(self.source, start_of_line, end_of_line)]
            self._openers[(el.tag, line)] = matches
        if nth >= len(matches):
            return None
        return self._to_close(matches[nth], el.tag)

    def _to_close(self, start: int, tag: str) -> str | None:
        pattern = _tag_pattern(tag, r"<(/?)", r"\b[^>]*>")
        depth = 0
        limit = min(len(self.source), start + 200_000)
        for match in pattern.finditer(self.source, start, limit):
            if match.group(1):
                depth -= 1
                if depth == 0:
                    return self.source[start : match.end()]
            elif not match.group(0).endswith("/>"):
                depth += 1
        return None


class TextWalker:
    """Visible text of a subtree, HTML white-space rules applied, with the anchors' spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.space = False
        self.anchors: list[Anchor] = []
        self.stop: etree._Element | None = None
        self.stopped = False

    def emit(self, text: str) -> None:
        """Add a text node: white-space runs collapse to one space, as a browser shows them.

        Done a node at a time with ``str.strip`` and one ``sub`` (a word at a time in Python
        was the largest cost of reading an embed).
        """
        if self.stopped or not text:
            return
        if text[0] in _SPACE_CHARS:
            self.space = True
        body = text.strip(_SPACE_CHARS)
        if not body:
            return
        if self.space and self.length and self.parts[-1][-1:] != "\n":
            self._put(" ")
        self._put(WS.sub(" ", body))
        self.space = text[-1] in _SPACE_CHARS

    def newline(self) -> None:
        """Start a new line unless at one already (block elements)."""
        self.space = False
        if self.length and self.parts[-1][-1:] != "\n":
            self._put("\n")

    def _put(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def walk(self, el: etree._Element, skip: set[etree._Element] | None = None) -> None:
        if el.text:
            self.emit(el.text)
        for child in el:
            self._child(child, skip)
            if child.tail:
                self.emit(child.tail)

    def _child(self, el: etree._Element, skip: set[etree._Element] | None) -> None:
        if el is self.stop:
            self.stopped = True
        if self.stopped:
            return
        tag = el.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS or (skip and el in skip):
            return
        if tag == "br":
            self.space = False
            if self.length:
                self._put("\n")  # each <br> is a line break: <br><br> keeps a blank line
            return
        if tag == "img":
            if "emoji" in (el.get("class") or "").lower():
                self.emit(el.get("alt") or "")
            return
        if tag in _BLOCK_TAGS:
            self.newline()
        if tag == "a":
            start = self.length + (1 if self.space and self.length else 0)
            self.walk(el, skip)
            self.anchors.append(
                Anchor(
                    start,
                    self.length,
                    el.get("href") or "",
                    "",
                    el.get("title") or el.get("data-expanded-url"),
                )
            )
        else:
            self.walk(el, skip)
        if tag in _BLOCK_TAGS:
            self.newline()

    def result(self) -> tuple[str, list[Anchor]]:
        raw = "".join(self.parts)
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        anchors = []
        for a in self.anchors:
            start, end = max(a.start - lead, 0), min(a.end - lead, len(text))
            piece = text[start:end]
            start += len(piece) - len(piece.lstrip())
            end -= len(piece) - len(piece.rstrip())
            if end > start:
                anchors.append(Anchor(start, end, a.href, text[start:end], a.title))
        return text, anchors


def visible(
    el: etree._Element, skip: set[etree._Element] | None = None, stop: etree._Element | None = None
) -> tuple[str, list[Anchor]]:
    """The visible text of ``el`` (minus ``skip``, up to ``stop``) and its anchors."""
    builder = TextWalker()
    builder.stop = stop
    builder.walk(el, skip)
    return builder.result()


def lang_of(el: etree._Element) -> str | None:
    return (
        el.get("lang") or el.get("{http://www.w3.org/XML/1998/namespace}lang") or el.get("xml:lang")
    )


def inside(el: etree._Element, ancestor: etree._Element) -> bool:
    parent = el
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def join_paragraphs(pieces: list[tuple[str, list[Anchor]]]) -> tuple[str, list[Anchor]]:
    """Paragraphs of one tweet joined by a blank line (wpautop split them at one)."""
    text = ""
    anchors: list[Anchor] = []
    for piece, piece_anchors in pieces:
        if not piece:
            continue
        if text:
            text += "\n\n"
        offset = len(text)
        anchors.extend(
            Anchor(a.start + offset, a.end + offset, a.href, a.text, a.title) for a in piece_anchors
        )
        text += piece
    return text, anchors
