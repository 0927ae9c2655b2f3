"""The archive: one SQLite file (WAL) with tweets, sources and the evidence linking them.

Tables: ``tweets`` (one row per tweet, the JSON record plus indexed columns), ``sources``
(one row per article version: path and sha256), ``appearances`` (which tweet appeared where,
in which order, with the exact embed snippet), and ``tweets_fts`` (FTS5 over author, handle
and text). ``PRAGMA user_version`` carries the schema version; an archive written by a newer
archiver is refused rather than guessed at.

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
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from archiver.errors import ArchiveError, NotFoundError
from archiver.model import (
    Article,
    Document,
    Source,
    Tweet,
    merge,
    normalized_text,
    rank,
    same_tweet,
)
from archiver.paths import safe_join

T = TypeVar("T")

SCHEMA_VERSION = 1
DB_NAME = "archive.sqlite"
BUSY_TIMEOUT_MS = 60_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tweets (
    key TEXT PRIMARY KEY,
    id TEXT UNIQUE,
    handle TEXT COLLATE NOCASE,
    author TEXT,
    date TEXT,
    created_at TEXT,
    sort_time TEXT,
    norm TEXT,
    record TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tweets_handle_norm ON tweets(handle, norm);
CREATE INDEX IF NOT EXISTS tweets_sort ON tweets(sort_time);
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    title TEXT,
    url TEXT,
    record TEXT NOT NULL DEFAULT '',
    read_at TEXT NOT NULL,
    UNIQUE (path, sha256, record)
);
CREATE TABLE IF NOT EXISTS appearances (
    tweet_key TEXT NOT NULL REFERENCES tweets(key) ON UPDATE CASCADE ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources(source_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    markup TEXT NOT NULL,
    snippet TEXT NOT NULL,
    PRIMARY KEY (source_id, position)
);
CREATE INDEX IF NOT EXISTS appearances_tweet ON appearances(tweet_key);
CREATE VIRTUAL TABLE IF NOT EXISTS tweets_fts USING fts5(
    key UNINDEXED, author, handle, text, tokenize = 'unicode61 remove_diacritics 2'
);
"""


@dataclass(frozen=True)
class Appearance:
    """Where a tweet was found: the source, its order in the article, and the evidence."""

    source: Source
    read_at: str
    position: int
    markup: str
    snippet: str


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


