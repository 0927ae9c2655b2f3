"""The checks every record passes before it is stored, whatever its source (pure, no I/O).

Extraction results and imported lines (a colleague's export, a shard from another machine)
reach the archive only through ``validate_record`` / ``validate_document``, so the archive and
its exports carry only what these checks allow: field types and sizes, the key, and the
platform's own rules for ids, handles and status URLs (``PLATFORMS``), http(s) URLs with a
host, real ISO dates, ISO 8601 UTC times and BCP 47-ish language tags. A failure raises
``RecordError`` with a one-line reason naming the field and its value; nothing is repaired
except what is provably the same value (an absent optional field is its default).

The rules are the ones the rest of archiver already applies, imported from where they live:
handle syntax, id range and the safe-href rule from extraction (so every record extraction
builds passes by construction), the language-tag rule from the record's model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from archiver import platforms
from archiver.errors import RecordError
from archiver.extract.common import HANDLE, safe_href, valid_id
from archiver.model import LANG_TAG, Document, Found, Link, Media, Source, Tweet

#: Longest text a record may hold: 100,000 characters, four times the longest post X allows
#: (25,000 characters), which is what the PNG renderer keeps of a text (MAX_METADATA_CHARS).
MAX_TEXT = 100_000
#: Longest display name, mention, hashtag, markup label: what the PNG card draws of a name.
MAX_NAME = 200
#: Most items in a list (mentions, links, sources, found records, …).
MAX_ITEMS = 1_000
#: Longest URL: RFC 9110 §4.1 asks every party to support at least 8,000 octets.
MAX_URL = 8_192
#: Longest source path (Linux PATH_MAX), article title and evidence snippet.
MAX_PATH = 4_096
MAX_TITLE = 2_000
MAX_SNIPPET = 1_000_000
#: The formats extraction gives a source (``archiver.extract.sniff_format``, and
#: ``wordpress-post`` for a post of a WordPress export); an empty format is what an export of
#: a record without one carries.
FORMATS = frozenset(
    {"", "html", "markdown", "rst", "text", "org", "asciidoc", "notebook", "wordpress-post"}
)

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")
_DIGEST_KEY = re.compile(r"t-[0-9a-f]{16}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
T = TypeVar("T")


@dataclass(frozen=True)
class Platform:
    """What a record of one platform must look like: its id, handle and status URL rules."""

    name: str  # as messages say it, with its article: "an X"
    valid_id: Callable[[str], bool]
    valid_handle: Callable[[str], bool]
    valid_url: Callable[[str, str | None], bool]  # (url, id): the post's canonical URL
    # (uri, id): the platform's own URI of the post; platforms without one refuse any.
    valid_uri: Callable[[str, str | None], bool] = lambda uri, post_id: False


# The status URL extraction writes (``model.status_url``): no tracking, no other path.
_X_STATUS = re.compile(rf"https://(?:twitter|x)\.com/(?:{HANDLE.pattern}|i/web)/status/([0-9]+)")


def _x_url(url: str, tweet_id: str | None) -> bool:
    """``https://twitter.com|x.com/<handle>|i/web/status/<id>`` of the record's own id."""
    match = _X_STATUS.fullmatch(url)
    return match is not None and match.group(1) == tweet_id


def _bluesky_url(url: str, rkey: str | None) -> bool:
    """``https://bsky.app/profile/<did or handle>/post/<rkey>`` of the record's own key."""
    post = platforms.parse_bluesky(url)
    return post is not None and post.url == url and post.rkey == rkey


def _bluesky_uri(uri: str, rkey: str | None) -> bool:
    """``at://<did>/app.bsky.feed.post/<rkey>`` of the record's own key."""
    post = platforms.parse_bluesky(uri)
    return post is not None and post.at_uri == uri and post.rkey == rkey


def _mastodon_url(url: str, status_id: str | None) -> bool:
    """``https://<server>/@<user>/<id>`` of the record's own id."""
    status = platforms.parse_mastodon(url)
    return status is not None and status.url == url and status.id == status_id


