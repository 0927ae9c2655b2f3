"""Offline HTML cards: one tweet as a card, and the page around it.

Every page stands alone and loads nothing from anywhere: the CSS and the index's one script
are inline and allowed by hash in a Content-Security-Policy meta tag whose default is
``'none'``; avatars are inline SVG; fonts are the system's. Tweet text, names and URLs are
untrusted: Jinja2 autoescapes everything, and only ``http``/``https`` URLs become links.

Pages are derived only from sanitised handles, keys and digests (``card_relpath``,
``article_relpath``). Which pages a render writes, and when, is ``archiver.render.site``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import Markup

from archiver import platforms
from archiver.dates import ENGLISH_MONTHS, parse_datetime_attr, snowflake_time
from archiver.entities import Entity, extract_entities
from archiver.model import LANG_TAG, Article, Link, Media, Source, Tweet, status_url
from archiver.paths import safe_name
from archiver.render import card_relpath

THEMES = ("light", "dark")

PROFILE_URL = "https://twitter.com/{}"
SEARCH_URL = "https://twitter.com/search?q={}"
REL = "noopener noreferrer nofollow"
#: The avatar of a tweet whose author is not known: grey, with a "?".
UNKNOWN_COLOUR = "#8b98a5"

# A handle as Twitter allows it; anything else is shown but never put into a URL.
_HANDLE_RE = re.compile(r"[A-Za-z0-9_]{1,50}")
# A scheme-less link as twitter-text finds it ("pic.twitter.com/x", "www.example.com").
_BARE_HOST_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}(?:[/?#]|$)")
# Explicit bidi embeddings, overrides and isolates: legitimate in running text (kept there,
# inside a dir="auto" element that isolates them) but a spoofing trick in names and handles.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class RenderReport:
    """What a render run did: ``written`` files changed on disk, ``unchanged`` were identical.

    ``paths`` lists the written files, relative to the output folder, in writing order.
    """

    written: int
    unchanged: int
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Segment:
    """A run of tweet text; ``href`` is set for an entity that links somewhere."""

    text: str
    href: str | None = None
    kind: str = "text"


@dataclass(frozen=True)
class When:
    """A tweet's date (and, when known, UTC time) as shown and as ``<time datetime>``."""

    datetime: str | None
    date_label: str
    time_label: str | None = None


@dataclass(frozen=True)
class MediaView:
    """A media placeholder: the link to the media (if safe) and the text it showed."""

    href: str | None
    display: str


@dataclass(frozen=True)
class ArticleRef:
    """A source article as a card's provenance line and the index show it."""

    title: str
    page: str | None
    read_at: When | None
    url: str | None


@dataclass(frozen=True)
class Card:
    """Everything a card template needs about one tweet, already made safe."""

    key: str
    id: str | None
    author: str
    handle: str | None
    profile_href: str | None
    initials: str
    colour: str
    lang: str | None
    paragraphs: tuple[tuple[Segment, ...], ...]
    when: When | None
    status_href: str | None
    media: tuple[MediaView, ...]
    sources: tuple[ArticleRef, ...]
    page: str
    png: str | None
    json: str | None
    alt: str
    day: str
    uncertain: str | None = None  # the explanation shown on hover, for an uncertain text
    platform: str = "x"
    platform_label: str = "X"


def uncertain_note(tweet: Tweet) -> str | None:
    """Why a card marks its text as uncertain (None when it is not).

    A text copy of an article does not show where the tweet's text starts; when a first
    line could be the article's, the record keeps both readings.
    """
    if not tweet.text_uncertain:
        return None
    note = (
        "Text boundary uncertain: read from a text copy of the article, whose first line "
        "may be the article's rather than the tweet's."
    )
    if tweet.text_alternative:
        note += " Without it: " + " ".join(tweet.text_alternative.split())
    return note


