"""The archive's SQLite schema, its version, and the migrations from older versions.

``PRAGMA user_version`` carries the schema version. A fresh archive gets the current schema; an
archive from an older archiver is migrated in place, one version at a time, inside the caller's
write transaction, so a crash or kill mid-migration leaves the old archive as it was. An
archive from a newer archiver is refused by the store, never guessed at.

Version 2 (issue 10: a million tweets) keys every tweet by a stable integer ``n`` (``INTEGER
PRIMARY KEY``, so ``VACUUM`` never renumbers it), keeps the full-text index as FTS5 *external
content* over ``tweets``, filled a transaction at a time and kept in sync by triggers (an update
deletes the old terms by rowid, never by scanning), and gives every change a sequence number
(``tweets.seq``, and ``gone`` for records merged away) from which an incremental render learns
what changed without reading its outputs. ``browse_docs`` and ``browse_terms`` hold the postings
of the browsing pages' offline search (``archiver.render.search_index``), so a render rewrites
only the index files that new tweets touch.

Records of every platform share ``tweets`` (issue 13): ``platform`` is ``x``, ``bluesky``,
``mastodon`` or ``threads`` (a version-1 archive holds only X records: the migration gives
them the default), and ``id`` holds what names the post across platforms — an X status id as
it is (a bare number keeps meaning an X status), another platform's post by its key
(``mastodon:host/id``), whose id alone is not unique.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

_TWEETS = """
CREATE TABLE {name} (
    n INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL DEFAULT 'x',
    id TEXT UNIQUE,
    handle TEXT COLLATE NOCASE,
    author TEXT,
    date TEXT,
    created_at TEXT,
    sort_time TEXT NOT NULL DEFAULT '',
    norm TEXT,
    text TEXT,
    record TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0
);
"""

_TABLES = """
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
CREATE TABLE gone (
    key TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    handle TEXT,
    sort_time TEXT
);
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE browse_docs (
    n INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    doc INTEGER NOT NULL UNIQUE,
    handle TEXT,
    articles TEXT NOT NULL DEFAULT ''
);
CREATE TABLE browse_terms (
    bucket INTEGER NOT NULL,
    term TEXT NOT NULL,
    doc INTEGER NOT NULL,
    PRIMARY KEY (bucket, term, doc)
) WITHOUT ROWID;
"""

# Indexes, the full-text table and its triggers: made anew by the migration to version 2.
_INDEXES = """
CREATE INDEX IF NOT EXISTS appearances_tweet ON appearances(tweet_key);
CREATE INDEX tweets_handle_time ON tweets(handle, sort_time);
CREATE INDEX tweets_time ON tweets(sort_time, key);
CREATE INDEX tweets_seq ON tweets(seq);
CREATE INDEX gone_seq ON gone(seq);
CREATE INDEX browse_terms_doc ON browse_terms(doc);
CREATE VIRTUAL TABLE tweets_fts USING fts5(
    author, handle, text, content = 'tweets', content_rowid = 'n',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE fts_pending (n INTEGER PRIMARY KEY);
CREATE TRIGGER tweets_fts_queue AFTER INSERT ON tweets BEGIN
    INSERT INTO fts_pending (n) VALUES (new.n);
END;
CREATE TRIGGER tweets_fts_delete AFTER DELETE ON tweets BEGIN
    INSERT INTO tweets_fts (tweets_fts, rowid, author, handle, text)
    SELECT 'delete', old.n, old.author, old.handle, old.text
    WHERE old.n NOT IN (SELECT n FROM fts_pending);
    DELETE FROM fts_pending WHERE n = old.n;
END;
CREATE TRIGGER tweets_fts_update AFTER UPDATE OF author, handle, text ON tweets
WHEN old.n NOT IN (SELECT n FROM fts_pending) BEGIN
    INSERT INTO tweets_fts (tweets_fts, rowid, author, handle, text)
    VALUES ('delete', old.n, old.author, old.handle, old.text);
    INSERT INTO tweets_fts (rowid, author, handle, text)
    VALUES (new.n, new.author, new.handle, new.text);
END;
"""

# Version 1 -> 2: the tweets table gains ``n``, ``text`` and ``seq``; FTS becomes external
# content. The table is rebuilt under a new name and renamed (SQLite's recommended way: renaming
# the old table instead would rewrite the foreign keys of ``appearances`` to follow it). Rows
# are copied in the order they were first stored, so ``n`` follows history.
_FROM_1 = """
DROP TABLE tweets_fts;
DROP INDEX IF EXISTS tweets_handle_norm;
DROP INDEX IF EXISTS tweets_sort;
{tweets}
INSERT INTO tweets_v2 (key, id, handle, author, date, created_at, sort_time, norm, text, record,
                       first_seen, updated_at, seq)
    SELECT key, id, handle, author, date, created_at, coalesce(sort_time, ''), norm,
           json_extract(record, '$.text'), record, first_seen, updated_at, 1
    FROM tweets ORDER BY rowid;
DROP TABLE tweets;
ALTER TABLE tweets_v2 RENAME TO tweets;
"""


def statements(script: str) -> list[str]:
    """The statements of a script, split where a ``;`` ends a line outside a trigger body.

    ``executescript`` would commit the caller's transaction, so statements run one by one.
    """
    out: list[str] = []
    current: list[str] = []
    for line in script.strip().splitlines():
        current.append(line)
        candidate = "\n".join(current)
        if line.rstrip().endswith(";") and sqlite3.complete_statement(candidate):
            out.append(candidate)
            current = []
    if "\n".join(current).strip():
        out.append("\n".join(current))
    return out


def migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring a version-``version`` archive (0: a new file) to ``SCHEMA_VERSION``.

    Runs inside the caller's ``BEGIN IMMEDIATE`` transaction with foreign keys off (a table
    rebuilt under foreign keys would cascade its deletes into ``appearances``).
    """
    if version == 0:
        script = _TWEETS.format(name="tweets") + _TABLES + _INDEXES
    elif version == 1:
        # sources and appearances exist already: their CREATE ... IF NOT EXISTS do nothing.
        script = _FROM_1.format(tweets=_TWEETS.format(name="tweets_v2")) + _TABLES + _INDEXES
    else:
        raise AssertionError(f"no migration from schema version {version}")
    for statement in statements(script):
        conn.execute(statement)
    conn.execute("INSERT INTO tweets_fts (tweets_fts) VALUES ('rebuild')")
    conn.execute("DELETE FROM fts_pending")  # the rebuild indexed every row
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# Rows inserted by a transaction are indexed together, just before it commits: FTS5 takes a
# batch at about half the cost of row-by-row triggers. Until then a row waits in fts_pending
# (the update and delete triggers leave such a row's terms alone: none are indexed yet).
FLUSH_FTS = (
    "INSERT INTO tweets_fts (rowid, author, handle, text) "
    "SELECT t.n, t.author, t.handle, t.text FROM fts_pending p JOIN tweets t USING (n)",
    "DELETE FROM fts_pending",
)