def _threads_url(url: str, code: str | None) -> bool:
    """``https://www.threads.com/@<user>/post/<code>`` (or ``/t/<code>``) of its own code."""
    post = platforms.parse_threads(url)
    return post is not None and post.url == url and post.code == code


#: Per platform (a record's ``platform``, absent = "x").
PLATFORMS: Mapping[str, Platform] = {
    "x": Platform(
        name="an X",
        valid_id=lambda value: valid_id(value) == value,
        valid_handle=lambda value: HANDLE.fullmatch(value) is not None,
        valid_url=_x_url,
    ),
    "bluesky": Platform(
        name="a Bluesky",
        valid_id=platforms.valid_rkey,
        # Handles are case-insensitive; extraction keeps them lower-case.
        valid_handle=lambda value: (
            value == value.lower() and platforms.BSKY_HANDLE.fullmatch(value) is not None
        ),
        valid_url=_bluesky_url,
        valid_uri=_bluesky_uri,
    ),
    "mastodon": Platform(
        name="a Mastodon",
        valid_id=platforms.valid_mastodon_id,
        valid_handle=lambda value: platforms.MASTODON_HANDLE.fullmatch(value) is not None,
        valid_url=_mastodon_url,
    ),
    "threads": Platform(
        name="a Threads",
        valid_id=lambda value: platforms.THREADS_CODE.fullmatch(value) is not None,
        valid_handle=lambda value: platforms.THREADS_USER.fullmatch(value) is not None,
        valid_url=_threads_url,
    ),
}


def show(value: object, limit: int = 60) -> str:
    """A value as a reason quotes it: JSON (control characters escaped), cut at ``limit``."""
    if isinstance(value, str) and len(value) > limit:
        return json.dumps(value[:limit], ensure_ascii=False)[:-1] + '…"'
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit + 2 else text[:limit] + "…"