def article_relpath(source: Source) -> str:
    """Where a source article's page lives, e.g. ``articles/corim-1a2b3c4d5e6f.html``.

    The readable part is the sanitised file stem; the digest of path and content hash keeps
    two articles with one stem (or one path read twice with other content) apart.
    """
    stem = PurePosixPath(source.path.replace("\\", "/")).stem
    return f"articles/{safe_name(stem, fallback='article')}-{article_id(source)}.html"


def embed_card_html(tweet: Tweet, **context: object) -> str:
    """One tweet as a static card for someone else's page (``templates/embed_card.html``).

    This is the card ``archiver rewrite`` puts in place of a live embed: the same view of the
    tweet as the archive's cards, without the archive's pages, PNG and JSON files. ``context``
    goes to the template as it is.
    """
    card = _card(tweet, {}, frozenset())
    return _environment().get_template("embed_card.html").render(card=card, rel=REL, **context)


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an absolute ``http``/``https`` URL with a host, else None.

    Scheme-less links as twitter-text finds them ("pic.twitter.com/x") get ``https://``.
    Everything else (``javascript:``, ``data:``, relative or protocol-relative URLs, URLs
    with spaces or control characters) is dropped, so no untrusted href can run code.
    """
    if not url:
        return None
    url = url.strip()
    if _SPACE_OR_CONTROL.search(url):
        return None
    if "://" not in url and _BARE_HOST_RE.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def page_html(
    relpath: str,
    template: str,
    style: str,
    theme: str | None,
    cards: tuple[Card, ...],
    script: str | None = None,
    **context: object,
) -> str:
    """One page: ``template`` rendered with its cards, inline style and script, and CSP."""
    page = _environment().get_template(template)
    return page.render(
        # Links between pages are relative, so the folder opens from file:// and can move.
        root="../" * relpath.count("/"),
        theme=theme,
        cards=cards,
        style=Markup(style),
        script=Markup(script) if script else None,
        # Our own constant text and base64 digests: nothing to escape, and readable unescaped.
        csp=Markup(_csp(style, script, any(card.png for card in cards))),
        rel=REL,
        **context,
    )


def style_source(theme: str | None) -> str:
    """The one stylesheet for ``theme`` (None: follow the reader), inlined in every page."""
    return _environment().get_template("style.css").render(theme=theme)


@cache
def template_digest() -> str:
    """A digest of every template: a render made with other templates is redone in full."""
    digest = hashlib.sha256()
    for path in sorted(_template_root().iterdir()):
        if path.suffix in (".html", ".css", ".js"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def make_card(
    tweet: Tweet, refs: Mapping[tuple[str, str], ArticleRef], present: Container[str]
) -> Card:
    """The view of one tweet for the templates; ``present`` holds the PNG/JSON files that exist."""
    return _card(tweet, refs, present)


def _card(
    tweet: Tweet, refs: Mapping[tuple[str, str], ArticleRef], present: Container[str]
) -> Card:
    """The view of one tweet for the templates."""
    handle = clean_name(tweet.handle) or None
    named = clean_name(tweet.author)
    platform = platform_of(tweet)
    valid_handle = handle if handle and _valid_handle(platform, handle) else None
    lang = tweet.lang if tweet.lang and LANG_TAG.fullmatch(tweet.lang) else None
    when = tweet_time(tweet)
    sources = tuple(
        refs.get(_source_id(s)) or article_ref(s, None) for s in dict.fromkeys(tweet.sources)
    )
    png = card_relpath(tweet, "png")
    json_path = card_relpath(tweet, "json")
    status = post_href(tweet, valid_handle)
    return Card(
        key=tweet.key,
        id=tweet.id,
        author=named or (f"@{handle}" if handle else "Unknown author"),
        handle=handle,
        profile_href=_profile_href(platform, valid_handle, tweet.did),
        initials=initials(named, handle),
        colour=avatar_colour(handle or named) if handle or named else UNKNOWN_COLOUR,
        lang=lang,
        paragraphs=tweet_paragraphs(tweet),
        when=when,
        status_href=status,
        media=tuple(MediaView(safe_href(m.url), m.display or m.url) for m in tweet.media),
        sources=sources,
        page=card_relpath(tweet, "html"),
        png=png if png in present else None,
        json=json_path if json_path in present else None,
        alt=tweet.text if tweet.text is not None else f"{noun(tweet)} {tweet.id or tweet.key}",
        day=when.datetime[:10] if when and when.datetime else "",
        uncertain=uncertain_note(tweet),
        platform=platform,
        platform_label=platforms.LABELS[platform],
    )


def platform_of(tweet: Tweet) -> str:
    """The record's platform (an unknown one, which validation never lets in, reads as X)."""
    return tweet.platform if tweet.platform in platforms.LABELS else "x"


