"""The archive: one SQLite file (WAL) with tweets, sources and the evidence linking them.

Tables (``archiver.schema``): ``tweets`` (one row per tweet, the JSON record plus indexed
columns), ``sources`` (one row per article version: path and sha256), ``appearances`` (which
tweet appeared where, in which order, with the exact embed snippet), ``tweets_fts`` (FTS5 over
author, handle and text, external content indexed a transaction at a time), ``gone`` (records merged
away), ``meta`` (small settings, such as what a render last saw) and the offline search's
postings (``browse_docs``, ``browse_terms``, kept by the renderer). An archive written by a
newer archiver is refused rather than guessed at; an older one is migrated in place.

Every statement of the write path finds its rows through an index (``tests/test_store.py``
checks the query plans), so a write costs the same in an empty archive and in one of millions
of tweets. Reads (``archiver.queries``, the reading half of ``Archive``) stream: records
come out in chunks, never all at once.

Writes happen in short ``BEGIN IMMEDIATE`` transactions with a generous busy timeout, so two
``archiver extract`` runs on one archive queue instead of failing, and a crash or kill loses
at most the batch in flight: the file stays consistent (SQLite's journal guarantees it).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from archiver import platforms
from archiver.errors import ArchiveError
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
from archiver.paths import safe_join
from archiver.queries import Queries
from archiver.schema import FLUSH_FTS, SCHEMA_VERSION, migrate

T = TypeVar("T")

DB_NAME = "archive.sqlite"
BUSY_TIMEOUT_MS = 60_000
#: The page cache of a connection: the b-trees of a million-tweet archive's hot indexes stay in
#: memory, so a write does not grow slower with the archive (SQLite's default is 2 MB).
CACHE_KIB = 64 * 1024
_COLUMNS = "key, norm, record, first_seen"
# Copies of a record: by id, by key, and (arm 1) the handle's records near its date or
# without one. Each arm reads an index; ``?3`` is NULL when the merge rule does not apply.
_MATCHES = f"""
SELECT 0 AS arm, {_COLUMNS} FROM tweets WHERE id = ?1
UNION ALL SELECT 0, {_COLUMNS} FROM tweets WHERE key = ?2
UNION ALL SELECT 1, {_COLUMNS} FROM tweets WHERE handle = ?3 AND sort_time >= ?4 AND sort_time < ?5
UNION ALL SELECT 1, {_COLUMNS} FROM tweets WHERE handle = ?3 AND sort_time = ''
"""


class _Tally:
    """Counts of what a write did, by outcome."""

    def __init__(self) -> None:
        self.counts = {"new": 0, "updated": 0, "unchanged": 0}

    def add(self, outcome: str, key: str) -> str:
        self.counts[outcome] += 1
        return key


@dataclass(frozen=True)
class SaveResult:
    """What saving one document changed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_json(tweet: Tweet) -> str:
    data = tweet.to_dict()
    del data["sources"]  # sources live in their own table
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


