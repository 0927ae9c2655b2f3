"""Lists of article addresses: sitemaps (and their indexes, gzipped or not), RSS and Atom feeds.

Pure functions of a document's bytes. XML is parsed by lxml with entities, DTDs and network
access off (no XXE, no billion laughs); gzip is inflated to a bounded size (the sitemap
protocol's own limit is 50 MB uncompressed).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from archiver.errors import InputError

MAX_LISTING = 50 * 1024 * 1024
_GZIP = b"\x1f\x8b"
_TRAILING_COMMENT = re.compile(r"\s+#")


@dataclass(frozen=True)
class Listing:
    """What a sitemap or feed lists: article addresses, and (an index) further sitemaps."""

    pages: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    old: int = 0  # entries left out by ``since``


def gunzip(data: bytes, limit: int = MAX_LISTING) -> bytes:
    """Inflate gzip data, refusing more than ``limit`` bytes of output (a gzip bomb stops)."""
    out = bytearray()
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, limit + 1 - len(out))
        except zlib.error as exc:
            raise InputError(f"damaged gzip data: {exc}") from None
        if len(out) > limit:
            raise InputError(f"more than {limit // (1024 * 1024)} MiB once uncompressed")
        if not inflater.eof:
            raise InputError("truncated gzip data")
        data = inflater.unused_data  # a further gzip member, as gzip(1) allows
    return bytes(out)


def _parse(data: bytes) -> object:
    from lxml import etree

    if data.startswith(_GZIP):
        data = gunzip(data)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"not XML: {exc}") from None
    if root is None:
        raise InputError("not XML: no element")
    return root


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: object, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_when(text: str | None) -> date | None:
    """The UTC day of a W3C datetime (sitemaps, Atom) or an RFC 822 date (RSS); None if unreadable.

    ``2024``, ``2024-05`` and ``2024-05-06`` are read as their first day.
    """
    if not text:
        return None
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parts = text.split("-")
            try:
                return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, 1)
            except ValueError:
                return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def _recent(when: str | None, since: date | None) -> bool:
    """Kept by ``since``: no ``since``, no date given (cannot tell: read it), or recent enough."""
    if since is None:
        return True
    day = parse_when(when)
    return day is None or day >= since


def parse_listing(data: bytes, base: str, since: date | None = None) -> Listing:
    """The addresses a sitemap, sitemap index, RSS (0.9x/1.0/2.0) or Atom feed lists.

    Relative links are resolved against ``base``; only http(s) addresses are kept. With
    ``since``, entries dated before it (``lastmod``, ``pubDate``, ``updated``) are left out,
    and so are child sitemaps of an index whose ``lastmod`` is older (nothing newer is in them).
    """
    root = _parse(data)
    kind = _local(root.tag)
    pages: list[str] = []
    sitemaps: list[str] = []
    old = 0

    def keep(target: list[str], href: str | None, when: str | None) -> None:
        nonlocal old
        if not href:
            return
        url = urljoin(base, href.strip())
        if not url.startswith(("http://", "https://")):
            return
        if _recent(when, since):
            target.append(url)
        else:
            old += 1

    if kind in ("urlset", "sitemapindex"):
        entry = "url" if kind == "urlset" else "sitemap"
        for item in root:
            if _local(item.tag) == entry:
                target = pages if kind == "urlset" else sitemaps
                keep(target, _child_text(item, "loc"), _child_text(item, "lastmod"))
    elif kind in ("rss", "rdf"):
        for item in root.iter():
            if _local(item.tag) == "item":
                link = _child_text(item, "link") or _permalink(item)
                when = _child_text(item, "pubdate", "date", "updated")
                keep(pages, link, when)
    elif kind == "feed":
        for item in root:
            if _local(item.tag) == "entry":
                keep(pages, _atom_link(item), _child_text(item, "updated", "published"))
    else:
        raise InputError(f"neither a sitemap nor an RSS or Atom feed (<{kind}>)")
    return Listing(tuple(dict.fromkeys(pages)), tuple(dict.fromkeys(sitemaps)), old)


def _permalink(item: object) -> str | None:
    """An RSS ``<guid>`` that is a permalink (the default when ``isPermaLink`` is absent)."""
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true").lower() == "true":
            return (child.text or "").strip() or None
    return None


def _atom_link(entry: object) -> str | None:
    """An Atom entry's ``rel="alternate"`` link (a link without ``rel`` is one)."""
    for child in entry:
        if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
            return child.get("href")
    return None


def read_url_list(text: str) -> list[str]:
    """Addresses from a ``--urls`` file: one per line; blank lines and ``#`` comments skipped.

    A comment starts a line or follows white space: ``#`` inside an address is a fragment.
    """
    out = []
    for line in text.splitlines():
        line = _TRAILING_COMMENT.split(line.strip(), maxsplit=1)[0].strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out