def noun(tweet: Tweet) -> str:
    """What the card calls the post: "Tweet", "Bluesky post", "Mastodon post"..."""
    platform = platform_of(tweet)
    return "Tweet" if platform == "x" else f"{platforms.LABELS[platform]} post"


def post_href(tweet: Tweet, handle: str | None) -> str | None:
    """The post on its platform: the record's URL, else an X status URL from the id."""
    status = safe_href(tweet.url)
    x_id = tweet.platform == "x" and tweet.id and tweet.id.isascii() and tweet.id.isdigit()
    if status is None and x_id:
        status = status_url(tweet.id, handle)
    return status


def _valid_handle(platform: str, handle: str) -> bool:
    """A handle the profile link may be built from, by the platform's own syntax."""
    if platform == "x":
        return _HANDLE_RE.fullmatch(handle) is not None
    pattern = {
        "bluesky": platforms.BSKY_HANDLE,
        "mastodon": platforms.MASTODON_HANDLE,
        "threads": platforms.THREADS_USER,
    }[platform]
    return pattern.fullmatch(handle) is not None


def _profile_href(platform: str, handle: str | None, did: str | None) -> str | None:
    """The author's profile on the platform's own host (Bluesky: by DID, which never changes)."""
    if handle is None:
        return None
    if platform == "x":
        return PROFILE_URL.format(handle)
    return safe_href(platforms.profile_url(platform, handle, did))


def tweet_paragraphs(tweet: Tweet) -> tuple[tuple[Segment, ...], ...]:
    """The tweet text as paragraphs of segments, its entities linked.

    Single line breaks stay inside a paragraph (shown with ``white-space: pre-wrap``); blank
    lines separate paragraphs.
    """
    text = tweet.text
    if not text:
        return ()
    entities = extract_entities(text)
    spans = [(e.start, e.end) for e in entities.urls]
    # The record's own links count wherever they stand: the text copy glues a URL to the
    # word before it ("Real-time Datahttps://t.co/…"), where twitter-text finds none.
    for item in (*tweet.links, *tweet.media):
        for shown in filter(None, {item.url, item.display}):
            # str.find, not a regex per link: compiling one per tweet thrashes re's cache.
            start = text.find(shown)
            while start >= 0:
                spans.append((start, start + len(shown)))
                start = text.find(shown, start + len(shown))
    linked = [(a, b, _url_segment(text[a:b], tweet.links, tweet.media)) for a, b in spans]
    for kind, found in (
        ("mention", entities.mentions),
        ("hashtag", entities.hashtags),
        ("cashtag", entities.cashtags),
    ):
        for entity in found:
            href = _entity_href(kind, entity, tweet)
            if href is not None:
                segment = Segment(text[entity.start : entity.end], href, kind)
                linked.append((entity.start, entity.end, segment))

    segments: list[Segment] = []
    pos = 0
    # By start, longest first: a URL comes before an @ or # inside it, which is then skipped.
    for start, end, segment in sorted(linked, key=lambda s: (s[0], -s[1])):
        if start < pos:
            continue
        segments += [Segment(text[pos:start]), segment]
        pos = end
    segments.append(Segment(text[pos:]))

    paragraphs: list[list[Segment]] = [[]]
    for segment in segments:
        if segment.href is not None:
            paragraphs[-1].append(segment)
            continue
        for i, piece in enumerate(_PARAGRAPH_BREAK.split(segment.text)):
            if i:
                paragraphs.append([])
            if piece:
                paragraphs[-1].append(Segment(piece))
    return tuple(tuple(p) for p in paragraphs if p)


