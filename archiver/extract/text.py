"""The flattened form of an embed that text copies of articles contain.

::

    Les villes s’imposent comme des actrices incontournables des relations internationales.
    J’en discuterai … #CORIM #polmtl pic.twitter.com/fic7j4aKUV
    — Valérie Plante (@Val_Plante) April 12, 2023

The body is the run of lines directly above the credit line, taken upward one line at a time
while it still fits in a tweet (280 weighted characters; a trailing ``pic.twitter.com`` or
quoted-tweet link and the @mentions opening a reply count 0, as on Twitter). It stops at an
empty line, at the previous credit line, at the first line that would overflow, at article
prose that names the tweet's author ("Goldstein tweeted he was…"), and after an indented
line whose neighbour above is not indented (text extractors keep the indentation of the
blockquote's first line and strip the article's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver import dates
from archiver.entities import weighted_length
from archiver.extract.common import Credit, make_tweet, parse_credit
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
_TWEETISH = re.compile(r"[@#\uff20\uff03]\w|https?://|pic\.twitter\.com/", re.IGNORECASE)
_WORD = re.compile(r"\w+")
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

    @property
    def indented(self) -> bool:
        return not self.blank and self.raw[:1] in (" ", "\t", "\u3000")


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
        and parse_credit(line.raw) is not None
    )


def extract_text(text: str) -> list[Found]:
    """Every flattened tweet in a text, in order."""
    if "(" not in text or "@" not in text and "\uff20" not in text:
        return []
    lines = _lines(text)
    found = []
    for i, line in enumerate(lines):
        if "(" not in line.raw:
            continue
        credit = parse_credit(line.raw)
        if credit is None:
            continue
        date_text = credit.date_text
        next_line = lines[i + 1].raw.strip() if i + 1 < len(lines) else ""
        used_next = False
        if not date_text and next_line and dates.parse_shown_date(next_line):
            date_text, used_next = next_line, True
        body, first = _body(lines, i, credit)
        if not body:
            continue
        body_text = _GLUED_MEDIA.sub(" ", "\n".join(body))
        tweet = make_tweet(
            tweet_id=None,
            handle=credit.handle,
            author=credit.author,
            date_text=date_text or None,
            text=body_text,
        )
        last = i + 1 if used_next else i
        snippet = "\n".join(x.raw for x in lines[first : last + 1])
        found.append(Found(tweet=tweet, snippet=snippet, markup="flattened text"))
    return found


def _body(lines: list[_Line], at: int, credit: Credit) -> tuple[list[str], int]:
    """The tweet's lines above the credit at ``lines[at]`` and the index of the first one."""
    depth = lines[at].depth
    body: list[str] = [credit.before.strip()] if credit.before.strip() else []
    first = at
    j = at - 1
    # In a Markdown quote block an empty quote line may separate the body from the credit.
    while not body and j >= 0 and depth and lines[j].depth == depth and lines[j].blank:
        j -= 1
    while j >= 0:
        line = lines[j]
        if line.depth != depth or line.empty:
            break
        if line.blank:  # white space left by the page's indentation, inside the tweet
            j -= 1
            continue
        if _is_credit(line):
            break
        stripped = line.raw.strip()
        if not _fits([stripped, *body]):
            break
        if body and _introduces(stripped, credit):
            break  # "Goldstein tweeted he was honored to offer the benediction:"
        body.insert(0, stripped)
        first = j
        if line.indented and not _indented_above(lines, j, depth):
            break
        j -= 1
    return body, first


def _introduces(line: str, credit: Credit) -> bool:
    """Whether ``line`` is article prose introducing the tweet rather than part of it.

    Journalists name the author when they quote a tweet ("Goldstein tweeted…", "noted
    rapper Lil Wayne"), and tweets rarely name their own author; a line with a mention,
    hashtag or link reads like tweet text, so it is never taken for prose.
    """
    if _TWEETISH.search(line):
        return False
    words = {w.casefold() for w in _WORD.findall(line)}
    names = {w.casefold() for w in _WORD.findall(credit.author) if len(w) >= 4}
    return bool(names & words) or credit.handle.casefold() in words


def _indented_above(lines: list[_Line], j: int, depth: int) -> bool:
    """Whether the nearest non-blank line above ``j`` is indented too."""
    k = j - 1
    while k >= 0 and lines[k].depth == depth and lines[k].blank and not lines[k].empty:
        k -= 1
    return k >= 0 and lines[k].depth == depth and lines[k].indented
