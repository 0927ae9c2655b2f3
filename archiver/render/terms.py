"""What the offline search finds a tweet by: its words, entities and articles, as index terms.

Words are split and folded the way the archive's full-text index (FTS5 ``unicode61
remove_diacritics 2``) does, so a word found in the browser is the word ``archiver search``
finds: letters, digits and private-use characters make words, everything else separates them;
letters are lowercased (not case-folded: ``ß`` stays), and Latin letters lose their diacritics
(``é`` → ``e``), while Greek, Cyrillic and kana keep theirs. Combining marks U+0300–U+036F are
dropped inside a word, as SQLite drops them. The tests compare this with SQLite's tokenizer.

Entity terms carry their sigil: ``@name`` for the author's handle and every mention, ``#tag``,
``$CASH`` folded like words; ``^id`` names an article a tweet appeared in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

from archiver.entities import extract_entities
from archiver.model import Tweet

#: Docs per second of creation time: doc numbers order the archive by time and leave room for
#: tweets created in the same second.
SLOTS = 64
#: Doc numbers are seconds since this moment (before Twitter), times ``SLOTS``, plus a slot.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
#: Undated tweets take doc numbers from ``UNDATED`` up, below every dated one (oldest last).
UNDATED = 0
#: Seconds added to a dated tweet's time, so that dated doc numbers start above the undated.
DATED = 2**24


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    """One character as the tokenizer keeps it: "" for a separator or a dropped mark."""
    code = ord(ch)
    if 0x300 <= code <= 0x36F:
        return ""
    category = unicodedata.category(ch)
    if category[0] not in "LN" and category != "Co":
        return " "
    low = ch.lower()
    if 0xC0 <= code <= 0x24F or 0x1E00 <= code <= 0x1EFF:
        low = "".join(c for c in unicodedata.normalize("NFD", low) if not 0x300 <= ord(c) <= 0x36F)
    return low


def words(text: str | None) -> list[str]:
    """The words of ``text`` as the full-text index sees them (lowercased, Latin unaccented)."""
    if not text:
        return []
    if text.isascii():
        folded = "".join(c.lower() if c.isalnum() else " " for c in text)
    else:
        folded = "".join(map(_fold_char, text))
    return folded.split()


def fold(text: str) -> str:
    """An entity or handle folded like a word (its characters joined, separators dropped)."""
    return "".join(words(text))


def tweet_terms(tweet: Tweet, articles: Iterable[str]) -> set[str]:
    """Every term of ``tweet``: words of author, handle and text, entities, and ``articles``."""
    terms = set(words(tweet.author)) | set(words(tweet.handle)) | set(words(tweet.text))
    names = [tweet.handle or ""]
    tags: list[str] = []
    cash: list[str] = []
    if tweet.text:
        found = extract_entities(tweet.text)
        names += [e.value for e in found.mentions]
        tags = [e.value for e in found.hashtags]
        cash = [e.value for e in found.cashtags]
    for sigil, values in (("@", names), ("#", tags), ("$", cash)):
        terms.update(sigil + f for f in map(fold, values) if f)
    terms.update("^" + a for a in articles)
    return terms


def seconds(sort_time: str) -> int | None:
    """Seconds since ``EPOCH`` of a sort time (``created_at`` or a date), None if unknown."""
    if not sort_time:
        return None
    try:
        moment = datetime.fromisoformat(sort_time.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((moment - EPOCH).total_seconds()))


def first_doc(sort_time: str) -> int:
    """The lowest doc number a tweet with this sort time may get (``UNDATED`` if unknown)."""
    moment = seconds(sort_time)
    return UNDATED if moment is None else (moment + DATED) * SLOTS


def doc_day(doc: int) -> str:
    """The UTC day (``YYYY-MM-DD``) a doc number stands in, "" for an undated tweet."""
    if doc < DATED * SLOTS:
        return ""
    stamp = EPOCH.timestamp() + doc // SLOTS - DATED
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%d")
