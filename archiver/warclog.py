"""The archive's own web archive: every request and response a fetch run made, as evidence.

Files are ``ARCHIVE/warc/YYYY-MM-DD.warc.gz`` (the UTC day of the fetch), WARC 1.1, each
record its own gzip member (the usual ``.warc.gz`` layout, read by every WARC tool and by
``archiver extract``). A request and its response are appended together in one ``write``
under an exclusive ``flock`` on the file, then ``fsync``-ed; concurrent runs queue on the lock.

A crash, a kill or a power cut in the middle of an append can leave only a partial gzip member
at the very end of a file. Before appending, the writer compares the file's size with the end
of the last complete record it knows (its own last append, or a scan); when they differ, it
reads the new tail and cuts off what is not a complete record, under the same lock, so a file
always reads to its end and the next record never lands after garbage.

The files are also the memory of what was fetched: ``Capture``s are read from them, so no
second table can drift from the evidence. What was read is cached beside each file (the files
only grow, so a later run reads only what was appended since).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.errors import ArchiveError
from archiver.paths import safe_join, write_atomic

WARC_FOLDER = "warc"
_BLOCK = 64 * 1024
_HEAD = 4096  # bytes of a WARC file whose digest tells the cached file from a replaced one
_CACHE_VERSION = 1
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Capture:
    """A response record of the archive's WARC files: where it is and what it said."""

    uri: str
    status: int
    path: Path
    offset: int
    record_id: str
    date: str
    location: str | None = None  # the Location of a redirect


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange to record: the request as sent, the response as received.

    ``body`` is the payload as it came off the connection (content-encoded, de-chunked);
    ``note`` replaces the response record with a metadata record when the body was not
    kept (not HTML, over the size cap, too slow): the status and headers are still evidence.
    """

    uri: str
    request_line: str
    request_headers: tuple[tuple[str, str], ...]
    status_line: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    note: str | None = None


@dataclass(frozen=True)
class Written:
    """Where an exchange's response (or note) record went."""

    path: Path
    offset: int
    record_id: str
    date: str


def warc_folder(archive_dir: Path) -> Path:
    """``ARCHIVE/warc``, through the traversal-safe join."""
    return safe_join(archive_dir, WARC_FOLDER)


def warc_files(archive_dir: Path) -> list[Path]:
    """The archive's WARC files, oldest first."""
    folder = warc_folder(archive_dir)
    return sorted(folder.glob("*.warc.gz")) if folder.is_dir() else []


def _records(stream: Any, start: int) -> Iterator[tuple[Any, int, int]]:
    """``(record, offset, end)`` for each complete record from ``start``; stops at damage."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    stream.seek(start)
    records = ArchiveIterator(stream)
    try:
        for record in records:
            offset = records.get_record_offset()  # absolute: warcio counts from the stream's tell()
            # Read the record to its declared end (warcio would take a short one for the end).
            while record.raw_stream.read(_BLOCK):
                pass
            if getattr(record.raw_stream, "limit", 0):
                return
            yield record, offset, offset + records.get_record_length()
    except (ArchiveLoadFailed, EOFError, OSError, ValueError):
        return


def _scan(path: Path, start: int) -> tuple[list[Capture], int]:
    """The response records from ``start`` on, and the end of the last complete record."""
    found: list[Capture] = []
    end = start
    with path.open("rb") as stream:
        for record, offset, end in _records(stream, start):  # noqa: B007 - the last end is kept
            if record.rec_type != "response" or not record.http_headers:
                continue
            status = int(record.http_headers.get_statuscode() or 0)
            location = record.http_headers.get_header("Location")
            found.append(
                Capture(
                    uri=record.rec_headers.get_header("WARC-Target-URI") or "",
                    status=status,
                    path=path,
                    offset=offset,
                    record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
                    date=record.rec_headers.get_header("WARC-Date") or "",
                    location=location if status in _REDIRECTS else None,
                )
            )
    return found, end


def _head(path: Path, length: int) -> str:
    """The digest of a file's first ``length`` bytes (what tells it from a replaced file)."""
    with path.open("rb") as stream:
        return hashlib.sha256(stream.read(length)).hexdigest()


def _file_captures(path: Path, save: bool) -> list[Capture]:
    """A WARC file's response records, read once: later only what was appended is read.

    The files only grow (a crash repair cuts only an incomplete tail), so what was read up to
    a record boundary stays true; a hidden JSON file beside the WARC keeps it, with the
    digest of the file's start so a replaced file is read again. It is a cache: deleting it
    costs one full read.
    """
    size = path.stat().st_size
    known, done = _cached(path, size)
    if done == size:
        return known
    more, end = _scan(path, done)
    known += more
    if save and end != done:
        rows = [[c.uri, c.status, c.offset, c.record_id, c.date, c.location] for c in known]
        head = _head(path, min(_HEAD, end))
        payload = {"version": _CACHE_VERSION, "head": head, "end": end, "captures": rows}
        write_atomic(path.parent, _cache_name(path), json.dumps(payload, separators=(",", ":")))
    return known


