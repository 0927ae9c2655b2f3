"""The extract run: inputs -> documents -> archive, with per-file error boundaries.

Extraction is a pure function of each document's bytes, so it runs in worker processes
(``jobs``); one process writes, in batched transactions. Jobs are handed out a window at a
time and results are taken in input order, so memory stays flat however many files there
are and ``--jobs N`` gives exactly what ``--jobs 1`` gives.
"""

from __future__ import annotations

import codecs
import itertools
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archiver.errors import ArchiverError, InputError, RecordError
from archiver.extract import (
    WXR_SUFFIXES,
    extract_bytes,
    iter_inputs,
    read_file,
    wordpress_posts,
)
from archiver.extract.warc import is_warc, iter_html_records, read_payload_at
from archiver.model import Document, Tweet
from archiver.store import Archive, SaveResult
from archiver.validate import validate_document, validate_record

if TYPE_CHECKING:  # the web client is imported only by runs that read the web
    from archiver.fetch import FetchOptions, WebInputs

BATCH_DOCS = 64
BATCH_RECORDS = 500  # imported records per transaction
BATCH_SECONDS = 1.0
WINDOW_PER_JOB = 32
CHUNK = 8
_SNIFF = 8192  # bytes read to tell a binary file, and an array from JSON Lines
_BOM_AND_SPACE = b"\xef\xbb\xbf \t\r\n"


@dataclass(frozen=True)
class Skipped:
    """An input that could not be read, and why."""

    path: str
    reason: str


@dataclass
class ExtractSummary:
    """What an extract run did."""

    files: int = 0
    documents: int = 0
    embeds: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    web: bool = False  # the run read web addresses
    pages: int = 0  # web pages read (their documents are not counted in ``documents``)
    fetched: int = 0  # of which fetched in this run (the others from earlier captures)
    ignored_robots: bool = False

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        parts = []
        if self.files or not self.web:
            read = f"{self.files} file{'s' if self.files != 1 else ''}"
            if self.documents != self.files:
                read += f" ({self.documents} documents)"
            parts.append(read)
        if self.web:
            parts.append(
                f"{self.pages} web page{'s' if self.pages != 1 else ''} ({self.fetched} fetched, "
                f"{self.pages - self.fetched} from earlier captures)"
            )
        line = (
            f"Read {' and '.join(parts)}, skipped {len(self.skipped)}; found {self.embeds} "
            f"embed{'s' if self.embeds != 1 else ''}: "
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged."
        )
        return line + (" robots.txt ignored." if self.ignored_robots else "")


@dataclass(frozen=True)
class Planned:
    """One input of a run: its path, how to name it, and a problem found while listing it."""

    path: Path
    display: str
    problem: str | None = None


@dataclass(frozen=True)
class Job:
    """One document to extract: a file to read, or bytes already read (stdin, WARC)."""

    path: Path
    display: str
    data: bytes | None = None
    url: str | None = None
    record: str | None = None
    charset: str | None = None  # declared by the HTTP response
    address: str | None = None  # the web address asked for (names the page when it fails)
    fetched: bool = False  # a web page fetched in this run
    fmt: str | None = None  # "wordpress-post" for an item of a WordPress export
    title: str | None = None


def is_address(arg: str) -> bool:
    """Whether an input is a web address (fetched) rather than a path (read)."""
    return arg.lower().startswith(("http://", "https://"))


def iter_planned(paths: list[str]) -> Iterator[Planned]:
    """The files a run will read, lazily: folders expanded, ``-`` kept for standard input."""
    for raw in paths:
        if raw == "-":
            yield Planned(Path("-"), "-")
            continue
        for entry in iter_inputs([Path(raw)]):
            yield Planned(entry.path, str(entry.path), entry.problem)


def plan_inputs(paths: list[str]) -> list[Planned]:
    """The files a run will read, as a list (for callers that partition them)."""
    return list(iter_planned(paths))


