"""Embeds in source documents: Markdown, MDX, reStructuredText and plain text.

Such a document can hold an embed four ways: raw HTML (``.. raw:: html`` in reST), a
shortcode or component (Hugo, Eleventy, Jekyll, JSX), a ``>`` quote block ending with a
credit line, and the flattened text form. Code fences and code directives are documentation
and are blanked out first (keeping offsets and line numbers).
"""

from __future__ import annotations

import re

from archiver.extract.common import make_tweet, parse_status_url, valid_id
from archiver.extract.html import extract_html
from archiver.extract.text import extract_text
from archiver.model import Found

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_RST_CODE = re.compile(r"^(\s*)\.\.\s+(?:code-block|code|sourcecode|literalinclude)::", re.I)
_HUGO = re.compile(r"\{\{[<%]\s*(tweet|twitter|x|x_simple)\s+([^{}]{0,400}?)\s*/?[>%]\}\}", re.I)
# WordPress: Jetpack's [tweet URL-or-id] and the core [embed]URL[/embed].
_WORDPRESS = re.compile(r"\[(tweet|twitter)\s+([^\[\]]{1,400}?)\s*/?\]", re.I)
_WP_EMBED = re.compile(r"\[embed[^\[\]]{0,200}\]\s*(\S{1,400}?)\s*\[/embed\]", re.I)
_LIQUID = re.compile(r"\{%-?\s*(tweet|twitter|x)\s+([^{}]{0,400}?)\s*-?%\}", re.I)
_JSX = re.compile(
    r"<(?:Tweet|TweetEmbed|XEmbed|EmbeddedTweet|TwitterTweetEmbed)\b([^<>]{0,600}?)/?>"
)
_PARAM = re.compile(r"""([A-Za-z_]\w*)\s*=\s*(?:\{\s*)?["'`]?([^"'`\s{}]+)["'`]?\s*\}?""")
_BARE = re.compile(r"""["'`]?([^"'`\s]+)["'`]?""")
_ID_KEYS = ("id", "tweetid", "tweet", "status", "url", "src", "href")
_USER_KEYS = ("user", "username", "handle", "screen_name", "author")


def blank_code(text: str) -> str:
    """``text`` with fenced code and reST code directives replaced by blank lines."""
    lines = text.split("\n")
    out = []
    fence: str | None = None
    rst_indent: int | None = None
    for line in lines:
        if fence is not None:
            out.append("")
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) <= set(fence[0]):
                fence = None
            continue
        if rst_indent is not None:
            indent = len(line) - len(line.lstrip())
            if line.strip() == "" or indent > rst_indent:
                out.append("")
                continue
            rst_indent = None
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
            out.append("")
            continue
        rst = _RST_CODE.match(line)
        if rst:
            rst_indent = len(rst.group(1))
            out.append("")
            continue
        out.append(line)
    return "\n".join(out)


def _shortcode(args: str, snippet: str, markup: str) -> Found | None:
    """A stub from shortcode arguments: ``user="X" id="N"``, ``N``, ``user N`` or a URL."""
    params = {k.lower(): v for k, v in _PARAM.findall(args)}
    positional = _BARE.findall(_PARAM.sub(" ", args))  # what is not key=value
    raw_id = next((params[k] for k in _ID_KEYS if k in params), None)
    handle = next((params[k] for k in _USER_KEYS if k in params), None)
    candidates = [raw_id] if raw_id else list(reversed(positional))
    for candidate in candidates:
        parsed = parse_status_url(candidate)
        if parsed:
            handle = handle or parsed[0]
            tweet_id = parsed[1]
        else:
            tweet_id = valid_id(candidate)
        if tweet_id:
            if handle is None and len(positional) >= 2 and positional[0] != candidate:
                handle = positional[0].lstrip("@")
            tweet = make_tweet(tweet_id=tweet_id, handle=handle, author=None, date_text=None)
            return Found(tweet=tweet, snippet=snippet, markup=markup)
    return None


def extract_markup(text: str) -> list[Found]:
    """Every embed in a Markdown / MDX / reST / plain-text document, in document order."""
    visible = blank_code(text)
    positioned: list[tuple[int, Found]] = []
    for pattern, label in (
        (_HUGO, "hugo shortcode"),
        (_LIQUID, "liquid tag"),
        (_WORDPRESS, "wordpress shortcode"),
    ):
        for match in pattern.finditer(visible):
            found = _shortcode(match.group(2), match.group(0), f"{label} {match.group(1).lower()}")
            if found:
                positioned.append((match.start(), found))
    for match in _WP_EMBED.finditer(visible):
        if parse_status_url(match.group(1)):
            found = _shortcode(match.group(1), match.group(0), "wordpress shortcode embed")
            if found:
                positioned.append((match.start(), found))
    for match in _JSX.finditer(visible):
        found = _shortcode(match.group(1), match.group(0), "jsx component")
        if found:
            positioned.append((match.start(), found))
    html_found = extract_html(visible) if "<" in visible else []
    text_found = extract_text(visible)
    # HTML and text results come in their own document order; place them after the
    # shortcodes by the position of their evidence.
    for found in [*html_found, *text_found]:
        pos = visible.find(found.snippet[:200]) if found.snippet else -1
        positioned.append((pos if pos >= 0 else len(visible), found))
    positioned.sort(key=lambda item: item[0])
    return [found for _, found in positioned]
