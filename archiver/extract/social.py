"""Bluesky, Mastodon and Threads embeds in a document's text (a pure function of the text).

The shapes are the ones people paste (issue 13's corpus): the platforms' own embed markup in
HTML, in JSX (``className``, formatter-wrapped lines, ``{' '}``) and in Markdown mangled by
converters (``---`` for the dash, ``\\'``, ``\\[image or embed\\]``, ``?ref\\_src``), and the
shortcodes that hold only a post URL. What identifies an embed is always a post reference in
the place the platform puts it — ``data-bluesky-uri``, ``data-embed-url`` or a Mastodon
iframe's ``src``, ``data-text-post-permalink``, a shortcode's argument — never a class name
alone (layout wrappers are called ``bluesky-embed`` too), never a link in prose.

Only Bluesky's markup carries the post (text, author, shown date); Mastodon's and Threads'
cards say "Post by @user" and "View on …" in the copier's language, which is not post text:
those are stubs with the handle.
"""

from __future__ import annotations

import bisect
import re
from html import unescape

import lxml.html
from lxml import etree

from archiver import dates, platforms
from archiver.extract.common import shown_day
from archiver.model import LANG_TAG, Found, Media, Tweet, make_key

#: Lower-cased signs on a page's bytes that it may hold one of these embeds as markup.
SIGNS = (b"data-bluesky-uri", b"mastodon-embed", b"data-embed-url", b"data-text-post-permalink")
# As written by the platforms, HTML tools and JSX alike: lower case. Plain substring searches
# (a case-insensitive regex over every page cost more than the rest of extraction).
_SIGN_TEXTS = tuple(sign.decode() for sign in SIGNS)

# A start tag whose quoted values may hold ">" (a real iframe src reads ".../ID>/embed").
_TAG = re.compile(
    r"<(blockquote|iframe)\b((?:[^<>\"']|\"[^\"]{0,4000}\"|'[^']{0,4000}'){0,200})>",
    re.IGNORECASE,
)
_ATTR = re.compile(r"([A-Za-z_:][-\w:.]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))")
_END = re.compile(r"</blockquote\s*>", re.IGNORECASE)
_MAX_BODY = 100_000
_SOCIAL_ATTRS = frozenset({"data-bluesky-uri", "data-embed-url", "data-text-post-permalink"})
# Hugo ({{< bluesky link="URL" >}}, {{< toot "URL" >}}) and Liquid/Nunjucks ({% stoot "server",
# "id" %}, comma optional) shortcodes. An unquoted argument (a template variable) names no post.
_SHORTCODE = re.compile(
    r"\{\{[<%]\s*(bluesky|toot|mastodon)\s+(?:[a-z]+\s*=\s*)?\"([^\"\s]{1,2000})\"[^{}]{0,200}[>%]\}\}",
    re.IGNORECASE,
)
_STOOT = re.compile(
    r"\{%-?\s*stoot\s+[\"']([A-Za-z0-9.-]{1,253})[\"']\s*,?\s*[\"']([0-9]{1,19})[\"']\s*-?%\}"
)
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
# Markdown converters' escapes inside pasted HTML (Pandoc: \' \[ \] \_).
_MD_ESCAPE = re.compile(r"\\([\\'\"\[\]_*`])")
_JSX_SPACE = re.compile(r"\{\s*(['\"])(\s*)\1\s*\}")
_DASH = re.compile(r"^\s*(?:&mdash;|&#8212;|\u2014|---|--|-)\s*")
_POST_BY = re.compile(r"@([A-Za-z0-9_.-]+@[A-Za-z0-9.-]+)")
_PLACEHOLDER = "[image or embed]"


def social_elements(text: str) -> list[tuple[int, Found]]:
    """The embeds written as markup (HTML, JSX, Markdown-mangled HTML), with their offsets."""
    if not any(sign in text for sign in _SIGN_TEXTS):
        return []
    out = []
    # Every "</blockquote>" once, found again by bisection: a search per start tag was
    # quadratic on a page of unclosed blockquotes.
    closes: list[re.Match[str]] | None = None
    for match in _TAG.finditer(text):
        attrs = _attrs(match.group(2))
        if (
            match.group(1).lower() == "blockquote"
            and closes is None
            and _SOCIAL_ATTRS & attrs.keys()
        ):
            closes = list(_END.finditer(text))
        found = _element(text, match, attrs, closes or [])
        if found is not None:
            out.append((match.start(), found))
    return out


