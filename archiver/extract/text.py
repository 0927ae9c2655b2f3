"""The flattened form of an embed that text copies of articles contain.

::

    Les villes s’imposent comme des actrices incontournables des relations internationales.
    J’en discuterai … #CORIM #polmtl pic.twitter.com/fic7j4aKUV
    — Valérie Plante (@Val_Plante) April 12, 2023

The body is the run of lines directly above the credit line, taken upward one line at a time
within hard limits: it still fits in a tweet (280 weighted characters; a trailing
``pic.twitter.com`` or quoted-tweet link and the @mentions opening a reply count 0, as on
Twitter), and it stops at an empty line and at the previous credit line. Whether each further
line is the tweet's or the article's is weighed in ``boundary.py``; a line in doubt is kept and
the tweet is marked ``text_uncertain`` with the reading without it as ``text_alternative``.
A list item's marker (``- ``) opening the body is the text extractor's, not the tweet's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from archiver import dates
from archiver.entities import weighted_length
from archiver.extract.boundary import ITEM_MARKER, Candidate, Page, Verdict, verdict
from archiver.extract.common import Credit, make_tweet, parse_credit
from archiver.extract.social import flattened_bluesky
from archiver.model import Found

MAX_WEIGHT = 280
# Starts only where white space starts (the leftmost match does anyway): tried at every
# position of a long run of spaces, the leading \s* made the search quadratic.
_TRAILING_LINKS = re.compile(
    r"(?<!\s)(?:\s*(?:(?:https?://)?pic\.(?:twitter|x)\.com/\w+|https?://t\.co/\w+)){1,2}\s*$",
    re.IGNORECASE,
)
_REPLY_MENTIONS = re.compile(r"^(?:[@\uff20]\w{1,15}\s+){1,50}")
_GLUED_MEDIA = re.compile(r"(?<=[^\s/.])(?=pic\.twitter\.com/\w)")
_QUOTE = re.compile(r"^[ \t]{0,3}((?:>[ \t]?)+)")


@dataclass(frozen=True)
class _Line:
    raw: str  # the line without its quote markers
    depth: int  # Markdown ">" quote depth

    @property
    def empty(self) -> bool:
        return self.raw == ""

    @property
    def blank(self) -> bool:
        return self.raw.strip() == ""


def _lines(text: str) -> list[_Line]:
    out = []
    for raw in text.split("\n"):
        raw = raw.rstrip("\r")
        match = _QUOTE.match(raw)
        if match:
            out.append(_Line(raw[match.end() :], match.group(1).count(">")))
        else:
            out.append(_Line(raw, 0))
    return out


def _fits(body: list[str]) -> bool:
    """Whether the lines fit in one tweet, counted as Twitter counts the limit.

    What Twitter leaves out of the 280 is left out here too: the trailing media link, the
    trailing link of a quoted tweet, and the @mentions that open a reply.
    """
    text = "\n".join(body)
    text = _TRAILING_LINKS.sub("", text)
    text = _REPLY_MENTIONS.sub("", text)
    return weighted_length(text) <= MAX_WEIGHT


def _is_credit(line: _Line) -> bool:
    stripped = line.raw.lstrip()
    return (
        bool(stripped)
        and stripped[0] in "\u2014\u2015-\u2013&"
        and parse_credit(line.raw, bluesky=True) is not None
    )


def extract_text(text: str) -> list[Found]:
    """Every flattened tweet in a text, in order."""
    if "(" not in text or "@" not in text and "\uff20" not in text:
        return []
    text, with_media = _bluesky_placeholders(text)
    lines = _lines(text)
    credits = [
        (i, credit)
        for i, line in enumerate(lines)
        if "(" in line.raw and (credit := parse_credit(line.raw, bluesky=True)) is not None
    ]
    if not credits:
        return []
    reaches = [(i, _reach(lines, i, credit)) for i, credit in credits]
    page = _page(lines, reaches)
    found = []
    for (i, credit), (_, reach) in zip(credits, reaches, strict=True):
        date_text = credit.date_text
        next_line = lines[i + 1].raw.strip() if i + 1 < len(lines) else ""
        used_next = False
        if not date_text and next_line and dates.parse_shown_date(next_line):
            date_text, used_next = next_line, True
        body, first, alternative = _body(lines, i, credit, reach, page)
        if not body:
            continue
        if "." in credit.handle:  # a Bluesky post's credit: its handle is a host name
            tweet = flattened_bluesky(
                handle=credit.handle,
                author=credit.author,
                date_text=date_text or None,
                text="\n".join(body),
                media=i in with_media,
            )
        else:
            tweet = make_tweet(
                tweet_id=None,
                handle=credit.handle,
                author=credit.author,
                date_text=date_text or None,
                text=_GLUED_MEDIA.sub(" ", "\n".join(body)),
            )
        if alternative is not None:
            tweet = replace(
                tweet, text_uncertain=True, text_alternative=_GLUED_MEDIA.sub(" ", alternative)
            )
        last = i + 1 if used_next else i
        snippet = "\n".join(x.raw for x in lines[first : last + 1])
        found.append(Found(tweet=tweet, snippet=snippet, markup="flattened text"))
    return found


# A Bluesky embed copied to text: its "[image or embed]" link (escaped by Markdown tools) stands
# on its own line, after an empty one, right above the credit.
_PLACEHOLDER = re.compile(
    r"\n[ \t]*\n[ \t]*\\?\[image or embed\\?\][ \t]*\n"
    r"(?=[ \t]*(?:\u2014|&mdash;|---?)[^\n]*\(@[^\s()]+\.)"
)


def _bluesky_placeholders(text: str) -> tuple[str, set[int]]:
    """``text`` without the Bluesky media placeholders that sit above a credit (the post's
    lines are then read up to that credit as for a tweet), and the line numbers of those
    credits in the result."""
    if "image or embed" not in text:
        return text, set()
    lines: set[int] = set()
    out: list[str] = []
    pos = newlines = 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(text[pos : match.start()] + "\n")
        newlines += text.count("\n", pos, match.start()) + 1  # a running count: linear time
        pos = match.end()
        lines.add(newlines)
    out.append(text[pos:])
    return "".join(out), lines


def _page(lines: list[_Line], reaches: list[tuple[int, list[tuple[int, bool]]]]) -> Page:
    """The page's own paragraphs: every line no tweet could reach (else every line)."""
    reached = {k for at, reach in reaches for k in (at, at + 1, *(j for j, _ in reach))}
    prose = [x.raw for k, x in enumerate(lines) if k not in reached]
    return Page.of(prose if any(x.strip() for x in prose) else [x.raw for x in lines])


