"""The offline search index: sharded term → postings in classic scripts that register themselves.

A browser opening the archive from ``file://`` may not ``fetch`` it, import modules or run
WebAssembly; it may add ``<script src>`` elements (the page's hashed loader does, allowed by
``'strict-dynamic'``). So the index is a folder of small scripts, each calling
``archiverIndex.add(id, data)``, and a query loads only the few it needs:

- ``search/manifest.js``: the shape of the index (number of term buckets, doc chunk span and
  the chunks that exist, months with their doc ranges, counts);
- ``search/t/<bucket>.js``: terms → postings. A term's bucket is a hash of its first three
  characters, so a word typed so far (three characters or more) is a prefix query that reads
  one bucket; a shorter word is looked up whole;
- ``search/d/<chunk>.js``: what a result shows (key, author, handle, day, card page, text),
  for the docs of one span of doc numbers.

Doc numbers order the archive by time (``archiver.render.terms``): the newest result is the
highest number, a date range is a range of numbers, and results sort without loading anything
more. Postings are kept in the archive (tables ``browse_docs`` and ``browse_terms``), so an
incremental render rewrites only the buckets whose terms changed and the chunks whose docs did.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from archiver.model import Tweet
from archiver.render import card_relpath
from archiver.render.terms import DATED, SLOTS, UNDATED, doc_day, first_doc, tweet_terms

#: How the index's files are written: ``write(relpath, text)``.
Write = Callable[[str, str], None]
#: Postings per bucket aimed at when choosing the number of buckets: small buckets, so a
#: query reads little and a new tweet's few dozen terms rewrite a small part of the index.
BUCKET_POSTINGS = 1_000
#: Postings a tweet has, about, for that choice (words of author, handle, text; entities).
TERMS_PER_TWEET = 25
#: Docs per metadata chunk aimed at when choosing the chunk span.
CHUNK_DOCS = 256
#: Characters of a term that choose its bucket: a prefix query needs that many to read one.
KEY_CHARS = 3
#: Characters of a tweet's text a result shows.
SNIPPET = 180


@dataclass(frozen=True)
class Shape:
    """How the index is cut, chosen by a full render from the archive's size and kept."""

    buckets: int
    span: int

    def bucket(self, term: str) -> int:
        """The bucket holding ``term``: FNV-1a of its first characters, as the page computes."""
        value = 0x811C9DC5
        data = term[:KEY_CHARS].encode("utf-16-le")
        for i in range(0, len(data), 2):
            value ^= data[i] | data[i + 1] << 8
            value = (value * 0x01000193) & 0xFFFFFFFF
        return value % self.buckets

    def chunk(self, doc: int) -> int:
        """The metadata chunk of a doc number."""
        return doc // self.span


def plan_shape(conn: sqlite3.Connection) -> Shape:
    """Bucket count and chunk span for the archive as it now is (before a full render)."""
    count, low, high = conn.execute(
        "SELECT count(*), min(sort_time), max(sort_time) FROM tweets WHERE sort_time != ''"
    ).fetchone()
    buckets = 16
    while buckets < 65536 and count * TERMS_PER_TWEET / buckets > BUCKET_POSTINGS:
        buckets *= 2
    span = 1 << 16
    if count:
        width = first_doc(high) - first_doc(low)
        while span < (1 << 44) and width / span * CHUNK_DOCS > count:
            span *= 2
    return Shape(buckets, span)


@dataclass(frozen=True)
class Indexed:
    """One tweet's place in the index before and after an update (None: not there)."""

    key: str
    old_doc: int | None
    new_doc: int | None
    old_handle: str | None
    new_handle: str | None
    old_articles: tuple[str, ...]
    new_articles: tuple[str, ...]
    terms: frozenset[str]


