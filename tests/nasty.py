"""The nasty corpus: files that must never stop an extract run nor corrupt the archive.

Every case says what extraction must make of it: the exact reason it is skipped with, or
the tweets it holds (the same tweet, written in every way that can go wrong: encodings,
broken bytes, deep or broken markup, inputs built to make a regular expression backtrack).
Nothing here is committed as data: the files are made when a test (or a person) asks::

    python -m tests.nasty OUTDIR          # the corpus, special files included (~17 MB)
    python -m tests.nasty OUTDIR --big    # plus a 50 MB page

Special files (a FIFO, symbolic-link loops, a link to /dev/zero, a sparse file past the size
limit, an unreadable file) are made by ``make_special``; they exist only on disk.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.extract import MAX_BYTES

TWEET_ID = "1646195010880393216"
HANDLE = "Val_Plante"
AUTHOR = "Valérie Plante"
# Every character here exists in cp1252, so each encoding below can carry the whole tweet;
# the accents, curly quote, guillemets, dash and euro sign turn to mojibake when misread.
TEXT = (
    "Les villes s’imposent comme des actrices incontournables — « à Montréal » : "
    "ça coûte 5 €, dit Valérie."
)
DATE = "2023-04-12"
STATUS_URL = f"https://twitter.com/{HANDLE}/status/{TWEET_ID}"
BIG_BYTES = 50 * 1024 * 1024
LIMIT = 5.0  # seconds any one nasty input may take (generous: most take milliseconds)


@dataclass(frozen=True)
class Expected:
    """A tweet a case must give; fields left None are not checked."""

    id: str | None = TWEET_ID
    handle: str | None = HANDLE
    author: str | None = AUTHOR
    text: str | None = TEXT


THE_TWEET = Expected()


@dataclass(frozen=True)
class Case:
    """One nasty file: its name, its bytes, and what extraction must make of it."""

    name: str
    data: bytes
    skip: str | None = None  # the exact reason it is skipped with
    tweets: tuple[Expected, ...] = ()  # else the tweets it gives, in order
    # Of those, the ones the archive refuses to store (archiver.validate): "record N: reason".
    refused: tuple[str, ...] = ()
    why: str = ""
    limit: float = LIMIT  # seconds it may take


def embed(tweet_id: str = TWEET_ID, text: str = TEXT, *, close: bool = True) -> str:
    """The blockquote publish.twitter.com hands out (raw em dash, so decoding matters)."""
    return (
        f'<blockquote class="twitter-tweet"><p lang="fr" dir="ltr">{text}</p>'
        f"\u2014 {AUTHOR} (@{HANDLE}) "
        f'<a href="https://twitter.com/{HANDLE}/status/{tweet_id}">April 12, 2023</a>'
        + ("</blockquote>" if close else "")
    )


def page(body: str, *, meta: str = "") -> str:
    """An article page around ``body``; ``meta`` goes in the head (a charset declaration)."""
    return (
        f"<!DOCTYPE html>\n<html><head>{meta}<title>Les villes</title></head>\n<body>\n"
        f"<h1>Un nouveau rôle pour les villes</h1>\n<p>Introduction de l’article.</p>\n"
        f"{body}\n<p>Fin de l’article.</p>\n</body></html>\n"
    )


def flattened(text: str = TEXT) -> str:
    """The tweet as a text copy of the article has it."""
    return (
        f"Un nouveau rôle pour les villes\n\nIntroduction de l’article.\n\n{text}\n"
        f"\u2014 {AUTHOR} (@{HANDLE}) April 12, 2023\n\nFin de l’article.\n"
    )


def _prose(size: int) -> str:
    """About ``size`` characters of article text with accents (a long UTF-8 article)."""
    para = (
        "<p>Les maires de Québec, Sherbrooke, Gatineau et Montréal ont fait valoir leurs "
        "ambitions à l’occasion de cette table ronde.</p>\n"
    )
    return para * (size // len(para) + 1)


def _binary_cases() -> Iterator[Case]:
    html = page(embed()).encode()
    yield Case("empty.html", b"", skip="empty file")
    yield Case("blank.md", b" \n\t\r\n  \n", skip="empty file")
    yield Case(
        "image.png.html",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        skip="binary file (a PNG image), not a text document",
    )
    yield Case(
        "page.html.gz.html",
        gzip.compress(html, mtime=0),
        skip="binary file (gzip-compressed data), not a text document",
        why="a compressed page saved under its .html name",
    )
    yield Case(
        "report.pdf.html",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n" * 20,
        skip="binary file (a PDF document), not a text document",
    )
    yield Case(
        "bundle.zip.md",
        b"PK\x03\x04" + bytes(200),
        skip="binary file (a ZIP archive), not a text document",
    )
    yield Case(
        "program.txt",
        b"\x7fELF\x02\x01\x01" + bytes(500),
        skip="binary file (an executable), not a text document",
    )
    yield Case(
        "nul-early.html",
        html.replace(b"Introduction", b"Intro\x00duction"),
        skip="binary file (NUL bytes), not a text document",
        why="a NUL byte in the first 8 KiB: a binary file, whatever its name",
    )
    late = page(_prose(20_000) + embed(text=TEXT.replace("villes", "vil\x00les"))).encode()
    yield Case(
        "nul-late.html",
        late,
        tweets=(THE_TWEET,),
        why="NUL bytes deep in a text page are dropped, not kept in the tweet",
    )


def _encoding_cases() -> Iterator[Case]:
    text = page(embed())
    utf8 = text.encode()
    broken = page(_prose(5_000) + "<p>Une coquille : \udcff\udcfe ici.</p>" + embed())
    yield Case(
        "invalid-utf8.html",
        broken.encode("utf-8", "surrogateescape"),
        tweets=(THE_TWEET,),
        why="two stray bytes in a long UTF-8 page",
    )
    yield Case(
        "truncated-utf8.html",
        (text + "<p>Coupé à la fin : é").encode()[:-1],
        tweets=(THE_TWEET,),
        why="cut in the middle of the last character",
    )
    yield Case("utf8-bom.html", codecs.BOM_UTF8 + utf8, tweets=(THE_TWEET,))
    for bom, name, codec in (
        (True, "utf16le-bom.html", "utf-16-le"),
        (True, "utf16be-bom.html", "utf-16-be"),
        (False, "utf16le.html", "utf-16-le"),
        (False, "utf16be.html", "utf-16-be"),
    ):
        lead = (
            (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) if bom else b""
        )
        yield Case(name, lead + text.encode(codec), tweets=(THE_TWEET,))
    yield Case(
        "utf16le.md",
        flattened().encode("utf-16-le"),
        tweets=(Expected(id=None),),
        why="a UTF-16 text copy without BOM",
    )
    yield Case(
        "meta-latin1-is-utf8.html",
        page(embed(), meta='<meta charset="iso-8859-1">').encode(),
        tweets=(THE_TWEET,),
        why="a stale <meta charset> on a page saved as UTF-8",
    )
    yield Case(
        "meta-utf8-is-cp1252.html",
        page(embed(), meta='<meta charset="utf-8">').encode("cp1252"),
        tweets=(THE_TWEET,),
        why="a UTF-8 <meta charset> on a page saved as cp1252",
    )
    yield Case(
        "meta-bogus.html",
        page(embed(), meta='<meta charset="x-no-such">').encode(),
        tweets=(THE_TWEET,),
    )
    yield Case(
        "meta-utf16-is-utf8.html",
        page(
            embed(), meta='<meta http-equiv="Content-Type" content="text/html; charset=utf-16">'
        ).encode(),
        tweets=(THE_TWEET,),
    )
    yield Case(
        "cp1252.html",
        text.encode("cp1252"),
        tweets=(THE_TWEET,),
        why="no declaration at all: the bytes must be recognised",
    )
    yield Case(
        "latin1-declared.html",
        page(
            embed(), meta='<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        ).encode("cp1252"),
        tweets=(THE_TWEET,),
        why="Latin-1 label, cp1252 bytes (the euro sign)",
    )
    yield Case(
        "cp1252.txt",
        flattened().encode("cp1252"),
        tweets=(Expected(id=None),),
        why="a text copy in cp1252: the dash of the credit line is byte 0x97",
    )


def _structure_cases() -> Iterator[Case]:
    second = "1646195010880393217"
    after = Expected(id=second, text="Et une deuxième.")
    yield Case(
        "deep-10000.html",
        page("<div>" * 10_000 + embed() + "</div>" * 10_000).encode(),
        skip="HTML too deep or too large to read whole (Excessive depth in document: 2048)",
        why="past the parser's 2048 levels: said, rather than read in part",
    )
    yield Case(
        "deep-1000.html",
        page(
            "<div>" * 1_000 + embed() + "</div>" * 1_000 + embed(second, "Et une deuxième.")
        ).encode(),
        tweets=(THE_TWEET, after),
        why="past libxml2's default 256 levels, which silently dropped both embeds",
    )
    yield Case(
        "deep-in-tweet.html",
        page(embed(text="<span>" * 1_000 + TEXT + "</span>" * 1_000)).encode(),
        skip="markup nested too deeply to read",
    )
    yield Case(
        "huge-text-node.html",
        page(
            embed()
            + '<img alt="" src="data:image/png;base64,'
            + "QUJD" * 3_000_000
            + '">'
            + embed(second, "Et une deuxième.")
        ).encode(),
        tweets=(THE_TWEET, after),
        why="a 12 MB attribute (an inline image): libxml2's default limit of 10 MB "
        "silently dropped every embed after it",
    )
    unclosed = "".join(
        embed(str(int(TWEET_ID) + 100 + i), f"Tweet numéro {i}.", close=False) for i in range(3)
    )
    yield Case(
        "unclosed.html",
        page(unclosed).encode(),
        tweets=tuple(
            Expected(id=str(int(TWEET_ID) + 100 + i), text=f"Tweet numéro {i}.") for i in range(3)
        ),
    )
    many = "".join(
        embed(str(int(TWEET_ID) + 1000 + i), f"Tweet {i}.", close=False) for i in range(300)
    )
    yield Case(
        "unclosed-300.html",
        page(many).encode(),
        tweets=tuple(
            Expected(id=str(int(TWEET_ID) + 1000 + i), text=f"Tweet {i}.") for i in range(300)
        ),
        why="each unclosed embed holds all the ones after it",
    )
    third = str(int(TWEET_ID) + 50)
    overlapping = (
        '<blockquote class="twitter-tweet"><p lang="fr"><b>Les villes <i>s’imposent</b> '
        'comme</i> des actrices.</p><div><blockquote class="twitter-tweet"><p>Et une '
        f'deuxième.</p>\u2014 {AUTHOR} (@{HANDLE}) <a href="https://twitter.com/{HANDLE}/'
        f'status/{second}">April 12, 2023</a></p></div>\u2014 {AUTHOR} (@{HANDLE}) '
        f'<a href="https://twitter.com/{HANDLE}/status/{third}">April 12, 2023</a>'
        "</blockquote></blockquote></blockquote>"
    )
    yield Case(
        "overlapping.html",
        page(overlapping).encode(),
        tweets=(
            Expected(id=third, text="Les villes s’imposent comme des actrices."),
            after,
        ),
    )
    tokens = "</blockquote><blockquote class=twitter-tweet><p></a><a href=x></p>" * 2_000
    yield Case("tag-soup.html", page(tokens + embed()).encode(), tweets=(THE_TWEET,))


def _backtracking_cases() -> Iterator[Case]:
    """Inputs shaped to make a regular expression backtrack: all must finish in time."""
    credit = f"{TEXT}\n\u2014 {AUTHOR} "
    yield Case(
        "parens-10000.txt", (credit + "(" * 10_000 + f"@{HANDLE}) April 12, 2023\n").encode()
    )
    yield Case(
        "parens-10000.html",
        page(
            f"<blockquote><p>{TEXT}</p>\u2014 {AUTHOR} "
            + "(" * 10_000
            + f"@{HANDLE}) April 12, 2023</blockquote>"
        ).encode(),
    )
    yield Case(
        "at-100000.txt", (credit + "(" + "@" * 100_000 + f"{HANDLE}) April 12, 2023\n").encode()
    )
    yield Case(
        "at-100000.html",
        page(
            f"<blockquote><p>{TEXT}</p>\u2014 {AUTHOR} ("
            + "@" * 100_000
            + f"{HANDLE}) April 12, 2023</blockquote>"
        ).encode(),
    )
    yield Case(
        "handles-1mb.txt",
        (credit + "(@a)" * 250_000 + "\n").encode(),
        why="every match of the credit pattern was once kept in memory",
    )
    yield Case("open-close-50000.txt", (credit + "(@" * 50_000 + ")" * 50_000 + "\n").encode())
    yield Case(
        "spaces-100000.txt",
        (
            "Un" + " " * 100_000 + "tweet\n" + f"\u2014 {AUTHOR} (@{HANDLE}) April 12, 2023\n"
        ).encode(),
        why="the trailing-link pattern took quadratic time over a run of spaces",
    )
    yield Case(
        "spaces-100000.md",
        (
            "> Un" + "\t" * 100_000 + "tweet\n> " + f"\u2014 {AUTHOR} (@{HANDLE}) April 12, 2023\n"
        ).encode(),
    )
    yield Case(
        "comments-300.html",
        ("<!---->" * 300 + "<p>x</p>").encode(),
        why="the page sniffer once tried 2**300 ways to group 300 comments",
    )
    yield Case("canonical-flood.html", ("<html><head>" + "<link rel=canonical " * 10_000).encode())
    yield Case("href-flood.html", ("<html><head>" + "<link href='x' " * 13_000).encode())
    yield Case(
        "title-flood.html",
        ("<html>" + "<title" * 33_000).encode(),
        why="quadratic, not exponential: about 6 s before, milliseconds now",
        limit=1.0,
    )
    yield Case(
        "date-flood.txt",
        (f"{TEXT}\n\u2014 {AUTHOR} (@{HANDLE}) " + "April 12, 2023 " * 20_000 + "\n").encode(),
        tweets=(Expected(id=None),),
    )
    yield Case(
        "shortcode-flood.md",
        ("{{< tweet " * 50_000 + "\n" + "{% tweet " * 50_000 + "\n" + "<Tweet " * 50_000).encode(),
    )
    yield Case(
        "entities-flood.html",
        page(embed("20", "#a @b $C https://t.co/x pic.twitter.com/y a.co/( " * 4_000)).encode(),
        tweets=(Expected(id="20", text=None),),
        refused=("record 1: text is 195,999 characters long (at most 100,000)",),
    )
    yield Case("markers-flood.html", ("tweet" + "_" * 200_000 + "text (" + " " * 100_000).encode())


def cases() -> list[Case]:
    """Every nasty file that is made of bytes alone (the special ones need a folder)."""
    return [*_binary_cases(), *_encoding_cases(), *_structure_cases(), *_backtracking_cases()]


def web_archive(*, compress: bool) -> bytes:
    """A sound WARC holding three article responses (each with the tweet)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    body = page(embed()).encode()
    for i in range(3):
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        writer.write_record(
            writer.create_warc_record(
                f"https://news.example.org/{i}",
                "response",
                payload=io.BytesIO(body),
                http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
            )
        )
    return buffer.getvalue()


