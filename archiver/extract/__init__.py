"""Extraction: one document in, its embedded tweets out (a pure function of the bytes).

``extract_bytes`` decides the format by content with the file name as a hint, decodes,
runs the matching extractor and folds copies of one tweet into one record.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from archiver.errors import InputError
from archiver.extract.common import safe_href
from archiver.extract.decode import decode
from archiver.extract.html import extract_html
from archiver.extract.markup import extract_markup
from archiver.extract.precheck import page_signs
from archiver.extract.sources import (
    WxrItem,
    asciidoc_to_markup,
    is_wxr,
    iter_wxr_items,
    notebook_parts,
    org_to_markup,
)
from archiver.extract.warc import WARC_SUFFIXES
from archiver.model import (
    Document,
    Found,
    Source,
    Tweet,
    merge,
    normalized_text,
    rank,
    same_tweet,
)

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mdx", ".qmd", ".rmd")
RST_SUFFIXES = (".rst", ".rest")
TEXT_SUFFIXES = (".txt", ".text")
# React/Next components paste embeds as JSX (a Bluesky blockquote with className); read as text.
JSX_SUFFIXES = (".jsx", ".tsx")
ORG_SUFFIXES = (".org",)
ASCIIDOC_SUFFIXES = (".adoc", ".asciidoc")
NOTEBOOK_SUFFIXES = (".ipynb",)
WXR_SUFFIXES = (".xml", ".wxr")
SOURCE_SUFFIXES = ORG_SUFFIXES + ASCIIDOC_SUFFIXES + NOTEBOOK_SUFFIXES + WXR_SUFFIXES
DOCUMENT_SUFFIXES = (
    HTML_SUFFIXES
    + MARKDOWN_SUFFIXES
    + RST_SUFFIXES
    + TEXT_SUFFIXES
    + JSX_SUFFIXES
    + SOURCE_SUFFIXES
)
MAX_BYTES = 256 * 1024 * 1024

# Atomic group: a comment ends at its first "-->", so a run of comments is matched one way
# only (without it, 300 empty comments made the match try 2**300 ways of grouping them).
_HTML_START = re.compile(
    r"^\s*(?>(?:<!--.*?-->\s*)*)<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
_HTML_ANYWHERE = re.compile(r"<(?:html|head|body)\b[^>]*>", re.IGNORECASE)
# Attribute runs are bounded and stop at a "<" (which no real tag holds): unbounded, a page of
# "<link rel=canonical" without a ">" took quadratic time or worse.
_TITLE = re.compile(r"<title[^<>]{0,200}>([^<]{1,500})</title>", re.IGNORECASE)
_CANONICAL = re.compile(
    r"""<link\b[^<>]{0,200}\brel=["']?canonical["']?[^<>]{0,200}\bhref=["']([^"'>\s]{1,2000})["']"""
    r"""|<link\b[^<>]{0,200}\bhref=["']([^"'>\s]{1,2000})["'][^<>]{0,200}\brel=["']?canonical\b""",
    re.IGNORECASE,
)
_FRONT_TITLE = re.compile(
    r"\A---\s*\n(?:.{0,2000}?\n)?title:\s*[\"']?(.{1,300}?)[\"']?\s*\n", re.DOTALL
)
_HEADING = re.compile(r"^#\s+(.{1,300})$", re.MULTILINE)
_ORG_TITLE = re.compile(r"^#\+title:[ \t]*(.{1,300})$", re.MULTILINE | re.IGNORECASE)
_ADOC_TITLE = re.compile(r"^=[ \t]+(.{1,300})$", re.MULTILINE)


def sniff_format(text: str, name: str) -> str:
    """``html``, ``markdown``, ``rst``, ``org``, ``asciidoc``, ``notebook``, ``wordpress``
    (an export) or ``text``: content first, the suffix as a hint."""
    lower = name.lower()
    head = text[:2048]
    if is_wxr(text):
        return "wordpress"
    if lower.endswith(NOTEBOOK_SUFFIXES) and head.lstrip().startswith("{"):
        return "notebook"
    sources = MARKDOWN_SUFFIXES + RST_SUFFIXES + ORG_SUFFIXES + ASCIIDOC_SUFFIXES
    if _HTML_START.match(head) or (not lower.endswith(sources) and _HTML_ANYWHERE.search(head)):
        return "html"
    if lower.endswith(ORG_SUFFIXES) or head.lstrip().lower().startswith("#+title:"):
        return "org"
    if lower.endswith(ASCIIDOC_SUFFIXES):
        return "asciidoc"
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    if lower.endswith(RST_SUFFIXES):
        return "rst"
    return "text"


def _title(text: str, fmt: str) -> str | None:
    if fmt == "html":
        match = _TITLE.search(text[:200_000])
        return " ".join(unescape(match.group(1)).split()) or None if match else None
    if fmt in ("markdown", "rst", "text", "org", "asciidoc"):
        heading = {"markdown": _HEADING, "org": _ORG_TITLE, "asciidoc": _ADOC_TITLE}.get(fmt)
        match = _FRONT_TITLE.match(text) or (heading.search(text[:20_000]) if heading else None)
        return match.group(1).strip() if match else None
    return None


def _canonical(text: str, fmt: str) -> str | None:
    if fmt != "html":
        return None
    match = _CANONICAL.search(text[:200_000])
    if not match:
        return None
    url = unescape(match.group(1) or match.group(2))
    return url if url.startswith(("http://", "https://")) else None


def _copy_keys(tweet: Tweet) -> list[tuple[str, ...]]:
    """What copies of ``tweet`` must share (``same_tweet``): the id, or handle and text."""
    keys = [("id", tweet.key)] if tweet.id else []  # a record's key holds its platform and id
    if tweet.platform == "bluesky" and tweet.id and tweet.handle:
        keys.append(("bluesky", tweet.handle.casefold(), tweet.id))  # by handle or by DID
    if tweet.handle and tweet.text:
        keys.append(("text", tweet.platform, tweet.handle.casefold(), normalized_text(tweet.text)))
    return keys


def dedupe(found: list[Found]) -> list[Found]:
    """Copies of one tweet in one document count once; the best-informed copy leads.

    Only records sharing an id or a handle and text are compared, so a page of thousands
    of embeds is not compared pair by pair.
    """
    out: list[Found] = []
    index: dict[tuple[str, ...], set[int]] = {}
    for item in found:
        candidates = sorted({i for key in _copy_keys(item.tweet) for i in index.get(key, ())})
        for i in candidates:
            kept = out[i]
            if same_tweet(kept.tweet, item.tweet):
                if rank(item.tweet) > rank(kept.tweet):
                    out[i] = Found(merge(item.tweet, kept.tweet), item.snippet, item.markup)
                else:
                    out[i] = Found(merge(kept.tweet, item.tweet), kept.snippet, kept.markup)
                break
        else:
            out.append(item)
            i = len(out) - 1
        for key in _copy_keys(out[i].tweet):
            index.setdefault(key, set()).add(i)
    return out


def extract_bytes(
    data: bytes,
    path: str,
    url: str | None = None,
    record: str | None = None,
    charset: str | None = None,
    *,
    fmt: str | None = None,
    title: str | None = None,
) -> Document:
    """Extract every embedded tweet from a document's bytes.

    ``path`` names the source; ``url`` and ``record`` locate an article read from a web
    archive (its target URI and WARC record id) or a WordPress export (link and guid);
    ``charset`` is the one its HTTP response declared, which outranks the page's ``<meta
    charset>``. ``fmt`` and ``title`` are given for an article taken out of a container file
    (a WXR item is ``wordpress-post``); otherwise both are read from the document.
    """
    sha = hashlib.sha256(data).hexdigest()
    if not data or data.isspace():
        raise InputError("empty file")
    url = safe_href(url)  # a WARC's target URI may be dns:, urn:…: not an article's address
    text, encoding = decode(data, charset)
    if "\x00" in text:
        text = text.replace("\x00", "")
    # A web archive's record was served as HTML (only those are read): the name of the WARC
    # file says nothing about it, and a served fragment without <html> is still HTML.
    fmt = fmt or ("html" if record else sniff_format(text, path))
    try:
        if fmt == "html":
            # The pre-check reads the bytes when they are ASCII-compatible (fastest).
            wide = encoding.replace("_", "-").startswith(("utf-16", "utf-32"))
            embed, containers = page_signs(text if wide else data)
            found = extract_html(text, containers=containers) if embed else []
        else:
            found = _extract_source(text, fmt)
    except RecursionError:  # the text walk recurses once per level of nesting in an embed
        raise InputError("markup nested too deeply to read") from None
    if not found:  # the common case in a crawl: no title or address worth looking up
        return Document(source=Source(path=path, sha256=sha, format=fmt, url=url, record=record))
    source = Source(
        path=path,
        sha256=sha,
        format=fmt,
        title=title or _title(text, fmt),
        url=url or _canonical(text, fmt),
        record=record,
    )
    return Document(source=source, found=tuple(dedupe(found)))


def _extract_source(text: str, fmt: str) -> list[Found]:
    """Embeds of a source document, by format (sources.py brings each to markup)."""
    if fmt == "org":
        return extract_markup(org_to_markup(text), bare_urls=True)
    if fmt == "asciidoc":
        return extract_markup(asciidoc_to_markup(text))
    if fmt == "notebook":
        found: list[Found] = []
        for kind, part in notebook_parts(text):
            found.extend(
                extract_html(part) if kind == "html" else extract_markup(part, bare_urls=True)
            )
        return found
    if fmt == "wordpress":
        raise InputError("a WordPress export holds several articles: read it with iter_documents")
    return extract_markup(text, bare_urls=fmt in ("markdown", "wordpress-post"))


def wordpress_posts(data: bytes) -> list[WxrItem]:
    """The posts of a WordPress export (empty for any other document)."""
    text, _ = decode(data)
    return list(iter_wxr_items(data)) if is_wxr(text) else []


def read_file(path: Path) -> bytes:
    """A document's bytes, with the reasons a file cannot be read as an InputError."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError("not a regular file")
        if size > MAX_BYTES:
            raise InputError(
                f"file too large ({size // (1024 * 1024)} MiB > {MAX_BYTES // (1024 * 1024)} MiB)"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found (it may have been removed during the run)") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None


@dataclass(frozen=True)
class InputFile:
    """A file to read, or a problem met while listing the inputs."""

    path: Path
    problem: str | None = None


def iter_inputs(paths: list[Path]) -> Iterator[InputFile]:
    """Named files as given; folders walked recursively (documents and web archives), sorted.

    Symbolic-link loops are walked once; hidden folders (``.git``) are skipped.
    """
    for path in paths:
        if path.is_dir():
            yield from _walk(path, set())
        elif path.exists() or path.is_symlink():
            yield InputFile(path)
        else:
            yield InputFile(path, "file not found")


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[InputFile]:
    try:
        info = folder.stat()
    except OSError as exc:
        yield InputFile(folder, exc.strerror or str(exc))
        return
    ident = (info.st_dev, info.st_ino)
    if ident in seen:
        return  # a symbolic-link loop
    seen.add(ident)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield InputFile(folder, exc.strerror or str(exc))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, seen)
        elif entry.name.lower().endswith(DOCUMENT_SUFFIXES + WARC_SUFFIXES):
            yield InputFile(path)