class Archive:
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
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ArchiveError(
                f"{self.db_path} was written by a newer archiver (schema {version}; this one "
                f"reads up to {SCHEMA_VERSION}): upgrade archiver to use it"
            )
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        if version < SCHEMA_VERSION:
            with self._write():
                # Migrations from older schema versions go here, one step at a time.
                # (Statement by statement: executescript would commit mid-transaction.)
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
        try:
            yield
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
                    key = tally.add(*self._upsert(found.tweet))
                    self.conn.execute(
                        "INSERT INTO appearances (tweet_key, source_id, position, markup, "
                        "snippet) VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_id, position) DO "
                        "UPDATE SET tweet_key = excluded.tweet_key, markup = excluded.markup, "
                        "snippet = excluded.snippet",
                        (key, source_id, position, found.markup, found.snippet),
                    )

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
                _now(),
            ),
        )
        return int(cur.lastrowid)

    def _load_row(self, row: sqlite3.Row) -> Tweet:
        return Tweet.from_dict(json.loads(row["record"]))

    def _matches(self, tweet: Tweet) -> list[Tweet]:
        """Stored records that are copies of ``tweet`` (by id, key, or the merge rule)."""
        rows: dict[str, sqlite3.Row] = {}
        if tweet.id:
            for row in self.conn.execute("SELECT * FROM tweets WHERE id = ?", (tweet.id,)):
                rows[row["key"]] = row
        for row in self.conn.execute("SELECT * FROM tweets WHERE key = ?", (tweet.key,)):
            rows[row["key"]] = row
        if tweet.handle and tweet.text:
            for row in self.conn.execute(
                "SELECT * FROM tweets WHERE handle = ? AND norm = ?",
                (tweet.handle, normalized_text(tweet.text)),
            ):
                rows[row["key"]] = row
        found = [self._load_row(r) for r in rows.values()]
        return [t for t in found if t.key == tweet.key or same_tweet(t, tweet)]

    def _upsert(self, tweet: Tweet) -> tuple[str, str]:
        """Insert or merge one tweet; returns (``new``/``updated``/``unchanged``, key)."""
        matches = self._matches(tweet)
        merged = tweet
        for other in matches:
            merged = merge(merged, other) if rank(merged) >= rank(other) else merge(other, merged)
        if merged.id:
            merged = replace(merged, key=merged.id)
        merged = merged.with_sources(())
        if (
            len(matches) == 1
            and matches[0].key == merged.key
            and _record_json(matches[0]) == _record_json(merged)
        ):
            return "unchanged", merged.key
        now = _now()
        first_seen = now
        for other in matches:
            row = self.conn.execute(
                "SELECT first_seen FROM tweets WHERE key = ?", (other.key,)
            ).fetchone()
            first_seen = min(first_seen, row[0]) if row else first_seen
            if other.key != merged.key:
                # An id-less copy folds into the id'd record: move its evidence, then drop it.
                self._ensure_row(merged, first_seen, now)
                self.conn.execute(
                    "UPDATE OR IGNORE appearances SET tweet_key = ? WHERE tweet_key = ?",
                    (merged.key, other.key),
                )
                self.conn.execute("DELETE FROM tweets WHERE key = ?", (other.key,))
                self.conn.execute("DELETE FROM tweets_fts WHERE key = ?", (other.key,))
        self._ensure_row(merged, first_seen, now)
        return ("updated" if matches else "new"), merged.key

    def _ensure_row(self, tweet: Tweet, first_seen: str, now: str) -> None:
        self.conn.execute(
            "INSERT INTO tweets (key, id, handle, author, date, created_at, sort_time, norm, "
            "record, first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET id = excluded.id, handle = excluded.handle, "
            "author = excluded.author, date = excluded.date, created_at = excluded.created_at, "
            "sort_time = excluded.sort_time, norm = excluded.norm, record = excluded.record, "
            "updated_at = excluded.updated_at",
            (
                tweet.key,
                tweet.id,
                tweet.handle,
                tweet.author,
                tweet.date,
                tweet.created_at,
                tweet.created_at or tweet.date or "",
                normalized_text(tweet.text or ""),
                _record_json(tweet),
                first_seen,
                now,
            ),
        )
        self.conn.execute("DELETE FROM tweets_fts WHERE key = ?", (tweet.key,))
        self.conn.execute(
            "INSERT INTO tweets_fts (key, author, handle, text) VALUES (?, ?, ?, ?)",
            (tweet.key, tweet.author or "", tweet.handle or "", tweet.text or ""),
        )

    # -- reading ---------------------------------------------------------------------------

    def _sources_of(self, keys: list[str]) -> dict[str, list[Source]]:
        out: dict[str, list[Source]] = {k: [] for k in keys}
        if not keys:
            return out
        for chunk_start in range(0, len(keys), 500):
            chunk = keys[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "SELECT a.tweet_key, s.* FROM appearances a JOIN sources s USING (source_id) "
                f"WHERE a.tweet_key IN ({marks}) GROUP BY a.tweet_key, s.source_id "
                "ORDER BY s.read_at, s.source_id",
                chunk,
            )
            for row in rows:
                out[row["tweet_key"]].append(_source(row))
        return out

    def _with_sources(self, rows: Iterable[sqlite3.Row]) -> list[Tweet]:
        tweets = [self._load_row(r) for r in rows]
        sources = self._sources_of([t.key for t in tweets])
        return [t.with_sources(tuple(sources[t.key])) for t in tweets]

    def tweets(
        self,
        *,
        handle: str | None = None,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        limit: int | None = None,
    ) -> list[Tweet]:
        """Tweets newest first, optionally filtered by handle, date range and source path."""
        where, params = [], []
        if handle:
            where.append("handle = ?")
            params.append(handle.lstrip("@"))
        if since:
            where.append("substr(sort_time, 1, 10) >= ?")
            params.append(since)
        if until:
            where.append("substr(sort_time, 1, 10) <= ?")
            params.append(until)
        if source:
            where.append(
                "key IN (SELECT tweet_key FROM appearances JOIN sources USING "
                "(source_id) WHERE path LIKE ? OR url LIKE ? OR title LIKE ?)"
            )
            params.extend([f"%{source}%"] * 3)
        sql = "SELECT * FROM tweets"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY sort_time DESC, key DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self._with_sources(self.conn.execute(sql, params))

    def get(self, key: str) -> Tweet:
        """One tweet by key, id or status URL; NotFoundError when absent."""
        lookup = key.strip()
        if "/status" in lookup:
            lookup = lookup.split("/status", 1)[1].split("/", 2)[1].split("?")[0]
        rows = list(
            self.conn.execute("SELECT * FROM tweets WHERE key = ? OR id = ?", (lookup, lookup))
        )
        if not rows:
            raise NotFoundError(f"no tweet with key {key!r} in {self.folder}")
        return self._with_sources(rows)[0]

    def appearances(self, key: str) -> list[Appearance]:
        """Every place a tweet was found, with the evidence snippet."""
        rows = self.conn.execute(
            "SELECT a.position, a.markup, a.snippet, s.* FROM appearances a "
            "JOIN sources s USING (source_id) WHERE a.tweet_key = ? "
            "ORDER BY s.read_at, s.source_id, a.position",
            (key,),
        )
        return [
            Appearance(_source(r), r["read_at"], r["position"], r["markup"], r["snippet"])
            for r in rows
        ]

    def search(self, query: str, *, limit: int | None = None) -> list[Tweet]:
        """Full-text search (FTS5 syntax; a query that is not valid FTS5 is taken literally)."""
        sql = (
            "SELECT t.* FROM tweets_fts f JOIN tweets t ON t.key = f.key "
            "WHERE tweets_fts MATCH ? ORDER BY rank"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        try:
            rows = list(self.conn.execute(sql, (query,)))
        except sqlite3.OperationalError:
            literal = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
            rows = list(self.conn.execute(sql, (literal or '""',)))
        return self._with_sources(rows)

    def articles(self) -> list[Article]:
        """Every source article with the keys of the tweets it embedded, in order."""
        out = []
        for row in self.conn.execute("SELECT * FROM sources ORDER BY read_at, source_id"):
            keys = [
                r[0]
                for r in self.conn.execute(
                    "SELECT tweet_key FROM appearances WHERE source_id = ? ORDER BY position",
                    (row["source_id"],),
                )
            ]
            unique = tuple(dict.fromkeys(keys))
            out.append(Article(source=_source(row), read_at=row["read_at"], keys=unique))
        return out

    def counts(self) -> dict[str, int]:
        """Numbers of tweets, stubs and sources."""
        tweets = self.conn.execute("SELECT count(*) FROM tweets").fetchone()[0]
        stubs = self.conn.execute(
            "SELECT count(*) FROM tweets WHERE json_extract(record, '$.text') IS NULL"
        ).fetchone()[0]
        sources = self.conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        return {"tweets": tweets, "stubs": stubs, "sources": sources}

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


def _source(row: sqlite3.Row) -> Source:
    return Source(
        path=row["path"],
        sha256=row["sha256"],
        format=row["format"],
        title=row["title"],
        url=row["url"],
        record=row["record"] or None,
    )
