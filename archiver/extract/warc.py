"""Web archives: every HTML response record of a WARC (or ARC) file is an article.

Read with warcio (streaming, gzip members, chunked and compressed HTTP bodies decoded). The
source of each article records the WARC file, the record id and the target URI; the URI
becomes the article URL shown on cards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.errors import InputError
from archiver.extract.decode import charset_param

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_RECORD = 64 * 1024 * 1024
_BLOCK = 64 * 1024


@dataclass(frozen=True)
class WarcPayload:
    """One HTML response of a web archive, ready for extraction."""

    data: bytes
    record_id: str
    target_uri: str | None
    charset: str | None = None  # declared by the recorded response's Content-Type


def is_warc(path: Path) -> bool:
    """Whether the file name says web archive."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def _html_payload(record: Any) -> WarcPayload | None:
    """The record's HTML body, or None for requests, metadata, images, oversized bodies."""
    if record.rec_type not in ("response", "resource"):
        return None
    http = record.http_headers
    ctype = (http.get_header("Content-Type") if http else None) or (
        record.rec_headers.get_header("Content-Type") or ""
    )
    if not ctype.lower().startswith(_HTML_TYPES):
        return None
    data = record.content_stream().read(MAX_RECORD + 1)
    if len(data) > MAX_RECORD:
        return None
    return WarcPayload(
        data=data,
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        target_uri=record.rec_headers.get_header("WARC-Target-URI"),
        charset=charset_param(ctype),
    )


def read_payload_at(path: Path, offset: int) -> WarcPayload | None:
    """The HTML payload of the one record starting at ``offset``, read as a whole file is.

    Used for pages archiver fetched itself: extracted from their record in the WARC, the
    evidence, rather than from the bytes in memory.
    """
    from warcio.archiveiterator import ArchiveIterator

    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            for record in ArchiveIterator(stream, arc2warc=True):
                return _html_payload(record)
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(f"cannot read the WARC record at byte {offset}: {exc}") from None
    return None


def iter_html_records(path: Path) -> Iterator[WarcPayload]:
    """Stream the HTML response records of a WARC/ARC file (non-HTML records are passed).

    warcio takes a record cut short, or a file cut inside a header, for the normal end of the
    file; each record is therefore read to its declared end, and reading must stop at the end
    of the file, or the file is reported as truncated.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:  # pragma: no cover - warcio is a dependency
        raise InputError("reading WARC files needs the warcio package") from None
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            records = ArchiveIterator(stream, arc2warc=True)
            for record in records:
                payload = _html_payload(record)
                while record.raw_stream.read(_BLOCK):
                    pass
                missing = getattr(record.raw_stream, "limit", 0)
                if missing and missing > 0:
                    raise InputError(f"truncated: a record ends {missing} bytes short")
                if payload is not None:
                    yield payload
            if records.offset != size:
                raise InputError(f"truncated or damaged after byte {records.offset}")
    except ArchiveLoadFailed as exc:
        raise InputError(f"not a readable WARC/ARC file: {exc}") from None
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(f"not a readable WARC/ARC file: {exc}") from None
