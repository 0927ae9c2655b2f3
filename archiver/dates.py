"""Dates of tweets: snowflake decoding, ISO timestamps and localized shown dates (pure).

A tweet's date reaches us three ways: encoded in its status id (exact, UTC, ms precision),
as a ``datetime`` attribute of old embeds, and as the text of the embed's date link or of a
flattened credit line ("— Name (@handle) 16 мая 2018 г."). The shown text is in whatever
language the embedding page asked Twitter for, which need not be the page's own language, so
``parse_shown_date`` knows the month names of every CLDR locale. They come from
``data/months.json``, which ``scripts/build_month_index.py`` generates with Babel; Babel is
only needed to regenerate that file, never at run time.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import cache, lru_cache
from importlib import resources
from typing import NamedTuple

#: Twitter's snowflake epoch (2010-11-04T01:42:54.657Z) in Unix milliseconds.
SNOWFLAKE_EPOCH_MS = 1288834974657
#: The lowest id that is a snowflake: the last sequential ids stopped just below it, and those
#: carry no time (the threshold TweetedAt, oduwsdl/tweetedat, uses).
FIRST_SNOWFLAKE_ID = 29_700_859_247
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Ids are signed 64-bit integers.
_MAX_ID = 2**63 - 1
#: Leeway for clock skew before an id's time counts as "in the future".
_FUTURE_SLACK = timedelta(days=1)

# An ISO 8601 date and time ("2012-09-02T22:48:42+00:00"); a date alone does not match.
_ISO_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
# The longest attribute value worth parsing ("2012-09-02T22:48:42.123456+00:00" is 32).
_MAX_ATTR_LEN = 64

#: Twitter went public in 2006; a four-digit number outside this range is not a tweet's year
#: (and a Buddhist-era year such as 2562 is rejected rather than misread).
MIN_YEAR = 2006
MAX_YEAR = 2099

# Everything that is neither a letter, a mark nor a digit ends a word. Marks are part of words
# so that Indic vowel signs and Arabic hamza stay inside month names.
_NON_WORD = (
    r"\s\d.,;:!?¿¡'\"`‚“”„«»‹›()\[\]{}<>/\\|@#$%^&*+=~_"
    r"\-‐‑‒–—―·•…،؛٫٬、。，：；・"
    "\u200b\u200e\u200f\u061c\u2066-\u2069\ufeff"
)
# A word may hold inner dots ("พ.ค." is one Thai abbreviation) and apostrophes (Catalan
# "d'abril", Teso "odung'el"); a trailing dot is not kept. Each repetition starts with a
# character the previous one cannot match, so matching is linear.
_TOKEN_RE = re.compile(rf"(?P<number>\d+)|[^{_NON_WORD}]+(?:[.'][^{_NON_WORD}]+)*")
# Typists and CLDR disagree on the apostrophe; the index and the parser both use the plain one.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})
# What may stand between the parts of one date. Anything else (":", "@", quotes…) separates.
_SOFT_GAP_RE = re.compile(r"[\s.,،٫٬、，\-‐‑‒–—/'()·\u200b\u200e\u200f\u061c\u2066-\u2069\ufeff]*")
# Invisible marks sit around Arabic numeric dates ("24\u200f/05\u200f/2019").
_INVISIBLE_RE = re.compile(r"[\s\u200b\u200e\u200f\u061c\u2066-\u2069\ufeff]+")
# Every date has a year; text without one is turned down before any tokenizing.
_YEAR_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")
# Clock times ("2:41 PM - 12 Apr 2023", ISO "T14:03:11") are removed before tokenizing so
# their numbers cannot be taken for a day or a month.
_TIME_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?")
#: Words that may stand between the parts of a date ("de", "г", "年", "th" of "12th") are any
#: this short, and the longer ones CLDR's dates have there (the index lists those).
MAX_FILLER_LEN = 5
# At most this many such words between two parts (Scottish Gaelic "28mh dhen t-samhain 2019").
_MAX_FILLERS = 3
# How far from the year the other two parts may be: each behind up to _MAX_FILLERS words.
_REACH = 2 * (_MAX_FILLERS + 1)
# Separators that make an all-numeric date ("2023-04-12", "24.05.2019") when both gaps use
# the same one; plain spaces between bare numbers are not enough to call them a date.
_NUMERIC_SEPARATORS = frozenset("-/.,")


def snowflake_time(tweet_id: str | int) -> datetime | None:
    """The UTC creation time encoded in a snowflake status id, or None.

    None for ids from before snowflakes (November 2010), for anything that is not a plain
    non-negative decimal number below 2**63, and for ids whose time lies more than a day in
    the future (a mistyped or made-up id).

    >>> snowflake_time("242393643154022400").isoformat()
    '2012-09-02T22:48:42.641000+00:00'
    """
    if isinstance(tweet_id, bool):
        return None
    if isinstance(tweet_id, str):
        tweet_id = tweet_id.strip()
        if not (tweet_id.isascii() and tweet_id.isdigit()) or len(tweet_id) > 19:
            return None
        tweet_id = int(tweet_id)
    if not isinstance(tweet_id, int) or not FIRST_SNOWFLAKE_ID <= tweet_id <= _MAX_ID:
        return None
    # Integer milliseconds from the Unix epoch: a float division could be off by a microsecond.
    created = _UNIX_EPOCH + timedelta(milliseconds=(tweet_id >> 22) + SNOWFLAKE_EPOCH_MS)
    if created > datetime.now(UTC) + _FUTURE_SLACK:
        return None
    return created


def iso_z(dt: datetime) -> str:
    """``dt`` in UTC as ISO 8601 with a ``Z``: "2023-04-12T14:03:11Z".

    Seconds precision, unless the milliseconds are nonzero: then they are kept
    ("2023-04-12T14:03:11.123Z"), because snowflake times are exact to the millisecond and
    dropping them would make two ids of the same second look simultaneous. Microseconds
    below a millisecond are dropped. A naive ``dt`` is taken to be UTC already.
    """
    utc = dt if dt.tzinfo is None else dt.astimezone(UTC).replace(tzinfo=None)
    ms = utc.microsecond // 1000
    stamp = utc.replace(microsecond=0).isoformat()
    return f"{stamp}.{ms:03d}Z" if ms else f"{stamp}Z"


def parse_datetime_attr(value: str) -> datetime | None:
    """An aware UTC datetime from a ``datetime`` attribute value, or None.

    For ``data-datetime="2012-09-02T22:48:42+00:00"`` on old embeds' date links and
    ``<time datetime="…">``: ISO 8601 with ``Z``, an offset ("+00:00" or "+0000") or
    fractional seconds, and the RFC 2822 form some sites put there instead
    ("Mon, 22 Dec 2014 17:43:29 +0000"). A value without an offset is taken to be UTC. A
    date without a time is refused: it would pass for an exact midnight (``parse_shown_date``
    reads it as a date).
    """
    if not isinstance(value, str):
        return None
    value = value.strip()
    if len(value) > _MAX_ATTR_LEN:
        return None
    try:
        if _ISO_DATETIME_RE.match(value):
            parsed = datetime.fromisoformat(value)
        else:
            parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def consistent(shown: date | None, created: datetime | None) -> bool:
    """True when either is unknown or they are at most one day apart.

    A shown date is in the reader's time zone, which can be a day before or after the UTC
    date of ``created`` (a naive ``created`` is taken to be UTC).
    """
    if shown is None or created is None:
        return True
    created_utc = created if created.tzinfo is None else created.astimezone(UTC)
    return abs((shown - created_utc.date()).days) <= 1


def normalize(text: str) -> str:
    """The form month names are looked up in: NFKC, casefolded, curly apostrophes made plain.

    NFKC runs again after casefolding, which decomposes some letters (Greek "ΐ" of "Μαΐου"),
    so that the index's keys are NFKC too.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    return unicodedata.normalize("NFKC", folded)


