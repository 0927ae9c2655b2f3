"""Reading the archive: streamed selections, look-ups, search, articles, and what changed.

``Queries`` is the reading half of ``archiver.store.Archive`` (which adds opening, writing and
merging): every method reads through an index or streams a chunk at a time (``CHUNK`` rows),
so nothing loads the whole archive.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from archiver import platforms
from archiver.errors import NotFoundError
from archiver.model import Article, Source, Tweet

#: Rows read per round trip when streaming records (and their sources) out of the archive.
CHUNK = 500


@dataclass(frozen=True)
class Appearance:
    """Where a tweet was found: the source, its order in the article, and the evidence."""

    source: Source
    read_at: str
    position: int
    markup: str
    snippet: str


@dataclass(frozen=True)
class Selection:
    """Which tweets a command reads (``list``, ``export``, ``render``): every field narrows it.

    ``keys`` are keys, status ids or post URLs; ``platform`` is one of
    ``archiver.platforms.NAMES``; ``source`` matches part of an article's
    path, URL or title; ``since``/``until`` are ``YYYY-MM-DD``, inclusive.
    """

    keys: tuple[str, ...] = ()
    handle: str | None = None
    platform: str | None = None
    since: str | None = None
    until: str | None = None
    source: str | None = None
    limit: int | None = None


@dataclass(frozen=True)
class Gone:
    """A record merged into another: its key, and the handle and time it was listed under."""

    key: str
    handle: str | None
    sort_time: str


class Queries:
    """The reading methods of an archive; ``conn`` and ``folder`` are the archive's."""

    conn: sqlite3.Connection
    folder: Path

    def _load_row(self, row: sqlite3.Row) -> Tweet:
        return Tweet.from_dict(json.loads(row["record"]))

    def _sources_of(self, keys: list[str]) -> dict[str, list[Source]]:
        out: dict[str, list[Source]] = {k: [] for k in keys}
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
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

    def _stream(self, sql: str, params: Iterable[object] = ()) -> Iterator[Tweet]:
        """The records a query selects, with their sources, read a chunk at a time."""
        cursor = self.conn.execute(sql, tuple(params))
        while rows := cursor.fetchmany(CHUNK):
            tweets = [self._load_row(r) for r in rows]
            sources = self._sources_of([t.key for t in tweets])
            yield from (t.with_sources(tuple(sources[t.key])) for t in tweets)

    def iter_tweets(self, selection: Selection | None = None) -> Iterator[Tweet]:
        """The selected tweets newest first, with their sources, streamed from the archive."""
        where, params = _where(selection or Selection(), self._resolve)
        sql = "SELECT * FROM tweets" + where + " ORDER BY sort_time DESC, key DESC"
        if selection and selection.limit:
            sql += f" LIMIT {int(selection.limit)}"
        return self._stream(sql, params)

    def by_keys(self, keys: Iterable[str]) -> Iterator[Tweet]:
        """The tweets of exact stored keys (newest first within each chunk of ``CHUNK``).

        For callers that hold keys read from the archive: no key is resolved as a reference
        (``Selection.keys`` resolves each, a look-up per key).
        """
        wanted = list(keys)
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            yield from self._stream(
                f"SELECT * FROM tweets WHERE key IN ({','.join('?' * len(chunk))}) "
                "ORDER BY sort_time DESC, key DESC",
                chunk,
            )

    def tweets(self, **selection: object) -> list[Tweet]:
        """``iter_tweets`` as a list; takes the fields of ``Selection`` as keywords."""
        return list(self.iter_tweets(Selection(**selection)))  # type: ignore[arg-type]

    def count(self, selection: Selection | None = None) -> int:
        """How many tweets a selection holds."""
        where, params = _where(selection or Selection(), self._resolve)
        return self.conn.execute("SELECT count(*) FROM tweets" + where, params).fetchone()[0]

    def _resolve(self, ref: str) -> str | None:
        """The key of the tweet that ``ref`` names: a key, an X status id or status URL, or a
        Bluesky, Mastodon or Threads post URL or AT-URI (a bare number is an X status id)."""
        lookup = ref.strip()
        post = platforms.parse_post(lookup)
        if post is not None:
            return self._resolve_post(*post)
        if "/status" in lookup:
            lookup = lookup.split("/status", 1)[1].split("/", 2)[1].split("?")[0]
        row = self.conn.execute(
            "SELECT key FROM tweets WHERE key = ? UNION ALL SELECT key FROM tweets WHERE id = ?",
            (lookup, lookup),
        ).fetchone()
        return row[0] if row else None

    def _resolve_post(self, platform: str, key: str) -> str | None:
        """A post of another platform by its key; a Bluesky URL naming the author by handle
        finds the record keyed by DID through the handle (read by its index)."""
        row = self.conn.execute("SELECT key FROM tweets WHERE key = ?", (key,)).fetchone()
        if row is None and platform == platforms.BLUESKY and not key.startswith("bsky:did:"):
            handle, rkey = key[len("bsky:") :].rsplit("/", 1)
            row = self.conn.execute(
                "SELECT key FROM tweets WHERE handle = ? AND platform = ? AND key LIKE ? "
                "ESCAPE '\\'",
                (handle, platform, "bsky:did:%/" + rkey.replace("_", "\\_")),
            ).fetchone()
        return row[0] if row else None

    def get(self, ref: str) -> Tweet:
        """One tweet by key, id or status URL; NotFoundError when absent."""
        key = self._resolve(ref)
        if key is None:
            raise NotFoundError(f"no tweet with key {ref!r} in {self.folder}")
        return next(self._stream("SELECT * FROM tweets WHERE key = ?", (key,)))

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

    def search(
        self, query: str, *, limit: int | None = None, platform: str | None = None
    ) -> list[Tweet]:
        """Full-text search (FTS5 syntax; a query that is not valid FTS5 is taken literally),
        of one platform's posts with ``platform``."""
        sql = (
            "SELECT t.* FROM tweets_fts f JOIN tweets t ON t.n = f.rowid "
            "WHERE tweets_fts MATCH ?1 AND (?2 IS NULL OR t.platform = ?2) ORDER BY rank"
        )
        if limit:
            sql += f" LIMIT {int(limit)}"
        try:
            return list(self._stream(sql, (query, platform)))
        except sqlite3.OperationalError:
            literal = " ".join('"' + word.replace('"', '""') + '"' for word in query.split())
            return list(self._stream(sql, (literal or '""', platform)))

    def iter_articles(self, keys: Iterable[str] | None = None) -> Iterator[Article]:
        """Source articles, oldest read first, with the keys of their tweets in order.

        With ``keys``, only the articles in which one of those tweets appeared.
        """
        if keys is None:
            rows: Iterable[sqlite3.Row] = self.conn.execute(
                "SELECT * FROM sources ORDER BY read_at, source_id"
            )
        else:
            ids: set[int] = set()
            wanted = list(keys)
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                ids.update(
                    r[0]
                    for r in self.conn.execute(
                        "SELECT DISTINCT source_id FROM appearances WHERE tweet_key IN "
                        f"({','.join('?' * len(chunk))})",
                        chunk,
                    )
                )
            rows = [
                self.conn.execute("SELECT * FROM sources WHERE source_id = ?", (i,)).fetchone()
                for i in sorted(ids)
            ]
        for row in rows:
            order = self.conn.execute(
                "SELECT tweet_key FROM appearances WHERE source_id = ? ORDER BY position",
                (row["source_id"],),
            )
            unique = tuple(dict.fromkeys(r[0] for r in order))
            yield Article(source=_source(row), read_at=row["read_at"], keys=unique)

    def articles(self) -> list[Article]:
        """Every source article (``iter_articles`` as a list)."""
        return list(self.iter_articles())

    def counts(self) -> dict[str, int]:
        """Numbers of tweets, stubs and sources."""
        tweets = self.conn.execute("SELECT count(*) FROM tweets").fetchone()[0]
        stubs = self.conn.execute("SELECT count(*) FROM tweets WHERE text IS NULL").fetchone()[0]
        sources = self.conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        return {"tweets": tweets, "stubs": stubs, "sources": sources}

    # -- what changed, for incremental renders ----------------------------------------------

    def last_change(self) -> int:
        """The number of the archive's latest change (0 for an empty archive)."""
        return self.conn.execute(
            "SELECT max(coalesce((SELECT max(seq) FROM tweets), 0), "
            "coalesce((SELECT max(seq) FROM gone), 0))"
        ).fetchone()[0]

    def changed_since(self, change: int) -> Iterator[Tweet]:
        """Tweets added or changed after change number ``change`` (by the ``seq`` index)."""
        return self._stream("SELECT * FROM tweets WHERE seq > ? ORDER BY seq", (change,))

    def gone_since(self, change: int) -> list[Gone]:
        """Records merged away after change number ``change``, with where they used to be."""
        rows = self.conn.execute(
            "SELECT key, handle, sort_time FROM gone WHERE seq > ? ORDER BY seq", (change,)
        )
        return [Gone(r["key"], r["handle"], r["sort_time"] or "") for r in rows]