class Archive(Queries):
    """An archive folder and its SQLite database; use as a context manager."""

    def __init__(self, folder: Path, *, create: bool = True) -> None:
        self.folder = Path(folder)
        db_path = self.folder / DB_NAME
        if not create and not db_path.exists():
            raise ArchiveError(f"no archive at {self.folder} (run `archiver extract` first)")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.db_path = safe_join(self.folder, DB_NAME)
            self.conn = sqlite3.connect(
                self.db_path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            try:
                self.conn.row_factory = sqlite3.Row
                self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                self._retry(self._open)
            except BaseException:
                self.conn.close()  # a refused archive is left closed, its journal files gone
                raise
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"cannot open the archive {db_path}: {_why(exc, db_path)}") from None
        except OSError as exc:
            raise ArchiveError(
                f"cannot open the archive {db_path}: {exc.strerror or exc}"
            ) from None

    def _open(self) -> None:
        version = self._version()
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if version < SCHEMA_VERSION:
            # Foreign keys off while tables are rebuilt (it cannot change inside a transaction);
            # the check before COMMIT proves the migration kept every link.
            self.conn.execute("PRAGMA foreign_keys = OFF")
            with self._write():
                version = self._version()  # another process may have migrated meanwhile
                if version < SCHEMA_VERSION:
                    migrate(self.conn, version)
                    if self.conn.execute("PRAGMA foreign_key_check").fetchone():
                        raise ArchiveError(f"migrating {self.db_path} would break its links")
        self.conn.execute("PRAGMA foreign_keys = ON")

    def _version(self) -> int:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ArchiveError(
                f"{self.db_path} was written by a newer archiver (schema {version}; this one "
                f"reads up to {SCHEMA_VERSION}): upgrade archiver to use it"
            )
        return version

    def close(self) -> None:
        """Close the database connection."""
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    def _retry(self, action: Callable[[], T], attempts: int = 20) -> T:
        """Run ``action``, retrying while another writer holds the lock past the timeout."""
        for attempt in range(attempts):
            try:
                return action()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == attempts - 1:
                    raise ArchiveError(
                        f"the archive stayed locked by another process: {exc}"
                    ) from None
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken at once (BEGIN IMMEDIATE) so writers queue cleanly."""
        self.conn.execute("BEGIN IMMEDIATE")
        self._seq: int | None = None
        self._gone: bool | None = None
        self._time: str | None = None
        try:
            yield
            for statement in FLUSH_FTS:
                self.conn.execute(statement)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def _atomically(self, work: Callable[[_Tally], None]) -> SaveResult:
        """Run ``work`` in one retried write transaction; all of it lands or none."""

        def run() -> SaveResult:
            tally = _Tally()
            with self._write():
                work(tally)
            return SaveResult(
                tally.counts["new"], tally.counts["updated"], tally.counts["unchanged"]
            )

        try:
            return self._retry(run)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(
                f"cannot write to the archive {self.db_path}: {_why(exc, self.db_path)}"
            ) from None

    def save_documents(self, documents: Iterable[Document]) -> SaveResult:
        """Save several documents in one transaction (all or nothing); returns the counts."""
        docs = list(documents)

        def work(tally: _Tally) -> None:
            for doc in docs:
                if not doc.found:
                    continue  # an article without embeds: nothing to keep (most of a crawl)
                source_id = self._source_id(doc.source)
                for position, found in enumerate(doc.found):
                    outcome, key = self._upsert(found.tweet)
                    tally.add(outcome, key)
                    self._appear(key, source_id, position, found, touch=outcome == "unchanged")

        return self._atomically(work)

    def import_tweets(self, tweets: Iterable[Tweet]) -> SaveResult:
        """Merge exported records (with their sources) by the rules ``extract`` uses.

        An imported record has no evidence snippet; each of its sources gets an appearance
        marked ``imported`` unless the tweet is already linked to that source.
        """
        records = list(tweets)

        def work(tally: _Tally) -> None:
            for tweet in records:
                key = tally.add(*self._upsert(tweet))
                for source in tweet.sources:
                    self._link(key, self._source_id(source))

        return self._atomically(work)

    def _next_seq(self) -> int:
        """This transaction's change number: one more than any change before it."""
        if self._seq is None:
            self._seq = self.last_change() + 1
        return self._seq

    def _clock(self) -> str:
        """The time of this transaction's writes (read once: formatting it costs per row)."""
        if self._time is None:
            self._time = _now()
        return self._time

    def _any_gone(self) -> bool:
        """Whether any record was ever merged away (asked once a transaction)."""
        if self._gone is None:
            self._gone = self.conn.execute("SELECT max(seq) FROM gone").fetchone()[0] is not None
        return self._gone

    def _touch(self, key: str) -> None:
        """Mark a tweet changed (its list of articles grew), for incremental renders."""
        self.conn.execute("UPDATE tweets SET seq = ? WHERE key = ?", (self._next_seq(), key))

    def _appear(self, key: str, source_id: int, position: int, found: Found, touch: bool) -> None:
        """Record that ``key`` appeared in a source at a position, with its evidence.

        ``touch`` marks the tweet changed when the appearance is new (its upsert did not).
        """
        values = (key, source_id, position, found.markup, found.snippet)
        if self.conn.execute(
            "INSERT OR IGNORE INTO appearances (tweet_key, source_id, position, markup, "
            "snippet) VALUES (?, ?, ?, ?, ?)",
            values,
        ).rowcount:
            if touch:
                self._touch(key)
            return
        row = self.conn.execute(
            "SELECT tweet_key, markup, snippet FROM appearances "
            "WHERE source_id = ? AND position = ?",
            (source_id, position),
        ).fetchone()
        if tuple(row) == (key, found.markup, found.snippet):
            return  # the same article read again: nothing changed
        self.conn.execute(
            "UPDATE appearances SET tweet_key = ?, markup = ?, snippet = ? "
            "WHERE source_id = ? AND position = ?",
            (key, found.markup, found.snippet, source_id, position),
        )
        self._touch(key)
        if row[0] != key:
            self._touch(row[0])  # the tweet that stood there lost this appearance

    def _link(self, key: str, source_id: int) -> None:
        if self.conn.execute(
            "SELECT 1 FROM appearances WHERE tweet_key = ? AND source_id = ?", (key, source_id)
        ).fetchone():
            return
        position = self.conn.execute(
            "SELECT coalesce(max(position), -1) + 1 FROM appearances WHERE source_id = ?",
            (source_id,),
        ).fetchone()[0]
        self.conn.execute(
            "INSERT INTO appearances (tweet_key, source_id, position, markup, snippet) "
            "VALUES (?, ?, ?, 'imported', '')",
            (key, source_id, position),
        )
        self._touch(key)

    def _source_id(self, source: Source) -> int:
        row = self.conn.execute(
            "SELECT source_id FROM sources WHERE path = ? AND sha256 = ? AND record = ?",
            (source.path, source.sha256, source.record or ""),
        ).fetchone()
        if row:
            return row[0]
        cur = self.conn.execute(
            "INSERT INTO sources (path, sha256, format, title, url, record, read_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                source.path,
                source.sha256,
                source.format,
                source.title,
                source.url,
                source.record or "",
                self._clock(),
            ),
        )
        return int(cur.lastrowid)

    def _matches(self, tweet: Tweet) -> list[tuple[Tweet, str]]:
        """Stored copies of ``tweet`` (by id, key, or the merge rule), with their first_seen.

        Candidates for the merge rule are the same handle's records within a day of the
        tweet's date and those without a date (all of the handle's when the tweet has no
        date), read by the ``(handle, sort_time)`` index; only those whose normalized text
        equals or ends with the other's are loaded whole and given to ``same_tweet``. One
        statement of indexed arms: a round trip costs as much as an index lookup.
        """
        low = high = None
        if tweet.handle and tweet.text:
            days = sorted(d[:10] for d in (tweet.date, tweet.created_at) if d)
            try:
                low = (date.fromisoformat(days[0]) - timedelta(days=1)).isoformat()
                high = (date.fromisoformat(days[-1]) + timedelta(days=2)).isoformat()
            except (IndexError, ValueError):
                low, high = "", "\uffff"  # no readable date: any of the handle's records
        stored_id = _stored_id(tweet)
        by_key = tweet.key if tweet.key != stored_id else None  # an id'd record's key is its id
        rows = self.conn.execute(
            _MATCHES, (stored_id, by_key, tweet.handle if low is not None else None, low, high)
        )
        mine = normalized_text(tweet.text) if tweet.text else ""
        found: dict[str, tuple[Tweet, str]] = {}
        for row in rows:
            if row["key"] in found:
                continue
            theirs = row["norm"] or ""
            if row["arm"] and theirs != mine and not (theirs and mine and _suffix(theirs, mine)):
                continue
            found[row["key"]] = (self._load_row(row), row["first_seen"])
        for row in self._bluesky_twins(tweet):
            found.setdefault(row["key"], (self._load_row(row), row["first_seen"]))
        return [
            (t, seen) for t, seen in found.values() if t.key == tweet.key or same_tweet(t, tweet)
        ]

    def _bluesky_twins(self, tweet: Tweet) -> Iterable[sqlite3.Row]:
        """The other key of a Bluesky post: by handle for a DID-keyed record (one key lookup),
        by DID for a handle-keyed one (the handle's records, by the handle index)."""
        if tweet.platform != platforms.BLUESKY or not (tweet.id and tweet.handle):
            return ()
        if tweet.key.startswith("bsky:did:"):
            twin = f"bsky:{tweet.handle.casefold()}/{tweet.id}"
            return self.conn.execute(f"SELECT {_COLUMNS} FROM tweets WHERE key = ?", (twin,))
        return self.conn.execute(
            f"SELECT {_COLUMNS} FROM tweets WHERE handle = ? AND key LIKE ? ESCAPE '\\'",
            (tweet.handle, "bsky:did:%/" + tweet.id.replace("_", "\\_").replace("%", "\\%")),
        )

    def _upsert(self, tweet: Tweet) -> tuple[str, str]:
        """Insert or merge one tweet; returns (``new``/``updated``/``unchanged``, key)."""
        matches = self._matches(tweet)
        merged = tweet
        for other, _ in matches:
            merged = merge(merged, other) if rank(merged) >= rank(other) else merge(other, merged)
        if merged.platform == "x" and merged.id and merged.key != merged.id:
            merged = replace(merged, key=merged.id)
        dids = [k for k in (merged.key, *(o.key for o, _ in matches)) if k.startswith("bsky:did:")]
        if dids and merged.key != min(dids):
            merged = replace(merged, key=min(dids))  # a DID outlives the handle it had
        if merged.sources:
            merged = merged.with_sources(())
        if (
            len(matches) == 1
            and matches[0][0].key == merged.key
            and _record_json(matches[0][0]) == _record_json(merged)
        ):
            return "unchanged", merged.key
        now = self._clock()
        first_seen = min([now, *(seen for _, seen in matches)])
        self._ensure_row(merged, first_seen, now)
        for other, _ in matches:
            if other.key != merged.key:
                # An id-less copy folds into the id'd record: move its evidence, then drop it.
                self.conn.execute(
                    "UPDATE OR IGNORE appearances SET tweet_key = ? WHERE tweet_key = ?",
                    (merged.key, other.key),
                )
                self.conn.execute("DELETE FROM tweets WHERE key = ?", (other.key,))
                self.conn.execute(
                    "INSERT OR REPLACE INTO gone (key, seq, handle, sort_time) VALUES (?, ?, ?, ?)",
                    (other.key, self._next_seq(), other.handle, _sort_time(other)),
                )
        return ("updated" if matches else "new"), merged.key

    def _ensure_row(self, tweet: Tweet, first_seen: str, now: str) -> None:
        self.conn.execute(
            "INSERT INTO tweets (key, platform, id, handle, author, date, created_at, sort_time, "
            "norm, text, record, first_seen, updated_at, seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET platform = excluded.platform, id = excluded.id, "
            "handle = excluded.handle, "
            "author = excluded.author, date = excluded.date, created_at = excluded.created_at, "
            "sort_time = excluded.sort_time, norm = excluded.norm, text = excluded.text, "
            "record = excluded.record, updated_at = excluded.updated_at, seq = excluded.seq",
            (
                tweet.key,
                tweet.platform,
                _stored_id(tweet),
                tweet.handle,
                tweet.author,
                tweet.date,
                tweet.created_at,
                _sort_time(tweet),
                normalized_text(tweet.text or ""),
                tweet.text,
                _record_json(tweet),
                first_seen,
                now,
                self._next_seq(),
            ),
        )
        if self._any_gone():
            self.conn.execute("DELETE FROM gone WHERE key = ?", (tweet.key,))

    def get_meta(self, name: str) -> str | None:
        """A small value the archive keeps for its tools (e.g. what a render last saw)."""
        row = self.conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def set_meta(self, name: str, value: str) -> None:
        """Keep ``value`` under ``name`` (one small write transaction)."""

        def work(_: _Tally) -> None:
            self.conn.execute(
                "INSERT INTO meta (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, value),
            )

        self._atomically(work)

    def integrity(self) -> str:
        """SQLite's own integrity check (``ok`` when the file is sound)."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]


def _why(exc: sqlite3.DatabaseError, db_path: Path) -> str:
    """SQLite's message, with the fact behind its vaguer ones (a read-only folder, no space).

    On a full disk SQLite cannot size its shared-memory file and says only "disk I/O error";
    in a read-only folder it cannot make its journal and says "unable to open database file".
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    folder = db_path.parent
    try:
        if name.startswith("SQLITE_CANTOPEN"):
            if db_path.is_dir():
                return f"{exc} (it is a folder)"
            if not os.access(folder, os.W_OK):
                return f"{exc} (the folder is read-only)"
        elif name.startswith("SQLITE_IOERR"):
            free = shutil.disk_usage(folder).free
            if free < 1024 * 1024:
                return f"{exc} (no space left: {free // 1024} KiB free on its disk)"
    except OSError:
        pass
    return str(exc)


def _stored_id(tweet: Tweet) -> str | None:
    """The ``id`` column: an X status id as it is, another platform's post by its key."""
    if tweet.platform == "x" or tweet.id is None:
        return tweet.id
    return tweet.key


def _sort_time(tweet: Tweet) -> str:
    """What orders the archive, newest first: the creation time, else the date shown."""
    return tweet.created_at or tweet.date or ""


def _suffix(a: str, b: str) -> bool:
    """Whether one normalized text ends with the other (a text copy that took in a line)."""
    return a.endswith(b) or b.endswith(a)