def _url_segment(span: str, links: Sequence[Link], media: Sequence[Media]) -> Segment:
    """A URL found in the text, linked by the record's t.co href and display text if known."""
    for link in links:
        if span in (link.url, link.display, link.expanded) or _trimmed(link.display) == span:
            href = safe_href(link.url) or safe_href(link.expanded)
            # Show the display text where the text held the bare t.co URL.
            shown = link.display if span == link.url and link.display else span
            return Segment(shown, href, "url" if href else "text")
    for item in media:
        if span in (item.url, item.display):
            href = safe_href(item.url)
            return Segment(span, href, "url" if href else "text")
    href = safe_href(span)
    return Segment(span, href, "url" if href else "text")


def _trimmed(display: str) -> str:
    """A display URL without the ellipsis Twitter appends to a shortened one."""
    return display.rstrip("…").rstrip(".")


def _entity_href(kind: str, entity: Entity, tweet: Tweet) -> str | None:
    """Where a mention, hashtag or cashtag leads: the profile (or list) or the search page.

    On another platform only what its own rules found (the record's ``hashtags`` and
    ``mentions``) is linked, to that platform's host; the rest stays text.
    """
    platform = platform_of(tweet)
    if platform != "x":
        return _platform_entity_href(platform, kind, entity.value, tweet)
    if kind == "mention":
        # A list mention (@jack/friends) leads to the list, as twitter-text's autolink does.
        return PROFILE_URL.format(quote(entity.value + entity.list_slug, safe="/"))
    sigil = "#" if kind == "hashtag" else "$"
    return SEARCH_URL.format(quote(sigil + entity.value, safe=""))


def _platform_entity_href(platform: str, kind: str, value: str, tweet: Tweet) -> str | None:
    """A Bluesky or Mastodon hashtag's page on the platform's host (else None)."""
    if kind == "hashtag" and value in tweet.hashtags:
        if platform == "bluesky":
            return "https://bsky.app/hashtag/" + quote(value, safe="")
        match = platforms.MASTODON_HANDLE.fullmatch(tweet.handle or "")
        if platform == "mastodon" and match:
            return f"https://{match.group(2)}/tags/{quote(value, safe='')}"
    # Mentions stay text: X's mention rule stops at a dot, a Bluesky handle does not.
    return None


def tweet_time(tweet: Tweet) -> When | None:
    """The post's creation time in UTC if known (record, or an X snowflake id), else its date."""
    created = (parse_datetime_attr(tweet.created_at) if tweet.created_at else None) or (
        snowflake_time(tweet.id) if tweet.id and tweet.platform == "x" else None
    )
    if created is not None:
        return _moment(created)
    if not tweet.date:
        return None
    try:
        day = datetime.strptime(tweet.date, "%Y-%m-%d")
    except ValueError:
        return When(None, tweet.date)
    return When(tweet.date, date_label(day))


def _moment(utc: datetime) -> When:
    """An aware UTC datetime as date and time, to the second in the ``datetime`` attribute."""
    return When(utc.strftime("%Y-%m-%dT%H:%M:%SZ"), date_label(utc), utc.strftime("%H:%M UTC"))


def date_label(day: datetime) -> str:
    """The date as a tweet embed shows it ("April 12, 2023"), whatever the machine's locale."""
    return f"{ENGLISH_MONTHS[day.month - 1]} {day.day}, {day.year}"


