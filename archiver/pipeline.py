"""The extract run: inputs -> documents -> archive, with per-file error boundaries.

Extraction is a pure function of each document's bytes, so it runs in worker processes
(``jobs``); one process writes, in batched transactions. Jobs are handed out a window at a
time and results are taken in input order, so memory stays flat however many files there
are and ``--jobs N`` gives exactly what ``--jobs 1`` gives.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archiver.errors import ArchiverError, InputError
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

if TYPE_CHECKING:  # the web client is imported only by runs that read the web
    from archiver.fetch import FetchOptions, WebInputs

BATCH_DOCS = 64
BATCH_SECONDS = 1.0
WINDOW_PER_JOB = 32
CHUNK = 8


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
        summary.embeds += len(result.found)
        batch.append(result)
        if len(batch) >= BATCH_DOCS or time.monotonic() - last_flush > BATCH_SECONDS:
            flush()
    flush()
    return summary


def read_jsonl(path: Path) -> Iterator[dict]:
    """The objects of a JSON Lines file (a JSON array is read too)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    try:
        if text.lstrip().startswith("["):
            yield from json.loads(text)
            return
        for line in text.splitlines():
            if line.strip():
                yield json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON Lines ({exc})") from None


def import_files(paths: list[Path], archive: Archive) -> SaveResult:
    """Merge records (``archiver export``) and documents (distributed shards) into the archive."""
    new = updated = unchanged = 0
    for path in paths:
        documents: list[Document] = []
        tweets: list[Tweet] = []
        try:
            for obj in read_jsonl(path):
                if "found" in obj and "source" in obj:
                    documents.append(Document.from_dict(obj))
                else:
                    tweets.append(Tweet.from_dict(obj))
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}: not an archiver record ({exc!r})") from None
        for result in (archive.save_documents(documents), archive.import_tweets(tweets)):
            new, updated = new + result.new, updated + result.updated
            unchanged += result.unchanged
    return SaveResult(new, updated, unchanged)
