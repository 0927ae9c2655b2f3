"""Where a flattened tweet's text starts: the evidence for each line above it, weighed.

A text copy puts the embed's lines directly under the article's paragraphs, with nothing to
tell one from the other but what the lines say. ``text.py`` walks up from the credit line
within the hard limits (280 weighted characters, an empty line, the previous credit line);
for each further line it asks :func:`verdict`, which adds up the evidence below into one score
``bias + Σ weight × signal`` — positive reads as article prose, negative as tweet text:

===================  =======  ===============================================================
signal               weight   fires when the candidate line …
===================  =======  ===============================================================
(bias)               +2.93    (most embedded tweets are one paragraph: a line above is prose
                              unless something says otherwise)
stamp                +1.97    opens with a live-blog time (``05.20``, ``23:46``, ``10:31am``,
                              ``14h32``, ``9.05 Uhr``)
item_below           +1.11    sits above a line that opens a list item (``- …``, ``* …``,
                              ``1. …``): the tweet starts in that item
item                 +1.15    is a list item itself (judged, for the rest, without its marker)
introduces           +0.41    ends with ``:`` or ``…`` (a lead-in)
attribution          +1.28    attributes in the third person: "tweeted", "wrote", "said on
                              Twitter", "a écrit", "a tweeté", "escribió", "schrieb", "写道",
                              "ツイート", …
names_author         +0.47    names the tweet's author (a word of the display name, the handle)
                              — weak alone: accounts name themselves in their own tweets
page_length          -1.07    is as long as the page's own paragraphs (length over the median
                              paragraph, capped at 2)
ends_sentence        -0.75    ends a sentence
sentences            +0.73    holds several sentences, as article paragraphs do
whitespace_gap       +0.88    is separated from the tweet by a white-space-only line and is
                              not indented (the embed's first line break)
indent_break         +2.99    is not indented while the line below is (extractors keep the
                              blockquote's indentation and strip the article's)
entities             -3.90    holds an @mention, #hashtag, URL or pic.twitter.com link
emoji                -1.95    holds an emoji
first_person         -0.51    speaks in the first person ("I", "we", "je", "ich", "yo", "私")
                              outside quotation marks (quoted speech is someone else's)
quotation            -2.19    is one quotation from mark to mark
short                +0.62    is short for the page (under half its median paragraph)
tiny                 -0.63    is a label's length (under 24): "Merken.", "Advertisement"
same_shape           -3.87    opens like a line below (the same bullet, emoji, quote mark,
                              enumeration ``a)``/``(2)``, or label ``CNN:``)
list_below           -2.40    ends with ``:`` above lines that open alike (it introduces the
                              tweet's own list)
heads_list           -2.58    sits, as a whole sentence, above lines that open alike
bullet               -3.79    opens with a bullet or emoji people type in tweets (``・``, ``📌``)
stacked_short        -0.76    is short, and so is the line below (a tweet's stacked lines)
tweet_above          -3.00    sits under a line with entities (between two lines of a tweet)
refers_back          -1.83    sits above a line that opens by pointing back ("J'en…", "Even…",
                              "In dem Satz…", "It…")
===================  =======  ===============================================================

The weights (``WEIGHTS``, printed in the table's order by ``scripts/zoo_weights.py``) were
fitted by logistic regression on the layout zoo (``tests/layout_zoo.py``: real tweets of
the corpus in live blogs, listicles, interviews, lists, asides, lead-ins, several languages,
flattened by trafilatura) and are checked there per layout by ``tests/test_layout_zoo.py``.
A score between ``DOUBT_LOW`` and ``DOUBT_HIGH`` is doubt: the line is kept and the record
says its text is uncertain, with the reading without it beside.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from enum import Enum

WEIGHTS: dict[str, float] = {
    "bias": 2.93,
    "stamp": 1.97,
    "item_below": 1.11,
    "item": 1.15,
    "introduces": 0.41,
    "attribution": 1.28,
    "names_author": 0.47,
    "page_length": -1.07,
    "ends_sentence": -0.75,
    "sentences": 0.73,
    "whitespace_gap": 0.88,
    "indent_break": 2.99,
    "entities": -3.9,
    "emoji": -1.95,
    "first_person": -0.51,
    "quotation": -2.19,
    "short": 0.62,
    "tiny": -0.63,
    "same_shape": -3.87,
    "list_below": -2.4,
    "heads_list": -2.58,
    "bullet": -3.79,
    "stacked_short": -0.76,
    "tweet_above": -3.0,
    "refers_back": -1.83,
}
# A line is the tweet's while the evidence leans that way (score under 0: P(prose) < 1/2),
# the article's once it clearly does (from 1.0: P(prose) > 0.73); between, it is kept and
# the text flagged, so no line the evidence calls probably prose is kept silently. The upper
# bound trades exact texts for flagged ones on the zoo (tests/test_layout_zoo.py).
DOUBT_LOW = 0.0
DOUBT_HIGH = 1.0

_STAMP = re.compile(
    r"^(?:godz\.\s*)?\d{1,2}(?:[.:h]\d{2}|時\d{2}分)"
    r"(?:\s*(?:[ap]\.?m\.?|Uhr|h|GMT|BST|CET|CEST|UTC|ET|EST|EDT|PT))?(?=[\s:,–—-])",
    re.IGNORECASE,
)
# The list items of text extractors (trafilatura writes "- ") and numbered headings.
LIST_MARKER = re.compile(r"^(?:[-*]\s|\d{1,2}[.)]\s)")
ITEM_MARKER = re.compile(r"^- (?=\S)")  # what trafilatura writes before a list item
# What opens the lines of a tweet's own lists: bullets and emoji that people type.
_BULLET = re.compile(r"^(?:[•▪◦・●►▶→✅✔❌⚠📌🔴🔵⭐👉➡]|\d️⃣)")
_ENTITY = re.compile(
    r"(?<![\w@])[@\uff20]\w{1,15}|(?<![\w&])[#\uff03]\w|https?://|pic\.(?:twitter|x)\.com/|\bt\.co/",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"\b(?:tweete?d|twittered|wrote|writes|posted|said on (?:twitter|x)|on twitter|shared"
    r"|a (?:écrit|tweeté|twitté|publié|déclaré)|sur twitter|écrit"
    r"|escribió|tuite[óo]|publicó|en (?:twitter|sus redes)"
    r"|schrieb|twitterte|auf twitter|kommentierte"
    r"|napisał[a]?|na twitterze|napsal[a]?|na twitteru)\b"
    r"|写道|ツイート|と投稿|はこう書いている|次のように",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"\b(?:I|I'm|I've|I'll|I'd|me|my|we|we're|our|us|je|j['’]|nous|mon|ma|mes|notre|ich|wir"
    r"|mein\w*|unser\w*|mich|mir|yo|mi|mis|nosotros|nuestr\w+|me|ja|mój|moja|nasz\w*)\b"
    r"|私|僕|俺|我",
)
# Quoted speech: first person inside quotation marks is the quoted person's, not the writer's.
_QUOTED = re.compile(r"[\"“„«»‚‘'][^\"“”„«»‘’]*[\"”“»«‘’]")
_QUOTATION = re.compile(r"^[\"“„«»‚‘][^\n]*[\"”“»«‘’][.!?]?$")
# Words that open a line by pointing back at the line above it ("J'en discuterai…", "Even
# in…", "In dem Satz…", "It would…"): the two lines are one text.
_REFERS_BACK = re.compile(
    r"^(?:it|this|that|these|those|even|but|and|so|also|then|still|notice|here|there"
    r"|[jnmtsl]['’](?:en|y)\b|\w+ en\b|et|mais|donc|ce|cela|ça|ceci"
    r"|in dem|in diesem|das|dies|diese[rs]?|aber|und|auch|es|dabei|darin"
    r"|y|pero|esto|eso|además|también"
    r"|ale|i|to|a|więc)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?。！？»”\"')]\s*$")
_SENTENCES = re.compile(r"[.!?。！？]\s+\S")
_WORD = re.compile(r"\w+")


def _weight(text: str) -> int:
    """A line's length as Twitter weighs it, near enough for comparing lines and cheap: code
    points past U+10FF (CJK, emoji) count 2, the rest 1 (links are not shortened here)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0x10FF and not 0x2000 <= ord(ch) <= 0x2037)