@contextmanager
def write(conn: sqlite3.Connection) -> Iterator[None]:
    """A short write transaction on the archive (BEGIN IMMEDIATE, so writers queue)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def clear(conn: sqlite3.Connection) -> None:
    """Forget the whole index (before a full render)."""
    with write(conn):
        conn.execute("DELETE FROM browse_terms")
        conn.execute("DELETE FROM browse_docs")


def _tweet_numbers(conn: sqlite3.Connection, keys: list[str]) -> dict[str, tuple[int, str]]:
    """Each key's row number and sort time in ``tweets``."""
    marks = ",".join("?" * len(keys))
    return {
        r[0]: (r[1], r[2])
        for r in conn.execute(f"SELECT key, n, sort_time FROM tweets WHERE key IN ({marks})", keys)
    }


def update(
    conn: sqlite3.Connection,
    shape: Shape,
    tweets: list[Tweet],
    articles_of: dict[str, tuple[str, ...]],
) -> list[Indexed]:
    """Index ``tweets`` (one chunk, one transaction): their doc numbers and terms.

    ``articles_of`` gives each tweet's article ids. A tweet keeps its doc number while its time
    stays in the same second.
    """
    rows = _tweet_numbers(conn, [t.key for t in tweets])
    out: list[Indexed] = []
    with write(conn):
        for tweet in tweets:
            n, sort_time = rows[tweet.key]
            old = conn.execute(
                "SELECT doc, handle, articles FROM browse_docs WHERE n = ? OR key = ?",
                (n, tweet.key),
            ).fetchall()
            old_terms: set[str] = set()
            for doc, *_ in old:
                old_terms |= _drop(conn, doc)
            low = first_doc(sort_time)
            kept = [r[0] for r in old if low <= r[0] < low + SLOTS and low >= DATED * SLOTS]
            doc = kept[0] if kept else _free_doc(conn, low)
            articles = articles_of.get(tweet.key, ())
            terms = tweet_terms(tweet, articles)
            conn.execute(
                "INSERT INTO browse_docs (n, key, doc, handle, articles) VALUES (?, ?, ?, ?, ?)",
                (n, tweet.key, doc, tweet.handle, " ".join(articles)),
            )
            conn.executemany(
                "INSERT INTO browse_terms (bucket, term, doc) VALUES (?, ?, ?)",
                [(shape.bucket(t), t, doc) for t in terms],
            )
            out.append(
                Indexed(
                    key=tweet.key,
                    old_doc=old[0][0] if old else None,
                    new_doc=doc,
                    old_handle=old[0][1] if old else None,
                    new_handle=tweet.handle,
                    old_articles=tuple(old[0][2].split()) if old else (),
                    new_articles=articles,
                    terms=frozenset(terms | old_terms),
                )
            )
    return out


def _drop(conn: sqlite3.Connection, doc: int) -> set[str]:
    """Take one doc out of the index; returns the terms it had."""
    terms = {r[0] for r in conn.execute("SELECT term FROM browse_terms WHERE doc = ?", (doc,))}
    conn.execute("DELETE FROM browse_terms WHERE doc = ?", (doc,))
    conn.execute("DELETE FROM browse_docs WHERE doc = ?", (doc,))
    return terms


def _free_doc(conn: sqlite3.Connection, low: int) -> int:
    """The first free doc number from ``low`` (a tweet's second; past it if 64 share it)."""
    if low == UNDATED:
        row = conn.execute(
            "SELECT max(doc) FROM browse_docs WHERE doc < ?", (DATED * SLOTS,)
        ).fetchone()
        return 0 if row[0] is None else row[0] + 1
    taken = {
        r[0]
        for r in conn.execute(
            "SELECT doc FROM browse_docs WHERE doc >= ? AND doc < ?", (low, low + 4 * SLOTS)
        )
    }
    doc = low
    while doc in taken:
        doc += 1
    return doc


