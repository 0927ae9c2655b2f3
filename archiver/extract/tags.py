"""Template tags, components and directives that embed a tweet, recognised by pattern.

Every site names its tweet shortcode differently, so no list of names is kept. A tag is an
embed when its **name mentions the provider** (a word ``tweet``, ``twitter``, ``x`` or
``embed`` in it: ``tweet``, ``x_simple``, ``TwitterTweetEmbed``, ``include twitter-card.html``)
and its **arguments carry the status**: an id, a status URL or ``user/status/id``. A name that
only says ``embed`` must carry a status URL (an id alone could be anything's). Where the tag
wraps the tweet's text (``{{< tweet >}}text{{< /tweet >}}``, ``<Tweet>text</Tweet>``, a
``contents=`` argument), the text is taken.

Syntaxes: Hugo / Quarto ``{{< … >}}`` ``{{% … %}}``; Liquid / Jekyll / Nunjucks / Eleventy /
Hexo ``{% … %}``; JSX / MDX / Astro components and custom elements; WordPress ``[tweet …]``;
directives — Markdown ``::: name args``, MyST / reST ``.. name:: args``, AsciiDoc block macros
``name::target[attrs]`` —; and the writing platforms' own: Zenn ``@[tweet](URL)``, Hatena
``[URL:embed]`` and ``[twitter:ID:detail]``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from archiver.extract.common import make_tweet, name_words, parse_status_url, valid_id
from archiver.model import Found

_PROVIDER = frozenset({"tweet", "tweets", "twitter", "x", "xpost"})
_EMBED = frozenset({"embed", "oembed"})
_WRAPPERS = frozenset({"include", "render", "partial", "component", "shortcode", "insert"})

_HUGO = re.compile(r"\{\{([<%])\s*([\w./-]{1,60})((?:\s[^{}]{0,2000}?)?)\s*/?[>%]\}\}")
_LIQUID = re.compile(r"\{%-?\s*([\w./-]{1,60})((?:\s[^{}]{0,2000}?)?)\s*-?%\}")
_JSX = re.compile(
    r"<([A-Z][\w.]{0,60}|[a-z][a-z0-9]*(?:-[a-z0-9]+)+)((?:\s[^<>]{0,2000}?)?)\s*(/?)>"
)
_WORDPRESS = re.compile(r"\[([A-Za-z][\w-]{0,40})\s+([^\[\]\n]{1,600}?)\s*/?\]")
_WP_EMBED = re.compile(r"\[embed[^\[\]]{0,200}\]\s*(\S{1,400}?)\s*\[/embed\]", re.I)
_DIRECTIVE = re.compile(
    r"^[ \t]*(?::{3,}[ \t]*\{?\.?([\w-]{1,40})\}?|\.\.[ \t]+([\w:-]{1,40})::)[ \t]*(.{0,600})$",
    re.M,
)
_ASCIIDOC = re.compile(r"^([\w-]{1,40})::(\S{0,600}?)\[([^\]\n]{0,600})\][ \t]*$", re.M)
_ZENN = re.compile(r"@\[(\w{1,20})\]\((\S{1,600}?)\)")
_HATENA = re.compile(
    r"\[(https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\S{1,400}?):embed(?:#[^\]]*)?\]"
    r"|\[twitter:(\d{1,20})(?::(?:detail|tweet|embed))?\]",
    re.I,
)
_PARAM = re.compile(
    r"""([A-Za-z_][\w-]*)\s*(?:=|:(?!//))\s*(?:"([^"]*)"|'([^']*)'|`([^`]*)`|\{\s*["'`]?([^{}"'`]*)["'`]?\s*\}|([^\s"'`{}=]+))"""
)
_BARE = re.compile(r"""["'`]?([^"'`\s,]+)["'`]?""")
_USER_STATUS = re.compile(r"@?([A-Za-z0-9_]{1,15})/status(?:es)?/(\d{1,20})")
_ID_KEYS = (
    "id",
    "tweetid",
    "tweet_id",
    "tweet",
    "status",
    "statusid",
    "url",
    "src",
    "href",
    "link",
)
_USER_KEYS = ("user", "username", "handle", "screen_name", "screenname", "account", "author")
_TEXT_KEYS = ("contents", "content", "text", "body", "tweet_text", "full_text")
_NAME_KEYS = ("name", "display_name", "displayname", "author_name")
_DATE_KEYS = ("date", "timestamp", "time", "created_at")


def _words(name: str) -> set[str]:
    return set(name_words(name))


def _kind(name: str, args: str | None) -> str | None:
    """``provider`` / ``embed`` when the tag's name mentions one, else None; ``args`` (of a
    template tag) name it instead when the tag only includes another file."""
    words = _words(name)
    if args is not None and words & _WRAPPERS:  # {% include twitter-card.html … %}
        first = args.split(None, 1)
        words = _words(first[0]) if first else set()
    if words & _PROVIDER:
        return "provider"
    if words & _EMBED:
        return "embed"
    return None


def _status(candidate: str, kind: str) -> tuple[str | None, str] | None:
    parsed = parse_status_url(candidate)
    if parsed:
        return parsed
    if kind != "provider":
        return None
    user = _USER_STATUS.fullmatch(candidate)
    if user and valid_id(user.group(2)):
        return user.group(1), valid_id(user.group(2)) or ""
    tweet_id = valid_id(candidate)
    return (None, tweet_id) if tweet_id else None


def tag_tweet(
    args: str, snippet: str, markup: str, kind: str, body: str | None = None
) -> Found | None:
    """A record from a tag's arguments (and the text it wraps): ``user="X" id="N"``, ``N``,
    ``user N``, ``user/status/N``, a status URL; None when they carry no status."""
    params: dict[str, str] = {}
    for match in _PARAM.finditer(args):
        value = next(g for g in match.groups()[1:] if g is not None)
        params.setdefault(match.group(1).lower(), value.strip())
    positional = _BARE.findall(_PARAM.sub(" ", args))
    raw_id = next((params[k] for k in _ID_KEYS if params.get(k)), None)
    handle = next((params[k].lstrip("@") for k in _USER_KEYS if params.get(k)), None)
    candidates = [raw_id] if raw_id else list(reversed(positional))
    for candidate in candidates:
        status = _status(candidate, kind)
        if status is None:
            continue
        handle = handle or status[0]
        if handle is None and len(positional) >= 2 and positional[0] != candidate:
            handle = positional[0].lstrip("@")
        text = (
            body if body is not None else next((params[k] for k in _TEXT_KEYS if k in params), None)
        )
        tweet = make_tweet(
            tweet_id=status[1],
            handle=handle,
            author=next((params[k] for k in _NAME_KEYS if k in params), None),
            date_text=next((params[k] for k in _DATE_KEYS if k in params), None),
            text=text,
        )
        return Found(tweet=tweet, snippet=snippet, markup=markup)
    return None


def _closing(text: str, start: int, pattern: str) -> re.Match[str] | None:
    return re.compile(pattern).search(text, start, min(len(text), start + 4000))


def find_tags(text: str) -> Iterator[tuple[int, Found]]:
    """Every tag, component or directive in ``text`` (code already blanked) that embeds a
    tweet, with its position."""
    for match in _HUGO.finditer(text) if "{{" in text else ():
        name, args = match.group(2), match.group(3)
        kind = _kind(name, args)
        if kind is None or name.startswith("/"):
            continue
        end, body = match.end(), None
        close = _closing(text, end, r"\{\{[<%]\s*/" + re.escape(name) + r"\s*[>%]\}\}")
        if close and "{{" not in text[end : close.start()]:
            end, body = close.end(), _plain(text[match.end() : close.start()])
        label = f"hugo shortcode {name.lower()}"
        found = tag_tweet(args, text[match.start() : end], label, kind, body)
        if found:
            yield match.start(), found
    for match in _LIQUID.finditer(text) if "{%" in text else ():
        name, args = match.group(1), match.group(2)
        kind = _kind(name, args)
        if kind is None:
            continue
        end, body = match.end(), None
        close = _closing(text, end, r"\{%-?\s*end" + re.escape(name) + r"\s*-?%\}")
        if close and "{%" not in text[end : close.start()]:
            end, body = close.end(), _plain(text[match.end() : close.start()])
        found = tag_tweet(args, text[match.start() : end], f"liquid tag {name.lower()}", kind, body)
        if found:
            yield match.start(), found
    for match in _JSX.finditer(text) if "<" in text else ():
        name, args = match.group(1), match.group(2)
        kind = _kind(name, "")
        if kind is None:
            continue
        end, body = match.end(), None
        if not match.group(3):
            close = _closing(text, end, r"</" + re.escape(name) + r"\s*>")
            if close:
                end, body = close.end(), _plain(text[match.end() : close.start()])
        found = tag_tweet(args, text[match.start() : end], "jsx component", kind, body)
        if found:
            yield match.start(), found
    yield from _simple(text)


def _simple(text: str) -> Iterator[tuple[int, Found]]:
    """One-line syntaxes: WordPress, directives, AsciiDoc macros, Zenn, Hatena."""
    for match in _WORDPRESS.finditer(text) if "[" in text else ():
        kind = _kind(match.group(1), "")
        found = kind and tag_tweet(
            match.group(2), match.group(0), f"wordpress shortcode {match.group(1).lower()}", kind
        )
        if found:
            yield match.start(), found
    for match in _WP_EMBED.finditer(text) if "[/" in text else ():
        found = tag_tweet(match.group(1), match.group(0), "wordpress shortcode embed", "embed")
        if found:
            yield match.start(), found
    for match in _DIRECTIVE.finditer(text) if ":::" in text or ".. " in text else ():
        name = match.group(1) or match.group(2)
        kind = _kind(name, "")
        found = kind and tag_tweet(
            match.group(3), match.group(0).strip(), f"directive {name}", kind
        )
        if found:
            yield match.start(), found
    for match in _ASCIIDOC.finditer(text) if "::" in text else ():
        kind = _kind(match.group(1), "")
        args = f"{match.group(2)} {match.group(3)}"
        found = kind and tag_tweet(args, match.group(0), f"asciidoc macro {match.group(1)}", kind)
        if found:
            yield match.start(), found
    for match in _ZENN.finditer(text) if "@[" in text else ():
        kind = _kind(match.group(1), "")
        found = kind and tag_tweet(match.group(2), match.group(0), "zenn embed", kind)
        if found:
            yield match.start(), found
    for match in _HATENA.finditer(text) if "[http" in text or "[twitter:" in text else ():
        found = tag_tweet(
            match.group(1) or match.group(2), match.group(0), "hatena embed", "provider"
        )
        if found:
            yield match.start(), found


# R Markdown / Quarto chunks that run (```{r}, ```{python}): their output is in the page.
_EXECUTED = re.compile(r"[ \t]{0,3}(`{3,})[ \t]*\{(?:r|python|ojs)\b")
_FENCE = re.compile(r"[ \t]{0,3}(`*)")
_CALL = re.compile(r"([A-Za-z_][\w.:]{0,60})\(\s*(?:\w+\s*=\s*)?[\"']([^\"'\n]{1,600})[\"']")


def chunk_calls(text: str) -> Iterator[tuple[int, Found]]:
    """Tweets that executed chunks render: ``tweetrmd::include_tweet("URL")``,
    ``tweet_embed(URL)``, ``tweet_screenshot(…)`` — any call whose name mentions the
    provider and whose first argument carries the status. A fence without braces is a code
    sample, not run, and is never read."""
    if "```" not in text or "{" not in text:
        return
    for start, body in _executed_chunks(text):
        for call in _CALL.finditer(body):
            kind = _kind(call.group(1), None)
            snippet = call.group(0) + ")"
            found = kind and tag_tweet(call.group(2), snippet, f"chunk call {call.group(1)}", kind)
            if found:
                yield start + call.start(), found


def _executed_chunks(text: str) -> Iterator[tuple[int, str]]:
    """``(offset, body)`` of each chunk that runs: from an opening ```` ```{r} ```` line to the
    next line opening with as many backticks (or more). Closers are looked up per fence
    length, so many unclosed chunks cost linear time (a regex with a back-reference was
    quadratic)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines[:-1]:
        offsets.append(offsets[-1] + len(line) + 1)
    runs = [len(_FENCE.match(line).group(1)) for line in lines]  # type: ignore[union-attr]
    closers: dict[int, list[int]] = {}
    number = 0
    while number < len(lines) - 1:  # an opening line needs the line break after it
        opener = _EXECUTED.match(lines[number])
        if opener:
            fence = len(opener.group(1))
            if fence not in closers:
                closers[fence] = [k for k, run in enumerate(runs) if run >= fence]
            candidates = closers[fence]
            after = bisect_right(candidates, number)
            if after < len(candidates):
                end = candidates[after]
                yield offsets[number + 1], text[offsets[number + 1] : offsets[end]]
                number = end + 1
                continue
        number += 1


_TAG = re.compile(r"<[^<>]{0,400}>")


def _plain(body: str) -> str | None:
    """The text a tag wraps, without markup; None when there is none."""
    text = "\n".join(line.strip() for line in _TAG.sub("", body).strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text) or None
