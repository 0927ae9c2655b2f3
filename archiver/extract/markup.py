"""Embeds in source documents: Markdown, MDX, reStructuredText and plain text.

Such a document can hold an embed four ways: raw HTML (``.. raw:: html`` in reST), a
shortcode or component (Hugo, Eleventy, Jekyll, JSX), a ``>`` quote block ending with a
credit line, and the flattened text form. Code fences and code directives are documentation
and are blanked out first (keeping offsets and line numbers).
"""

from __future__ import annotations

import re
from dataclasses import replace

from archiver.extract.common import make_tweet, parse_credit, parse_status_url
from archiver.extract.html import extract_html
from archiver.extract.social import social_shortcodes
from archiver.extract.tags import chunk_calls, find_tags
from archiver.extract.text import extract_text
from archiver.model import Found

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_RST_CODE = re.compile(r"^(\s*)\.\.\s+(?:code-block|code|sourcecode|literalinclude)::", re.I)
# A credit line whose date links to the status: "— Name (@handle) [May 1, 2023](URL)".
_LINKED_DATE = re.compile(r"\[([^\[\]\n]{1,80})\]\((\S{1,600}?)\)[ \t]*$")
_QUOTED = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+")
# A status URL alone on its line (bare, <URL>, or [URL](URL)), indented less than code.
_BARE_URL = re.compile(r"^[ \t]{0,3}(?:<(\S+)>|\[\S+\]\((\S+)\)|(\S+))[ \t]*$", re.M)


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


def _linked_dates(text: str) -> tuple[str, dict[str, tuple[str, str, str]]]:
    """``text`` with each credit line's linked date unlinked, and those lines' statuses.

    The flattened-text reader reads the unlinked line; the map gives, per unlinked line,
    ``(original line, handle, id)`` so the record gets its id and its evidence as written.
    """
    lines = text.split("\n")
    statuses: dict[str, tuple[str, str, str]] = {}
    for i, line in enumerate(lines):
        match = _LINKED_DATE.search(line) if "](" in line else None
        parsed = parse_status_url(match.group(2)) if match else None
        if match is None or parsed is None:
            continue
        plain = line[: match.start()] + match.group(1)
        credit = parse_credit(plain.lstrip("> \t"))
        if credit is None or (parsed[0] and parsed[0].lower() != credit.handle.lower()):
            continue
        lines[i] = plain
        # The flattened reader's evidence drops the quote markers: key by the bare line.
        statuses[_QUOTED.sub("", plain)] = (_QUOTED.sub("", line), credit.handle, parsed[1])
    return "\n".join(lines), statuses


def _with_linked_id(found: Found, statuses: dict[str, tuple[str, str, str]]) -> Found:
    lines = found.snippet.split("\n")
    for i, line in enumerate(lines):
        known = statuses.get(line)
        tweet = found.tweet
        if known and tweet.handle and known[1].lower() == tweet.handle.lower():
            lines[i] = known[0]
            linked = make_tweet(
                tweet_id=known[2],
                handle=tweet.handle,
                author=tweet.author,
                date_text=tweet.date,
                lang=tweet.lang,
                text=tweet.text,
            )
            # The id does not settle where a flattened text starts: its doubt stays.
            linked = replace(
                linked,
                text_uncertain=tweet.text_uncertain,
                text_alternative=tweet.text_alternative,
            )
            return Found(linked, "\n".join(lines), found.markup + " (linked date)")
    return found


def bare_status_urls(text: str) -> list[tuple[int, Found]]:
    """Status URLs alone on their line: the Markdown pipelines (remark-embedder, WordPress,
    Ghost, Medium, Zenn, Qiita, note imports) turn them into embeds. A URL inside a
    sentence, a list item or a quote stays a link."""
    out = []
    for match in _BARE_URL.finditer(text):
        url = match.group(1) or match.group(2) or match.group(3)
        if match.group(2) and match.group(0).strip()[1:].split("]", 1)[0] != url:
            continue  # [shown text](URL): a link with words, not a bare URL
        parsed = parse_status_url(url) if url.lower().startswith(("http", "//")) else None
        if parsed:
            tweet = make_tweet(tweet_id=parsed[1], handle=parsed[0], author=None, date_text=None)
            out.append((match.start(), Found(tweet, match.group(0).strip(), "bare status url")))
    return out


def extract_markup(text: str, *, bare_urls: bool = False) -> list[Found]:
    """Every embed in a Markdown / MDX / reST / plain-text document, in document order.

    ``bare_urls``: a status URL alone on its line is an embed (Markdown and WordPress
    content; in plain text and reST it stays a link).
    """
    visible = blank_code(text)
    positioned: list[tuple[int, Found]] = [
        *find_tags(visible),
        *chunk_calls(text),
        *social_shortcodes(visible),
    ]
    if bare_urls:
        positioned.extend(bare_status_urls(visible))
    html_found = extract_html(visible) if "<" in visible else []
    unlinked, statuses = _linked_dates(visible) if "](" in visible else (visible, {})
    text_found = [_with_linked_id(f, statuses) for f in extract_text(unlinked)]
    # HTML and text results come in their own document order; place them after the
    # shortcodes by the position of their evidence.
    for found in [*html_found, *text_found]:
        pos = visible.find(found.snippet[:200]) if found.snippet else -1
        positioned.append((pos if pos >= 0 else len(visible), found))
    positioned.sort(key=lambda item: item[0])
    return [found for _, found in positioned]