def _has_emoji(text: str) -> bool:
    return any(
        0x1F300 <= ord(ch) <= 0x1FAFF or 0x2600 <= ord(ch) <= 0x27BF or 0x2B00 <= ord(ch) <= 0x2BFF
        for ch in text
    )


@dataclass(frozen=True)
class Page:
    """What the text copy tells about its own paragraphs: the median one's length."""

    median: float

    @classmethod
    def of(cls, lines: list[str]) -> Page:
        """The statistics of the page's paragraphs (its non-blank lines out of tweets' reach)."""
        lengths = [_weight(x.strip()) for x in lines if x.strip()]
        return cls(float(statistics.median(lengths)) if lengths else 0.0)


@dataclass(frozen=True)
class Candidate:
    """A line above a flattened tweet's body, with what surrounds it."""

    line: str  # as in the copy (indentation kept)
    body: tuple[str, ...]  # the lines taken so far, top first, as in the copy
    gap: bool  # a white-space-only line between the two
    author: str
    handle: str
    above: str | None = None  # the next line up, when the tweet could still reach it


class Verdict(Enum):
    """What the weighed evidence says of a line above the tweet's body."""

    TWEET = "tweet"
    DOUBT = "doubt"
    PROSE = "prose"


def signals(c: Candidate, page: Page) -> dict[str, float]:
    """Each signal of the table above, 0 or 1 (``page_length``: a ratio up to 2)."""
    raw_text, raw_below = c.line.strip(), c.body[0].strip()
    # The item marker is the extractor's, not the line's: judge the lines without it.
    text, below = ITEM_MARKER.sub("", raw_text), ITEM_MARKER.sub("", raw_below)
    indented = c.line[:1] in (" ", "\t", "\u3000")
    below_indented = c.body[0][:1] in (" ", "\t", "\u3000")
    openings = [_opening(ITEM_MARKER.sub("", x.strip())) for x in c.body]
    words = {w.casefold() for w in _WORD.findall(text)}
    names = {w.casefold() for w in _WORD.findall(c.author) if len(w) >= 4}
    length = _weight(text)
    median = page.median or 1.0
    # The author's display name can hold a hashtag or an emoji of its own ("Johannes Ceh
    # #ValueEnhancer"): prose that names the author must not read as tweet text for it.
    own = text.replace(c.author, " ") if c.author else text
    has_entities = bool(_ENTITY.search(own))
    # The lines below are a list (two or more open alike), and the first of them is an item.
    listed = len(openings) >= 2 and openings.count(openings[0]) >= 2
    return {
        "bias": 1.0,
        "stamp": float(bool(_STAMP.match(text))),
        "item_below": float(bool(LIST_MARKER.match(raw_below))),
        "item": float(bool(LIST_MARKER.match(raw_text))),
        "introduces": float(text.endswith((":", "：", "…", "...")) and not has_entities),
        "attribution": float(bool(_ATTRIBUTION.search(text)) and not has_entities),
        "names_author": float(bool(names & words or c.handle.casefold() in words)),
        "page_length": min(length / median, 2.0),
        "ends_sentence": float(bool(_SENTENCE_END.search(text))),
        "sentences": float(bool(_SENTENCES.search(text))),
        "whitespace_gap": float(c.gap and not indented),
        "indent_break": float(not indented and below_indented),
        "entities": float(has_entities),
        "emoji": float(_has_emoji(own)),
        "first_person": float(bool(_FIRST_PERSON.search(_QUOTED.sub(" ", text)))),
        "quotation": float(bool(_QUOTATION.match(text))),
        "short": float(length < median / 2),
        "tiny": float(length < 24),
        "same_shape": float(_opening(text) in openings),
        "list_below": float(listed and text.endswith((":", "："))),
        "heads_list": float(listed and length >= 24 and _opening(text) not in openings),
        "bullet": float(bool(_BULLET.match(text))),
        "stacked_short": float(length < median / 2 and _weight(below) < median / 2),
        "tweet_above": float(
            c.above is not None
            and bool(_ENTITY.search(c.above.replace(c.author, " ") if c.author else c.above))
        ),
        "refers_back": float(bool(_REFERS_BACK.match(below))),
    }


_ENUMERATION = re.compile(
    r"^(?:[a-z0-9][.)]|\(?\d{1,2}\)|\w{1,12}(?: \w{1,12}){0,2}:)\s", re.IGNORECASE
)


def _opening(text: str) -> str:
    """How a line opens when a list of lines repeats it: a bullet, emoji or quote mark, an
    enumeration (``a)``, ``(2)``, ``3.``) or a label (``CNN:``); else the line itself, which
    only an identical line matches."""
    first = text[:1]
    enumeration = _ENUMERATION.match(text)
    if enumeration:
        return "label" if enumeration.group().strip().endswith(":") else "enumeration"
    if first.isalnum() or first == "":
        return "\x00" + text
    return first


def score(c: Candidate, page: Page) -> float:
    """The weighed evidence: positive reads as article prose, negative as tweet text."""
    return sum(WEIGHTS[name] * value for name, value in signals(c, page).items())


def verdict(c: Candidate, page: Page) -> Verdict:
    """Tweet, doubt or prose, by the score against the doubt band."""
    value = score(c, page)
    if value >= DOUBT_HIGH:
        return Verdict.PROSE
    if value > DOUBT_LOW:
        return Verdict.DOUBT
    return Verdict.TWEET