def date_words(text: str) -> list[str]:
    """The words of ``text`` as the month index keys them (normalized, no final dot).

    ``scripts/build_month_index.py`` splits CLDR's month names and formatted dates with this
    very function, so a name is found at run time exactly when it was indexed. A name of
    several words is indexed as its words joined by one space.
    """
    return [m.group() for m in _TOKEN_RE.finditer(normalize(text)) if m.group("number") is None]


class _Index(NamedTuple):
    """The content of data/months.json (see scripts/build_month_index.py)."""

    months: dict[str, int | dict[str, list[str]]]
    fillers: frozenset[str]
    month_first: frozenset[str]
    #: The beginnings ("okwaikumi", "okwaikumi na") of the month names of several words.
    prefixes: frozenset[str]


@cache
def _index() -> _Index:
    """The month index, loaded on first use."""
    raw = resources.files("archiver").joinpath("data", "months.json").read_bytes()
    data = json.loads(raw)
    prefixes = set()
    for name in data["months"]:
        words = name.split(" ")
        prefixes.update(" ".join(words[:n]) for n in range(1, len(words)))
    return _Index(
        months=data["months"],
        fillers=frozenset(data["fillers"]),
        month_first=frozenset(data["month_first"]),
        prefixes=frozenset(prefixes),
    )


