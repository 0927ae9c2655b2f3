"""The extract run: inputs -> documents -> archive, with per-file error boundaries.

Each input is read and extracted on its own; any failure is recorded as a skipped file with
a one-line reason and the run goes on. Documents are saved in batched transactions.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archiver.errors import ArchiverError
from archiver.extract import extract_bytes, iter_inputs, read_file
from archiver.model import Document
from archiver.store import Archive

BATCH_DOCS = 64
BATCH_SECONDS = 1.0


@dataclass(frozen=True)
class Skipped:
    """An input that could not be read, and why."""

    path: str
    reason: str


@dataclass
class ExtractSummary:
    """What an extract run did."""

    files: int = 0
    embeds: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        return (
            f"Read {self.files} file{'s' if self.files != 1 else ''}, skipped "
            f"{len(self.skipped)}; found {self.embeds} embed{'s' if self.embeds != 1 else ''}: "
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged."
        )


def extract_one(path: Path, display: str) -> Document:
    """Read and extract one file (raises ArchiverError subclasses for bad input)."""
    if display == "-":
        return extract_bytes(sys.stdin.buffer.read(), "-")
    return extract_bytes(read_file(path), display)


def _safe_extract(path: Path, display: str) -> Document | Skipped:
    try:
        return extract_one(path, display)
    except ArchiverError as exc:
        return Skipped(display, str(exc))
    except RecursionError:
        return Skipped(display, "markup nested too deeply to read")
    except MemoryError:
        return Skipped(display, "out of memory while reading")
    except Exception as exc:  # noqa: BLE001 - the per-file boundary: never stop the run
        return Skipped(display, f"unexpected {type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class Planned:
    """One input of a run: its path, how to name it, and a problem found while listing it."""

    path: Path
    display: str
    problem: str | None = None


def plan_inputs(paths: list[str]) -> list[Planned]:
    """The files a run will read: folders expanded, ``-`` kept for standard input."""
    items: list[Planned] = []
    for raw in paths:
        if raw == "-":
            items.append(Planned(Path("-"), "-"))
            continue
        for entry in iter_inputs([Path(raw)]):
            items.append(Planned(entry.path, str(entry.path), entry.problem))
    return items


def extract_paths(
    items: list[Planned],
    archive: Archive,
    *,
    progress: Callable[[str], None] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
) -> ExtractSummary:
    """Extract every planned input into ``archive``; bad inputs are skipped, not fatal."""
    summary = ExtractSummary()
    batch: list[Document] = []
    last_flush = time.monotonic()

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

    for item in items:
        if progress:
            progress(item.display)
        if item.problem:
            skip(Skipped(item.display, item.problem))
            continue
        result = _safe_extract(item.path, item.display)
        if isinstance(result, Skipped):
            skip(result)
            continue
        summary.files += 1
        summary.embeds += len(result.found)
        batch.append(result)
        if len(batch) >= BATCH_DOCS or time.monotonic() - last_flush > BATCH_SECONDS:
            flush()
    flush()
    return summary