def remove(conn: sqlite3.Connection, keys: Iterable[str]) -> list[Indexed]:
    """Take records merged away out of the index; what they were, for the pages to rewrite."""
    out: list[Indexed] = []
    with write(conn):
        for key in keys:
            row = conn.execute(
                "SELECT doc, handle, articles FROM browse_docs WHERE key = ?", (key,)
            ).fetchone()
            if row is None:
                continue
            terms = frozenset(_drop(conn, row[0]))
            out.append(Indexed(key, row[0], None, row[1], None, tuple(row[2].split()), (), terms))
    return out


def _script(ident: str, data: object) -> str:
    """A script registering ``data`` under ``ident`` with the page's loader."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"archiverIndex.add({json.dumps(ident)},{body});\n"


def write_buckets(
    conn: sqlite3.Connection, write: Write, shape: Shape, buckets: Iterable[int] | None = None
) -> None:
    """Write the term buckets (every one, or those listed) with ``write(relpath, text)``."""
    for bucket in sorted(set(range(shape.buckets) if buckets is None else buckets)):
        # Doc numbers, highest first, in hexadecimal: the first whole, then the gaps down.
        data: dict[str, str] = {}
        parts: list[str] = []
        term, previous = None, 0
        for row_term, doc in conn.execute(
            "SELECT term, doc FROM browse_terms WHERE bucket = ? ORDER BY term DESC, doc DESC",
            (bucket,),
        ):
            if row_term != term:
                if term is not None:
                    data[term] = ",".join(parts)
                term, parts = row_term, [f"{doc:x}"]
            else:
                parts.append(f"{previous - doc:x}")
            previous = doc
        if term is not None:
            data[term] = ",".join(parts)
        write(f"search/t/{bucket}.js", _script(f"t/{bucket}", data))


def write_chunks(
    conn: sqlite3.Connection,
    write: Write,
    shape: Shape,
    chunks: Iterable[int] | None = None,
    png_exists: Callable[[str], bool] = lambda relpath: False,
) -> None:
    """Write the doc chunks (every one, or those listed): what a result shows of each doc.

    A chunk is ``[doc, key, author, handle, day, card page, PNG or "", text]`` rows, newest
    first. Every chunk, even one left empty, is written, so a page never asks for a file that
    is not there.
    """
    if chunks is None:
        chunks = [
            r[0] for r in conn.execute("SELECT DISTINCT doc / ? FROM browse_docs", (shape.span,))
        ]
    for chunk in sorted(set(chunks)):
        rows = []
        for doc, key, author, handle, text in conn.execute(
            "SELECT d.doc, t.key, t.author, t.handle, t.text FROM browse_docs d "
            "JOIN tweets t USING (n) WHERE d.doc >= ? AND d.doc < ? ORDER BY d.doc DESC",
            (chunk * shape.span, (chunk + 1) * shape.span),
        ):
            page = card_relpath(Tweet(key=key, handle=handle), "html")
            png = card_relpath(Tweet(key=key, handle=handle), "png")
            snippet = " ".join((text or "").split())
            if len(snippet) > SNIPPET:
                snippet = snippet[: SNIPPET - 1] + "…"
            rows.append(
                [
                    doc,
                    key,
                    author or "",
                    handle or "",
                    doc_day(doc),
                    page,
                    png if png_exists(png) else "",
                    snippet,
                ]
            )
        write(f"search/d/{chunk}.js", _script(f"d/{chunk}", rows))


def chunk_counts(conn: sqlite3.Connection, shape: Shape) -> list[list[int]]:
    """``[chunk, docs]`` for every chunk holding docs, newest first (for the manifest)."""
    return [
        [r[0], r[1]]
        for r in conn.execute(
            "SELECT doc / ? AS c, count(*) FROM browse_docs GROUP BY c ORDER BY c DESC",
            (shape.span,),
        )
    ]


def write_script(write: Write, ident: str, data: object) -> None:
    """Write ``search/<ident>.js`` registering ``data``."""
    write(f"search/{ident}.js", _script(ident, data))
