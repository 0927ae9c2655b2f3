"""The records passed between stages: extract -> store -> render.

Small frozen dataclasses; dicts appear only at the SQLite and JSON edges (``to_dict`` /
``from_dict``), so every stage reads typed fields.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Link:
    """A link in a tweet's text: ``url`` is the href, ``display`` the text shown."""

    url: str
    display: str
    expanded: str | None = None


@dataclass(frozen=True)
class Media:
    """A ``pic.twitter.com`` media link; the media itself is never fetched."""

    url: str
    display: str


@dataclass(frozen=True)
class Source:
    """An article a tweet was found in."""

    path: str
    sha256: str
    format: str
    title: str | None = None
    url: str | None = None
    record: str | None = None  # the WARC record id, for articles read from a web archive


@dataclass(frozen=True)
class Tweet:
    """One archived post. ``text`` is None for a stub (only the id was in the page).

    ``platform`` is ``x`` (the default, and what a record without the field means),
    ``bluesky``, ``mastodon`` or ``threads``; ``id`` is the platform's own post id (X status
    id, Bluesky record key, Mastodon status id, Threads shortcode) and ``key`` is unique across
    platforms (``archiver.platforms``). ``uri`` is the platform's own URI of the post when it
    has one besides the URL: a Bluesky post's AT-URI, which names the author's DID.
    """

    key: str
    id: str | None = None
    url: str | None = None
    author: str | None = None
    handle: str | None = None
    date: str | None = None
    created_at: str | None = None
    lang: str | None = None
    text: str | None = None
    # A flattened tweet whose first line(s) may be article prose: the text kept, and beside
    # it the shorter reading (a suffix of ``text``), so that neither is silently lost.
    text_uncertain: bool = False
    text_alternative: str | None = None
    mentions: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    cashtags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    media: tuple[Media, ...] = ()
    sources: tuple[Source, ...] = ()
    platform: str = "x"
    uri: str | None = None

    @property
    def did(self) -> str | None:
        """A Bluesky author's DID, read from the AT-URI."""
        if self.uri and self.uri.startswith("at://did:"):
            return self.uri[5:].split("/", 1)[0]
        return None

    @property
    def is_stub(self) -> bool:
        """True when only the id (and maybe the handle) is known."""
        return self.text is None

    def with_sources(self, sources: tuple[Source, ...]) -> Tweet:
        """A copy of this tweet with another list of sources."""
        return replace(self, sources=sources)

    def to_dict(self) -> dict[str, Any]:
        """The JSON record (the format ``archiver export`` writes)."""
        return {
            "key": self.key,
            "platform": self.platform,
            "id": self.id,
            "uri": self.uri,
            "url": self.url,
            "author": self.author,
            "handle": self.handle,
            "date": self.date,
            "created_at": self.created_at,
            "lang": self.lang,
            "text": self.text,
            "text_uncertain": self.text_uncertain,
            "text_alternative": self.text_alternative,
            "mentions": list(self.mentions),
            "hashtags": list(self.hashtags),
            "cashtags": list(self.cashtags),
            "links": [
                {"url": x.url, "display": x.display, "expanded": x.expanded} for x in self.links
            ],
            "media": [{"url": m.url, "display": m.display} for m in self.media],
            "sources": [
                {
                    "path": s.path,
                    "sha256": s.sha256,
                    "format": s.format,
                    "title": s.title,
                    "url": s.url,
                    "record": s.record,
                }
                for s in self.sources
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tweet:
        """Build a tweet from a JSON record; unknown keys are ignored."""
        return cls(
            key=data["key"],
            platform=data.get("platform") or "x",
            id=data.get("id"),
            uri=data.get("uri"),
            url=data.get("url"),
            author=data.get("author"),
            handle=data.get("handle"),
            date=data.get("date"),
            created_at=data.get("created_at"),
            lang=data.get("lang"),
            text=data.get("text"),
            text_uncertain=bool(data.get("text_uncertain")),
            text_alternative=data.get("text_alternative"),
            mentions=tuple(data.get("mentions") or ()),
            hashtags=tuple(data.get("hashtags") or ()),
            cashtags=tuple(data.get("cashtags") or ()),
            links=tuple(
                Link(x["url"], x.get("display") or x["url"], x.get("expanded"))
                for x in data.get("links") or ()
            ),
            media=tuple(
                Media(m["url"], m.get("display") or m["url"]) for m in data.get("media") or ()
            ),
            sources=tuple(
                Source(
                    s["path"],
                    s.get("sha256") or "",
                    s.get("format") or "",
                    s.get("title"),
                    s.get("url"),
                    s.get("record"),
                )
                for s in data.get("sources") or ()
            ),
        )


@dataclass(frozen=True)
class Found:
    """One embed found in a document: the tweet (without sources) and the evidence."""

    tweet: Tweet
    snippet: str
    markup: str


@dataclass(frozen=True)
class Document:
    """What extraction made of one input: its source and the embeds found, in order."""

    source: Source
    found: tuple[Found, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of an extraction result (the shards a distributed run writes)."""
        return {
            "source": {
                "path": self.source.path,
                "sha256": self.source.sha256,
                "format": self.source.format,
                "title": self.source.title,
                "url": self.source.url,
                "record": self.source.record,
            },
            "found": [
                {"tweet": f.tweet.to_dict(), "snippet": f.snippet, "markup": f.markup}
                for f in self.found
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """The inverse of ``to_dict``."""
        src = data["source"]
        source = Source(
            src["path"],
            src["sha256"],
            src["format"],
            src.get("title"),
            src.get("url"),
            src.get("record"),
        )
        found = tuple(
            Found(Tweet.from_dict(f["tweet"]), f["snippet"], f["markup"]) for f in data["found"]
        )
        return cls(source=source, found=found)


#: A record's ``lang``: a BCP 47-ish language tag ("en", "zh-cn", "und"); extraction keeps
#: nothing else, the archive stores nothing else (``archiver.validate``), and the HTML
#: renderer's ``lang`` attribute follows the same rule.
LANG_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
_URLISH = re.compile(r"(?:https?://|pic\.twitter\.com/|www\.)\S*", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)  # pure; one record's text is compared several times on its way in
def normalized_text(text: str) -> str:
    """Text reduced for matching copies of one tweet: URLs and all white space removed.

    A text copy glues or splits lines differently (``#windowspic.twitter.com/x``) and
    shortens links differently from the HTML, so both are dropped before comparing.
    """
    text = unicodedata.normalize("NFC", text)
    return _SPACE.sub("", _URLISH.sub("", text)).casefold()


def make_key(tweet_id: str | None, handle: str | None, date: str | None, text: str | None) -> str:
    """The stable archive key: the status id, else a digest of handle, date and text."""
    if tweet_id:
        return tweet_id
    basis = "\x1f".join([(handle or "").casefold(), date or "", normalized_text(text or "")])
    return "t-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


def status_url(tweet_id: str, handle: str | None, host: str = "twitter.com") -> str:
    """The canonical status URL for an id (``…/i/web/status/<id>`` when the handle is unknown)."""
    if handle:
        return f"https://{host}/{handle}/status/{tweet_id}"
    return f"https://{host}/i/web/status/{tweet_id}"


@dataclass(frozen=True)
class Article:
    """A source article as the archive knows it: when it was read and what it embedded."""

    source: Source
    read_at: str
    keys: tuple[str, ...] = ()


def merge(primary: Tweet, other: Tweet) -> Tweet:
    """Two records of one tweet as one: the better-ranked leads, the other fills its gaps.

    When both rank alike, a field they disagree on (``x.com`` against ``twitter.com``, a
    display name renamed between two embeds) takes the smaller value, so the result does not
    depend on which copy came first. Sources are united (primary's first, no duplicates).
    """
    tie = rank(primary) == rank(other)
    values: dict[str, Any] = {}
    for name in Tweet.__dataclass_fields__:
        mine, theirs = getattr(primary, name), getattr(other, name)
        if mine is None or mine == ():
            values[name] = theirs
        elif tie and name not in ("key", "sources") and theirs not in (None, ()):
            values[name] = min(mine, theirs, key=repr)
        else:
            values[name] = mine
    seen = {(s.path, s.sha256, s.record) for s in primary.sources}
    extra = tuple(s for s in other.sources if (s.path, s.sha256, s.record) not in seen)
    values["sources"] = primary.sources + extra
    values.update(_text_doubt(values["text"], primary, other))
    return Tweet(**values)


def _text_doubt(text: str | None, primary: Tweet, other: Tweet) -> dict[str, Any]:
    """The doubt about the merged text, which belongs to the copy (or copies) it came from.

    A copy that read the same text without doubt (an embed with its id) settles it.
    """
    holders = [t for t in (primary, other) if t.text == text and text is not None]
    if not holders or not all(t.text_uncertain for t in holders):
        return {"text_uncertain": False, "text_alternative": None}
    return {"text_uncertain": True, "text_alternative": holders[0].text_alternative}


def rank(tweet: Tweet) -> tuple[int, int, int, int]:
    """Which of two copies of a tweet is the better record: id, then text, then a text read
    without doubt, then its length."""
    return (
        tweet.id is not None,
        tweet.text is not None,
        not tweet.text_uncertain,
        len(tweet.text or ""),
    )


def same_tweet(a: Tweet, b: Tweet) -> bool:
    """Whether two records are copies of one tweet (the merge rule of the archive).

    Same platform, and: same key (which holds the id); or, when one lacks an id: same
    handle (any case), dates within a day and the same text once URLs and white space are
    normalized. A copy without id whose text ends
    with whole lines that are the other's text (a text copy that took in an article line
    above the tweet) is a copy of it when the other has an id, or when those lines are the
    reading it kept as its uncertain alternative.
    """
    if a.platform != b.platform:
        return False
    if a.id and b.id:
        return a.key == b.key or _same_bluesky_post(a, b)
    if not (a.handle and b.handle and a.text and b.text):
        return False
    if a.handle.casefold() != b.handle.casefold():
        return False
    if a.date and b.date and abs(_day(a.date) - _day(b.date)) > 1:
        return False
    if normalized_text(a.text) == normalized_text(b.text):
        return True
    return _took_in_lines(a, b) or _took_in_lines(b, a)


def _same_bluesky_post(a: Tweet, b: Tweet) -> bool:
    """One Bluesky post keyed two ways: by its author's handle (embedded by URL only) and by
    the author's DID (the full embed). The record key is unique within an author's repository,
    so the same key by the same handle is the same post."""
    return (
        a.platform == b.platform == "bluesky"
        and a.id == b.id
        and bool(a.handle and b.handle)
        and a.handle.casefold() == b.handle.casefold()  # type: ignore[union-attr]
    )


def _took_in_lines(flat: Tweet, other: Tweet) -> bool:
    """Whether ``flat`` (no id) is ``other``'s text with lines above it taken in."""
    if flat.id or not flat.text or not other.text:
        return False
    if not other.id:
        alternative = flat.text_alternative
        return bool(alternative) and normalized_text(alternative) == normalized_text(other.text)
    want = normalized_text(other.text)
    lines = flat.text.split("\n")
    return any(normalized_text("\n".join(lines[k:])) == want for k in range(1, len(lines)))


def _day(iso_date: str) -> int:
    return date.fromisoformat(iso_date).toordinal()