def _kind(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _object(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"{what} is {_kind(value)}, not an object")
    return value


def _text(
    data: Mapping[str, Any], name: str, limit: int, *, required: bool = False, empty: bool = False
) -> str | None:
    """Field ``name``: a string of at most ``limit`` characters, or null unless required."""
    value = data.get(name)
    if value is None:
        if required:
            raise RecordError(f"{name} is missing" if name not in data else f"{name} is null")
        return None
    return _string(value, name, limit, empty=empty)


def _string(value: object, what: str, limit: int, *, empty: bool = False) -> str:
    """``value`` if it is a string of at most ``limit`` characters that SQLite can store."""
    if not isinstance(value, str):
        raise RecordError(f"{what} is {_kind(value)}, not a string")
    if not value and not empty:
        raise RecordError(f"{what} is empty")
    if len(value) > limit:
        raise RecordError(f"{what} is {len(value):,} characters long (at most {limit:,})")
    # Extraction removes NULs; a lone surrogate (JSON "\ud800") has no UTF-8 form to store.
    # (Most strings are ASCII, which can hold neither a surrogate nor, after the test, a NUL.)
    bad = None if value.isascii() and "\x00" not in value else _UNSTORABLE.search(value)
    if bad:
        kind = "a NUL character" if bad.group() == "\x00" else "a lone surrogate"
        raise RecordError(f"{what} holds {kind} (character {bad.start() + 1:,})")
    return value


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    """Field ``name``: a list of at most ``MAX_ITEMS`` items (absent: empty)."""
    value = data.get(name, [])
    if not isinstance(value, list):
        raise RecordError(f"{name} is {_kind(value)}, not a list")
    if len(value) > MAX_ITEMS:
        raise RecordError(f"{name} has {len(value):,} items (at most {MAX_ITEMS:,})")
    return value


def _url(value: str, what: str) -> str:
    """``value`` if it is an absolute http(s) URL with a host, as extraction keeps them."""
    if len(value) > MAX_URL:
        raise RecordError(f"{what} is {len(value):,} characters long (at most {MAX_URL:,})")
    if safe_href(value) != value:  # which only keeps URLs that name a host
        raise RecordError(f"{what} {show(value)} is not an http(s) URL with a host")
    return value


def _names(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """A list of strings of 1 to ``MAX_NAME`` characters (mentions, hashtags, cashtags)."""
    return tuple(
        _string(item, f"{name} item {i}", MAX_NAME) for i, item in enumerate(_list(data, name), 1)
    )


def _each(
    data: Mapping[str, Any], name: str, label: str, check: Callable[[Any], T]
) -> tuple[T, ...]:
    """Field ``name``, a list, each item checked; a failure names the item (``link 2: …``)."""
    out = []
    for i, item in enumerate(_list(data, name), 1):
        try:
            out.append(check(item))
        except RecordError as exc:
            raise RecordError(f"{label} {i}: {exc}") from None
    return tuple(out)


def _link(data: object) -> Link:
    link = _object(data, "the link")
    url = _url(_text(link, "url", MAX_URL, required=True) or "", "url")
    display = _text(link, "display", MAX_TEXT, required=True) or ""
    expanded = _text(link, "expanded", MAX_URL)
    return Link(url, display, _url(expanded, "expanded") if expanded is not None else None)


def _media(data: object) -> Media:
    media = _object(data, "the media")
    url = _url(_text(media, "url", MAX_URL, required=True) or "", "url")
    return Media(url, _text(media, "display", MAX_TEXT, required=True) or "")


def validate_source(data: object) -> Source:
    """An article reference (a record's source, a document's source), checked."""
    source = _object(data, "source")
    path = _text(source, "path", MAX_PATH, required=True) or ""
    # Absent or null: what exports of records without a digest or format carry.
    sha256 = _text(source, "sha256", 64, empty=True) or ""
    if sha256 and not _SHA256.fullmatch(sha256):
        raise RecordError(f"sha256 {show(sha256)} is not 64 lower-case hex digits")
    fmt = _text(source, "format", MAX_NAME, empty=True) or ""
    if fmt not in FORMATS:
        raise RecordError(f"format {show(fmt)} is not one of {', '.join(sorted(FORMATS - {''}))}")
    title = _text(source, "title", MAX_TITLE, empty=True)
    url = _text(source, "url", MAX_URL)
    if url is not None:
        _url(url, "url")
    # A WARC-Record-ID ("" in ARC files) or a WordPress export's post guid (a URL, mostly).
    record = _text(source, "record", MAX_URL, empty=True)
    return Source(path, sha256, fmt, title, url, record)


def _when(
    value: str | None, name: str, form: re.Pattern[str], parse: Callable[[str], object], says: str
) -> str | None:
    """``value`` if it has the ISO ``form`` and names a real day or time (no 2023-13-45)."""
    if value is None:
        return None
    if form.fullmatch(value):
        try:
            parse(value)
            return value
        except ValueError:
            pass
    raise RecordError(f"{name} {show(value)} is not {says}")


def _doubt(record: Mapping[str, Any], text: str | None) -> tuple[bool, str | None]:
    """``text_uncertain`` (absent: false) and ``text_alternative``, the reading it doubts."""
    uncertain = record.get("text_uncertain", False)
    if not isinstance(uncertain, bool):
        raise RecordError(f"text_uncertain is {_kind(uncertain)}, not true or false")
    alternative = _text(record, "text_alternative", MAX_TEXT, empty=True)
    if uncertain and text is None:
        raise RecordError("text_uncertain is true but the record has no text")
    if alternative is not None and not uncertain:
        raise RecordError("text_alternative is set but text_uncertain is not true")
    return uncertain, alternative


def validate_record(data: object) -> Tweet:
    """The record ``data`` (an exported JSON object) as a Tweet, or RecordError saying why not.

    Unknown fields are ignored, as ``Tweet.from_dict`` ignores them.
    """
    record = _object(data, "the record")
    name = record.get("platform", "x")
    platform = PLATFORMS.get(name) if isinstance(name, str) else None
    if platform is None:
        raise RecordError(f"platform {show(name)} is not one of {', '.join(PLATFORMS)}")
    key = _text(record, "key", MAX_NAME, required=True) or ""
    tweet_id = _text(record, "id", MAX_NAME)
    if tweet_id is not None and not platform.valid_id(tweet_id):
        raise RecordError(f"id {show(tweet_id)} is not {platform.name} post id")
    url = _text(record, "url", MAX_URL)
    uri = _text(record, "uri", MAX_URL)
    if uri is not None and not platform.valid_uri(uri, tweet_id):
        raise RecordError(f"uri {show(uri)} is not {platform.name} post URI of its id")
    if name != "x" and tweet_id is None:
        # Only a Bluesky copy read from text has none: keyed by a digest, like X's.
        if name != "bluesky" or not (key[:5] == "bsky:" and _DIGEST_KEY.fullmatch(key[5:])):
            raise RecordError(f"{platform.name} record has no id")
    elif name != "x" and tweet_id is not None:
        if not platforms.valid_key(name, key, tweet_id, url, uri):
            want = platforms.post_key(name, tweet_id, url, uri) or "mastodon:SERVER/ID"
            raise RecordError(f"key {show(key)} is not the record's key {show(want)}")
    elif tweet_id is not None and key != tweet_id:
        raise RecordError(f"key {show(key)} is not the record's id {show(tweet_id)}")
    elif tweet_id is None and not _DIGEST_KEY.fullmatch(key):
        raise RecordError(f"key {show(key)} of a record without an id is not t- and 16 hex digits")
    if url is not None and not platform.valid_url(_url(url, "url"), tweet_id):
        of = f"id {show(tweet_id)}" if tweet_id else "id (it has none)"
        raise RecordError(f"url {show(url)} is not the status URL of its {of}")
    handle = _text(record, "handle", MAX_NAME)
    if handle is not None and not platform.valid_handle(handle):
        raise RecordError(f"handle {show(handle)} is not {platform.name} handle")
    day = _text(record, "date", MAX_NAME)
    created_at = _text(record, "created_at", MAX_NAME)
    lang = _text(record, "lang", MAX_NAME)
    if lang is not None and not LANG_TAG.fullmatch(lang):
        raise RecordError(f"lang {show(lang)} is not a language tag")
    text = _text(record, "text", MAX_TEXT)
    uncertain, alternative = _doubt(record, text)
    return Tweet(
        key=key,
        id=tweet_id,
        url=url,
        author=_text(record, "author", MAX_NAME),
        handle=handle,
        date=_when(day, "date", _DAY, date.fromisoformat, "a calendar date (YYYY-MM-DD)"),
        created_at=_when(
            created_at, "created_at", _UTC_TIME, datetime.fromisoformat, "an ISO 8601 UTC time"
        ),
        lang=lang,
        text=text,
        text_uncertain=uncertain,
        text_alternative=alternative,
        mentions=_names(record, "mentions"),
        hashtags=_names(record, "hashtags"),
        cashtags=_names(record, "cashtags"),
        links=_each(record, "links", "link", _link),
        media=_each(record, "media", "media", _media),
        sources=_each(record, "sources", "source", validate_source),
        platform=name,
        uri=uri,
    )


def validate_document(
    data: object, on_reject: Callable[[int, RecordError], None] | None = None
) -> Document:
    """An extraction result (``Document.to_dict()``, a shard's line), checked.

    A found record that fails is dropped and passed to ``on_reject`` with its position
    (from 1), so one bad record does not cost the article's others; without ``on_reject``
    it raises. A bad source or shape raises: the document as a whole cannot be trusted.
    """
    document = _object(data, "the document")
    try:
        source = validate_source(document.get("source"))
    except RecordError as exc:
        raise RecordError(f"source: {exc}") from None
    found = []
    for i, item in enumerate(_list(document, "found"), 1):
        try:
            entry = _object(item, "found")
            tweet = validate_record(entry.get("tweet"))
            snippet = _text(entry, "snippet", MAX_SNIPPET, required=True, empty=True) or ""
            markup = _text(entry, "markup", MAX_NAME, required=True) or ""
        except RecordError as exc:
            if on_reject is None:
                raise RecordError(f"record {i}: {exc}") from None
            on_reject(i, exc)
            continue
        found.append(Found(tweet, snippet, markup))
    return Document(source, tuple(found))