def run_job(job: Job) -> Document | Skipped:
    """Read and extract one document; every failure becomes a Skipped with its reason."""
    name = job.address or job.display
    try:
        data = job.data if job.data is not None else read_file(job.path)
        return extract_bytes(
            data,
            job.display,
            url=job.url,
            record=job.record,
            charset=job.charset,
            fmt=job.fmt,
            title=job.title,
        )
    except ArchiverError as exc:
        return Skipped(name, str(exc))
    except RecursionError:
        return Skipped(name, "markup nested too deeply to read")
    except MemoryError:
        return Skipped(name, "out of memory while reading")
    except Exception as exc:  # noqa: BLE001 - the per-file boundary: never stop the run
        return Skipped(name, f"unexpected {type(exc).__name__}: {exc}")


def iter_jobs(
    items: list[Planned], skip: Callable[[Skipped], None], progress: Callable[[str], None] | None
) -> Iterator[Job]:
    """The documents of the planned inputs: files, stdin, every HTML record of a WARC."""
    for item in items:
        if progress:
            progress(item.display)
        if item.problem:
            skip(Skipped(item.display, item.problem))
        elif item.display == "-":
            yield Job(item.path, "-", data=sys.stdin.buffer.read())
        elif is_warc(item.path):
            try:
                for payload in iter_html_records(item.path):
                    yield Job(
                        item.path,
                        item.display,
                        payload.data,
                        payload.target_uri,
                        payload.record_id,
                        payload.charset,
                    )
            except ArchiverError as exc:
                skip(Skipped(item.display, str(exc)))
            except Exception as exc:  # noqa: BLE001 - the per-file boundary, as in run_job
                skip(
                    Skipped(
                        item.display, f"not a readable WARC/ARC file: {type(exc).__name__}: {exc}"
                    )
                )
        elif item.path.name.lower().endswith(WXR_SUFFIXES):
            yield from _wordpress_jobs(item, skip)
        else:
            yield Job(item.path, item.display)


def _wordpress_jobs(item: Planned, skip: Callable[[Skipped], None]) -> Iterator[Job]:
    """Each post of a WordPress export as an article of its own (link, guid, title)."""
    try:
        data = read_file(item.path)
        posts = wordpress_posts(data)
    except ArchiverError as exc:
        skip(Skipped(item.display, str(exc)))
        return
    except Exception as exc:  # noqa: BLE001 - the per-file boundary, as in run_job
        skip(Skipped(item.display, f"not a readable WordPress export: {type(exc).__name__}"))
        return
    if not posts:  # another XML document: read as any file
        yield Job(item.path, item.display, data)
    for post in posts:
        yield Job(
            item.path,
            item.display,
            post.content.encode("utf-8"),
            post.link,
            post.guid,
            fmt="wordpress-post",
            title=post.title,
        )