def _reach(lines: list[_Line], at: int, credit: Credit) -> list[tuple[int, bool]]:
    """The lines above the credit at ``lines[at]`` that the tweet could take, within the hard
    limits, bottom up: (index, whether a white-space-only line lies below it)."""
    depth = lines[at].depth
    taken: list[str] = [credit.before.strip()] if credit.before.strip() else []
    out: list[tuple[int, bool]] = []
    j = at - 1
    # In a Markdown quote block an empty quote line may separate the body from the credit.
    while not taken and j >= 0 and depth and lines[j].depth == depth and lines[j].blank:
        j -= 1
    gap = False
    while j >= 0:
        line = lines[j]
        if line.depth != depth or line.empty or _is_credit(line):
            break
        if line.blank:  # white space of the page's indentation: weighed, never kept
            gap = gap or bool(taken)
            j -= 1
            continue
        stripped = line.raw.strip()
        if not _fits([stripped, *taken]):
            break
        taken.insert(0, stripped)
        out.append((j, gap))
        gap = False
        j -= 1
    return out


def _body(
    lines: list[_Line], at: int, credit: Credit, reach: list[tuple[int, bool]], page: Page
) -> tuple[list[str], int, str | None]:
    """The tweet's lines above the credit at ``lines[at]``, the index of the first one, and
    the shorter reading when a line was taken in doubt (else None)."""
    body: list[str] = [credit.before.strip()] if credit.before.strip() else []
    raw: list[str] = [credit.before] if body else []
    first = at
    alternative: list[str] | None = None
    for n, (j, gap) in enumerate(reach):
        line = lines[j].raw
        if body:
            above = lines[reach[n + 1][0]].raw if n + 1 < len(reach) else None
            candidate = Candidate(line, tuple(raw), gap, credit.author, credit.handle, above)
            seen = verdict(candidate, page)
            if seen is Verdict.PROSE:
                break
            if seen is Verdict.DOUBT and alternative is None:
                alternative = list(body)
        body.insert(0, line.strip())
        raw.insert(0, line)
        first = j
    if body:
        body[0] = ITEM_MARKER.sub("", body[0])
    if alternative:
        alternative[0] = ITEM_MARKER.sub("", alternative[0])
    return body, first, "\n".join(alternative) if alternative else None
