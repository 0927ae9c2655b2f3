"""The browsable archive (``archiver render --format html``), written in bounded memory.

Pages (all relative links, so the folder opens from ``file://`` and can move):

- ``tweets/<handle>/<key>.html``: one card per tweet (``.json`` beside it with ``with_json``);
- ``months/<YYYY-MM>/<i>.html``: every tweet of a month, ``PER_PAGE`` cards a page, newest
  first, chained from the newest month to the oldest by newer/older links (undated tweets last,
  under ``months/undated/``);
- ``handles/<handle>/<i>.html``: every tweet of a handle, the same way;
- ``articles/<name>.html`` (then ``-2.html``…): a source article's tweets in order;
- ``directory/handles-<letter>-<i>.html`` and ``directory/articles-<i>.html``: the ways in;
- ``index.html``: counts, the newest cards, every month, the directories and the search;
- ``search/``: the offline search index (``archiver.render.search_index``).

Pages of a listing are numbered from its *oldest* tweets (page 1 holds the oldest
``PER_PAGE``), so tweets added at the new end of a month or handle rewrite only its newest
page or two, and a page's file name never changes with what is added before it.

Incremental: the render state (``meta`` row ``render.html``: a fingerprint of what shapes every
page, and the archive's change number when the render ended) says what to redo. A different
fingerprint, or ``force``, renders everything; the same one renders only the tweets changed
since (``Archive.changed_since``), records merged away (``Archive.gone_since``), and the pages
that show them: their month pages from their place on, their handles', their articles', the
directory pages and search files holding them, and ``index.html``. Nothing is read back from
the output folder to decide this. Records stream a chunk at a time; memory does not grow with
the archive.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archiver import __version__
from archiver.model import Source, Tweet
from archiver.paths import safe_join, safe_name, write_atomic, write_if_changed
from archiver.queries import Selection
from archiver.render import batched, card_relpath
from archiver.render import search_index as index
from archiver.render.html import (
    THEMES,
    ArticleRef,
    Card,
    RenderReport,
    When,
    article_id,
    article_ref_from,
    article_relpath,
    capture_time,
    make_card,
    page_html,
    script_source,
    style_source,
    template_digest,
)
from archiver.render.terms import doc_day
from archiver.store import Archive

#: Cards on a listing page.
PER_PAGE = 50
#: Cards on ``index.html``.
NEWEST = 20
#: Rows on a directory page.
PER_DIRECTORY = 500
#: Records rendered per round trip (and per index transaction).
CHUNK = 500
STATE = "render.html"
_MONTH = re.compile(r"\d{4}-\d{2}")
UNDATED = "undated"
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"


@dataclass
class _Dirty:
    """What an incremental run must redo, gathered while the changed tweets are indexed."""

    months: dict[str, int] = field(default_factory=dict)  # month -> first page (0-based)
    handles: dict[str | None, int] = field(default_factory=dict)  # handle -> first page
    articles: set[str] = field(default_factory=set)
    buckets: set[int] = field(default_factory=set)
    chunks: set[int] = field(default_factory=set)

    def month(self, name: str, page: int) -> None:
        self.months[name] = min(page, self.months.get(name, page))

    def handle(self, name: str | None, page: int) -> None:
        self.handles[name] = min(page, self.handles.get(name, page))


@dataclass(frozen=True)
class _List:
    """A paginated listing: its folder, what it lists, and where its neighbours' pages are."""

    folder: str
    title: str
    kind: str
    count: int
    newer_group: str | None = None
    older_group: str | None = None

    @property
    def pages(self) -> int:
        return _pages(self.count)


class _OnDisk:
    """``relpath in present`` asks the disk (one stat), so no listing of a million files."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def __contains__(self, relpath: object) -> bool:
        # Only card_relpath's sanitised paths are asked about, and nothing is written here.
        return isinstance(relpath, str) and os.path.isfile(os.path.join(self.out, relpath))


@dataclass
class _Writer:
    """Writes pages under ``out`` and counts what it wrote."""

    out: Path
    force: bool
    written: list[str] = field(default_factory=list)
    unchanged: int = 0

    def write(self, relpath: str, text: str) -> None:
        # Not synced file by file: ``Site._save`` syncs once before it records the render.
        if self.force:
            write_atomic(self.out, relpath, text, durable=False)
        elif not write_if_changed(self.out, relpath, text, durable=False):
            self.unchanged += 1
            return
        self.written.append(relpath)

    def drop_pages_after(self, folder: str, pages: int, name: str = "{}.html") -> None:
        """Remove a listing's pages past its last (it shrank); they would show stale cards."""
        number = pages + 1
        while (path := safe_join(self.out, folder, name.format(number))).is_file():
            path.unlink()
            number += 1

    def report(self) -> RenderReport:
        return RenderReport(len(self.written), self.unchanged, tuple(self.written))


