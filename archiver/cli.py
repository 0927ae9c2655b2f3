"""The command line: thin click commands over the library. The only module importing click."""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import click

from archiver import __version__, platforms
from archiver.errors import ArchiverError
from archiver.extract.warc import is_warc
from archiver.model import Tweet
from archiver.pipeline import Skipped, extract_paths, import_files, is_address, iter_planned
from archiver.queries import Selection
from archiver.store import Archive

DEFAULT_ARCHIVE = "archive"


def archive_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--archive DIR`` (env ARCHIVER_ARCHIVE, default ./archive) for every command."""
    return click.option(
        "--archive",
        "archive_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=DEFAULT_ARCHIVE,
        envvar="ARCHIVER_ARCHIVE",
        show_default=True,
        help="The archive folder.",
    )(func)


def jobs_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--jobs N`` / ``-j N``: how many worker processes (default: the number of cores)."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        help=f"{what} [default: the number of cores].",
    )


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--json`` for commands that list records."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON records.")(func)


def _open(archive_dir: Path, create: bool = False) -> Archive:
    try:
        return Archive(archive_dir, create=create)
    except ArchiverError as exc:
        raise click.ClickException(str(exc)) from None


def _one_line(tweet: Tweet) -> str:
    when = tweet.date or (tweet.created_at or "")[:10] or "????-??-??"
    # "?" after the date: the text's first line may be the article's (see `show`).
    if tweet.text_uncertain:
        when += "?"
    who = f"@{tweet.handle}" if tweet.handle else "@?"
    text = " ".join((tweet.text or "[text not captured]").split())
    if len(text) > 100:
        text = text[:99] + "…"
    return f"{tweet.key}  {when}  {who}  {text}"


def _print_tweets(tweets: Iterable[Tweet], as_json: bool) -> None:
    if as_json:
        _write_json_array((t.to_dict() for t in tweets), sys.stdout)
        return
    for tweet in tweets:
        click.echo(_one_line(tweet))


def _write_json_array(records: Iterable[dict[str, Any]], output: io.TextIOBase) -> None:
    """``json.dumps(list(records), indent=2)`` and a newline, written a record at a time."""
    first = True
    for record in records:
        body = json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        output.write(("[\n  " if first else ",\n  ") + body)
        first = False
    output.write("[]\n" if first else "\n]\n")


@click.group()
@click.version_option(__version__, prog_name="archiver")
def cli() -> None:
    """Rescue the tweets embedded in articles into a local archive, and show them offline."""


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _url_lists(files: tuple[str, ...], stdin_taken: bool) -> list[str]:
    if not files:
        return []
    from archiver.feeds import read_url_list

    urls: list[str] = []
    for name in files:
        if name == "-":
            if stdin_taken:
                raise click.UsageError("standard input (-) can be read only once")
            stdin_taken = True
            urls += read_url_list(sys.stdin.read())
            continue
        try:
            urls += read_url_list(Path(name).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise click.BadParameter(f"{name}: {exc}", param_hint="--urls") from None
    return urls


@cli.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--urls",
    "url_files",
    multiple=True,
    metavar="FILE",
    help="Read the addresses in FILE (one a line, # comments; - for standard input).",
)
@click.option(
    "--sitemap",
    "sitemaps",
    multiple=True,
    metavar="URL",
    help="Read every article a sitemap (or sitemap index, gzipped or not) lists.",
)
@click.option(
    "--feed",
    "feeds",
    multiple=True,
    metavar="URL",
    help="Read every article an RSS or Atom feed lists.",
)
@click.option(
    "--since",
    callback=_since,
    metavar="YYYY-MM-DD",
    help="Only sitemap and feed entries dated (lastmod, pubDate, updated) on or after this day.",
)
@click.option(
    "--refetch", is_flag=True, help="Fetch addresses again even when the archive's WARC holds them."
)
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt.")
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds between two requests to one host.",
)
@jobs_option("Worker processes for extraction; hosts fetched in parallel (then default 4)")
@archive_option
def extract(
    paths: tuple[str, ...],
    url_files: tuple[str, ...],
    sitemaps: tuple[str, ...],
    feeds: tuple[str, ...],
    since: date | None,
    refetch: bool,
    ignore_robots: bool,
    delay: float,
    jobs: int | None,
    archive_dir: Path,
) -> None:
    """Find embedded tweets in articles (HTML, Markdown, reST, text) and archive them.

    PATHS are files, folders (read recursively), web archives (.warc, .warc.gz, .arc), -
    for standard input, or web addresses (http:// or https://). Addresses, --urls lists,
    --sitemap and --feed pages are fetched politely (robots.txt, one request per host at a
    time) into the archive's WARC (ARCHIVE/warc/), then read from it; addresses already
    there are not fetched again. No X host is ever contacted. Inputs that cannot be read are
    reported and skipped; the exit status is 1 if any was.

    Example:

    \b
        archiver extract seeds/ --archive archive
        archiver extract https://example.com/2023/04/article
        archiver extract --sitemap https://example.com/sitemap.xml --since 2024-01-01
    """
    urls = [p for p in paths if is_address(p)]
    paths = tuple(p for p in paths if not is_address(p))
    urls += _url_lists(url_files, "-" in paths)
    if not (paths or urls or sitemaps or feeds):
        raise click.UsageError("give at least one PATH, address, --urls, --sitemap or --feed")
    web = fetch_options = None
    if urls or sitemaps or feeds:
        from archiver.fetch import FetchOptions, WebInputs

        web = WebInputs(tuple(urls), sitemaps, feeds)
        fetch_options = FetchOptions(
            delay=delay, jobs=jobs or 4, ignore_robots=ignore_robots, refetch=refetch, since=since
        )
    archive = _open(archive_dir, create=True)
    few = list(itertools.islice(iter_planned(list(paths)), 2))
    workers = jobs or os.cpu_count() or 1
    if len(few) < 2 and not any(is_warc(item.path) for item in few):
        workers = 1  # one document: a worker process would only add start-up time

    def on_skip(item: Skipped) -> None:
        click.echo(f"skipped {item.path}: {item.reason}", err=True)

    try:
        with archive:
            items = iter_planned(list(paths))  # lazily: memory stays flat on huge folders
            run = functools.partial(
                extract_paths,
                items,
                archive,
                jobs=workers,
                on_skip=on_skip,
                web=web,
                fetch_options=fetch_options,
            )
            if sys.stderr.isatty() and (len(few) > 1 or web):
                total = sum(1 for _ in iter_planned(list(paths)))  # a second, cheap walk
                with click.progressbar(
                    length=total, label="Extracting", file=sys.stderr, show_pos=True
                ) as bar:

                    def more(count: int) -> None:
                        # The web pages are counted once their listings are read, maybe after
                        # the local files are done (click then thinks the bar finished).
                        bar.length = (bar.length or 0) + count
                        bar.finished = bar.pos >= bar.length

                    summary = run(progress=lambda _name: bar.update(1), on_total=more)
            else:
                summary = run()
    except ArchiverError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary.line())
    if summary.skipped:
        sys.exit(1)


PLATFORM_OPTION = click.option(
    "--platform",
    type=click.Choice(platforms.NAMES),
    help="Only posts of this platform (x, bluesky, mastodon, threads).",
)


def selection_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options that select tweets (``list``, ``export``, ``render``), as a ``selection``."""
    options = [
        click.option("--handle", help="Only tweets by this @handle."),
        PLATFORM_OPTION,
        click.option("--since", metavar="YYYY-MM-DD", help="Only tweets from this day on."),
        click.option("--until", metavar="YYYY-MM-DD", help="Only tweets up to this day."),
        click.option(
            "--source", help="Only tweets from sources whose path, URL or title contains this."
        ),
        click.option("--limit", type=click.IntRange(min=1), help="At most this many."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _selection(keys: tuple[str, ...] = (), **options: Any) -> Selection:
    return Selection(keys=keys, **options)


@cli.command(name="list")
@selection_options
@json_option
@archive_option
def list_(as_json: bool, archive_dir: Path, **selection: Any) -> None:
    """List archived tweets, newest first.

    Example:

        archiver list --handle Val_Plante --since 2023-01-01
    """
    with _open(archive_dir) as archive:
        _print_tweets(archive.iter_tweets(_selection(**selection)), as_json)


@cli.command()
@click.argument("key")
@json_option
@archive_option
def show(key: str, as_json: bool, archive_dir: Path) -> None:
    """Show one post (by key, X status id or URL, or another platform's post URL or AT-URI)
    with where it was found.

    Example:

        archiver show 1646221193528938496
    """
    with _open(archive_dir) as archive:
        try:
            tweet = archive.get(key)
        except ArchiverError as exc:
            raise click.ClickException(str(exc)) from None
        seen = archive.appearances(tweet.key)
    if as_json:
        data = tweet.to_dict()
        data["appearances"] = [
            {
                "path": a.source.path,
                "sha256": a.source.sha256,
                "read_at": a.read_at,
                "position": a.position,
                "markup": a.markup,
                "snippet": a.snippet,
            }
            for a in seen
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{tweet.author or '?'} (@{tweet.handle or '?'})")
    click.echo(f"key:        {tweet.key}")
    for label, value in (
        ("platform", tweet.platform),
        ("id", tweet.id),
        ("url", tweet.url),
        ("uri", tweet.uri),
        ("date", tweet.date),
        ("created_at", tweet.created_at),
        ("lang", tweet.lang),
    ):
        click.echo(f"{label + ':':<12}{value if value is not None else '-'}")
    click.echo("")
    click.echo(tweet.text if tweet.text is not None else "[text not captured: stub]")
    click.echo("")
    if tweet.text_uncertain:
        click.echo("uncertain:  where the text starts (its first line may be the article's); or:")
        click.echo(tweet.text_alternative or "-")
        click.echo("")
    for label, values in (
        ("mentions", tweet.mentions),
        ("hashtags", tweet.hashtags),
        ("cashtags", tweet.cashtags),
    ):
        if values:
            click.echo(f"{label + ':':<12}{', '.join(values)}")
    for link in tweet.links:
        click.echo(f"link:       {link.url} ({link.display})")
    for media in tweet.media:
        click.echo(f"media:      {media.url} ({media.display})")
    click.echo("")
    click.echo(f"found in {len(seen)} place{'s' if len(seen) != 1 else ''}:")
    for a in seen:
        click.echo(f"  {a.source.path}  #{a.position + 1} ({a.markup}), read {a.read_at}")


@cli.command()
@click.argument("query")
@click.option("--limit", type=int, help="At most this many.")
@PLATFORM_OPTION
@json_option
@archive_option
def search(
    query: str, limit: int | None, platform: str | None, as_json: bool, archive_dir: Path
) -> None:
    """Full-text search of tweet text, author and handle (SQLite FTS5 syntax).

    Example:

        archiver search 'villes AND CORIM'
    """
    with _open(archive_dir) as archive:
        tweets = archive.search(query, limit=limit, platform=platform)
    _print_tweets(tweets, as_json)


# The record's fields, in the record's order (lists are space-joined in CSV).
CSV_FIELDS = tuple(field.name for field in dataclasses.fields(Tweet))


def _csv_row(record: dict[str, Any]) -> dict[str, str]:
    row = {}
    for name in CSV_FIELDS:
        value = record[name]
        if name in ("mentions", "hashtags", "cashtags"):
            value = " ".join(value)
        elif name in ("links", "media"):
            value = " ".join(x["url"] for x in value)
        elif name == "sources":
            value = " ".join(x["path"] for x in value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        row[name] = "" if value is None else str(value)
    return row


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv"]),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="Write here instead of standard output.",
)
@selection_options
@archive_option
def export(fmt: str, output: io.TextIOBase, archive_dir: Path, **selection: Any) -> None:
    """Export the records (newest first; all, or a selection) as JSON Lines, JSON, or CSV.

    Example:

        archiver export --format jsonl -o tweets.jsonl
    """
    with _open(archive_dir) as archive:
        records = (t.to_dict() for t in archive.iter_tweets(_selection(**selection)))
        if fmt == "jsonl":
            for record in records:
                output.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif fmt == "json":
            _write_json_array(records, output)
        else:
            writer = csv.DictWriter(output, fieldnames=CSV_FIELDS)
            writer.writeheader()
            for record in records:
                writer.writerow(_csv_row(record))


@cli.command()
@click.argument("keys", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "png", "json", "all"]),
    default="html",
    show_default=True,
    help="What to write.",
)
@click.option(
    "--theme",
    type=click.Choice(["light", "dark"]),
    default=None,
    help="Force a colour scheme [default: HTML follows the reader's; PNG light].",
)
@click.option(
    "--scale",
    type=click.IntRange(1, 3),
    default=2,
    show_default=True,
    help="PNG pixel scale (550 px card width times this).",
)
@selection_options
@click.option("--force", is_flag=True, help="Rewrite every output, not just the changed ones.")
@jobs_option("Worker processes for PNG cards")
@archive_option
def render(
    keys: tuple[str, ...],
    fmt: str,
    theme: str | None,
    scale: int,
    force: bool,
    jobs: int | None,
    archive_dir: Path,
    **options: Any,
) -> None:
    """Write offline cards and browsing pages into the archive folder.

    html: index.html with search, a card page per tweet, listings by month, handle and
    article. png: a PNG card per tweet next to its HTML card. json: each record next to its
    card. all: everything. Only what changed since the last render is redone. KEY... (keys,
    ids or status URLs) and the options --handle, --since, --until, --source, --limit render
    just those tweets' cards (and update the pages that show them). Nothing written loads anything
    from the network.

    Example:

        archiver render --format all --theme dark

    and the PNG card of one tweet: archiver render --format png 1646130390427684866
    """
    # Imported here, not at the top: Pillow and Jinja2 cost every other command ~0.4 s.
    from archiver.render.outputs import render_archive

    selection = _selection(keys, **options)
    with _open(archive_dir) as archive:
        try:
            done = render_archive(
                archive,
                fmt=fmt,
                selection=selection,
                theme=theme,
                scale=scale,
                force=force,
                jobs=jobs or os.cpu_count() or 1,
            )
        except ArchiverError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(
        f"Rendered {done.tweets} tweet{'s' if done.tweets != 1 else ''}: "
        f"{done.written} file{'s' if done.written != 1 else ''} written, "
        f"{done.unchanged} unchanged."
    )
    if fmt in ("html", "all"):
        click.echo(f"Open {archive_dir / 'index.html'} in a browser (no network needed).")


@cli.command()
def doctor() -> None:
    """Report fonts, text layout (raqm, FriBiDi), versions, and what rendering would lack."""
    from archiver.render.fonts import doctor_report

    rows = doctor_report()
    width = max(len(topic) for topic, _ in rows)
    for topic, finding in rows:
        click.echo(f"{topic:<{width}}  {finding}")


@cli.command()
@click.argument("article", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="A file, or a folder to write into (needed for a folder ARTICLE) "
    "[default: NAME.static.EXT beside the article].",
)
@click.option("--in-place", is_flag=True, help="Overwrite the article (a folder's articles).")
@click.option(
    "--png",
    is_flag=True,
    help="Show the PNG card (<img>) instead of the HTML card; the PNGs are copied "
    "beside the output, in tweets/.",
)
@archive_option
def rewrite(
    article: Path, output: Path | None, in_place: bool, png: bool, archive_dir: Path
) -> None:
    """Publish an article again with static cards in place of its live tweet embeds.

    ARTICLE is an HTML or Markdown file, or a folder of them mirrored into the folder -o.
    Its tweets are archived as `extract` does; then every embed (the blockquote and its
    widgets.js script, amp-twitter, a rendered iframe, a shortcode) is replaced by a card
    that loads nothing, and the page's other scripts of Twitter's widget platform are
    removed. Every other byte stays as it was. An embed that cannot be replaced exactly is
    kept, and listed.

    Example:

        archiver rewrite posts/storm.html -o public/storm.html
    """
    from archiver.rewrite import RewriteReport, rewrite_paths  # renders: imported when used

    def show(report: RewriteReport) -> None:
        click.echo(report.line())
        for embed in report.kept:
            click.echo(f"  kept {embed.markup} {embed.key}: {embed.note}")

    try:
        with _open(archive_dir, create=True) as archive:
            summary = rewrite_paths(
                article, output, archive, png=png, in_place=in_place, on_report=show
            )
    except ArchiverError as exc:
        raise click.ClickException(str(exc)) from None
    for item in summary.skipped:
        click.echo(f"skipped {item.path}: {item.reason}", err=True)
    click.echo(summary.line())
    if summary.skipped:
        sys.exit(1)


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@archive_option
def import_(files: tuple[Path, ...], archive_dir: Path) -> None:
    """Merge exported records or extraction shards (JSON Lines) into the archive.

    Records from `archiver export` (a colleague's archive) and documents from a distributed
    run (`archiver.distributed`) merge by the same rules as `extract`. Every record is
    checked first, as extracted ones are; a line that is not JSON or a record that fails is
    reported (skipped FILE:LINE: reason) and skipped, the rest is imported, and the exit
    status is 1 if anything was skipped.

    Example:

        archiver import colleague.jsonl shards/*.jsonl
    """
    skipped: list[Skipped] = []

    def on_skip(item: Skipped) -> None:
        skipped.append(item)
        click.echo(f"skipped {item.path}: {item.reason}", err=True)

    try:
        with _open(archive_dir, create=True) as archive:
            result = import_files(list(files), archive, on_skip)
    except ArchiverError as exc:
        raise click.ClickException(str(exc)) from None
    line = (
        f"Imported {result.new + result.updated + result.unchanged} records: "
        f"{result.new} new, {result.updated} updated, {result.unchanged} unchanged"
    )
    click.echo(f"{line}; skipped {len(skipped)}." if skipped else f"{line}.")
    if skipped:
        sys.exit(1)


def main() -> None:
    """Console-script entry point."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    cli(prog_name="archiver")
