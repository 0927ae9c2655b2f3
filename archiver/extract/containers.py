"""Embeds that a publisher's own template marks: id-only CMS containers and rendered cards.

Every CMS names its tweet containers differently (``div.embed-twitter[data-embed-id]``,
``div[data-social-embedded=twitter][data-href]``, ``div.c-oembed[data-oembed-url]``,
``p[data-embed-type=twitter]``, ``a.twitter-embed[data-component-name=Twitter2ToDOM]``, …),
so no list of names is kept here. The pattern is recognised instead:

* the element **names the provider**: a word ``twitter`` / ``tweet`` in its class or id, or
  ``twitter`` / ``x`` / ``tweet`` as the value of an attribute that says what an embed is
  (``data-*-type``, ``data-provider``, ``data-service``, ``data-social-*``, ``data-embed-*``,
  ``data-component-name``, …), or a status URL in one of its attributes (its host names it);
* and it **carries the status**: a status URL (also percent-encoded, as in oEmbed proxy
  URLs), ``user/status/ID``, or a bare 15–20 digit id in an attribute that holds a post's id
  (never a user, list, timeline or widget id).

Never taken: links (an ``<a href>`` to a status in prose), share / follow / intent buttons,
timelines, ``<meta>`` (``twitter:`` tags), scripts. Substack's static cards carry the whole
tweet as JSON in ``data-attrs`` and are read in full (``substack_cards``); a live-blog entry
marked as a tweet (``li.…-TWEET``) that holds the text and one status link is read in full
(``tweet_entry``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import unquote

import lxml.html
from lxml import etree

from archiver.extract.common import HANDLE, Anchor, name_words, parse_status_url, valid_id
from archiver.extract.htmltext import WS, visible

# Words (of class names, ids and attribute values) that name the provider.
_PROVIDER = frozenset({"twitter", "tweet", "tweets"})
# "x" is a provider name only as a whole value ("data-provider=x") or beside "embed"/"post".
_X_COMPANIONS = frozenset({"embed", "post", "oembed", "card"})
# Attribute names (after "data-") that say what kind of embed an element is.
_KIND_ATTR = re.compile(
    r"type|provider|service|social|embed|platform|network|source|component|kind|widget", re.I
)
# Words that mark buttons and page chrome, never an embedded tweet.
_NOT_EMBED = frozenset(
    {
        "share",
        "sharing",
        "follow",
        "intent",
        "button",
        "btn",
        "timeline",
        "hashtag",
        "mention",
        "feed",
        "profile",
        "icon",
        "login",
        "widgetbar",
    }
)
# Attribute names whose numbers are not a post's id.
_NOT_POST_ID = re.compile(
    r"user|author|widget|list|account|profile|channel|timeline|collection|moment|community|"
    r"owner|creator|site|page|slot|ad-|video|width|height|time|count|index|position",
    re.I,
)
_BARE_ID = re.compile(r"\s*(\d{15,20})\s*")
# A helper frame naming the id in its URL's fragment (s9e MediaEmbed, used by XenForo and
# phpBB: iframe[data-s9e-mediaembed=twitter][src=…/twitter.min.html#ID]).
_FRAGMENT_ID = re.compile(r"^(?:https?:)?//\S*#(\d{15,20})$")
_USER_STATUS = re.compile(r"\s*@?([A-Za-z0-9_]{1,15})/status(?:es)?/(\d{1,20})\b")
_URL_START = re.compile(r"(?:https?:)?//|(?:www\.|mobile\.)?(?:twitter|x)\.com/", re.I)
_PROXIED = re.compile(r"[?&](?:amp;)?(?:url|src|href)=([^&#\s]+)", re.I)
_NEVER = frozenset({"a", "meta", "link", "script", "style", "button", "input", "form", "img"})


def _token_names_provider(token: str, whole_value: bool) -> bool:
    words = name_words(token)
    if _PROVIDER.intersection(words):
        return True
    if "x" in words:
        return whole_value and len(words) == 1 or bool(_X_COMPANIONS.intersection(words))
    return False


def names_provider(el: etree._Element) -> bool:
    """Whether the element's class, id or an embed-kind attribute names Twitter / X."""
    for token in (el.get("class") or "").split() + (el.get("id") or "").split():
        if _token_names_provider(token, whole_value=False):
            return True
    for name, value in el.attrib.items():
        kind = name.startswith("data-") and _KIND_ATTR.search(name[5:])
        if kind and _token_names_provider(value.strip(), whole_value=True):
            return True
    return False


def _is_chrome(el: etree._Element) -> bool:
    """Share/follow buttons, timelines and the like (by their words or intent URLs)."""
    for token in (el.get("class") or "").split() + (el.get("id") or "").split():
        if _NOT_EMBED.intersection(name_words(token)):
            return True
    return any("/intent/" in value or "/share" in value for value in el.attrib.values())