class Site:
    """One render of an archive's pages into ``out``."""

    def __init__(
        self,
        archive: Archive,
        out: Path,
        *,
        theme: str | None,
        force: bool,
        with_json: bool,
        with_html: bool,
    ) -> None:
        if theme is not None and theme not in THEMES:
            raise ValueError(f"theme must be one of {THEMES} or None, not {theme!r}")
        self.archive = archive
        self.conn: sqlite3.Connection = archive.conn
        self.out = Path(out)
        self.theme = theme
        self.with_json = with_json
        self.with_html = with_html
        self.writer = _Writer(self.out, force)
        self.present = _OnDisk(self.out)
        self.refs = self._article_refs()
        self.style = style_source(theme)
        self._captures: dict[str, When | None] | None = None

    # -- the state kept in the archive ------------------------------------------------------

    def fingerprint(self) -> dict[str, object]:
        """Everything besides the records that shapes the output."""
        return {
            "version": __version__,
            "theme": self.theme,
            "json": self.with_json,
            "html": self.with_html,
            "templates": template_digest(),
            "per_page": PER_PAGE,
        }

    def _state(self) -> dict[str, object] | None:
        value = self.archive.get_meta(STATE)
        try:
            state = json.loads(value) if value else None
        except ValueError:
            return None
        return state if isinstance(state, dict) else None

    # -- runs -------------------------------------------------------------------------------

    def render(self, selection: Selection | None = None) -> RenderReport:
        """Render everything, what changed since the last render, or a selection's cards."""
        state = self._state()
        fresh = (
            state is not None
            and not self.writer.force
            and state.get("fingerprint") == self.fingerprint()
        )
        if selection is not None and selection != Selection():
            self._selection(selection, state if fresh else None)
        elif fresh and state is not None:
            self._incremental(state)
        else:
            self._full()
        return self.writer.report()

    def _full(self) -> None:
        change = self.archive.last_change()
        index.clear(self.conn)
        shape = index.plan_shape(self.conn)
        months = self._months()
        lists = (self._month_list(months, i) for i in range(len(months)))
        stream: Iterable[tuple[Tweet, Card | None]] = (
            self._stream_listings(self.archive.iter_tweets(), lists, _tweet_month)
            if self.with_html
            else ((t, None) for t in self.archive.iter_tweets())
        )
        for pairs in batched(stream, CHUNK):
            tweets = [t for t, _ in pairs]
            for tweet, card in pairs:
                self._card_files(tweet, card)
            index.update(self.conn, shape, tweets, {t.key: self._article_ids(t) for t in tweets})
        if self.with_html:
            handles = (
                self._handle_list(h, c)
                for h, c in self.conn.execute(
                    "SELECT handle, count(*) FROM tweets GROUP BY handle ORDER BY handle"
                )
            )
            for _ in self._stream_listings(self._by_handle(), handles, _tweet_handle):
                pass
            for article in self.archive.iter_articles():
                self._article_pages(article.source, article.read_at, article.keys)
            self._directories(None, None)
            self._search(shape, None, None, months)
            self._index(months)
        self._save(change, shape, dict(self._months()))

    def _incremental(self, state: Mapping[str, object]) -> None:
        change = self.archive.last_change()
        since = int(state.get("change", 0))  # type: ignore[call-overload]
        shape = index.Shape(**state["shape"])  # type: ignore[arg-type]
        dirty = _Dirty()
        for tweets in batched(self.archive.changed_since(since), CHUNK):
            self._cards(tweets)
            self._mark(
                dirty,
                shape,
                index.update(
                    self.conn, shape, tweets, {t.key: self._article_ids(t) for t in tweets}
                ),
            )
        gone = self.archive.gone_since(since)
        self._mark(dirty, shape, index.remove(self.conn, [g.key for g in gone]))
        for record in gone:
            for ext in ("html", "json"):
                stale = card_relpath(Tweet(record.key, handle=record.handle), ext)
                safe_join(self.out, stale).unlink(missing_ok=True)
        self._pages(dirty, shape, state.get("months") or {})  # type: ignore[arg-type]
        self._save(change, shape, dict(self._months()))

    def _selection(self, selection: Selection, state: Mapping[str, object] | None) -> None:
        """Cards of the selection; and, where the site exists, the pages that show them."""
        dirty = _Dirty()
        shape = index.Shape(**state["shape"]) if state else None  # type: ignore[arg-type]
        for tweets in batched(self.archive.iter_tweets(selection), CHUNK):
            self._cards(tweets)
            if shape is not None:
                self._mark(
                    dirty,
                    shape,
                    index.update(
                        self.conn, shape, tweets, {t.key: self._article_ids(t) for t in tweets}
                    ),
                )
        if state is not None and shape is not None:
            self._pages(dirty, shape, state.get("months") or {})  # type: ignore[arg-type]

    def _save(self, change: int, shape: index.Shape, months: dict[str, int]) -> None:
        os.sync()  # every page on disk before the archive says they are done
        state = {
            "fingerprint": self.fingerprint(),
            "change": change,
            "shape": {"buckets": shape.buckets, "span": shape.span},
            "months": months,
        }
        self.archive.set_meta(STATE, json.dumps(state, sort_keys=True))

    # -- what changed -----------------------------------------------------------------------

    def _mark(self, dirty: _Dirty, shape: index.Shape, done: Iterable[index.Indexed]) -> None:
        """Note the pages and index files that show these tweets, before and after."""
        for item in done:
            dirty.buckets.update(shape.bucket(t) for t in item.terms)
            for doc in (item.old_doc, item.new_doc):
                if doc is not None:
                    dirty.chunks.add(shape.chunk(doc))
            old_month = _month_of_day(doc_day(item.old_doc)) if item.old_doc is not None else None
            if item.new_doc is not None:
                month, page, handle_page = self._place(item.key)
                dirty.month(month, page)
                if old_month is not None and old_month != month:
                    dirty.month(old_month, 0)
                dirty.handle(item.new_handle, handle_page)
            elif old_month is not None:
                dirty.month(old_month, 0)
            if item.old_doc is not None and item.old_handle != item.new_handle:
                dirty.handle(item.old_handle, 0)  # where it stood there is not known
            dirty.articles.update(item.old_articles)
            dirty.articles.update(item.new_articles)

    def _place(self, key: str) -> tuple[str, int, int]:
        """A tweet's month, its page there and its page in its handle's (0-based, oldest first).

        Pages from there on are rewritten: those before it hold the same tweets as before.
        """
        sort_time, handle = self.conn.execute(
            "SELECT sort_time, handle FROM tweets WHERE key = ?", (key,)
        ).fetchone()
        month = _month_of(sort_time)
        pages = []
        for where, params in (_month_where(month), _handle_where(handle)):
            rank = self.conn.execute(
                f"SELECT count(*) FROM tweets WHERE {where} AND (sort_time, key) < (?, ?)",
                (*params, sort_time, key),
            ).fetchone()[0]
            pages.append(rank // PER_PAGE)
        return month, pages[0], pages[1]

    def _pages(self, dirty: _Dirty, shape: index.Shape, before: Mapping[str, int]) -> None:
        """Rewrite the pages an incremental run found changed."""
        if not self.with_html:
            return
        months = self._months()
        now = dict(months)
        names = [m for m, _ in months]
        pages = {m: _pages(c) for m, c in months}
        for month, first in list(dirty.months.items()):
            if _pages(before.get(month, 0)) != pages.get(month, 0):
                # Its newest page moved: the newer month's oldest page links to it, and a month
                # that came or went changes its neighbours' links both ways.
                if month in pages:
                    dirty.month(month, min(first, max(0, pages[month] - 1)))
                for neighbour in _neighbours(names, month, before):
                    self._boundary(months, neighbour, dirty)
        for month, first in dirty.months.items():
            if month in now:
                self._month_pages(months, names.index(month), first)
            else:
                folder = f"months/{safe_name(month)}"
                self.writer.drop_pages_after(folder, 0)
        for handle, first in dirty.handles.items():
            self._handle_pages(handle, first)
        for source, read_at, keys in self._articles_by_id(dirty.articles):
            self._article_pages(source, read_at, keys)
        self._directories(set(dirty.handles), dirty.articles)
        self._search(shape, dirty.buckets, dirty.chunks, months)
        self._index(months)

    def _boundary(self, months: list[tuple[str, int]], month: str, dirty: _Dirty) -> None:
        """Mark a month's newest and oldest pages (those that link to its neighbours)."""
        for name, count in months:
            if name == month:
                dirty.month(name, 0)
                if count:
                    dirty.month(name, min(dirty.months[name], _pages(count) - 1))

    # -- cards ------------------------------------------------------------------------------

    def _cards(self, tweets: list[Tweet]) -> None:
        for tweet in tweets:
            self._card_files(tweet, None)

    def _card_files(self, tweet: Tweet, card: Card | None) -> None:
        """A tweet's JSON record and card page, as asked for (``card``: made already)."""
        if self.with_json:
            self.writer.write(card_relpath(tweet, "json"), _json_record(tweet))
        if self.with_html:
            card = card or self._card(tweet)
            self.writer.write(card.page, _card_page(card, self.style, self.theme))

    def _card(self, tweet: Tweet) -> Card:
        return make_card(tweet, self.refs, self.present)

    def _page(self, relpath: str, template: str, cards: tuple[Card, ...], **context: object) -> str:
        return page_html(relpath, template, self.style, self.theme, cards, **context)

    # -- listings ---------------------------------------------------------------------------

    def _months(self) -> list[tuple[str, int]]:
        """Every month with tweets, newest first, and how many (undated last)."""
        counts: dict[str, int] = {}
        for prefix, count in self.conn.execute(
            "SELECT substr(sort_time, 1, 7) AS m, count(*) FROM tweets GROUP BY m"
        ):
            month = _month_of(prefix)
            counts[month] = counts.get(month, 0) + count
        return sorted(counts.items(), key=lambda item: (item[0] != UNDATED, item[0]), reverse=True)

    def _month_list(self, months: list[tuple[str, int]], position: int) -> _List:
        month, count = months[position]
        newer = months[position - 1][0] if position else None
        older = months[position + 1] if position + 1 < len(months) else None
        return _List(
            folder=f"months/{safe_name(month)}",
            title=_month_label(month),
            kind="Month",
            count=count,
            newer_group=f"months/{safe_name(newer)}/1.html" if newer else None,
            older_group=(
                f"months/{safe_name(older[0])}/{_pages(older[1])}.html" if older else None
            ),
        )

    def _month_pages(self, months: list[tuple[str, int]], position: int, first: int) -> None:
        where, params = _month_where(months[position][0])
        self._listing(self._month_list(months, position), where, params, first)

    def _handle_list(self, handle: str | None, count: int) -> _List:
        title = f"@{handle}" if handle else "Unknown author"
        return _List(_handle_folder(handle), title, "Handle", count)

    def _handle_pages(self, handle: str | None, first: int) -> None:
        where, params = _handle_where(handle)
        sql = f"SELECT count(*) FROM tweets WHERE {where}"
        count = self.conn.execute(sql, params).fetchone()[0]
        self._listing(self._handle_list(handle, count), where, params, first)

    def _listing(self, listing: _List, where: str, params: tuple[object, ...], first: int) -> None:
        """Pages ``first``… (0-based) of a listing, read page by page from the archive.

        The page before ``first`` too: it may have been the newest, whose "newer" link and
        count change when pages are added after it. Pages before that are unchanged: a page
        shows only its own cards, its dates and its neighbours' (stable) file names.
        """
        for number in range(max(1, first), listing.pages + 1):
            keys = [
                r[0]
                for r in self.conn.execute(
                    f"SELECT key FROM tweets WHERE {where} ORDER BY sort_time, key "
                    f"LIMIT {PER_PAGE} OFFSET {(number - 1) * PER_PAGE}",
                    params,
                )
            ]
            shown = self.archive.by_keys(keys)
            self._listing_page(listing, number, tuple(self._card(t) for t in shown))
        self.writer.drop_pages_after(listing.folder, listing.pages)

    def _listing_page(self, listing: _List, number: int, cards: tuple[Card, ...]) -> None:
        """Page ``number`` (1: the oldest) of a listing, its cards newest first."""
        folder, total = listing.folder, listing.pages
        relpath = f"{folder}/{number}.html"
        days = [c.when.date_label for c in cards if c.when]
        self.writer.write(
            relpath,
            self._page(
                relpath,
                "listing.html",
                cards,
                title=listing.title,
                kind=listing.kind,
                # Only the newest page shows the count: the others stay as they were written.
                count=listing.count if number == total else None,
                span=(days[-1], days[0]) if days else None,
                newer=f"{folder}/{number + 1}.html" if number < total else listing.newer_group,
                older=f"{folder}/{number - 1}.html" if number > 1 else listing.older_group,
                oldest=f"{folder}/1.html" if number > 1 else None,
            ),
        )

    def _stream_listings(
        self, tweets: Iterable[Tweet], lists: Iterator[_List], group: Callable[[Tweet], object]
    ) -> Iterator[tuple[Tweet, Card]]:
        """Write listing pages from tweets streamed newest first, grouped by ``group``.

        ``lists`` gives each group's listing in stream order. Yields every tweet with its card,
        so a caller writes the card page from the same card.
        """
        listing: _List | None = None
        key: object = object()
        buffer: list[Card] = []
        number = 0
        for tweet in tweets:
            card = self._card(tweet)
            if group(tweet) != key:
                key, listing, number, buffer = group(tweet), next(lists), 0, []
                number = listing.pages
            assert listing is not None
            buffer.append(card)
            # The newest page holds the remainder; every older page PER_PAGE cards.
            size = (
                listing.count - (listing.pages - 1) * PER_PAGE
                if number == listing.pages
                else PER_PAGE
            )
            if len(buffer) == size:
                self._listing_page(listing, number, tuple(buffer))
                number, buffer = number - 1, []
            yield tweet, card

    def _by_handle(self) -> Iterator[Tweet]:
        """Every tweet, by handle (as the directory sorts them), newest first in each."""
        keys = self.conn.execute("SELECT key FROM tweets ORDER BY handle, sort_time DESC, key DESC")
        while chunk := [r[0] for r in keys.fetchmany(CHUNK)]:
            by_key = {t.key: t for t in self.archive.by_keys(chunk)}
            yield from (by_key[k] for k in chunk)

    # -- articles ---------------------------------------------------------------------------

    def _article_refs(self) -> dict[tuple[str, str], ArticleRef]:
        """Every source article's reference (title, page, read time), for the cards."""
        return {
            (source.path, source.sha256): article_ref_from(source, read_at)
            for source, read_at, _ in self._sources()
        }

    def _sources(self) -> Iterator[tuple[Source, str, int]]:
        for row in self.conn.execute(
            "SELECT path, sha256, format, title, url, record, read_at, source_id FROM sources "
            "ORDER BY read_at, source_id"
        ):
            yield Source(row[0], row[1], row[2], row[3], row[4], row[5] or None), row[6], row[7]

    def _article_ids(self, tweet: Tweet) -> tuple[str, ...]:
        return tuple(dict.fromkeys(article_id(s) for s in tweet.sources))

    def _articles_by_id(self, ids: set[str]) -> Iterator[tuple[Source, str, tuple[str, ...]]]:
        if not ids:
            return
        for source, read_at, source_id in self._sources():
            if article_id(source) in ids:
                keys = tuple(
                    dict.fromkeys(
                        r[0]
                        for r in self.conn.execute(
                            "SELECT tweet_key FROM appearances WHERE source_id = ? "
                            "ORDER BY position",
                            (source_id,),
                        )
                    )
                )
                yield source, read_at, keys

    def _fetched(self, source: Source) -> When | None:
        """When the archive's own WARC capture of a fetched article was made (None if none)."""
        if not source.record:
            return None
        if self._captures is None:
            from archiver.warclog import iter_captures  # only archives with fetched pages

            self._captures = {
                c.record_id: capture_time(c.date) for c in iter_captures(self.archive.folder)
            }
        return self._captures.get(source.record)

    def _article_pages(self, source: Source, read_at: str, keys: tuple[str, ...]) -> None:
        ref = article_ref_from(source, read_at)
        first = article_relpath(source)
        total = max(1, _pages(len(keys)))
        for number in range(1, total + 1):
            part = keys[(number - 1) * PER_PAGE : number * PER_PAGE]
            by_key = {t.key: t for t in self.archive.by_keys(part)}
            cards = tuple(self._card(by_key[k]) for k in part if k in by_key)
            relpath = _article_page(first, number)
            self.writer.write(
                relpath,
                self._page(
                    relpath,
                    "article.html",
                    cards,
                    article=ref,
                    source=source,
                    missing=[],
                    fetched=self._fetched(source),
                    total=len(keys),
                    page=number,
                    pages=total,
                    offset=(number - 1) * PER_PAGE,
                    newer=_article_page(first, number - 1) if number > 1 else None,
                    older=_article_page(first, number + 1) if number < total else None,
                    article_id=article_id(source),
                ),
            )
        self.writer.drop_pages_after("articles", total, first[len("articles/") : -5] + "-{}.html")

    # -- directories and the index ----------------------------------------------------------

    def _directories(self, handles: set[str | None] | None, articles: set[str] | None) -> None:
        """The handle directory (by first letter) and the article directory."""
        letters = _LETTERS if handles is None else {_letter(h) for h in handles}
        for letter in letters:
            rows = [
                (handle, count, _handle_folder(handle), _pages(count))
                for handle, count in self.conn.execute(_letter_sql(letter))
            ]
            self._directory_pages(f"directory/handles-{letter}", rows, "handles", letter=letter)
        if articles is None or articles:
            rows = []
            for source, read_at, source_id in self._sources():
                count = self.conn.execute(
                    "SELECT count(DISTINCT tweet_key) FROM appearances WHERE source_id = ?",
                    (source_id,),
                ).fetchone()[0]
                rows.append((article_ref_from(source, read_at), count))
            self._directory_pages("directory/articles", rows, "articles")

    def _directory_pages(self, stem: str, rows: list, kind: str, **context: object) -> None:
        total = max(1, -(-len(rows) // PER_DIRECTORY))
        for number in range(1, total + 1):
            relpath = f"{stem}-{number}.html"
            self.writer.write(
                relpath,
                self._page(
                    relpath,
                    "directory.html",
                    (),
                    kind=kind,
                    rows=rows[(number - 1) * PER_DIRECTORY : number * PER_DIRECTORY],
                    page=number,
                    pages=total,
                    count=len(rows),
                    previous=f"{stem}-{number - 1}.html" if number > 1 else None,
                    next=f"{stem}-{number + 1}.html" if number < total else None,
                    letters=_LETTERS,
                    **context,
                ),
            )
        self.writer.drop_pages_after("directory", total, stem[len("directory/") :] + "-{}.html")

    def _index(self, months: list[tuple[str, int]]) -> None:
        cards = tuple(self._card(t) for t in self.archive.iter_tweets(Selection(limit=NEWEST)))
        counts = self.archive.counts()
        handles = self.conn.execute("SELECT count(DISTINCT handle) FROM tweets").fetchone()[0]
        years: dict[str, list[tuple[str, str, int, str]]] = {}
        for month, count in months:
            year = month[:4] if month != UNDATED else "Undated"
            years.setdefault(year, []).append(
                (
                    month,
                    _month_label(month, short=True),
                    count,
                    f"months/{safe_name(month)}/{_pages(count)}.html",
                )
            )
        self.writer.write(
            "index.html",
            page_html(
                "index.html",
                "index.html",
                self.style,
                self.theme,
                cards,
                script=script_source(),
                counts=counts,
                handles=handles,
                years=years,
                newest=f"months/{safe_name(months[0][0])}/{_pages(months[0][1])}.html"
                if months
                else None,
                letters=_LETTERS,
            ),
        )

    def _search(
        self,
        shape: index.Shape,
        buckets: set[int] | None,
        chunks: set[int] | None,
        months: list[tuple[str, int]],
    ) -> None:
        write = self.writer.write
        index.write_buckets(self.conn, write, shape, buckets)
        index.write_chunks(self.conn, write, shape, chunks, lambda p: p in self.present)
        articles = [[article_id(s), article_ref_from(s, r).title] for s, r, _ in self._sources()]
        manifest = {
            "buckets": shape.buckets,
            "span": shape.span,
            "chunks": index.chunk_counts(self.conn, shape),
            "tweets": sum(c for _, c in months),
        }
        index.write_script(write, "manifest", manifest)
        index.write_script(write, "articles", articles)


def render_site(
    archive: Archive,
    out: Path | None = None,
    *,
    selection: Selection | None = None,
    theme: str | None = None,
    force: bool = False,
    with_json: bool = False,
    with_html: bool = True,
) -> RenderReport:
    """Render the archive's pages into ``out`` (default: the archive folder); see the module."""
    site = Site(
        archive,
        archive.folder if out is None else out,
        theme=theme,
        force=force,
        with_json=with_json,
        with_html=with_html,
    )
    return site.render(selection)


def card_pages(tweets: Iterable[Tweet], out: Path, *, theme: str | None = None) -> RenderReport:
    """The card pages of ``tweets`` alone, without an archive or listings (for benchmarks)."""
    writer, style, present = _Writer(Path(out), force=True), style_source(theme), _OnDisk(out)
    for tweet in tweets:
        card = make_card(tweet, {}, present)
        writer.write(card.page, _card_page(card, style, theme))
    return writer.report()


def _card_page(card: Card, style: str, theme: str | None) -> str:
    return page_html(card.page, "card.html", style, theme, (card,), card=card)


def site_settings(archive: Archive) -> dict[str, object] | None:
    """The theme and formats of the site in the archive's folder, None if none was rendered."""
    try:
        state = json.loads(archive.get_meta(STATE) or "null")
        printed = state["fingerprint"]
        return {
            "theme": printed["theme"],
            "with_json": printed["json"],
            "with_html": printed["html"],
        }
    except (ValueError, TypeError, KeyError):
        return None


def _json_record(tweet: Tweet) -> str:
    """The tweet's JSON record, as ``archiver export`` writes it, with a final newline."""
    return json.dumps(tweet.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _pages(count: int) -> int:
    return -(-count // PER_PAGE)


def _month_of(sort_time: str | None) -> str:
    prefix = (sort_time or "")[:7]
    return prefix if _MONTH.fullmatch(prefix) else UNDATED


def _tweet_month(tweet: Tweet) -> str:
    return _month_of(tweet.created_at or tweet.date or "")


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _tweet_handle(tweet: Tweet) -> object:
    """A tweet's handle as SQLite's NOCASE groups them (ASCII letters folded)."""
    return None if tweet.handle is None else tweet.handle.translate(_ASCII_LOWER)


def _month_of_day(day: str) -> str:
    return day[:7] if day else UNDATED


def _month_where(month: str) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause of a month's tweets (an index range on ``sort_time``)."""
    if month == UNDATED:
        return "NOT (sort_time GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]*')", ()
    year, number = int(month[:4]), int(month[5:7])
    following = f"{year + number // 12:04d}-{number % 12 + 1:02d}"
    return "sort_time >= ? AND sort_time < ?", (month, following)


def _handle_where(handle: str | None) -> tuple[str, tuple[object, ...]]:
    """The WHERE clause of a handle's tweets (the ``(handle, sort_time)`` index)."""
    return ("handle IS NULL", ()) if handle is None else ("handle = ?", (handle,))


def _month_label(month: str, *, short: bool = False) -> str:
    if month == UNDATED:
        return "Undated"
    day = date(int(month[:4]), int(month[5:7]), 1)
    return day.strftime("%b") if short else f"{day:%B} {day.year}"


def _neighbours(names: list[str], month: str, before: Mapping[str, int]) -> list[str]:
    """The months next to ``month`` now (or where it stood, if it is gone)."""
    order = sorted(set(names) | {month}, key=lambda m: (m != UNDATED, m), reverse=True)
    position = order.index(month)
    return [m for m in order[max(0, position - 1) : position + 2] if m != month and m in names]


def _handle_folder(handle: str | None) -> str:
    """A handle's listing folder: ``handles/<handle, lowercased>``.

    A handle Twitter would not allow (it has other characters) gets a digest of itself too, so
    two such handles, or one and the unknown author, never share a folder.
    """
    if handle is None:
        return "handles/_unknown"
    lowered = handle.translate(_ASCII_LOWER)
    name = safe_name(re.sub(r"[^a-z0-9_]+", "_", lowered), fallback="_")
    if name != lowered:
        name += "-" + hashlib.sha256(handle.encode("utf-8")).hexdigest()[:8]
    return f"handles/{name}"


def _letter(handle: str | None) -> str:
    first = (handle or "_")[:1].lower()
    return first if first in _LETTERS else "_"


def _letter_sql(letter: str) -> str:
    """The handles filed under ``letter`` in the directory, with their counts."""
    if letter == "_":
        where = "handle IS NULL OR NOT (lower(substr(handle, 1, 1)) GLOB '[a-z0-9]')"
    else:
        where = f"handle >= '{letter}' AND handle < '{chr(ord(letter) + 1)}'"
    return f"SELECT handle, count(*) FROM tweets WHERE {where} GROUP BY handle ORDER BY handle"


def _article_page(first: str, number: int) -> str:
    return first if number == 1 else f"{first[:-5]}-{number}.html"