def _lang_key(lang: str | None) -> str | None:
    """The primary language subtag of a BCP 47 or POSIX tag: "pt-BR" -> "pt"."""
    if not lang:
        return None
    return re.split(r"[-_@.]", lang.strip().casefold(), maxsplit=1)[0] or None


def _month_of(name: str, lang: str | None) -> int | None:
    """The month ``name`` names, or None; ``lang`` picks among languages that disagree."""
    entry = _index().months.get(name)
    if entry is None or isinstance(entry, int):
        return entry
    candidates = entry
    if lang is not None:
        candidates = {m: langs for m, langs in entry.items() if lang in langs} or entry
    # Most languages win; the lower month breaks an exact tie so the answer is stable.
    return int(max(candidates, key=lambda m: (len(candidates[m]), -int(m))))


class _Token:
    """A number, a word, or a month name of several words, in the normalized text.

    ``gap`` holds the visible separators between the previous token and this one, or None
    when something no date has inside (":", "@", quotes…) stands there.
    """

    __slots__ = ("filler", "gap", "month", "number", "small", "text", "weak", "year")

    def __init__(self, text: str, number: int | None, month: int | None, gap: str | None) -> None:
        self.text = text
        self.number = number
        self.month = month
        self.gap = gap
        #: A four-digit number in the years tweets were written.
        self.year = number is not None and len(text) == 4 and MIN_YEAR <= number <= MAX_YEAR
        #: A one- or two-digit number: a possible day or month number.
        self.small = number is not None and len(text) <= 2
        #: A word that may stand inside a date, even one that names a month elsewhere.
        self.filler = number is None and (len(text) <= MAX_FILLER_LEN or text in _index().fillers)
        #: A month name that is also a common short word elsewhere ("de", "no", "pm").
        self.weak = month is not None and text.isascii() and len(text) <= 2


def _gap(text: str, start: int, end: int) -> str | None:
    """The visible separators in ``text[start:end]``, or None if a date cannot span it."""
    if not _SOFT_GAP_RE.fullmatch(text, start, end):
        return None
    return _INVISIBLE_RE.sub("", text[start:end])


def _tokens(text: str, lang: str | None) -> list[_Token]:
    """The numbers and words of normalized ``text``, month names of several words joined.

    The longest month name wins: Rukiga "okwaikumi" is October, but "okwaikumi na kumwe"
    November.
    """
    index = _index()
    matches = list(_TOKEN_RE.finditer(text))
    tokens: list[_Token] = []
    i = 0
    while i < len(matches):
        match = matches[i]
        word = match.group()
        gap = _gap(text, matches[i - 1].end(), match.start()) if i else None
        if match.group("number") is not None:
            # Longer numbers are never a day, month or year; int() of them would be slow.
            tokens.append(_Token(word, int(word) if len(word) <= 4 else -1, None, gap))
            i += 1
            continue
        name, last = word, i
        phrase = word
        j = i + 1
        while phrase in index.prefixes and j < len(matches):
            if matches[j].group("number") is not None:
                break
            if _gap(text, matches[j - 1].end(), matches[j].start()) is None:
                break
            phrase += " " + matches[j].group()
            if phrase in index.months:
                name, last = phrase, j
            j += 1
        tokens.append(_Token(name, None, _month_of(name, lang), gap))
        i = last + 1
    return tokens


def _side(tokens: list[_Token], i: int, step: int) -> list[tuple[_Token, str]]:
    """The tokens next to ``tokens[i]`` in direction ``step``, nearest first, that may be
    part of one date with it, each with the separators between it and the one before.

    Stops at a gap no date has inside, at the second token that cannot be a filler (no
    reading reaches past it), and after ``_REACH`` tokens.
    """
    side: list[tuple[_Token, str]] = []
    parts = 0
    j = i
    while len(side) < _REACH and parts < 2:
        k = j + step
        if not 0 <= k < len(tokens):
            break
        # A token holds the gap before it: between j and k that is the later one's.
        gap = tokens[max(j, k)].gap
        if gap is None:
            break
        side.append((tokens[k], gap))
        parts += not tokens[k].filler
        j = k
    return side


def _pairs(side: list[tuple[_Token, str]]) -> Iterator[tuple[int, int]]:
    """Positions ``a < b`` in ``side`` of two date parts with only fillers before and between."""
    for a in range(min(len(side), _MAX_FILLERS + 1)):
        if a and not side[a - 1][0].filler:
            return
        for b in range(a + 1, min(len(side), a + _MAX_FILLERS + 2)):
            if b > a + 1 and not side[b - 1][0].filler:
                break
            yield a, b


