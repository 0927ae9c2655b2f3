"""What every extractor shares: status URLs, credit lines, and turning parts into a Tweet."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from archiver import dates, platforms
from archiver.entities import Entities, extract_entities
from archiver.model import LANG_TAG, Link, Media, Tweet, make_key, status_url

HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
# Path segments of twitter.com that are not user names.
_NOT_HANDLES = frozenset({"i", "intent", "share", "search", "hashtag", "home", "web", "statuses"})
# twitter.com and x.com, and the front-ends that republish a status at the same path
# (fxtwitter, vxtwitter, fixupx, fixvx, twittpr, xcancel, nitter.net) and that sites embed.
_STATUS = re.compile(
    r"(?:https?:)?//(?:www\.|mobile\.|m\.)?"
    r"(?:(?:(?:fx|vx)?twitter|(?:fixup|fixv)?x|twittpr|xcancel)\.com|nitter\.net)/"
    r"(?:#!/)?(?:([A-Za-z0-9_]{1,15})/|i/(?:web/)?)status(?:es)?/(\d{1,20})",
    re.IGNORECASE,
)
_PROFILE = re.compile(
    r"^(?:https?:)?//(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:#!/)?([A-Za-z0-9_]{1,15})/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# Dashes that open a credit line. U+2014 is the embed's own; "&mdash;" survives in Markdown
# copies; "--" and U+2015/U+2013 in hand-made text copies.
_DASHES = ("\u2014", "&mdash;", "&#8212;", "&#x2014;", "\u2015", "--", "\u2013")
_HANDLE_GROUP = re.compile(r"\(\s*[@\uff20]([A-Za-z0-9_]{1,15})\s*\)")
# A Bluesky credit's handle is a host name ("— Name (@name.bsky.social) date").
_BSKY_GROUP = re.compile(
    rf"\(\s*[@\uff20]([A-Za-z0-9_]{{1,15}}|{platforms.BSKY_HANDLE.pattern})\s*\)"
)
MAX_NAME = 80
# Ids are 64-bit: snowflakes since late 2010, small sequential numbers before.
MAX_ID = 2**63 - 1


def valid_id(text: str | None) -> str | None:
    """The id as a canonical decimal string, or None when it cannot be a status id."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    if value <= 0 or value > MAX_ID:
        return None
    return str(value)


def parse_status_url(href: str | None) -> tuple[str | None, str] | None:
    """``(handle or None, id)`` for a twitter.com / x.com status URL, else None."""
    if not href:
        return None
    match = _STATUS.search(href.strip())
    if not match:
        return None
    tweet_id = valid_id(match.group(2))
    if tweet_id is None:
        return None
    handle = match.group(1)
    if handle and handle.lower() in _NOT_HANDLES:
        handle = None
    return handle, tweet_id


def profile_handle(href: str | None) -> str | None:
    """The handle of a profile URL (``https://twitter.com/jack``), else None."""
    if not href:
        return None
    match = _PROFILE.match(href.strip())
    if not match or match.group(1).lower() in _NOT_HANDLES:
        return None
    return match.group(1)


@dataclass(frozen=True)
class Credit:
    """A parsed credit line ``— Name (@handle) Date``; ``before`` is text left of the dash."""

    author: str
    handle: str
    date_text: str
    before: str


def parse_credit(line: str, *, bluesky: bool = False) -> Credit | None:
    """Parse a credit line; the handle is the last ``(@handle)`` group that ends the credit.

    ``date_text`` is what follows the handle (empty when missing); it must read as a date
    when present, so ``— Follow us (@foo) for more`` in prose is not a credit. Scans the
    line a bounded number of times: no regex backtracking over hostile input. ``bluesky``:
    a handle may also be a host name (a Bluesky post's credit).
    """
    if "(" not in line or ("@" not in line and "\uff20" not in line):
        return None
    # Only the last three groups are tried: keeping every match of a hostile line of millions
    # of "(@a)" cost gigabytes.
    groups = deque((_BSKY_GROUP if bluesky else _HANDLE_GROUP).finditer(line), maxlen=3)
    for group in reversed(groups):
        rest = line[group.end() :].strip()
        if rest and dates.parse_shown_date(rest) is None:
            continue
        head = line[: group.start()]
        credit = _split_dash(head)
        if credit is None:
            return None
        before, author = credit
        if not author or len(author) > MAX_NAME:
            return None
        return Credit(author=author, handle=group.group(1), date_text=rest, before=before)
    return None


