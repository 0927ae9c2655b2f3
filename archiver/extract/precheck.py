"""The pre-check on a page's raw bytes: can it hold an embed, and a publisher container?

Most pages of a crawl embed nothing and are never parsed. The test runs on bytes, lower-cased
once: ``bytes.lower()`` and substring search run at memory speed, while ``str.lower()`` of a
non-ASCII page alone costs more than parsing it. Each signature is found by a substring
search and checked on its neighbours (never a regex over the whole page without a literal
to start from: such a search cost more than the parse).
"""

from __future__ import annotations

import re

# Around each "twitter" of the page (tens per page: share buttons, meta tags): what makes it
# an embed's name. One scan for the word, then a look at its neighbours, instead of one scan
# of the page per signature.
_BEFORE_TWITTER = (
    b"amp-",  # amp-twitter
    b"data-",  # data-twitter="twitter-tweet", data-twitter-id
    b"wp-block-embed-",
    b"is-provider-",
    b"embed-",  # CMS containers: embed-twitter, embed--twitter
    b"embed--",
)
_AFTER_TWITTER = (b"-video", b"-embed", b"embed", b"_embed")
# Attributes whose whole value "x" names the provider (data-provider="x").
_X_KINDS = (b"type", b"provider", b"service", b"platform", b"network")
# A status URL in the page: an embed's permalink, a container's attribute, or a link in prose.
_STATUS_PATH = re.compile(rb"status(?:es)?(?:/|%2f)(\d{1,20})")
_AFTER_TWEET = re.compile(rb"[-_]*(?:__)?(?:body[-_]*)?text|-embed")
# A credit line's "(@handle)" ("\xef\xbc\xa0" is a full-width at sign in UTF-8).
_CREDIT = re.compile(rb"\(\s?(?:@|\xef\xbc\xa0|&#0*64;|&#x0*40;|&commat;)")


def page_signs(source: bytes | str) -> tuple[bool, bool]:
    """Whether a page can hold an embed at all (false for the common page with none), and
    whether a publisher container too, from one lower-casing of its bytes.

    ``source`` is the page's bytes in an ASCII-compatible encoding, or its text.
    """
    data = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
    low = data.lower()
    embed = _might_embed(low)
    return embed, embed and _might_contain(low)


def _might_embed(low: bytes) -> bool:
    if b"data-status-id" in low or _twitter_named(low):
        return True
    at = low.find(b"tweet")
    while at >= 0:
        before = low[max(0, at - 8) : at]
        if before.endswith(b"twitter-"):
            if not low.startswith(b"-button", at + 5):  # a share button, not an embed
                return True
        elif before.endswith((b"data-", b"embed/")) or _AFTER_TWEET.match(low, at + 5):
            return True
        elif before[-1:] in b"-_\"' " and low[at + 5 : at + 6] in (b'"', b"'", b" "):
            return True  # a class word of its own: "tweet", "post-type-tweet"
        at = low.find(b"tweet", at + 5)
    return _CREDIT.search(low) is not None or _status_path(low) or _x_named(low)


def _status_path(low: bytes) -> bool:
    """A status URL anywhere in the page (``…/status/ID``, also percent-encoded); a short
    (pre-2010) id counts only after a ``.com`` host."""
    at = low.find(b"status")
    while at >= 0:
        match = _STATUS_PATH.match(low, at)
        if match and (len(match.group(1)) >= 15 or low.rfind(b".com", max(0, at - 40), at) >= 0):
            return True
        at = low.find(b"status", at + 6)
    return False


def _twitter_named(low: bytes) -> bool:
    """Whether a "twitter" of the page names an embed (``amp-twitter``, ``embed-twitter``,
    ``twitter-video``, ``data-embed-type="twitter"``), not a share button or meta tag."""
    at = low.find(b"twitter")
    while at >= 0:
        before = low[max(0, at - 16) : at]
        after = low[at + 7 : at + 14]
        if before.endswith(_BEFORE_TWITTER) or after.startswith(_AFTER_TWITTER):
            return True
        if before[-2:] in (b'="', b"='") and after[:1] == before[-1:]:
            return True  # the whole value of an attribute: data-provider="twitter"
        at = low.find(b"twitter", at + 7)
    return False


_QUOTED_ID = (re.compile(rb'="\s?\d{15,20}\s?"'), re.compile(rb"='\s?\d{15,20}\s?'"))


def _might_contain(low: bytes) -> bool:
    """Whether a page can hold a publisher container (the rest of ``page_signs``'s pages
    never pay for looking): a Substack card, a status URL in an attribute other than a link's
    href, or a provider-named element and a quoted number of a status id's length."""
    if b"data-attrs" in low:
        return True
    at = low.find(b"status")
    while at >= 0:
        if low[at - 1 : at] == b"/" or low[at - 3 : at] == b"%2f":
            eq = low.rfind(b"=", max(0, at - 300), at)
            value = low[eq + 1 : at]
            name = low[max(0, eq - 12) : eq].rsplit(None, 1)[-1:]
            if eq >= 0 and name != [b"href"] and not any(c in value[1:] for c in b"\"'<> "):
                return True
        at = low.find(b"status", at + 6)
    named = _twitter_named(low) or _x_named(low) or _tweet_word(low)
    return named and any(pattern.search(low) for pattern in _QUOTED_ID)


def _tweet_word(low: bytes) -> bool:
    """A class word "tweet" of its own ("tweet", "post-type-tweet")."""
    at = low.find(b"tweet")
    while at >= 0:
        if low[at - 1 : at] in (b"-", b"_", b'"', b"'", b" ") and low[at + 5 : at + 6] in (
            b'"',
            b"'",
            b" ",
        ):
            return True
        at = low.find(b"tweet", at + 5)
    return False


def _x_named(low: bytes) -> bool:
    """An embed-kind attribute whose whole value is "x" (``data-provider="x"``)."""
    at = low.find(b'="x"')
    while at >= 0:
        if low[max(0, at - 9) : at].endswith(_X_KINDS):
            return True
        at = low.find(b'="x"', at + 4)
    return False