def container_status(el: etree._Element) -> tuple[str | None, str] | None:
    """``(handle or None, id)`` when ``el`` is an id-only tweet container, else None."""
    tag = el.tag
    if not isinstance(tag, str) or tag in _NEVER or _is_chrome(el):
        return None
    named = names_provider(el)
    found: tuple[str | None, str] | None = None
    for name, value in el.attrib.items():
        if name in ("class", "id", "style") or not value:
            continue
        text = (unquote(value) if "%" in value else value).strip()
        # The value is a URL, or an oEmbed proxy's URL whose url= / src= names it; a status
        # URL inside a longer value (a JSON blob of the page's data, prose) is not this one.
        urls = [text, *(unquote(q) for q in _PROXIED.findall(value))]
        parsed = next((s for u in urls if _URL_START.match(u) and (s := parse_status_url(u))), None)
        if parsed is None and named:
            user = _USER_STATUS.fullmatch(text)
            if user and valid_id(user.group(2)):
                parsed = (user.group(1), valid_id(user.group(2)) or "")
            bare = _BARE_ID.fullmatch(text) or _FRAGMENT_ID.search(text)
            if bare and not _NOT_POST_ID.search(name):
                parsed = (None, valid_id(bare.group(1)) or "")
        if parsed and parsed[1] and (found is None or (found[0] is None and parsed[0])):
            found = parsed
    return found


def tweet_entry(el: etree._Element) -> tuple[str, list[Anchor], etree._Element, str] | None:
    """A live-blog entry marked as a tweet that holds the text and one status link.

    Returns ``(text, anchors, permalink, id)``; the permalink and the entry's author / time
    lines are not part of the text.
    """
    if el.tag != "li" or _is_chrome(el) or not _kind_tweet(el):
        return None
    links = [(a, parse_status_url(a.get("href"))) for a in el.iter("a")]
    statuses = [(a, s) for a, s in links if s]
    if len({s[1] for _, s in statuses}) != 1:
        return None  # none, or a list of several tweets: not one entry
    skip = {a for a, _ in statuses}
    for node in el.iter():
        if isinstance(node.tag, str) and node is not el:
            words = set(name_words(node.get("class") or ""))
            if words & {"author", "name", "handle", "time", "date", "meta", "avatar", "byline"}:
                skip.add(node)
            if node.tag in ("blockquote", "iframe", "amp-twitter", "li"):
                return None  # an embed of its own (read as such), or a list, not one entry
    text, anchors = visible(el, skip)
    if not text:
        return None
    permalink, (_, tweet_id) = statuses[0]
    return text, anchors, permalink, tweet_id


def _kind_tweet(el: etree._Element) -> bool:
    """A class that says the entry *is* a tweet (``…-TWEET``), not a taxonomy (``tag-twitter``)."""
    for token in (el.get("class") or "").split():
        words = name_words(token)
        if words and words[-1] == "tweet" and words[0] not in ("tag", "category"):
            return True
    return False


@dataclass(frozen=True)
class Card:
    """A tweet read from a publisher's JSON card (``data-attrs``)."""

    tweet_id: str
    handle: str | None
    author: str | None
    date: str | None
    text: str | None
    anchors: tuple[Anchor, ...]
    media: tuple[tuple[str, str], ...]
    href: str
    quoted: Card | None


def substack_card(el: etree._Element) -> Card | None:
    """Substack's tweet card: ``data-attrs`` JSON with url, full_text, username, name, date.

    Generations seen: ``div.tweet[data-attrs]`` (2020, a link around header and ``<p>``),
    ``div.tweet[data-component-name=Twitter2ToDOM]`` (2021–), and ``a.twitter-embed`` around
    ``div.twitter-embed[data-attrs]`` (2025–). ``full_text`` is HTML (``<a class=tweet-url>``,
    ``<span class=tweet-fake-link>``); photos carry their t.co link.
    """
    raw = el.get("data-attrs")
    if not raw or "status" not in raw:
        return None
    try:
        attrs = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(attrs, dict):
        return None
    return _card(attrs)


def _card(attrs: dict, url: str | None = None) -> Card | None:
    href = url or attrs.get("url")
    parsed = parse_status_url(href) if isinstance(href, str) else None
    if parsed is None or not isinstance(href, str):
        return None
    handle = _str(attrs.get("username")) or parsed[0]
    text, anchors = _html_text(_str(attrs.get("full_text")))
    media = []
    for photo in attrs.get("photos") or []:
        if isinstance(photo, dict) and _str(photo.get("link_url")):
            link = _str(photo.get("link_url")) or ""
            media.append((link, link.split("://", 1)[-1]))
    quoted = attrs.get("quoted_tweet")
    return Card(
        tweet_id=parsed[1],
        handle=handle if handle and HANDLE.fullmatch(handle) else parsed[0],
        author=_str(attrs.get("name")),
        date=_str(attrs.get("date")),
        text=text,
        anchors=tuple(anchors),
        media=tuple(media),
        href=href,
        quoted=_quoted(quoted) if isinstance(quoted, dict) else None,
    )


def _quoted(attrs: dict) -> Card | None:
    """The quoted tweet: text, username and name (Substack keeps no id or date for it)."""
    text, anchors = _html_text(_str(attrs.get("full_text")))
    handle = _str(attrs.get("username"))
    if not text or not handle or not HANDLE.fullmatch(handle):
        return None
    url = _str(attrs.get("url"))
    parsed = parse_status_url(url) if url else None
    return Card(
        tweet_id=parsed[1] if parsed else "",
        handle=handle,
        author=_str(attrs.get("name")),
        date=_str(attrs.get("date")),
        text=text,
        anchors=tuple(anchors),
        media=(),
        href=url or "",
        quoted=None,
    )


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _html_text(fragment: str | None) -> tuple[str | None, list[Anchor]]:
    """Text and links of an HTML fragment; line breaks in the JSON string are kept."""
    if not fragment:
        return None, []
    html = fragment.replace("\r\n", "\n").replace("\n", "<br>")
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return WS.sub(" ", fragment).strip() or None, []
    text, anchors = visible(root)
    return text or None, anchors