def iter_web_jobs(
    archive_dir: Path,
    web: WebInputs,
    options: FetchOptions,
    skip: Callable[[Skipped], None],
    progress: Callable[[str], None] | None,
    on_total: Callable[[int], None] | None,
) -> Iterator[Job]:
    """The web pages of a run, each read back from its record in the archive's WARC.

    So a fetched page is extracted exactly as ``archiver extract`` of that WARC file would:
    same bytes, same declared charset, same source (the WARC file, record id, target URI).
    """
    from archiver.fetch import Failed, read_pages

    seen: set[str] = set()
    for item in read_pages(archive_dir, web, options, on_total):
        if progress:
            progress(item.url)
        if isinstance(item, Failed):
            skip(Skipped(item.url, item.reason))
            continue
        capture = item.capture
        if capture.record_id in seen:
            continue  # two addresses, one page (a redirect): read once
        seen.add(capture.record_id)
        try:
            payload = read_payload_at(capture.path, capture.offset)
        except ArchiverError as exc:
            skip(Skipped(item.url, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - the per-file boundary, as in run_job
            skip(Skipped(item.url, f"its capture cannot be read: {type(exc).__name__}: {exc}"))
            continue
        if payload is None:
            skip(Skipped(item.url, "its capture is not an HTML response"))
            continue
        yield Job(
            capture.path,
            str(capture.path),
            payload.data,
            payload.target_uri,
            payload.record_id,
            payload.charset,
            address=item.url,
            fetched=item.fetched,
        )


def run_jobs(jobs: list[Job]) -> list[Document | Skipped]:
    """``run_job`` over a chunk: one round trip to a worker for several documents."""
    return [run_job(job) for job in jobs]


def _results(pending: Iterator[Job], jobs: int) -> Iterator[tuple[Job, Document | Skipped]]:
    """Every job with its result, in input order.

    With workers, jobs go out in chunks (a round trip to a worker process costs about a
    millisecond, as much as a small page) and up to ``WINDOW_PER_JOB`` jobs per worker run
    ahead of the writer, so the workers keep extracting while the main process writes; never
    more, so memory stays flat.
    """
    if jobs <= 1:
        yield from ((job, run_job(job)) for job in pending)
        return
    # Imported only when used: concurrent.futures.process costs ~0.15 s to import.
    from concurrent.futures import Future

    from archiver.workers import worker_pool

    ahead: deque[tuple[list[Job], Future]] = deque()
    with worker_pool(jobs) as pool:
        try:
            while chunk := list(itertools.islice(pending, CHUNK)):
                ahead.append((chunk, pool.submit(run_jobs, chunk)))
                if len(ahead) * CHUNK >= jobs * WINDOW_PER_JOB:
                    done, future = ahead.popleft()
                    yield from zip(done, future.result(), strict=True)
            while ahead:
                done, future = ahead.popleft()
                yield from zip(done, future.result(), strict=True)
        finally:
            for _chunk, future in ahead:
                future.cancel()


def extract_paths(
    items: Iterable[Planned],
    archive: Archive,
    *,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    web: WebInputs | None = None,
    fetch_options: FetchOptions | None = None,
    on_total: Callable[[int], None] | None = None,
) -> ExtractSummary:
    """Extract every planned input into ``archive``; bad inputs are skipped, not fatal.

    ``web`` adds addresses, sitemaps and feeds: fetched (``fetch_options``) into the archive's
    WARC after the local inputs, and extracted from it; ``on_total`` learns how many pages
    that makes once the listings are read.
    """
    summary = ExtractSummary()
    batch: list[Document] = []
    last_flush = time.monotonic()
    last_path = None

    def flush() -> None:
        nonlocal batch, last_flush
        if batch:
            result = archive.save_documents(batch)
            summary.new += result.new
            summary.updated += result.updated
            summary.unchanged += result.unchanged
        batch = []
        last_flush = time.monotonic()

    def skip(item: Skipped) -> None:
        summary.skipped.append(item)
        if on_skip:
            on_skip(item)

    pending = iter_jobs(items, skip, progress)
    if web:
        from archiver.fetch import FetchOptions

        options = fetch_options or FetchOptions()
        summary.web = True
        summary.ignored_robots = options.ignore_robots
        # Extraction stays in this process: worker processes forked while the fetch threads
        # hold locks could deadlock, and a polite fetch, not extraction, sets the pace.
        jobs = 1
        pending = itertools.chain(
            pending, iter_web_jobs(archive.folder, web, options, skip, progress, on_total)
        )
    for job, result in _results(pending, jobs):
        if isinstance(result, Skipped):
            skip(result)
            continue
        if job.address:
            summary.pages += 1
            summary.fetched += job.fetched
        else:
            if result.source.path != last_path:  # a WARC's documents come one after another
                summary.files += 1
                last_path = result.source.path
            summary.documents += 1
        document = screened(result.to_dict(), job.address or job.display, skip)
        if document is None:
            continue
        summary.embeds += len(document.found)
        batch.append(document)
        if len(batch) >= BATCH_DOCS or time.monotonic() - last_flush > BATCH_SECONDS:
            flush()
    flush()
    return summary


@dataclass(frozen=True)
class Entry:
    """One value of an import file, or why its line could not be read as one.

    ``place`` names it as reports do: ``FILE:LINE`` in JSON Lines, ``FILE[INDEX]`` in an array.
    """

    place: str
    value: object = None
    problem: str | None = None


def _not_json(exc: ValueError | RecursionError) -> str:
    """Why a line is not JSON, placed within the line (the line itself is the entry's place)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg} at column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "not JSON (nested too deeply)"
    return f"not JSON ({exc})"  # e.g. an integer of more than 4,300 digits


def read_jsonl(path: Path) -> Iterator[Entry]:
    """The values of a JSON Lines file, line by line (a JSON array file is read too).

    Streams: one line in memory at a time. A line that is not UTF-8 or not JSON is an entry
    with its ``problem``, and the lines after it are read. What makes the whole file
    unreadable (it cannot be opened, it is binary, an array that is not JSON) raises
    InputError; entries already yielded stand.
    """
    try:
        with path.open("rb") as stream:
            head = stream.peek(_SNIFF)[:_SNIFF]
            if b"\x00" in head:
                raise InputError("not UTF-8 text (it holds NUL bytes)")
            try:
                codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
            if head.lstrip(_BOM_AND_SPACE)[:1] == b"[":
                yield from _array(path, stream.read())
                return
            for number, raw in enumerate(stream, 1):
                place = f"{path}:{number}"
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield Entry(place, problem=f"not UTF-8 ({exc.reason} at byte {exc.start})")
                    continue
                if not line.strip():
                    continue
                try:
                    yield Entry(place, json.loads(line))
                except (ValueError, RecursionError) as exc:
                    yield Entry(place, problem=_not_json(exc))
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None


def _array(path: Path, data: bytes) -> Iterator[Entry]:
    """The elements of a JSON array file (``archiver export --format json``), by index."""
    try:
        values = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON ({exc})") from None
    except (ValueError, RecursionError) as exc:
        raise InputError(_not_json(exc)) from None
    if not isinstance(values, list):
        raise InputError("not JSON Lines nor a JSON array")
    for index, value in enumerate(values):
        yield Entry(f"{path}[{index}]", value)


def screened(data: object, place: str, skip: Callable[[Skipped], None]) -> Document | None:
    """A document (``Document.to_dict()`` form) as the archive may take it, else None.

    The one gate of extraction results and imported shards: ``validate_document``. A record
    that fails is dropped and reported (``PLACE: record N: reason``); a document whose source
    or shape fails is dropped whole.
    """

    def reject(position: int, exc: RecordError) -> None:
        skip(Skipped(place, f"record {position}: {exc}"))

    try:
        return validate_document(data, reject)
    except RecordError as exc:
        skip(Skipped(place, str(exc)))
        return None


def import_files(
    paths: list[Path], archive: Archive, on_skip: Callable[[Skipped], None] | None = None
) -> SaveResult:
    """Merge records (``archiver export``) and documents (distributed shards) into the archive.

    Every value passes ``validate_record`` / ``validate_document`` first; what fails, and
    what cannot be read, goes to ``on_skip`` (``FILE:LINE``, ``FILE[INDEX]`` or ``FILE``) and
    the rest is imported, in batches, so memory does not grow with the file.
    """
    totals = {"new": 0, "updated": 0, "unchanged": 0}
    documents: list[Document] = []
    tweets: list[Tweet] = []

    def skip(item: Skipped) -> None:
        if on_skip:
            on_skip(item)

    def flush() -> None:
        for result in (archive.save_documents(documents), archive.import_tweets(tweets)):
            for name in totals:
                totals[name] += getattr(result, name)
        documents.clear()
        tweets.clear()

    for path in paths:
        try:
            for entry in read_jsonl(path):
                if entry.problem is not None:
                    skip(Skipped(entry.place, entry.problem))
                    continue
                value = entry.value
                if isinstance(value, dict) and "found" in value and "source" in value:
                    document = screened(value, entry.place, skip)
                    documents.extend([document] if document else [])
                else:
                    try:
                        tweets.append(validate_record(value))
                    except RecordError as exc:
                        skip(Skipped(entry.place, str(exc)))
                if len(documents) >= BATCH_DOCS or len(tweets) >= BATCH_RECORDS:
                    flush()
        except InputError as exc:
            skip(Skipped(str(path), str(exc)))
        flush()  # a file's records are in before the next file's, as the order of files says
    return SaveResult(**totals)