def damaged_web_archives() -> dict[str, bytes]:
    """Web archives cut short or not web archives at all: each must be skipped, said why."""
    plain, packed = web_archive(compress=False), web_archive(compress=True)
    return {
        "cut-in-first-header.warc": plain[:50],
        "cut-in-a-record.warc": plain[: len(plain) // 2],
        "cut-in-a-record.warc.gz": packed[: len(packed) // 2],
        "random.warc": bytes((i * 7919 + 13) % 251 for i in range(5000)),
        "image.warc.gz": b"\x89PNG\r\n\x1a\n" + bytes(100),
        "not-gzip.warc.gz": b"\x1f\x8b" + bytes((i * 31) % 256 for i in range(3000)),
        "page.arc": page(embed()).encode(),
    }


def big_page() -> bytes:
    """A 50 MB article: a 25 MB inline image, 25 MB of paragraphs, embeds at both ends."""
    second = embed("1646195010880393217", "Et une deuxième.")
    image = '<img alt="" src="data:image/jpeg;base64,' + "QUJD" * (BIG_BYTES // 8) + '">'
    head = page(embed() + image + "{}" + second)
    prose = _prose(BIG_BYTES - len(head.encode()) - 100)
    return head.replace("{}", prose, 1).encode()


BIG_TWEETS = (THE_TWEET, Expected(id="1646195010880393217", text="Et une deuxième."))


@dataclass(frozen=True)
class Special:
    """A file only a folder can hold, and the exact reason it must be skipped with."""

    name: str
    skip: str | None


def make_special(folder: Path) -> list[Special]:
    """Make the special files in ``folder``; returns those made (a FIFO may be refused).

    ``loop/`` holds a link to its own parent (walked once, never forever) and two links to
    each other; ``dev-zero.html`` would read forever if read; ``too-large.html`` is a sparse
    file one MiB past the limit (it takes no disk space).
    """
    made: list[Special] = []
    fifo = folder / "fifo.html"
    try:
        os.mkfifo(fifo)
        made.append(Special("fifo.html", "not a regular file"))
    except (OSError, AttributeError):
        pass  # a file system without FIFOs
    (folder / "dev-zero.html").symlink_to("/dev/zero")
    made.append(Special("dev-zero.html", "not a regular file"))
    loop = folder / "loop"
    loop.mkdir()
    (loop / "up").symlink_to("..", target_is_directory=True)
    (loop / "a.html").symlink_to("b.html")
    (loop / "b.html").symlink_to("a.html")
    made.append(Special("loop/a.html", "Too many levels of symbolic links"))
    made.append(Special("loop/b.html", "Too many levels of symbolic links"))
    (folder / "dangling.md").symlink_to(folder / "no-such-file.md")
    made.append(Special("dangling.md", "file not found (it may have been removed during the run)"))
    with (folder / "too-large.html").open("wb") as fh:
        fh.truncate(MAX_BYTES + 1024 * 1024)
    made.append(
        Special(
            "too-large.html",
            f"file too large ({MAX_BYTES // 2**20 + 1} MiB > {MAX_BYTES // 2**20} MiB)",
        )
    )
    return made


def write_corpus(folder: Path, *, big: bool = False) -> tuple[list[Case], list[Special]]:
    """Write every case (and the special files) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    all_cases = cases()
    for case in all_cases:
        (folder / case.name).write_bytes(case.data)
    if big:
        (folder / "big-50mb.html").write_bytes(big_page())
    return all_cases, make_special(folder)


def main(argv: list[str] | None = None) -> int:
    """``python -m tests.nasty OUTDIR [--big]``: write the nasty corpus."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.nasty",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--big", action="store_true", help="also write a 50 MB page")
    args = parser.parse_args(argv)
    if args.outdir.exists() and any(args.outdir.iterdir()):
        parser.error(f"{args.outdir} is not empty")
    made, special = write_corpus(args.outdir, big=args.big)
    skipped = sum(1 for c in made if c.skip) + sum(1 for s in special if s.skip)
    print(
        f"wrote {len(made) + len(special) + args.big} nasty files to {args.outdir} "
        f"({skipped} must be skipped with a reason)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