def capture_time(value: str | None) -> When | None:
    """When a capture was fetched (its WARC-Date), as shown on an article's page."""
    return _read_at(value)


def _read_at(value: str | None) -> When | None:
    """When an article was read, from its ISO timestamp (kept verbatim if unparsable)."""
    if not value:
        return None
    parsed = parse_datetime_attr(value)
    return _moment(parsed) if parsed else When(None, value)


def article_ref(source: Source, article: Article | None) -> ArticleRef:
    """A source article; ``page`` is None when the archive has no ``Article`` (so no page)."""
    title = clean_name(source.title) or PurePosixPath(source.path.replace("\\", "/")).name
    return ArticleRef(
        title=title or "Untitled article",
        page=article_relpath(source) if article else None,
        read_at=_read_at(article.read_at) if article else None,
        url=safe_href(source.url),
    )


def _source_id(source: Source) -> tuple[str, str]:
    """What tells two source articles apart: their path and content hash."""
    return source.path, source.sha256


def article_ref_from(source: Source, read_at: str) -> ArticleRef:
    """The reference of an article the archive holds, read at ``read_at``."""
    return article_ref(source, Article(source=source, read_at=read_at, keys=()))


def article_id(source: Source) -> str:
    """A short stable digest of an article's path and content hash."""
    basis = "\x1f".join(_source_id(source)).encode("utf-8")
    return hashlib.sha256(basis).hexdigest()[:12]


def clean_name(name: str | None) -> str:
    """A display name or handle without bidi controls and surrounding white space."""
    return (name or "").translate(_BIDI_CONTROLS).strip()


def initials(author: str, handle: str | None) -> str:
    """Up to two initials for the avatar: the first letter of the first two named words."""
    letters = [
        next((ch for ch in word if ch.isalnum()), "") for word in author.split() if word[:1] != "@"
    ]
    initials = "".join(ch for ch in letters if ch)[:2]
    if not initials and handle:
        initials = next((ch for ch in handle if ch.isalnum()), "")
    return initials.upper() or "?"


def avatar_colour(basis: str) -> str:
    """An avatar colour derived from the handle: same handle, same colour, on every page."""
    digest = hashlib.sha256(basis.casefold().encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") % 360
    return f"hsl({hue}, 52%, 38%)"


def _csp(style: str, script: str | None, has_png: bool) -> str:
    """The page's Content-Security-Policy: nothing but its own inline code and local images.

    ``img-src data:`` is for the inline favicon (without one, a browser asks the server for
    ``/favicon.ico``); ``'self'`` only where the page shows a PNG card (search results may).
    The one inline script runs by its hash; ``'strict-dynamic'`` lets it, and nothing else,
    add the search index's classic scripts (a hash never matches a ``file:`` script, and an
    ``integrity`` attribute makes one fail to load: ``file:`` has no CORS).
    """
    directives = [
        "default-src 'none'",
        f"style-src '{_sha256(style)}'",
        "img-src 'self' data:" if has_png or script else "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    if script is not None:
        directives.insert(2, f"script-src '{_sha256(script)}' 'strict-dynamic'")
    return "; ".join(directives)


def _sha256(source: str) -> str:
    """A CSP hash source for an inline ``<style>`` or ``<script>`` body."""
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()


def _template_root() -> Path:
    """The templates folder: the installed package ``archiver.templates``, else the checkout's.

    ``templates/`` sits at the top of the repository and is installed as
    ``archiver.templates`` (see pyproject.toml); running from a plain checkout, without an
    install, that package does not exist.
    """
    try:
        return Path(str(resources.files("archiver.templates")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "templates"


@cache
def _environment() -> jinja2.Environment:
    """The Jinja2 environment: autoescaping everywhere, undefined names are errors."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_template_root()),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def script_source() -> str:
    """The index's search script, inserted verbatim so its CSP hash matches."""
    return (_template_root() / "search.js").read_text(encoding="utf-8")