def social_shortcodes(text: str) -> list[tuple[int, Found]]:
    """The embeds written as shortcodes (Hugo ``bluesky``/``toot``, Eleventy ``stoot``), with
    their offsets; those inside a ``{% raw %}`` block are documentation and skipped."""
    if "{{" not in text and "{%" not in text:
        return []
    if "raw" in text:
        text = _RAW.sub(lambda m: " " * len(m.group()), text)
    out = []
    for match in _SHORTCODE.finditer(text):
        found = _shortcode(match.group(1).lower(), unescape(match.group(2)), match.group(0))
        if found is not None:
            out.append((match.start(), found))
    for match in _STOOT.finditer(text):
        host = match.group(1).lower()
        if platforms.valid_mastodon_host(host) and platforms.valid_mastodon_id(match.group(2)):
            key = platforms.MastodonPost(host, "", match.group(2)).key
            tweet = post_record(platforms.MASTODON, match.group(2), key, url=None, handle=None)
            out.append((match.start(), Found(tweet, match.group(0), "mastodon stoot")))
    return out


def _attrs(raw: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        value = match.group(2) if match.group(2) is not None else match.group(3) or match.group(4)
        out.setdefault(match.group(1).lower(), unescape(_MD_ESCAPE.sub(r"\1", value or "")))
    return out


def _element(
    text: str, match: re.Match[str], attrs: dict[str, str], closes: list[re.Match[str]]
) -> Found | None:
    tag = match.group(1).lower()
    if tag == "iframe":
        classes = (attrs.get("class") or attrs.get("classname") or "").split()
        src = attrs.get("src") or ""
        status = platforms.parse_mastodon(src)
        if status is None or not ("mastodon-embed" in classes or "/embed" in src):
            return None
        return _mastodon(status, None, match.group(0), "mastodon iframe")
    if not _SOCIAL_ATTRS & attrs.keys():
        return None
    at = bisect.bisect_left(closes, match.end(), key=lambda close: close.start())
    end = closes[at] if at < len(closes) and closes[at].start() - match.end() <= _MAX_BODY else None
    body = text[match.end() : end.start()] if end else ""
    snippet = text[match.start() : end.end()] if end else match.group(0)
    if "data-bluesky-uri" in attrs:
        return _bluesky(attrs, body, snippet)
    if "data-embed-url" in attrs:
        status = platforms.parse_mastodon(attrs["data-embed-url"])
        if status is None:
            return None
        said = _POST_BY.search(_plain(body))
        return _mastodon(status, said.group(1) if said else None, snippet, "mastodon blockquote")
    if "data-text-post-permalink" in attrs:
        post = platforms.parse_threads(attrs["data-text-post-permalink"])
        if post is None or post.user is None:
            return None
        tweet = post_record(platforms.THREADS, post.code, post.key, url=post.url, handle=post.user)
        return Found(tweet, snippet, "threads blockquote")
    return None


def _mastodon(status: platforms.MastodonPost, said: str | None, snippet: str, markup: str) -> Found:
    """A Mastodon stub: the handle the card says (``user@server``), else the URL's."""
    handle = said if said and platforms.MASTODON_HANDLE.fullmatch(said) else status.handle
    tweet = post_record(platforms.MASTODON, status.id, status.key, url=status.url, handle=handle)
    return Found(tweet, snippet, markup)


def _shortcode(name: str, ref: str, snippet: str) -> Found | None:
    if name == "bluesky":
        post = platforms.parse_bluesky(ref)
        if post is None:
            return None
        handle = None if post.did else post.author
        tweet = post_record(
            platforms.BLUESKY, post.rkey, post.key, url=post.url, uri=post.at_uri, handle=handle
        )
        return Found(tweet, snippet, "bluesky shortcode")
    status = platforms.parse_mastodon(ref)
    return _mastodon(status, None, snippet, "mastodon shortcode") if status else None


def _plain(fragment: str) -> str:
    """The visible text of an HTML fragment, white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]*>", " ", fragment)).split())


def _bluesky(attrs: dict[str, str], body: str, snippet: str) -> Found | None:
    """``<blockquote class="bluesky-embed" data-bluesky-uri=AT-URI>``: ``<p lang>`` text
    (``[image or embed]`` is a media placeholder), then ``— Name (@handle) date``."""
    post = platforms.parse_bluesky(attrs["data-bluesky-uri"])
    if post is None:
        return None
    jsx = "classname" in attrs
    body = _JSX_SPACE.sub(lambda m: m.group(2) or " ", _MD_ESCAPE.sub(r"\1", body))
    try:
        root = lxml.html.fragment_fromstring(body or "<span></span>", create_parent="div")
    except (etree.ParserError, ValueError):
        return None
    para = root.find(".//p")
    text = lang = None
    media: tuple[Media, ...] = ()
    if para is not None:
        text, has_media = _post_text(para, jsx)
        lang = (para.get("lang") or "").strip() or None
        if has_media:
            media = (Media(post.url, _PLACEHOLDER),)
    author, handle, date_text = _credit(root, para, post)
    tweet = post_record(
        platforms.BLUESKY,
        post.rkey,
        post.key,
        url=post.url,
        uri=post.at_uri,
        handle=handle,
        author=author,
        date_text=date_text,
        lang=lang if lang and LANG_TAG.fullmatch(lang) else None,
        text=text,
        media=media,
    )
    return Found(tweet, snippet, "bluesky blockquote (jsx)" if jsx else "bluesky blockquote")


def _post_text(para: etree._Element, jsx: bool) -> tuple[str | None, bool]:
    """The post's text (``<br>`` is a line break; in JSX the source's own line breaks are
    the formatter's, not the post's) and whether the media placeholder was there."""
    parts: list[str] = []
    has_media = False

    def add(value: str | None) -> None:
        if value:
            parts.append(" ".join(value.split()) if jsx else value)

    add(para.text)
    for child in para:
        if child.tag == "br":
            parts.append("\n")
        elif child.tag == "a" and " ".join(child.text_content().split()) == _PLACEHOLDER:
            has_media = True
        else:
            add(child.text_content())
        add(child.tail)
    joined = " ".join(parts) if jsx else "".join(parts)
    lines = [" ".join(line.split()) for line in joined.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text or None, has_media


def _credit(
    root: etree._Element, para: etree._Element | None, post: platforms.BlueskyPost
) -> tuple[str | None, str | None, str | None]:
    """``— Name (<a>@handle</a>) <a href=post>date</a>`` after the text; a tool-made variant
    puts ``Name (@handle)`` inside one link."""
    handle = None if post.did else post.author
    author = date_text = None
    lead = (para.tail if para is not None else root.text) or ""
    for anchor in root.iter("a"):
        if para is not None and anchor in para.iter("a"):
            continue
        shown = " ".join(anchor.text_content().split())
        href = anchor.get("href") or ""
        target = platforms.parse_bluesky(href)
        if target is not None and target.rkey == post.rkey:
            date_text = shown or None
        elif shown.startswith("@") and platforms.BSKY_HANDLE.fullmatch(shown[1:]):
            handle = shown[1:].lower()
        elif "(@" in shown:  # <a>Name (@handle)</a>
            name, _, rest = shown.partition("(@")
            lead, candidate = name, rest.rstrip(") ")
            if platforms.BSKY_HANDLE.fullmatch(candidate):
                handle = candidate.lower()
        if handle and author is None:
            author = _DASH.sub("", " ".join(lead.split())).rstrip("( ").strip() or None
    return author, handle, date_text


def flattened_bluesky(
    *, handle: str, author: str, date_text: str | None, text: str, media: bool
) -> Tweet:
    """A Bluesky post read from a text copy (``— Name (@handle) date`` under its lines): no
    id, so keyed by a digest of handle, shown day and text (``bsky:t-`` and 16 hex digits)
    until a copy with its record key merges it in."""
    handle = handle.lower()
    shown = shown_day(date_text, None, None)
    day = shown.isoformat() if shown else None
    return Tweet(
        key="bsky:" + make_key(None, handle, day, text),
        author=author,
        handle=handle,
        date=day,
        text=text,
        mentions=platforms.bluesky_mentions(text),
        hashtags=platforms.bluesky_hashtags(text),
        media=(Media("https://bsky.app/profile/" + handle, _PLACEHOLDER),) if media else (),
        platform=platforms.BLUESKY,
    )


def post_record(
    platform: str,
    post_id: str,
    key: str,
    *,
    url: str | None,
    handle: str | None,
    uri: str | None = None,
    author: str | None = None,
    date_text: str | None = None,
    lang: str | None = None,
    text: str | None = None,
    media: tuple[Media, ...] = (),
) -> Tweet:
    """A record of a non-X post: the time from its id where the id carries one, the shown
    day read from the date text (the id's day when they disagree; none without a date text,
    as for X), entities by the platform's own rules."""
    created = platforms.id_time(platform, post_id)
    shown = shown_day(date_text, lang, created)
    hashtags = mentions = ()
    if text and platform == platforms.BLUESKY:
        hashtags, mentions = platforms.bluesky_hashtags(text), platforms.bluesky_mentions(text)
    elif text and platform == platforms.MASTODON:
        hashtags, mentions = platforms.mastodon_hashtags(text), platforms.mastodon_mentions(text)
    return Tweet(
        key=key,
        id=post_id,
        url=url,
        author=author,
        handle=handle,
        date=shown.isoformat() if shown else None,
        created_at=dates.iso_z(created) if created else None,
        lang=lang,
        text=text,
        mentions=mentions,
        hashtags=hashtags,
        media=media,
        platform=platform,
        uri=uri,
    )