def _split_dash(head: str) -> tuple[str, str] | None:
    """Split ``head`` (the text before the handle) into (text before the dash, name)."""
    stripped = head.lstrip()
    for dash in _DASHES:
        if stripped.startswith(dash):
            return "", stripped[len(dash) :].strip()
    # The credit can end a body line: "... pic.twitter.com/x — Name (@handle) Date".
    best = -1
    for dash in ("\u2014", "&mdash;", "\u2015", "--"):
        pos = head.rfind(" " + dash + " ")
        if pos > best:
            best, found = pos, dash
    if best < 0:
        return None
    return head[:best].rstrip(), head[best + len(found) + 2 :].strip()


@dataclass(frozen=True)
class Anchor:
    """A link inside tweet text: its span in the text, href, shown text and title."""

    start: int
    end: int
    href: str
    text: str
    title: str | None = None


# A lower-case http(s) URL whose network location is a plain host name (and port): it has a
# host, read without urlsplit (a third of the cost of a link).
_PLAIN_HTTP = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?(?::[0-9]*)?(?:[/?#]|\Z)")


def safe_href(href: str | None) -> str | None:
    """The href when it is an absolute http(s) URL with a host name (protocol-relative gets
    https), else None."""
    if not href:
        return None
    href = href.strip()
    if _PLAIN_HTTP.match(href):
        return href
    if href.startswith("//"):
        href = "https:" + href
    try:
        parts = urlsplit(href)
        host = parts.hostname  # "http://:80" has a network location but no host
    except ValueError:  # a malformed port or IPv6 literal
        return None
    scheme = parts.scheme
    if scheme.lower() not in ("http", "https") or not host:
        return None
    return scheme.lower() + href[len(scheme) :]  # "HTTPS://…" is kept as "https://…"


def _hashtag_from_href(href: str) -> bool:
    lowered = href.lower()
    return "/hashtag/" in lowered or "q=%23" in lowered or "q=#" in lowered


def _cashtag_from_href(href: str) -> bool:
    lowered = href.lower()
    return "q=%24" in lowered or "q=$" in lowered


@dataclass(frozen=True)
class _Span:
    start: int
    kind: str
    value: object


def entities_of(
    text: str, anchors: list[Anchor]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[Link, ...], tuple[Media, ...]]:
    """Mentions, hashtags, cashtags, links and media of a tweet text.

    Links in the embed markup are authoritative (they carry the t.co href and the title with
    the expanded URL, and they split glued text like ``…/x1#COP26``); twitter-text finds the
    entities the markup did not link (text copies have no markup at all).
    """
    spans: list[_Span] = []
    covered: list[tuple[int, int]] = []
    for anchor in anchors:
        kind_value = _classify_anchor(anchor, text)
        if kind_value is None:
            continue
        spans.append(_Span(anchor.start, *kind_value))
        covered.append((anchor.start, anchor.end))

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in covered)

    found = extract_entities(text) if _may_hold_entities(text, covered) else _NO_ENTITIES
    for kind, items in (
        ("mention", found.mentions),
        ("hashtag", found.hashtags),
        ("cashtag", found.cashtags),
    ):
        for entity in items:
            if free(entity.start, entity.end):
                spans.append(_Span(entity.start, kind, entity.value))
    for entity in found.urls:
        if not free(entity.start, entity.end):
            continue
        shown = entity.value
        url = safe_href(shown if "://" in shown else "https://" + shown)
        if url is None:
            continue
        if _is_media(shown):
            spans.append(_Span(entity.start, "media", Media(url, shown)))
        else:
            spans.append(_Span(entity.start, "link", Link(url, shown, None)))
    spans.sort(key=lambda s: s.start)

    def collect(kind: str) -> tuple:
        out: list = []
        for span in spans:
            if span.kind == kind and span.value not in out:
                out.append(span.value)
        return tuple(out)

    return (
        collect("mention"),
        collect("hashtag"),
        collect("cashtag"),
        collect("link"),
        collect("media"),
    )


_NO_ENTITIES = Entities((), (), (), ())
# What any entity twitter-text finds must contain: a sigil, or a dot before a domain label.
_ENTITY_SIGN = re.compile(r"[@\uff20#\uff03$]|\.[^\W_]", re.UNICODE)


def _may_hold_entities(text: str, covered: list[tuple[int, int]]) -> bool:
    """Whether the text outside the embed's own links could hold an entity.

    An embed links every entity it has; twitter-text (the costliest step of reading an embed)
    only runs when the unlinked rest of the text has a sign an entity needs.
    """
    if not covered:
        return _ENTITY_SIGN.search(text) is not None
    pieces, at = [], 0
    for start, end in sorted(covered):
        pieces.append(text[at:start])
        at = max(at, end)
    pieces.append(text[at:])
    return _ENTITY_SIGN.search(" ".join(pieces)) is not None


def _is_media(shown: str) -> bool:
    lowered = shown.lower()
    return (
        lowered.startswith(("pic.twitter.com/", "pic.x.com/")) or "://pic.twitter.com/" in lowered
    )


def _classify_anchor(anchor: Anchor, text: str) -> tuple[str, object] | None:
    shown = anchor.text.strip()
    href = anchor.href
    if shown[:1] in ("#", "\uff03") and (_hashtag_from_href(href) or not safe_href(href)):
        return ("hashtag", shown[1:]) if shown[1:] else None
    if shown[:1] == "$" and (_cashtag_from_href(href) or not safe_href(href)):
        return ("cashtag", shown[1:]) if shown[1:] else None
    handle = profile_handle(href)
    if handle:
        # "@jack", "<s>@</s><b>jack</b>" (reads "@jack") and "@<a>jack</a>" (the @ outside).
        name = shown.lstrip("@\uff20")
        at_outside = anchor.start > 0 and text[anchor.start - 1] in "@\uff20"
        if (shown[:1] in "@\uff20" or at_outside) and HANDLE.fullmatch(name):
            return ("mention", name)
    url = safe_href(href)
    if url is None:
        return None
    if _is_media(shown) or "pic.twitter.com" in url.lower():
        return ("media", Media(url, shown or url))
    if _hashtag_from_href(url) or _cashtag_from_href(url):
        return None
    # title= holds the expanded URL in 2012-era embeds; any other tooltip is not one.
    return ("link", Link(url, shown or url, safe_href(anchor.title)))


def canonical_status_url(href: str | None, handle: str | None, tweet_id: str) -> str:
    """``https://twitter.com/<handle>/status/<id>`` on the host the embed used, no tracking."""
    host = "twitter.com"
    if href and not href.startswith("https://twitter.com/"):
        netloc = urlsplit(safe_href(href) or "https://twitter.com").netloc.lower()
        if netloc.endswith("x.com") and not netloc.endswith("twitter.com"):
            host = "x.com"
    return status_url(tweet_id, handle, host)


def shown_day(date_text: str | None, lang: str | None, created: datetime | None) -> date | None:
    """The day an embed's date text shows; the id's day when they disagree (the id cannot
    lie, the page's date text can be misread)."""
    if not date_text:
        return None
    shown = (created and dates.english_day(date_text, created)) or dates.parse_shown_date(
        date_text, lang
    )
    if shown is not None and created is not None and not dates.consistent(shown, created):
        shown = created.date()
    return shown


def make_tweet(
    *,
    tweet_id: str | None,
    handle: str | None,
    author: str | None,
    date_text: str | None,
    datetime_attr: str | None = None,
    lang: str | None = None,
    text: str | None = None,
    anchors: list[Anchor] | None = None,
    href: str | None = None,
) -> Tweet:
    """Assemble a Tweet from what an extractor read; derives key, URL, dates and entities."""
    if handle is not None and not HANDLE.fullmatch(handle):
        handle = None
    created = dates.snowflake_time(tweet_id) if tweet_id else None
    if created is None and datetime_attr:
        created = dates.parse_datetime_attr(datetime_attr)
    shown = shown_day(date_text, lang, created)
    if text is not None:
        text = text.strip() or None
    mentions = hashtags = cashtags = ()
    links: tuple[Link, ...] = ()
    media: tuple[Media, ...] = ()
    if text is not None:
        mentions, hashtags, cashtags, links, media = entities_of(text, anchors or [])
    date_iso = shown.isoformat() if shown else None
    return Tweet(
        key=make_key(tweet_id, handle, date_iso, text),
        id=tweet_id,
        url=canonical_status_url(href, handle, tweet_id) if tweet_id else None,
        author=(author or "").strip() or None,
        handle=handle,
        date=date_iso,
        created_at=dates.iso_z(created) if created else None,
        # A value that is not a language tag (a copy escaped in a string literal reads \"en\")
        # names no language.
        lang=lang.strip() if lang and LANG_TAG.fullmatch(lang.strip()) else None,
        text=text,
        mentions=mentions,
        hashtags=hashtags,
        cashtags=cashtags,
        links=links,
        media=media,
    )


# A name's words: "TwitterEmbed" → twitter, embed; "tweet-card" → tweet, card; "X" → x.
_NAME_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def name_words(value: str) -> list[str]:
    """The lower-cased words of a class, tag or component name, split at case and separators."""
    return [w.lower() for w in _NAME_WORD.findall(value)]