def _numeric_ok(side: list[tuple[_Token, str]], a: int, b: int) -> bool:
    """Whether bare numbers at ``side[a]`` and ``side[b]`` make one date with the year.

    Either words stand between them ("2019年5月24日", "24 tháng 5, 2019") or both gaps are
    the same single separator ("2023-04-12", "24.05.2019", "2019. 5. 24.").
    """
    if a > 0 or b > a + 1:
        return True
    first, second = side[a][1], side[b][1]
    return first == second and first in _NUMERIC_SEPARATORS


def _make(year: int, month: int, day: int) -> date | None:
    """``date(year, month, day)``, or None when that is no day of the calendar."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _best(tokens: list[_Token], i: int, lang: str | None) -> date | None:
    """The likeliest date whose year is ``tokens[i]``, or None.

    Readings are ranked: a month given by name first, then an all-numeric date, then a month
    given by a two-letter word (those are also common words: "de", "no", "pm"); then the
    fewer words skipped the better, and the longer month name (a short one is likelier a
    word of another language: Friulian "1 di avost dal 2019" has "dal", January elsewhere);
    on a tie the reading with the year last wins.
    """
    year = tokens[i].number
    found: list[tuple[tuple[int, int, int], date | None]] = []

    def named(month: _Token, day: _Token, skipped: int) -> None:
        rank = (2 * month.weak, skipped, -len(month.text))
        found.append((rank, _make(year, month.month, day.number)))

    # The year last: "12 Apr 2023", "April 12, 2023", "24.05.2019". near touches the year.
    side = _side(tokens, i, -1)
    for a, b in _pairs(side):
        near, far = side[a][0], side[b][0]
        if near.month and far.small:
            named(near, far, b - 1)
        elif far.month and near.small:
            named(far, near, b - 1)
        elif far.small and near.small and _numeric_ok(side, a, b):
            # Only "4/12/2023" may put the month first, and only in a language that does:
            # dots, dashes and words ("1. 2. 2019", "1 tháng 2, 2019") go with day first.
            # A number above 12 can only be the day, whatever the habit.
            slashes = (a, b) == (0, 1) and side[a][1] == "/"
            month_first = slashes and lang in _index().month_first
            if far.number > 12 or (not month_first and near.number <= 12):
                found.append(((1, b - 1, 0), _make(year, near.number, far.number)))
            else:
                found.append(((1, b - 1, 0), _make(year, far.number, near.number)))
    # The year first: "2023-04-12", "2019年5月24日", "2019. május 24.", Kazakh "2019 ж. 1 тамыз".
    side = _side(tokens, i, 1)
    for a, b in _pairs(side):
        first, second = side[a][0], side[b][0]
        if first.month and second.small:
            named(first, second, b - 1)
        elif second.month and first.small:
            named(second, first, b - 1)
        elif first.small and second.small and _numeric_ok(side, a, b):
            found.append(((1, b - 1, 0), _make(year, first.number, second.number)))
    valid = [(rank, day) for rank, day in found if day is not None]
    return min(valid, key=lambda item: item[0])[1] if valid else None


ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def english_day(text: str, created: datetime) -> date | None:
    """The day ``text`` shows if it is today's English embed date ("April 12, 2023") of the
    creation day or a day next to it (time zones), else None: the commonest case, read without
    the general parser.
    """
    for delta in (0, -1, 1):
        day = (created + timedelta(days=delta)).date()
        if text == f"{ENGLISH_MONTHS[day.month - 1]} {day.day}, {day.year}":
            return day
    return None


@lru_cache(maxsize=8192)  # pure, and one page (one day's news) shows the same dates again
def parse_shown_date(text: str, lang: str | None = None) -> date | None:
    """The date in a tweet's shown date text or credit line, in any language, or None.

    Reads "April 12, 2023", "12 avr. 2023", "16 мая 2018 г.", "2019年5月24日",
    "٢٤ مايو ٢٠١٩", "2:41 PM - 12 Apr 2023", "2023-04-12"… A date needs a day, a month
    (named in any CLDR locale, or numbered) and a four-digit year from 2006 on; when the text
    holds several, the last one wins, as a credit line ends with its date. ``lang`` (the
    page's language) only settles month names that mean different months in different
    languages ("listopad" is November in Polish, October in Croatian) and the order of an
    all-numeric day and month; the text itself decides the language otherwise.

    Runs in time linear in the length of ``text``.
    """
    if not isinstance(text, str):
        return None
    normalized = _TIME_RE.sub(" ", normalize(text))
    if not _YEAR_RE.search(normalized):
        return None
    hint = _lang_key(lang)
    tokens = _tokens(normalized, hint)
    for i in range(len(tokens) - 1, -1, -1):
        if tokens[i].year:
            best = _best(tokens, i, hint)
            if best:
                return best
    return None