def _cache_name(path: Path) -> str:
    return f".{path.name}.captures.json"


def _cached(path: Path, size: int) -> tuple[list[Capture], int]:
    """What the cache knows of ``path``: its captures and the end of what was read."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, IndexError):
        saved = json.loads(safe_join(path.parent, _cache_name(path)).read_text(encoding="utf-8"))
        end = saved["end"]
        if (
            saved["version"] == _CACHE_VERSION
            and end <= size
            and saved["head"] == _head(path, min(_HEAD, end))
        ):
            rows = saved["captures"]
            return [Capture(r[0], r[1], path, r[2], r[3], r[4], r[5]) for r in rows], saved["end"]
    return [], 0


def iter_captures(archive_dir: Path, *, save: bool = False) -> Iterator[Capture]:
    """Every response record of the archive's WARC files, oldest first.

    A damaged tail (a crash mid-append) is where reading stops. ``save`` keeps what was read
    for the next run (fetch runs do; render only reads).
    """
    for path in warc_files(archive_dir):
        yield from _file_captures(path, save)


def read_captures(archive_dir: Path, *, save: bool = False) -> dict[str, Capture]:
    """The latest response record of every address in the archive's WARC files."""
    return {capture.uri: capture for capture in iter_captures(archive_dir, save=save)}


def _warcinfo(name: str) -> bytes:
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    info = {
        "software": f"archiver/{__version__}",
        "format": "WARC File Format 1.1",
        "description": "Articles fetched by archiver extract: every request and response.",
    }
    writer.write_record(writer.create_warcinfo_record(name, info))
    return out.getvalue()


def _exchange_records(exchange: Exchange) -> tuple[bytes, int, str, str]:
    """The request and response (or metadata) records, gzip member each; the second's place.

    Returns ``(bytes, offset of the second record in them, its record id, its date)``.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    request = writer.create_warc_record(
        exchange.uri,
        "request",
        http_headers=StatusAndHeaders(
            exchange.request_line, list(exchange.request_headers), is_http_request=True
        ),
    )
    writer.write_record(request)
    second_at = out.tell()
    concurrent = request.rec_headers.get_header("WARC-Record-ID")
    if exchange.note is None:
        second = writer.create_warc_record(
            exchange.uri,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=StatusAndHeaders(
                exchange.status_line, list(exchange.response_headers), protocol="HTTP/1.1"
            ),
        )
    else:
        fields = [f"status: {exchange.status_line}"]
        fields += [f"response-header: {name}: {value}" for name, value in exchange.response_headers]
        fields.append(f"not-kept: {exchange.note}")
        text = ("\r\n".join(fields) + "\r\n").encode("utf-8", "replace")
        second = writer.create_warc_record(
            exchange.uri,
            "metadata",
            payload=io.BytesIO(text),
            length=len(text),
            warc_content_type="application/warc-fields",
        )
    second.rec_headers.add_header("WARC-Concurrent-To", concurrent)
    writer.write_record(second)
    return (
        out.getvalue(),
        second_at,
        second.rec_headers.get_header("WARC-Record-ID"),
        second.rec_headers.get_header("WARC-Date"),
    )


class WarcLog:
    """Appends exchanges to the archive's WARC of the day; safe across threads and processes."""

    def __init__(self, archive_dir: Path) -> None:
        self.archive_dir = archive_dir
        self._lock = threading.Lock()
        self._ends: dict[Path, int] = {}  # the end of the last complete record known per file

    def append(self, exchange: Exchange) -> Written:
        """Record ``exchange``; returns where its response (or metadata) record lies."""
        data, second_at, record_id, date = _exchange_records(exchange)
        name = f"{datetime.now(UTC):%Y-%m-%d}.warc.gz"
        try:
            folder = warc_folder(self.archive_dir)
            folder.mkdir(parents=True, exist_ok=True)
            path = safe_join(folder, name)
            with self._lock, _locked(path) as fd:
                size = self._sound_size(path, fd)
                if size == 0:
                    data_all = _warcinfo(name) + data
                    second_at += len(data_all) - len(data)
                else:
                    data_all = data
                view = memoryview(data_all)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
                self._ends[path] = size + len(data_all)
        except OSError as exc:
            raise ArchiveError(
                f"cannot write the web archive in {self.archive_dir}: {exc}"
            ) from None
        return Written(path=path, offset=size + second_at, record_id=record_id, date=date)

    def _sound_size(self, path: Path, fd: int) -> int:
        """The file's size once any partial record left by a crash is cut off (lock held)."""
        size = os.fstat(fd).st_size
        known = self._ends.get(path)
        if known is None and size:  # a run's first append: start from what was read before
            known = _cached(path, size)[1] or None
        if known == size:
            return size
        start = known if known is not None and known < size else 0
        end = _scan(path, start)[1] if size else 0
        if end != size:
            os.ftruncate(fd, end)
            os.fsync(fd)
        return end


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[int]:
    """The file opened for appending, under an exclusive ``flock`` (other runs wait)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock
