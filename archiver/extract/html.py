"""Embedded tweets in HTML: every embed markup from 2012 to today, read with lxml.

Recognised: ``blockquote.twitter-tweet`` / ``.twitter-video`` (any era, WordPress variants,
blockquotes renamed for a lazy loader, placeholder blockquotes without the class but with a
credit line), AMP ``amp-twitter`` (an id or a status URL), pages saved after ``widgets.js``
ran (``iframe[data-tweet-id]``, ``embed/Tweet.html?id=``), oEmbed-proxy iframes (Medium's
embedly, Drupal's media oEmbed), the rendered widget DOM and publisher-rendered cards
(``p.Tweet-text``, ``p.subbuzz-tweet__text``), and embeds parked as text inside
``<textarea>`` by consent managers. Publisher containers — id-only CMS containers
recognised by pattern, Substack's JSON cards, live-blog tweet entries — are read by
``containers.py``. Script contents are never read, so JSON-escaped copies of an embed do not
become a second record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import lxml.html
from lxml import etree

from archiver import dates
from archiver.errors import InputError
from archiver.extract.common import (
    make_tweet,
    parse_credit,
    parse_status_url,
    safe_href,
    valid_id,
)
from archiver.extract.containers import (
    Card,
    container_status,
    substack_card,
    tweet_entry,
)
from archiver.extract.htmltext import (
    WS,
    SourceIndex,
    classes,
    inside,
    join_paragraphs,
    lang_of,
    visible,
)
from archiver.extract.precheck import page_signs
from archiver.model import Found, Media, Tweet

# Every element that can be (or hold) an embed, in document order, selected in C: walking
# each element of a page in Python costs more than parsing it.
_CANDIDATES = etree.XPath(
    "//blockquote | //amp-twitter | //iframe | //textarea"
    " | //figure[contains(@class, 'wp-block-embed-twitter')"
    " or contains(@class, 'is-provider-twitter')]"
    " | //*[@data-tweet-id or @data-tweetid or @data-twitter-id or @data-twitter-tweet-id"
    " or @data-tweet-status-id or @data-status-id]"
    " | //*[self::p or self::div or self::section][contains(translate(@class, 'TWE', 'twe'),"
    " 'tweet') and contains(translate(@class, 'TEX', 'tex'), 'text')]"
    " | //li[contains(translate(@class, 'TWE', 'twe'), 'tweet')]"
)

# The same, with publisher containers (containers.py, filtered in Python): an attribute holding
# a status URL or a bare id of a status's length, and Substack's JSON cards. A second scan of
# every attribute of the page, so it runs only where ``page_signs`` saw their signs.
_WITH_CONTAINERS = etree.XPath(
    _CANDIDATES.path
    + " | //*[@data-attrs] | //*[not(self::a or self::meta or self::link or self::script)]"
    "[@*[contains(., 'status') or string-length(.) >= 15 and string-length(.) <= 20"
    " and number(.) = number(.)]]"
)

_ID_ATTRS = (
    "data-tweet-id",
    "data-tweetid",
    "data-twitter-id",
    "data-twitter-tweet-id",
    "data-tweet-status-id",
    "data-status-id",
)
_TEXT_CLASS = re.compile(r"tweet[-_]*(?:__)?(?:body[-_]*)?text|tweet-embed-text", re.IGNORECASE)
_NAME_CLASS = re.compile(
    r"(?:display-?name|author-name|fullname|identity-name|-name\b|__name)", re.IGNORECASE
)
_SCREEN_CLASS = re.compile(r"screen-?name|username|user-?handle", re.IGNORECASE)


_EMBED_CLASSES = frozenset({"twitter-tweet", "twitter-video"})


def _is_tweet_blockquote(el: etree._Element) -> bool:
    """The embed blockquote, also renamed for a lazy loader (``data-twitter=twitter-tweet``)."""
    if el.tag != "blockquote":
        return False
    if classes(el) & _EMBED_CLASSES:
        return True
    return any(
        name != "class" and _EMBED_CLASSES.intersection(value.lower().split())
        for name, value in el.attrib.items()
    )


# libxml2's default limits (text nodes of 10 MB, 256 levels of nesting) end the parse early
# and silently: every embed after a large inline image or a deep run of unclosed tags would be
# lost. The "huge" limits (1 GB, 2048 levels) fit every real page; past them, say so.
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def extract_html(source: str, *, containers: bool | None = None) -> list[Found]:
    """Every embedded tweet of an HTML document (or fragment), in document order.

    ``containers``: the caller already ran ``page_signs`` on the page's bytes (which found
    an embed signature) and says whether publisher containers can be there. Raises
    InputError when the markup exceeds the parser's limits (it would be read only in part).
    """
    if containers is None:
        embed, containers = page_signs(source)
        if not embed:
            return []
    try:
        root = lxml.html.fromstring(source, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return []
    for error in _PARSER.error_log:
        if error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            limit = error.message.split(",")[0]
            raise InputError(f"HTML too deep or too large to read whole ({limit})")
    candidates = _WITH_CONTAINERS if containers else _CANDIDATES
    return list(_extract_tree(root, SourceIndex(source), candidates))


def _extract_tree(
    root: etree._Element, index: SourceIndex, candidates: etree.XPath
) -> Iterator[Found]:
    in_cards: set[etree._Element] = set()  # a Substack card's own markup: read from its JSON
    for el in candidates(root):
        if in_cards and el in in_cards:
            continue
        tag = el.tag
        found: Found | list[Found] | None = None
        if tag == "blockquote":
            found = _blockquote(el, index)
        elif tag == "amp-twitter":
            found = _amp(el, index)
        elif tag == "iframe":
            found = _iframe(el, index)
        elif tag == "figure":
            found = _wordpress_figure(el, index) or _container(el, index)
        elif tag == "textarea":
            inner = el.text or ""
            if "twitter-tweet" in inner:
                yield from extract_html(inner)
            continue
        else:
            found = _substack(el, index)
            if found:
                in_cards.update(el.iter())
            else:
                found = (
                    _widget_text(el, index)
                    or _container(el, index)
                    or _data_id(el, index)
                    or _tweet_entry(el, index)
                )
        if isinstance(found, list):
            yield from found
        elif found is not None:
            yield found


def _own_elements(root: etree._Element) -> list[etree._Element]:
    """The elements whose nearest tweet blockquote is ``root``, in document order.

    Malformed pastes nest embeds (an unclosed blockquote holds the rest of the page); the
    nested tweet blockquotes are listed but not entered, so each embed's markup is walked once.
    """
    out = []
    stack = [iter(root)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        out.append(el)
        if not _is_tweet_blockquote(el):
            stack.append(iter(el))
    return out


def _blockquote(
    bq: etree._Element, index: SourceIndex, id_hint: str | None = None, markup: str | None = None
) -> Found | None:
    """A tweet blockquote: text ``<p>``s, then ``— Name (@handle) <a href=status>date</a>``."""
    classed = _is_tweet_blockquote(bq)
    if not classed and id_hint is None and "(" not in (bq.text_content() or ""):
        return None
    own = _own_elements(bq)
    skip = {el for el in own if _is_tweet_blockquote(el)}  # nested embeds: not this tweet's
    links = [el for el in own if el.tag == "a"]
    statuses = [(a, parse_status_url(a.get("href"))) for a in links]
    statuses = [(a, s) for a, s in statuses if s]
    # Body paragraphs; WordPress puts the credit line in a <p> of its own (it starts with
    # the dash). The permalink is the first status link outside the body; a malformed paste
    # repeats the tweet after it, so only paragraphs before the permalink count.
    body = []
    for p in (el for el in own if el.tag == "p"):
        own_text = (p.text_content() or "").strip()
        if own_text and own_text[:1] not in ("\u2014", "\u2015", "\u2013", "-"):
            body.append(p)
    permalink = next(
        ((a, s) for a, s in statuses if not any(inside(a, p) for p in body)),
        statuses[-1] if statuses else None,
    )
    order = {node: i for i, node in enumerate(own)}
    text_ps = [p for p in body if permalink is None or order[p] < order[permalink[0]]]
    rest, rest_anchors = visible(bq, skip | set(text_ps), stop=permalink[0] if permalink else None)
    lines = rest.split("\n")
    credit = None
    for at in range(len(lines) - 1, -1, -1):
        credit = parse_credit(lines[at])
        if credit:
            break
    if text_ps:
        text, anchors = join_paragraphs([visible(p, skip) for p in text_ps])
    elif credit:
        # No <p>: the tweet is the text above the credit line (early and hand-made embeds).
        text = "\n".join([*lines[:at], credit.before]).strip() or None
        anchors = [a for a in rest_anchors if text and a.end <= len(text)]
    else:
        text, anchors = None, []
    tweet_id = permalink[1][1] if permalink else valid_id(id_hint)
    if not classed and credit is None:
        return None  # an ordinary quotation, not an embed
    if tweet_id is None and not (credit and text):
        return None
    handle = credit.handle if credit else (permalink[1][0] if permalink else None)
    date_text = None
    datetime_attr = None
    if permalink is not None:
        anchor = permalink[0]
        date_text = WS.sub(" ", anchor.text_content() or "").strip() or None
        datetime_attr = anchor.get("data-datetime")
        for time_el in anchor.iter("time"):
            datetime_attr = datetime_attr or time_el.get("datetime")
    if credit and credit.date_text:
        date_text = date_text or credit.date_text
    lang = next((lang_of(p) for p in text_ps if lang_of(p)), None) or lang_of(bq)
    tweet = make_tweet(
        tweet_id=tweet_id,
        handle=handle,
        author=credit.author if credit else None,
        date_text=date_text,
        datetime_attr=datetime_attr,
        lang=lang,
        text=text,
        anchors=anchors,
        href=permalink[0].get("href") if permalink else None,
    )
    kind = markup or (
        "blockquote." + ("twitter-video" if "twitter-video" in classes(bq) else "twitter-tweet")
        if classed
        else "blockquote"
    )
    return Found(tweet=tweet, snippet=index.snippet(bq), markup=kind)


def _stub(
    el: etree._Element, index: SourceIndex, markup: str, tweet_id: str, handle: str | None = None
) -> Found:
    tweet = make_tweet(tweet_id=tweet_id, handle=handle, author=None, date_text=None)
    return Found(tweet=tweet, snippet=index.snippet(el), markup=markup)


def _id_container(
    el: etree._Element, index: SourceIndex, markup: str, raw_id: str | None
) -> Found | None:
    """AMP and CMS containers: the id, plus the placeholder blockquote when there is one."""
    tweet_id = valid_id((raw_id or "").strip())
    if tweet_id is None:
        return None
    for bq in el.iter("blockquote"):
        found = _blockquote(bq, index, id_hint=tweet_id, markup=markup)
        if found is not None and found.tweet.id == tweet_id:
            return Found(found.tweet, index.snippet(el), markup)
    return _stub(el, index, markup, tweet_id)


def _amp(el: etree._Element, index: SourceIndex) -> Found | None:
    """``amp-twitter``: ``data-tweetid`` holds the id (or, on some sites, the status URL)."""
    raw = (el.get("data-tweetid") or "").strip()
    parsed = parse_status_url(raw)
    return _id_container(el, index, "amp-twitter", parsed[1] if parsed else raw)


def _iframe(el: etree._Element, index: SourceIndex) -> Found | None:
    """A widget iframe left in a page saved after widgets.js ran; only the id survives."""
    tweet_id = valid_id(el.get("data-tweet-id"))
    if tweet_id is None:
        src = el.get("src") or ""
        if "/embed/tweet.html" not in src.lower():
            src = ""
        try:
            query = parse_qs(urlsplit(src).query)
        except ValueError:
            return None
        # creatorScreenName / siteScreenName are the *article's* accounts: never the author.
        tweet_id = valid_id((query.get("id") or [""])[0])
    if tweet_id is None:
        # An oEmbed proxy (Medium's embedly, Drupal's media/oembed) names the status URL.
        proxied = container_status(el)
        if proxied is None:
            return None
        return _stub(el, index, "iframe oembed", proxied[1], proxied[0])
    return _stub(el, index, "iframe.twitter-tweet-rendered", tweet_id)


def _data_id(el: etree._Element, index: SourceIndex) -> Found | None:
    """A CMS container that carries only the id in a data attribute."""
    for name in _ID_ATTRS:
        raw = el.get(name)
        if raw:
            tweet_id = valid_id(raw.strip())
            if tweet_id:
                if el.tag == "blockquote":
                    return None  # handled as a blockquote
                return _stub(el, index, f"{el.tag}[{name}]", tweet_id)
    return None


def _widget_text(el: etree._Element, index: SourceIndex) -> Found | None:
    """The widget's rendered DOM or a publisher's own card: a ``*tweet*text`` element.

    The card is the nearest ancestor holding a status permalink; name, screen name and
    time come from class names every such card uses (``TweetAuthor-name``,
    ``subbuzz-tweet__username``, ``<time datetime>``).
    """
    if el.tag not in ("p", "div", "section") or not _TEXT_CLASS.search(el.get("class") or ""):
        return None
    card = el.getparent()
    permalink = None
    for _ in range(8):
        if card is None:
            return None
        for a in card.iter("a"):
            parsed = parse_status_url(a.get("href"))
            if parsed and not inside(a, el):
                permalink = (a, parsed)
        for attr in ("data-tweet-id", "data-click-to-open-target", "cite"):
            if permalink is None and card.get(attr):
                parsed = parse_status_url(card.get(attr)) or (
                    (None, valid_id(card.get(attr))) if valid_id(card.get(attr)) else None
                )
                if parsed:
                    permalink = (None, parsed)
        if permalink is not None:
            break
        card = card.getparent()
    if permalink is None or card is None:
        return None
    anchor, (url_handle, tweet_id) = permalink
    author, handle = _card_names(el)
    text, anchors = visible(el)
    date_text = datetime_attr = None
    if anchor is not None:
        date_text = WS.sub(" ", anchor.text_content() or "").strip() or None
        datetime_attr = anchor.get("data-datetime")
        for time_el in anchor.iter("time"):
            datetime_attr = datetime_attr or time_el.get("datetime")
    if datetime_attr is None:
        for time_el in card.iter("time"):
            if time_el.get("datetime"):
                datetime_attr = time_el.get("datetime")
                break
    tweet = make_tweet(
        tweet_id=tweet_id,
        handle=handle or url_handle,
        author=author,
        date_text=date_text,
        datetime_attr=datetime_attr,
        lang=lang_of(el),
        text=text,
        anchors=anchors,
        href=anchor.get("href") if anchor is not None else None,
    )
    return Found(tweet=tweet, snippet=index.snippet(card), markup="rendered card")


def _card_names(text_el: etree._Element) -> tuple[str | None, str | None]:
    """Display name and screen name from the card around a tweet-text element.

    Looks in ever larger ancestors (the widget nests the author header beside the body) but
    never in one that holds a second tweet's text.
    """
    author = handle = None
    ancestor = text_el.getparent()
    for _ in range(8):
        if ancestor is None:
            break
        texts = [
            n
            for n in ancestor.iter()
            if isinstance(n.tag, str) and _TEXT_CLASS.search(n.get("class") or "")
        ]
        if len(texts) > 1:
            break
        for node in ancestor.iter():
            if not isinstance(node.tag, str) or inside(node, text_el):
                continue
            cls = node.get("class") or ""
            if handle is None and _SCREEN_CLASS.search(cls):
                handle = (node.text_content() or "").strip().lstrip("@\uff20") or None
            elif author is None and _NAME_CLASS.search(cls) and not _SCREEN_CLASS.search(cls):
                author = WS.sub(" ", node.text_content() or "").strip() or None
        if author and handle:
            break
        ancestor = ancestor.getparent()
    return author, handle


def _wordpress_figure(figure: etree._Element, index: SourceIndex) -> Found | None:
    """A WordPress embed block as stored in the post, before oEmbed: only the status URL.

    ``<figure class="wp-block-embed-twitter"><div class="wp-block-embed__wrapper">URL</div>``
    (a rendered one holds a blockquote, which is read as such).
    """
    if any(_is_tweet_blockquote(bq) for bq in figure.iter("blockquote")):
        return None
    for text in (figure.text_content() or "").split():
        parsed = parse_status_url(text)
        if parsed:
            return _stub(figure, index, "figure.wp-block-embed-twitter", parsed[1], parsed[0])
    return None


def _container(el: etree._Element, index: SourceIndex) -> Found | None:
    """A CMS container naming the provider and carrying the status (containers.py)."""
    status = container_status(el)
    if status is None:
        return None
    handle, tweet_id = status
    found = _id_container(el, index, f"container {el.tag}", tweet_id)
    if found is not None and handle and found.tweet.handle is None:
        return _stub(el, index, f"container {el.tag}", tweet_id, handle)
    return found


def _tweet_entry(el: etree._Element, index: SourceIndex) -> Found | None:
    """A live-blog entry of its own kind "tweet": its text and its status link."""
    entry = tweet_entry(el)
    if entry is None:
        return None
    text, anchors, permalink, tweet_id = entry
    lines = text.split("\n")
    credit = parse_credit(lines[-1]) if lines else None
    if credit is not None:  # a hand-kept credit line closes the entry
        text = "\n".join([*lines[:-1], credit.before]).strip()
        anchors = [a for a in anchors if a.end <= len(text)]
    parsed = parse_status_url(permalink.get("href"))
    tweet = make_tweet(
        tweet_id=tweet_id,
        handle=credit.handle if credit else (parsed[0] if parsed else None),
        author=credit.author if credit else None,
        date_text=WS.sub(" ", permalink.text_content() or "").strip() or None,
        lang=lang_of(el),
        text=text,
        anchors=anchors,
        href=permalink.get("href"),
    )
    return Found(tweet=tweet, snippet=index.snippet(el), markup=f"{el.tag} tweet entry")


def _substack(el: etree._Element, index: SourceIndex) -> list[Found] | None:
    """Substack's static card, read in full from ``data-attrs``; its quoted tweet too."""
    card = substack_card(el)
    if card is None:
        return None
    snippet = index.snippet(el)
    found = [Found(tweet=_card_tweet(card), snippet=snippet, markup="substack card")]
    if card.quoted is not None:
        quoted = _card_tweet(card.quoted)
        found.append(Found(tweet=quoted, snippet=snippet, markup="substack quoted tweet"))
    return found


def _card_tweet(card: Card) -> Tweet:
    tweet = make_tweet(
        tweet_id=card.tweet_id or None,
        handle=card.handle,
        author=card.author,
        date_text=None,
        datetime_attr=card.date,
        text=card.text,
        anchors=list(card.anchors),
        href=card.href or None,
    )
    created = dates.parse_datetime_attr(card.date) if card.date else None
    media = tuple(Media(url, shown) for url, shown in card.media if safe_href(url))
    extra = {m for m in tweet.media}
    return replace(
        tweet,
        date=tweet.date or (created.date().isoformat() if created else None),
        media=tweet.media + tuple(m for m in media if m not in extra),
    )
