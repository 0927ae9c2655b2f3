"""``archiver rewrite``: an article published again with static cards in place of its embeds.

Publishers keep old articles online whose embeds now say "This post is unavailable" or load
``widgets.js``, which tracks every reader. ``rewrite_file`` archives the article's tweets as
``archiver extract`` does, then writes the article again with every embed replaced, where it
stood, by a card that loads nothing (``templates/embed_card.html``: HTML, inline SVG and one
scoped stylesheet a page; with ``png``, the PNG card as an ``<img>``). An embed is the
blockquote with the ``widgets.js`` script after it, ``amp-twitter``, a rendered widget iframe
with its ``div.twitter-tweet-rendered``, a publisher's rendered card, a shortcode or component,
or a blockquote a consent manager parked in a ``<textarea>`` (the whole textarea goes). The
page's other scripts and frames of Twitter's widget platform go too (a ``widgets.js`` in the
head, the ``twttr`` loader snippet, what widgets.js left in a saved page): once the embeds are
static they only track. Bluesky, Mastodon and Threads embeds are replaced alike, and their
loaders go (``embed.bsky.app/static/embed.js``, ``threads.net/embed.js``, and a Mastodon
server's ``/embed.js`` when the page embeds a post of that server).

Everything else stays byte for byte: the output is the input's bytes with those spans spliced,
never a re-serialization. Each embed's evidence snippet (its exact source text) is looked up in
the decoded text outside comments, script bodies and Markdown code; its occurrence is mapped to
the same occurrence of the snippet encoded in the document's encoding; the card is written in
that encoding. An extractor snippet that is not the source text (lxml re-serialized it) is
found again by its start tag's attributes, or inside a ``<textarea>``; an embed found by no
means, or a flattened text copy (already static), is left as it was and reported.

In Markdown the card is a raw HTML block: it holds no blank line, and blank lines are added
around it where missing so renderers pass it through. MDX is refused (it would read the card
as JSX), as are reStructuredText and plain text.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import quote

from archiver.errors import ArchiverError, NotFoundError
from archiver.extract import HTML_SUFFIXES, MARKDOWN_SUFFIXES, extract_bytes, iter_inputs, read_file
from archiver.extract.decode import decode
from archiver.extract.html import extract_html
from archiver.extract.htmltext import SourceIndex
from archiver.extract.markup import blank_code, extract_markup
from archiver.extract.warc import is_warc
from archiver.model import Found, Tweet, same_tweet
from archiver.paths import safe_join, write_if_changed
from archiver.pipeline import Skipped
from archiver.render import card_relpath
from archiver.render.html import embed_card_html
from archiver.render.png import render_png
from archiver.store import Archive

#: ``NAME.html`` is written as ``NAME.static.html`` unless told otherwise.
STATIC_INFIX = ".static"
REWRITE_SUFFIXES = tuple(s for s in HTML_SUFFIXES + MARKDOWN_SUFFIXES if s != ".mdx")
_MDX = "MDX would read the HTML card as JSX: rewrite it by hand"
#: An inline script this long is page code that may do more than load widgets.js: it stays.
MAX_LOADER_CHARS = 2_000
FLATTENED = "flattened text"
#: PNG cards are drawn at twice their CSS size, sharp on high-density screens.
PNG_SCALE = 2

# Offsets are kept when parts of the text are blanked out; NUL never survives decoding
# (extraction drops it), so no snippet can match across the filler.
_FILL = "\x00"
_TAG_BODY = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
# What a reader never sees as markup: comments, and the bodies of raw-text elements. One
# alternation scanned left to right, so a "<script" inside a comment (or the reverse) counts
# where a browser would count it.
_INERT = re.compile(
    rf"<!--.*?(?:-->|\Z)|<(script|style|textarea)\b{_TAG_BODY}>(.*?)(?:</\1\s*>|\Z)",
    re.DOTALL | re.IGNORECASE,
)
# A Markdown code span: a run of backticks to the next run as long, within one paragraph.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)
_START_TAG = re.compile(rf"<([A-Za-z][\w:-]*)({_TAG_BODY})>")
_ATTR = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_LOADER = re.compile(rf"<(script|iframe)\b({_TAG_BODY})>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_TEXTAREA = re.compile(rf"<textarea\b{_TAG_BODY}>(.*?)</textarea\s*>", re.DOTALL | re.IGNORECASE)
# Twitter's widget platform: widgets.js, the code it loads (js/tweet.*.js), its settings frame,
# the syndication endpoints of timelines. In any attribute (src, and the lazy loaders' data-src,
# data-cmp-src, data-lazy-src), protocol-relative too.
_PLATFORM = re.compile(
    r"(?:https?:)?//(?:platform\.(?:twitter|x)\.com|(?:cdn\.)?syndication\.(?:twitter|twimg)\.com)/",
    re.IGNORECASE,
)
# The loaders of Bluesky's and Threads' embeds; a Mastodon server's ``/embed.js`` is one only
# on the host of an embed of the page (``_social_loader``).
_SOCIAL_PLATFORM = re.compile(
    r"(?:https?:)?//(?:embed\.bsky\.app/static/embed\.js|(?:www\.)?threads\.(?:net|com)/embed\.js)",
    re.IGNORECASE,
)
_SRC = re.compile(r"""(?:^|\s)src\s*=\s*["']?((?:https?:)?//([^/"'\s>]+)/embed\.js)\b""", re.I)
_HAS_SRC = re.compile(r"(?:^|\s)src\s*=", re.IGNORECASE)
# Wrappers that hold nothing but the embed or its script, and go with it.
_P_OPEN = re.compile(r"<p\b[^>]*>\s*\Z", re.IGNORECASE)
_P_CLOSE = re.compile(r"\s*</p\s*>", re.IGNORECASE)
_RENDERED_OPEN = re.compile(r"<div\b[^>]*\btwitter-tweet-rendered\b[^>]*>\s*\Z", re.IGNORECASE)
_DIV_CLOSE = re.compile(r"\s*</div\s*>", re.IGNORECASE)
_WRAPPER_REACH = 1_000


class RewriteError(ArchiverError):
    """An article cannot be rewritten as asked: its format, or where the output would go."""


@dataclass(frozen=True)
class Embed:
    """One embed of an article and what became of it.

    ``start`` and ``end`` are the byte offsets of the replaced span in the input (None when
    the embed was kept); ``note`` says why it was kept.
    """

    markup: str
    key: str
    stub: bool
    start: int | None = None
    end: int | None = None
    note: str | None = None

    @property
    def replaced(self) -> bool:
        """True when a card now stands where the embed was."""
        return self.start is not None


@dataclass(frozen=True)
class RewriteReport:
    """What rewriting one article did.

    ``loaders`` are the byte spans (in the input) of the page's other scripts and frames of
    Twitter's widget platform, removed; ``pngs`` the PNG cards written for ``png``; ``written``
    is False when the output already held exactly these bytes.
    """

    source: Path
    output: Path
    embeds: tuple[Embed, ...]
    loaders: tuple[tuple[int, int], ...] = ()
    pngs: tuple[Path, ...] = ()
    written: bool = True

    @property
    def replaced(self) -> tuple[Embed, ...]:
        """The embeds a card replaced."""
        return tuple(e for e in self.embeds if e.replaced)

    @property
    def kept(self) -> tuple[Embed, ...]:
        """The embeds left as they were."""
        return tuple(e for e in self.embeds if not e.replaced)

    def line(self) -> str:
        """One line for the command's output."""
        removed = len(self.loaders)
        return (
            f"{self.source} -> {self.output}: {len(self.replaced)} replaced, "
            f"{len(self.kept)} kept, {removed} other widget script{'s' if removed != 1 else ''} "
            "removed"
        )


@dataclass(frozen=True)
class RewriteSummary:
    """What a run over a file or a folder did."""

    reports: tuple[RewriteReport, ...]
    skipped: tuple[Skipped, ...] = ()

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        count = len(self.reports)
        replaced = sum(len(r.replaced) for r in self.reports)
        kept = sum(len(r.kept) for r in self.reports)
        return (
            f"Rewrote {count} article{'s' if count != 1 else ''}, skipped {len(self.skipped)}: "
            f"{replaced} embed{'s' if replaced != 1 else ''} replaced by static cards, "
            f"{kept} kept."
        )


@dataclass(eq=False)
class _Region:
    """A span of the decoded text to replace, and the embeds whose cards go there."""

    start: int
    end: int
    found: list[Found] = field(default_factory=list)


# What became of one embed: the region its card went to, or why it was kept.
_Outcome = tuple[Found, "_Region | str"]


@dataclass(frozen=True)
class _Png:
    """A PNG card as the template shows it."""

    src: str
    width: int
    height: int


def static_path(path: Path) -> Path:
    """Where an article's rewrite goes by default: ``NAME.static.EXT`` beside it."""
    return path.with_name(path.stem + STATIC_INFIX + path.suffix)


def rewrite_paths(
    source: Path,
    out: Path | None,
    archive: Archive,
    *,
    png: bool = False,
    in_place: bool = False,
    on_report: Callable[[RewriteReport], None] | None = None,
) -> RewriteSummary:
    """Rewrite one article, or every HTML and Markdown article under a folder.

    A file goes to ``out`` (a file, or a folder to write it into; default ``NAME.static.EXT``
    beside it). A folder is mirrored into the folder ``out`` (required, unless ``in_place``):
    every article at the same relative path, rewritten, or copied as it is when it embeds
    nothing; other files are not copied, and the output and archive folders are not read. A
    folder's unreadable articles (and MDX files) are skipped with their reason; a single
    file's problem raises. ``in_place`` overwrites the inputs. ``on_report`` hears of each
    article as it is done.
    """
    source = Path(source)
    if not source.is_dir():
        report = rewrite_file(source, out, archive, png=png, in_place=in_place)
        if on_report:
            on_report(report)
        return RewriteSummary((report,))
    root = _output_folder(source, out, in_place)
    ignored = [archive.folder.resolve()]
    if not in_place:
        ignored.append(root.resolve())
    reports: list[RewriteReport] = []
    skipped: list[Skipped] = []
    # Listed before anything is written, so no output is read back as an input.
    for item in list(iter_inputs([source])):
        if item.problem:
            skipped.append(Skipped(str(item.path), item.problem))
            continue
        real = item.path.resolve()
        if any(real == folder or folder in real.parents for folder in ignored):
            continue
        name = item.path.name.lower()
        if name.endswith(".mdx"):
            skipped.append(Skipped(str(item.path), _MDX))
            continue
        if not name.endswith(REWRITE_SUFFIXES):
            continue  # reST, text and web archives are read by extract, not rewritten
        relpath = item.path.relative_to(source).as_posix()
        try:
            report = rewrite_file(
                item.path,
                safe_join(root, relpath),
                archive,
                png=png,
                in_place=in_place,
                assets=root,
            )
        except ArchiverError as exc:
            skipped.append(Skipped(str(item.path), str(exc)))
            continue
        reports.append(report)
        if on_report:
            on_report(report)
    return RewriteSummary(tuple(reports), tuple(skipped))


def _output_folder(source: Path, out: Path | None, in_place: bool) -> Path:
    """Where a folder is mirrored, after the checks that keep it from clobbering the input."""
    if in_place:
        if out is not None and Path(out).resolve() != source.resolve():
            raise RewriteError("--in-place rewrites the folder itself: give no output folder")
        return source
    if out is None:
        raise RewriteError("a folder needs an output folder (-o DIR), or --in-place")
    if Path(out).resolve() == source.resolve():
        raise RewriteError(f"{out} is the input folder: use --in-place to overwrite its files")
    if Path(out).is_file():
        raise RewriteError(f"{out} is a file, not a folder")
    return Path(out)


def rewrite_file(
    path: Path,
    out_path: Path | None,
    archive: Archive,
    *,
    png: bool = False,
    in_place: bool = False,
    assets: Path | None = None,
) -> RewriteReport:
    """Archive an article's tweets, then write it with static cards in place of its embeds.

    ``out_path`` is the file to write (a folder: the same name inside it; None: ``NAME.static.
    EXT`` beside the input, or the input itself when ``in_place``). Writing over the input
    needs ``in_place``. ``png`` shows the PNG cards instead of HTML ones: rendered into the
    archive, copied to ``card_relpath`` under ``assets`` (default: the output's folder) and
    linked relatively from the output. The output gets the input's permission bits.
    """
    path = Path(path)
    target = _target(path, out_path, in_place)
    if path.name.lower().endswith(".mdx"):
        raise RewriteError(_MDX)
    if is_warc(path):
        raise RewriteError("a web archive cannot be rewritten: extract it instead")
    data = read_file(path)
    document = extract_bytes(data, str(path))
    fmt = document.source.format
    if fmt not in ("html", "markdown"):
        raise RewriteError(f"rewrite takes HTML and Markdown; this reads as {fmt}")
    archive.save_documents([document])

    text, encoding = decode(data)
    text = text.replace("\x00", "")  # as extraction does, so the snippets match
    markdown = fmt == "markdown"
    # Every copy of every embed, in document order: the archive folds copies into one record
    # (extract_bytes above), but each copy in the page needs its own card.
    every = extract_markup(text) if markdown else extract_html(text)
    masked = _mask(text, markdown)
    regions, outcomes = _plan(text, masked, every)
    removals = []
    if regions:  # loaders go with the embeds they load; a page without any keeps its bytes
        hosts = frozenset(
            f.tweet.key.split(":", 1)[1].split("/", 1)[0]
            for f in every
            if f.tweet.platform == "mastodon"
        )
        removals = _absorb(regions, _widget_loaders(text, masked, hosts), masked)
    regions.sort(key=lambda r: r.start)
    spans = _byte_spans(text, data, encoding, [(r.start, r.end) for r in regions] + removals)
    placed = {r: span for r, span in zip(regions, spans[: len(regions)], strict=True) if span}
    shown = {found: _archived(archive, found.tweet) for r in placed for found in r.found}
    pngs: dict[str, _Png] = {}
    png_paths: list[Path] = []
    if png and shown:
        pngs, png_paths = _png_cards(list(shown.values()), archive, target, assets or target.parent)

    newline = "\r\n" if "\r\n" in text else "\n"
    edits = [(*span, b"") for span in spans[len(regions) :] if span]
    for number, (region, span) in enumerate(placed.items()):
        cards = [
            embed_card_html(
                shown[found], style=number == 0 and i == 0, png=pngs.get(shown[found].key)
            ).strip("\n")
            for i, found in enumerate(region.found)
        ]
        card = "\n".join(cards).replace("\n", newline)
        if markdown:
            card = _padded(card, text[: region.start], text[region.end :], newline)
        edits.append((*span, card.encode(encoding, errors="xmlcharrefreplace")))
    output = bytearray()
    pos = 0
    for start, end, replacement in sorted(edits):
        output += data[pos:start] + replacement
        pos = end
    output += data[pos:]

    mode = stat.S_IMODE(path.stat().st_mode)  # before an in-place write replaces the file
    written = write_if_changed(target.parent, target.name, bytes(output))
    if written:
        os.chmod(target, mode)  # the temporary file behind an atomic write is created 0600
    removed = tuple(span for span in spans[len(regions) :] if span)
    return RewriteReport(
        path, target, _embeds(outcomes, placed, shown, archive), removed, tuple(png_paths), written
    )


def _target(path: Path, out_path: Path | None, in_place: bool) -> Path:
    """The file to write, refusing to overwrite the input unless ``in_place``."""
    if out_path is None:
        target = path if in_place else static_path(path)
    else:
        target = Path(out_path)
        if target.is_dir():
            target = target / path.name
    if target.resolve() == path.resolve() and not in_place:
        raise RewriteError(f"{target} is the input: use --in-place to overwrite it")
    return target


def _mask(text: str, markdown: bool) -> str:
    """``text`` with what is not live markup blanked out, every offset kept.

    That is comments and the bodies of ``script``, ``style`` and ``textarea`` elements, and in
    Markdown code fences and code spans (documentation showing an embed, or naming a tag, as
    in "`<script>`", which must neither change nor be read as markup).
    """
    if markdown:
        lines = text.split("\n")
        shown = blank_code(text).split("\n")
        text = "\n".join(
            line if line == kept else _FILL * len(line)
            for line, kept in zip(lines, shown, strict=True)
        )
        text = _CODE_SPAN.sub(lambda m: _FILL * len(m.group()), text)
    pieces = []
    pos = 0
    for match in _INERT.finditer(text):
        start, end = match.span() if match.group(1) is None else match.span(2)
        pieces += [text[pos:start], _FILL * (end - start)]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _plan(text: str, masked: str, every: list[Found]) -> tuple[list[_Region], list[_Outcome]]:
    """Where each embed's card goes, and the outcome of each embed in document order.

    An outcome is ``(found, region)`` for an embed shown in a region, or ``(found, note)`` for
    one left as it was. A copy nested in an embed already placed (the placeholder blockquote
    of an ``amp-twitter``) is part of it and has no outcome of its own.
    """
    regions: list[_Region] = []
    outcomes: list[_Outcome] = []
    next_from: dict[str, int] = {}  # identical snippets are matched to occurrences in order
    for found in every:
        if found.markup == FLATTENED:
            outcomes.append((found, "a flattened text copy: already static"))
            continue
        span = _locate(text, masked, found.snippet, next_from.get(found.snippet, 0))
        if span is None:
            outcomes.append((found, "its markup is not in the file as written"))
            continue
        next_from[found.snippet] = span[0] + 1
        start, end = _unwrap(masked, *span, _RENDERED_OPEN, _DIV_CLOSE)
        for region in regions:
            if region.start <= start and end <= region.end:
                if not any(_copies(f.tweet, found.tweet) for f in region.found):
                    region.found.append(found)  # a second embed in one consent textarea
                    outcomes.append((found, region))
                break
            if start < region.end and region.start < end:
                outcomes.append((found, "it overlaps another embed"))
                break
        else:
            region = _Region(start, end, [found])
            regions.append(region)
            outcomes.append((found, region))
    return regions, outcomes


def _copies(a: Tweet, b: Tweet) -> bool:
    return a.key == b.key or same_tweet(a, b)


def _locate(text: str, masked: str, snippet: str, after: int) -> tuple[int, int] | None:
    """The span of an embed's source from its snippet, at or after ``after``.

    The snippet verbatim where it starts in live markup; else (a snippet lxml re-serialized,
    as it does for a start tag written over several lines) the element whose start tag has the
    same attributes; else a ``<textarea>`` whose text holds the snippet, which goes whole.
    """
    at = text.find(snippet, after)
    while at >= 0 and masked[at] == _FILL:
        at = text.find(snippet, at + 1)
    if at >= 0:
        return at, at + len(snippet)
    head = _START_TAG.match(snippet)
    if head is not None:
        tag, wanted = head.group(1), _attributes(head.group(2))
        opener = re.compile(rf"<{re.escape(tag)}\b({_TAG_BODY})>", re.IGNORECASE)
        for match in opener.finditer(masked, after):
            if _attributes(match.group(1)) == wanted:
                whole = SourceIndex(masked)._to_close(match.start(), tag)
                return (match.start(), match.start() + len(whole)) if whole else None
    for match in _TEXTAREA.finditer(masked, after):
        if snippet in unescape(text[match.start(1) : match.end(1)]):
            return match.span()
    return None


def _attributes(source: str) -> dict[str, str]:
    """A start tag's attributes, names folded and values unescaped; the first of a name wins."""
    found: dict[str, str] = {}
    for name, double, single, bare in _ATTR.findall(source):
        found.setdefault(name.lower(), unescape(double or single or bare))
    return found


def _unwrap(
    masked: str, start: int, end: int, opener: re.Pattern[str], closer: re.Pattern[str]
) -> tuple[int, int]:
    """The span grown to the element around it when that holds nothing else but white space."""
    before = opener.search(masked, max(0, start - _WRAPPER_REACH), start)
    after = closer.match(masked, end)
    if before and after:
        return before.start(), after.end()
    return start, end


def _widget_loaders(text: str, masked: str, hosts: frozenset[str]) -> list[tuple[int, int]]:
    """Every script and frame of the page that loads Twitter's widget platform, and the
    scripts that load Bluesky's, Threads' and (on ``hosts``, the servers of the page's
    Mastodon embeds) Mastodon's embeds.

    A ``<script>`` or ``<iframe>`` naming the platform in any attribute, or a short inline
    script that loads it (the ``twttr`` snippet, a site's own loader); longer inline scripts
    are page code, and stay. A ``<p>`` holding nothing else goes with it.
    """
    spans = []
    for match in _LOADER.finditer(masked):
        tag, attrs, body = match.group(1), match.group(2), text[match.start(3) : match.end(3)]
        inline = tag.lower() == "script" and not _HAS_SRC.search(attrs)
        if (
            _PLATFORM.search(attrs)
            or (inline and len(body) <= MAX_LOADER_CHARS and _PLATFORM.search(body))
            or (tag.lower() == "script" and _social_loader(attrs, hosts))
        ):
            spans.append(_unwrap(masked, *match.span(), _P_OPEN, _P_CLOSE))
    return spans


def _social_loader(attrs: str, hosts: frozenset[str]) -> bool:
    """Whether a script's attributes load Bluesky's, Threads' or a Mastodon server's embed.js."""
    if _SOCIAL_PLATFORM.search(attrs):
        return True
    match = _SRC.search(attrs)
    return match is not None and match.group(2).lower() in hosts


def _absorb(
    regions: list[_Region], loaders: list[tuple[int, int]], masked: str
) -> list[tuple[int, int]]:
    """Join each embed with the loader right after it; return the loaders left to remove."""
    left = []
    for start, end in loaders:
        inside = next((r for r in regions if r.start <= start and end <= r.end), None)
        if inside is not None:
            continue
        follows = next(
            (r for r in regions if r.end <= start and not masked[r.end : start].strip()), None
        )
        if follows is not None:
            follows.end = end
        else:
            left.append((start, end))
    return left


def _padded(card: str, before: str, after: str, newline: str) -> str:
    """The card as a Markdown raw HTML block: starting a line, a blank line on either side.

    Only what is missing is added; a card that would start indented (four spaces make code)
    starts on a fresh line instead.
    """
    if re.search(r"(?:\A|\n)[ \t]*\Z", before):  # at the start of a line
        if before and not before.endswith("\n"):
            lead = newline  # indented: the white space becomes a blank line of its own
        elif not before or re.search(r"(?:\A|\n)[ \t\r]*\n\Z", before):
            lead = ""
        else:
            lead = newline
    else:
        lead = newline * 2
    if not after or re.match(r"[ \t]*\r?\n[ \t]*(?:\r?\n|\Z)", after):
        trail = ""
    elif re.match(r"[ \t]*\r?\n", after):
        trail = newline
    else:
        trail = newline * 2
    return lead + card + trail


def _byte_spans(
    text: str, data: bytes, encoding: str, spans: list[tuple[int, int]]
) -> list[tuple[int, int] | None]:
    """Each span of the text as a span of the input's bytes, or None where none maps exactly.

    The k-th occurrence of a piece of text is the k-th occurrence of its encoded bytes: exact
    for a faithful decoding, and safe for a lossy one (a damaged piece is not found at all).
    Spans that would come out of order or overlapping are dropped.
    """
    found: list[tuple[int, int] | None] = []
    for start, end in spans:
        piece = text[start:end]
        try:
            needle = piece.encode(encoding)
        except (LookupError, UnicodeEncodeError):
            found.append(None)
            continue
        at, pos = -1, 0
        for _ in range(text.count(piece, 0, start) + 1):
            at = data.find(needle, pos)
            if at < 0:
                break
            pos = at + len(needle)
        found.append((at, at + len(needle)) if at >= 0 else None)
    last_end = 0
    for i in sorted(range(len(spans)), key=lambda i: spans[i][0]):
        span = found[i]
        if span is not None:
            if span[0] < last_end:
                found[i] = None
            else:
                last_end = span[1]
    return found


def _archived(archive: Archive, tweet: Tweet) -> Tweet:
    """The archive's record of a tweet (filled in from every article), else the copy read.

    An X record is found by its status id (a copy without one has since merged into it);
    another platform's by its key, as a bare number names an X status.
    """
    try:
        return archive.get(tweet.id if tweet.platform == "x" and tweet.id else tweet.key)
    except NotFoundError:
        return tweet


def _embeds(
    outcomes: list[_Outcome],
    placed: dict[_Region, tuple[int, int]],
    shown: dict[Found, Tweet],
    archive: Archive,
) -> tuple[Embed, ...]:
    """The report's view of each embed: where its card went, or why it was kept."""
    out = []
    for found, where in outcomes:
        if isinstance(where, _Region) and where in placed:
            tweet = shown[found]
            out.append(Embed(found.markup, tweet.key, tweet.is_stub, *placed[where]))
            continue
        tweet = _archived(archive, found.tweet)
        note = where if isinstance(where, str) else "its bytes could not be matched in the file"
        out.append(Embed(found.markup, tweet.key, tweet.is_stub, note=note))
    return tuple(out)


def _png_cards(
    tweets: list[Tweet], archive: Archive, target: Path, assets: Path
) -> tuple[dict[str, _Png], list[Path]]:
    """PNG cards rendered into the archive and copied under ``assets``, keyed by tweet key."""
    unique = list({t.key: t for t in tweets}.values())
    render_png(unique, archive.folder, scale=PNG_SCALE)
    cards: dict[str, _Png] = {}
    paths: list[Path] = []
    for tweet in unique:
        relpath = card_relpath(tweet, "png")
        data = safe_join(archive.folder, relpath).read_bytes()
        copy = safe_join(assets, relpath)
        if copy.resolve() != safe_join(archive.folder, relpath).resolve():
            write_if_changed(assets, relpath, data)
        paths.append(copy)
        # The size in CSS pixels, from the PNG's IHDR chunk.
        width = int.from_bytes(data[16:20], "big") // PNG_SCALE
        height = int.from_bytes(data[20:24], "big") // PNG_SCALE
        src = quote(Path(os.path.relpath(copy, target.parent)).as_posix())
        cards[tweet.key] = _Png(src, width, height)
    return cards, paths