def _where(selection: Selection, resolve: Callable[[str], str | None]) -> tuple[str, list[object]]:
    """The WHERE clause (with its parameters) of a selection; ``resolve`` finds keys."""
    where: list[str] = []
    params: list[object] = []
    if selection.keys:
        keys = [k for k in map(resolve, selection.keys) if k]
        where.append(f"key IN ({','.join('?' * len(keys))})")
        params.extend(keys)
    if selection.handle:
        where.append("handle = ?")
        params.append(selection.handle.lstrip("@"))
    if selection.platform:
        where.append("platform = ?")
        params.append(selection.platform)
    if selection.since:
        where.append("sort_time >= ?")
        params.append(selection.since)
    if selection.until:
        # Inclusive: every time on the last day sorts before the next day.
        where.append("sort_time < ?")
        params.append(_next_day(selection.until))
    if selection.source:
        where.append(
            "key IN (SELECT tweet_key FROM appearances JOIN sources USING "
            "(source_id) WHERE path LIKE ? OR url LIKE ? OR title LIKE ?)"
        )
        params.extend([f"%{selection.source}%"] * 3)
    return (" WHERE " + " AND ".join(where) if where else ""), params


def _next_day(day: str) -> str:
    """The day after ``YYYY-MM-DD`` (an unparsable value is compared as it is, plus a char)."""
    try:
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    except ValueError:
        return day + "\uffff"


def _source(row: sqlite3.Row) -> Source:
    return Source(
        path=row["path"],
        sha256=row["sha256"],
        format=row["format"],
        title=row["title"],
        url=row["url"],
        record=row["record"] or None,
    )
