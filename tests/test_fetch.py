"""``archiver extract`` over the web, against a site on 127.0.0.1 (never the internet).

Each test runs under ``loopback_only``: the autouse guard stays, widened to 127.0.0.1 alone,
and every other connection or DNS look-up is recorded and refused, so "no X host contacted"
is proven by an empty list, not assumed.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import multiprocessing
import shutil
import ssl
import subprocess
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.fetch import X_MESSAGE, FetchOptions, WebInputs
from archiver.pipeline import extract_paths
from archiver.store import Archive
from archiver.warclog import Exchange, WarcLog, read_captures

from .conftest import SHARED, need_shared
from .localweb import Site, loopback_only_fixture, serve, site_fixture  # noqa: F401 - fixtures
from .test_cli import run

CORPUS = SHARED / "corpus"
MASHABLE = "newspaper__mashable.com2.html"
HERTHA = "trafilatura__hertha-blog.de.dame.html"
FAST = ("--delay", "0")


def extract(archive: Path, *args: str, input: str | None = None) -> Any:
    return run("extract", *args, *FAST, "--archive", str(archive), input=input)


def warc_records(archive: Path) -> list[tuple[str, str, int | None]]:
    """``(type, target URI, HTTP status)`` of every record of the archive's WARC files."""
    out = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                response = record.rec_type == "response"
                status = record.http_headers.get_statuscode() if response else None
                uri = record.rec_headers.get_header("WARC-Target-URI")
                out.append((record.rec_type, uri, int(status) if status else None))
    return out


def exported(archive: Path) -> list[dict[str, Any]]:
    result = run("export", "--archive", str(archive))
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_a_page_is_fetched_into_the_warc_and_extracted_from_it(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    need_shared()
    url = site.page("/2023/04/article", (CORPUS / MASHABLE).read_bytes())
    archive = tmp_path / "archive"

    result = extract(archive, url)

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Read 1 web page (1 fetched, 0 from earlier captures), ")
    assert site.paths() == ["/robots.txt", "/2023/04/article"]
    agent = site.requests[1][1]["User-Agent"]
    assert agent.startswith("archiver/0.1.0 (+https://") and agent.endswith(")")
    # Request and response of robots.txt (a 404) and of the page, in one WARC of the day.
    (warc,) = (archive / "warc").glob("*.warc.gz")
    assert warc.name == f"{time.strftime('%Y-%m-%d', time.gmtime())}.warc.gz"
    assert warc_records(archive) == [
        ("warcinfo", None, None),
        ("request", site.url("/robots.txt"), None),
        ("response", site.url("/robots.txt"), 404),
        ("request", url, None),
        ("response", url, 200),
    ]
    # The source names the WARC file, the record and the address, as extract of it would.
    records = exported(archive)
    assert len(records) >= 10
    sources = {json.dumps(s, sort_keys=True) for r in records for s in r["sources"]}
    (source,) = map(json.loads, sources)
    assert source["path"] == str(warc) and source["url"] == url
    assert source["record"].startswith("<urn:uuid:")
    again = tmp_path / "from-warc"
    assert run("extract", str(warc), "--archive", str(again)).exit_code == 0
    assert exported(again) == records
    assert loopback_only == []


def test_redirects_are_followed_five_times_and_no_more(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    site.page("/end", b"<html><body><p>Arrived.</p></body></html>")
    for i in range(6):
        site.redirect(f"/r{i}", f"/r{i + 1}" if i < 5 else "/end", 301 if i % 2 else 302)
    five, six = site.url("/r1"), site.url("/r0")

    result = extract(tmp_path / "archive", five, six)

    assert result.exit_code == 1
    assert f"skipped {six}: more than 5 redirects\n" in result.output
    assert "Read 1 web page (1 fetched, " in result.output
    statuses = [s for kind, _uri, s in warc_records(tmp_path / "archive") if kind == "response"]
    assert statuses.count(200) == 1  # /end, reached only through five hops
    assert loopback_only == []


@pytest.mark.parametrize(
    "target",
    [
        "https://twitter.com/jack/status/20",
        "https://mobile.twitter.com/jack/status/20",
        "https://x.com/jack/status/20",
        "http://t.co/abc",
        "https://pic.twitter.com/abc",
        "https://platform.twitter.com/widgets.js",
        "https://PLATFORM.Twitter.com./embed/Tweet.html?id=20",
    ],
)
def test_x_is_never_contacted_even_through_a_redirect(
    site: Site, loopback_only: list[str], tmp_path: Path, target: str
) -> None:
    hop = site.redirect("/out", target)

    result = extract(tmp_path / "archive", target, hop)

    assert result.exit_code == 1
    assert f"skipped {target}: {X_MESSAGE}\n" in result.output
    assert f"skipped {hop}: {X_MESSAGE}\n" in result.output
    # No DNS look-up of, no connection to, anything but the local site.
    assert loopback_only == []
    assert all("twitter" not in path and "x.com" not in path for path in site.paths())


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://a/"])
def test_a_redirect_to_another_scheme_is_refused(
    site: Site, loopback_only: list[str], tmp_path: Path, target: str
) -> None:
    hop = site.redirect("/out", target)
    result = extract(tmp_path / "archive", hop)
    assert result.exit_code == 1
    scheme = target.split(":")[0]
    assert f"skipped {hop}: only http(s) addresses are fetched, not {scheme}: address\n" in (
        result.output
    )
    assert "root:" not in json.dumps(warc_records(tmp_path / "archive"))
    assert loopback_only == []


def test_robots_txt_is_obeyed_unless_ignored(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    site.routes["/robots.txt"] = (
        200,
        [("Content-Type", "text/plain")],
        # The group naming archiver replaces the * group for it (RFC 9309), so it repeats it.
        b"User-agent: *\nDisallow: /private/\n\n"
        b"User-agent: archiver\nDisallow: /private/\nDisallow: /no-archiver/\n",
    )
    open_page = site.page("/news/a", b"<html><body>open</body></html>")
    private = site.page("/private/b", b"<html><body>private</body></html>")
    ours = site.page("/no-archiver/c", b"<html><body>not for us</body></html>")

    obeyed = extract(tmp_path / "obeyed", open_page, private, ours)

    assert obeyed.exit_code == 1
    reason = "robots.txt disallows it (--ignore-robots to override)"
    assert f"skipped {private}: {reason}\n" in obeyed.output
    assert f"skipped {ours}: {reason}\n" in obeyed.output
    assert "/private/b" not in site.paths() and "/no-archiver/c" not in site.paths()
    assert "robots.txt ignored" not in obeyed.output

    site.requests.clear()
    ignored = run(
        "extract", private, "--ignore-robots", *FAST, "--archive", str(tmp_path / "ignored")
    )
    assert ignored.exit_code == 0, ignored.output
    assert ignored.output.endswith(" robots.txt ignored.\n")
    assert site.paths() == ["/private/b"]


def test_an_unreadable_robots_txt_closes_the_site(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    site.routes["/robots.txt"] = (503, [("Content-Type", "text/plain")], b"busy")
    page = site.page("/a", b"<html><body>a</body></html>")
    result = extract(tmp_path / "archive", page)
    assert result.exit_code == 1
    assert "robots.txt could not be read (HTTP 503 Service Unavailable)" in result.output
    assert site.paths() == ["/robots.txt"]


def test_a_gzip_bomb_stops_at_the_cap(site: Site, loopback_only: list[str], tmp_path: Path) -> None:
    bomb = gzip.compress(b"<html><body>" + b" " * (40 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100 * 1024
    site.routes["/bomb"] = (
        200,
        [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        bomb,
    )
    url = site.url("/bomb")
    started = time.monotonic()
    result = extract(tmp_path / "archive", url)
    assert result.exit_code == 1
    assert f"skipped {url}: body over the 32 MiB cap once decoded\n" in result.output
    assert time.monotonic() - started < 20
    # The exchange is evidence (a metadata record with the headers), the body is not kept.
    kinds = [(kind, s) for kind, uri, s in warc_records(tmp_path / "archive") if uri == url]
    assert kinds == [("request", None), ("metadata", None)]


def _slow(pause: float, chunks: int = 1) -> Any:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(chunks * 6))
        handler.end_headers()
        for _ in range(chunks):
            time.sleep(pause)
            try:
                handler.wfile.write(b"<p>..</p>"[:6])
                handler.wfile.flush()
            except OSError:
                return

    return answer


def web_run(tmp_path: Path, urls: list[str], **options: Any) -> tuple[Any, list[str]]:
    """The pipeline over ``urls`` with options the command line does not expose."""
    lines: list[str] = []
    with Archive(tmp_path / "archive") as archive:
        summary = extract_paths(
            [],
            archive,
            web=WebInputs(tuple(urls)),
            fetch_options=FetchOptions(delay=0, **options),
            on_skip=lambda s: lines.append(f"{s.path}: {s.reason}"),
        )
    return summary, lines


def test_a_slow_server_times_out(site: Site, loopback_only: list[str], tmp_path: Path) -> None:
    site.routes["/silent"] = _slow(3)
    site.routes["/trickle"] = _slow(0.3, chunks=20)
    site.page("/fine", b"<html><body>fine</body></html>")
    silent, trickle, fine = site.url("/silent"), site.url("/trickle"), site.url("/fine")
    started = time.monotonic()
    summary, lines = web_run(tmp_path, [silent, trickle, fine], read_timeout=1, deadline=2)
    assert time.monotonic() - started < 8
    assert f"{silent}: timed out waiting for the server" in lines
    assert f"{trickle}: body not received within 2 s" in lines
    assert summary.pages == 1 and len(summary.skipped) == 2


def test_http_errors_are_skipped_and_kept_as_evidence(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    need_shared()
    site.routes["/gone"] = (404, [("Content-Type", "text/html")], b"<html>Not Found</html>")
    site.routes["/broken"] = (500, [("Content-Type", "text/html")], b"<html>Oops</html>")
    site.routes["/logo.png"] = (200, [("Content-Type", "image/png")], b"\x89PNG" + b"\0" * 99)
    good = site.page("/good", (CORPUS / HERTHA).read_bytes())
    gone, broken, image = site.url("/gone"), site.url("/broken"), site.url("/logo.png")

    result = extract(tmp_path / "archive", gone, broken, image, good)

    assert result.exit_code == 1
    assert f"skipped {gone}: HTTP 404 Not Found\n" in result.output
    assert f"skipped {broken}: HTTP 500 Internal Server Error\n" in result.output
    assert f"skipped {image}: not HTML (image/png)\n" in result.output
    assert "Read 1 web page (1 fetched, 0 from earlier captures), skipped 3; " in result.output
    responses = {(uri, s) for kind, uri, s in warc_records(tmp_path / "archive") if s}
    assert {(gone, 404), (broken, 500), (good, 200)} <= responses
    assert (image, 200) not in responses  # only its headers, in a metadata record


def test_refused_connections_and_unknown_hosts_are_skipped(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    closed = f"http://127.0.0.1:{_free_port()}/a"
    unknown = "http://no-such-host.invalid/a"
    summary, lines = web_run(tmp_path, [closed, unknown])
    assert f"{closed}: connection refused or unreachable" in lines
    assert any(line.startswith(f"{unknown}: ") for line in lines)
    assert summary.pages == 0 and len(summary.skipped) == 2


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A tweet in French, as the oEmbed markup gives it, in a page without <meta charset>.
CP1252_PAGE = (
    "<!DOCTYPE html><html><head><title>Montréal à l’international</title></head><body>"
    "<p>Le maire a répondu.</p>"
    '<blockquote class="twitter-tweet"><p lang="fr" dir="ltr">Les villes s’imposent comme '
    "des actrices incontournables des relations internationales. Été 2023 — « déjà » !</p>"
    "&mdash; Valérie Plante (@Val_Plante) "
    '<a href="https://twitter.com/Val_Plante/status/1646131183464132608">April 12, 2023</a>'
    "</blockquote></body></html>"
)
CP1252_TEXT = (
    "Les villes s’imposent comme des actrices incontournables des relations internationales. "
    "Été 2023 — « déjà » !"
)


@pytest.mark.parametrize(
    "ctype",
    [
        "text/html; charset=windows-1252",
        'text/html; charset="ISO-8859-1"',  # a Latin-1 label means windows-1252 (HTML5)
        "text/html",  # absent: detected
    ],
)
def test_the_declared_charset_decodes_the_page(
    site: Site, loopback_only: list[str], tmp_path: Path, ctype: str
) -> None:
    url = site.page("/fr", CP1252_PAGE.encode("cp1252"), ctype)
    result = extract(tmp_path / "archive", url)
    assert result.exit_code == 0, result.output
    (record,) = exported(tmp_path / "archive")
    assert record["text"] == CP1252_TEXT
    assert record["author"] == "Valérie Plante"
    assert record["sources"][0]["title"] == "Montréal à l’international"


def test_a_wrong_charset_header_loses_to_the_bytes(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    """Served as UTF-8 but written in windows-1252 with a <meta>; served as Latin-1 but UTF-8."""
    meta = CP1252_PAGE.replace("<head>", '<head><meta charset="windows-1252">')
    lying = site.page("/a", meta.encode("cp1252"), "text/html; charset=utf-8")
    stale = site.page("/b", CP1252_PAGE.encode("utf-8"), "text/html; charset=iso-8859-1")
    for url, name in ((lying, "a"), (stale, "b")):
        assert extract(tmp_path / name, url).exit_code == 0
        (record,) = exported(tmp_path / name)
        assert record["text"] == CP1252_TEXT


def test_already_fetched_addresses_are_read_from_the_warc_unless_refetch(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    need_shared()
    site.page("/story", (CORPUS / MASHABLE).read_bytes())
    moved = site.redirect("/old-story", "/story", 301)
    archive = tmp_path / "archive"

    first = extract(archive, moved)
    assert first.exit_code == 0, first.output
    site.requests.clear()
    second = extract(archive, moved, site.url("/story"))
    assert second.exit_code == 0, second.output
    assert site.paths() == []  # nothing fetched: not even robots.txt
    # Two addresses, one capture: read once, from the WARC.
    assert second.output == (
        "Read 1 web page (0 fetched, 1 from earlier captures), skipped 0; "
        "found 11 embeds: 0 new, 0 updated, 11 unchanged.\n"
    )

    refetched = run("extract", moved, "--refetch", *FAST, "--archive", str(archive))
    assert refetched.exit_code == 0, refetched.output
    assert site.paths() == ["/robots.txt", "/old-story", "/story"]
    assert "(1 fetched, 0 from earlier captures)" in refetched.output


def test_local_paths_and_addresses_mix_in_one_run(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    need_shared()
    url = site.page("/hertha", (CORPUS / HERTHA).read_bytes())
    result = extract(tmp_path / "archive", str(CORPUS / MASHABLE), url, str(tmp_path / "gone"))
    local = extract(tmp_path / "local", str(CORPUS / MASHABLE), str(CORPUS / HERTHA))
    assert result.exit_code == 1
    assert f"skipped {tmp_path / 'gone'}: file not found\n" in result.output
    found = local.output.split("; ")[1]
    assert found.startswith("found 13 embeds: 13 new")
    assert result.output.endswith(
        f"Read 1 file and 1 web page (1 fetched, 0 from earlier captures), skipped 1; {found}"
    )


def test_url_lists_from_a_file_and_from_stdin(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    a = site.page("/a", b"<html><body>a</body></html>")
    b = site.page("/b", b"<html><body>b</body></html>")
    c = site.page("/c", b"<html><body>c</body></html>")
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# reporter's links\n{a}   # the first\n\n  # {c}\n{b}#section\n")
    result = run(
        "extract", "--urls", str(listing), "--urls", "-", *FAST,
        "--archive", str(tmp_path / "archive"), input=f"{c}\n# done\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Read 3 web pages (3 fetched, ")
    assert sorted(site.paths()) == ["/a", "/b", "/c", "/robots.txt"]
    uris = {uri for kind, uri, _s in warc_records(tmp_path / "archive") if kind == "response"}
    assert b in uris  # recorded without the fragment


def _sitemap(entries: list[tuple[str, str | None]], index: bool = False) -> bytes:
    tag, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    body = "".join(
        f"<{item}><loc>{loc}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + f"</{item}>"
        for loc, mod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{tag} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</{tag}>'
    ).encode()


def test_sitemap_index_gzipped_sitemaps_and_since(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    pages = {
        f"/p{i}": site.page(f"/p{i}", f"<html><body>{i}</body></html>".encode()) for i in range(6)
    }
    recent = _sitemap(
        [
            (pages["/p0"], "2024-05-01"),
            (pages["/p1"], "2024-04-30T23:30:00-02:00"),
            (pages["/p2"], None),
        ]
    )
    site.routes["/sitemap-2024.xml.gz"] = (
        200,
        [("Content-Type", "application/x-gzip")],
        gzip.compress(recent),
    )
    old = _sitemap([(pages["/p3"], "2019-01-01"), (pages["/p4"], "2024-06-01")])
    site.routes["/sitemap-2019.xml"] = (200, [("Content-Type", "application/xml")], old)
    index = _sitemap(
        [(site.url("/sitemap-2024.xml.gz"), "2024-06-01"), ("/sitemap-2019.xml", "2024-06-01"),
         (site.url("/sitemap-2010.xml"), "2010-01-01")],
        index=True,
    )  # fmt: skip
    site.routes["/sitemap.xml"] = (200, [("Content-Type", "application/xml")], index)

    result = run(
        "extract", "--sitemap", site.url("/sitemap.xml"), "--since", "2024-05-01", *FAST,
        "--archive", str(tmp_path / "archive"),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    # p1's lastmod is 1 May in UTC; p2 has none (kept); p3 is older; the 2010 sitemap unread.
    fetched = {p for p in site.paths() if p.startswith("/p")}
    assert fetched == {"/p0", "/p1", "/p2", "/p4"}
    assert "/sitemap-2010.xml" not in site.paths()
    assert result.output.startswith("Read 4 web pages (4 fetched, 0 from earlier captures)")


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Blog</title><link>{base}/</link>
<item><title>One</title><link>{base}/one</link>
<pubDate>Tue, 04 Jun 2024 08:00:00 GMT</pubDate></item>
<item><title>Two</title><guid>{base}/two</guid>
<pubDate>Mon, 01 Jan 2018 08:00:00 GMT</pubDate></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><title>Three</title><link href="/three"/><link rel="edit" href="/edit/3"/>
<updated>2024-06-02T10:00:00Z</updated></entry>
<entry><title>Four</title><link rel="alternate" type="text/html" href="{base}/four"/>
<updated>2024-06-03T10:00:00Z</updated></entry>
</feed>"""


def test_rss_and_atom_feeds(site: Site, loopback_only: list[str], tmp_path: Path) -> None:
    for name in ("one", "two", "three", "four"):
        site.page(f"/{name}", f"<html><body>{name}</body></html>".encode())
    base = site.url("")
    site.routes["/feed.rss"] = (
        200,
        [("Content-Type", "application/rss+xml")],
        RSS.format(base=base).encode(),
    )
    site.routes["/feed.atom"] = (
        200,
        [("Content-Type", "application/atom+xml")],
        ATOM.format(base=base).encode(),
    )

    result = run(
        "extract", "--feed", site.url("/feed.rss"), "--feed", site.url("/feed.atom"),
        "--since", "2024-01-01", *FAST, "--archive", str(tmp_path / "archive"),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert {p for p in site.paths() if not p.startswith(("/feed", "/robots"))} == {
        "/one",
        "/three",
        "/four",
    }


def test_a_listing_that_cannot_be_read_is_skipped(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    site.routes["/sitemap.xml"] = (200, [("Content-Type", "text/html")], b"<html>no</html>")
    url = site.url("/sitemap.xml")
    result = run("extract", "--sitemap", url, *FAST, "--archive", str(tmp_path / "archive"))
    assert result.exit_code == 1
    assert f"skipped {url}: neither a sitemap nor an RSS or Atom feed (<html>)\n" in result.output


def test_a_crash_mid_append_never_breaks_the_warc(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    """A half-written record (kill -9, power cut) is cut off before the next append."""
    archive = tmp_path / "archive"
    first = site.page("/a", b"<html><body>a</body></html>")
    assert extract(archive, first).exit_code == 0
    (warc,) = (archive / "warc").glob("*.warc.gz")
    whole = warc.read_bytes()
    with warc.open("ab") as stream:
        stream.write(whole[len(whole) // 2 :][:500])  # part of a gzip member
    second = site.page("/b", b"<html><body>b</body></html>")
    assert extract(archive, second).exit_code == 0
    reread = run("extract", str(warc), "--archive", str(tmp_path / "again"))
    assert reread.exit_code == 0, reread.output
    assert reread.output.startswith("Read 1 file (2 documents), skipped 0; ")
    uris = [uri for kind, uri, _s in warc_records(archive) if kind == "response"]
    assert uris == [site.url("/robots.txt"), first, site.url("/robots.txt"), second]


def test_the_summary_and_exit_status_with_nothing_given(tmp_path: Path) -> None:
    result = run("extract", "--archive", str(tmp_path / "archive"))
    assert result.exit_code == 2
    assert "give at least one PATH, address, --urls, --sitemap or --feed" in result.output


def test_a_warc_record_gives_its_declared_charset(tmp_path: Path) -> None:
    """Reading a WARC, the recorded Content-Type's charset decodes the page (no network)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "crawl.warc.gz"
    with warc.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        body = CP1252_PAGE.encode("cp1252")
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=windows-1252")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                "https://news.example.org/fr", "response", payload=io.BytesIO(body),
                http_headers=headers,
            )
        )  # fmt: skip
    assert run("extract", str(warc), "--archive", str(tmp_path / "archive")).exit_code == 0
    (record,) = exported(tmp_path / "archive")
    assert record["text"] == CP1252_TEXT


def test_the_article_page_shows_the_address_the_fetch_time_and_the_capture(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    need_shared()
    url = site.page("/2023/04/article", (CORPUS / HERTHA).read_bytes())
    archive = tmp_path / "archive"
    assert extract(archive, url).exit_code == 0
    assert run("render", "--archive", str(archive)).exit_code == 0

    (warc,) = (archive / "warc").glob("*.warc.gz")
    with warc.open("rb") as stream:
        (response,) = (r for r in ArchiveIterator(stream) if r.rec_type == "response" and
                       r.rec_headers.get_header("WARC-Target-URI") == url)  # fmt: skip
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        fetched_at = response.rec_headers.get_header("WARC-Date")
    (page,) = (archive / "articles").glob("*.html")
    html = page.read_text(encoding="utf-8")
    assert f'<dt>Address</dt><dd><a href="{url}"' in html
    assert f"<code><bdi>{warc}</bdi></code> (html)" in html
    escaped = record_id.replace("<", "&lt;").replace(">", "&gt;")
    assert f"<dt>WARC record</dt><dd><code>{escaped}</code></dd>" in html
    assert "<dt>Fetched</dt><dd><time datetime=" in html
    assert f'datetime="{fetched_at[:19]}' in html


def test_one_request_at_a_time_per_host_with_the_delay_hosts_in_parallel(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    other, server = serve()
    try:
        site.routes["/robots.txt"] = (
            200,
            [("Content-Type", "text/plain")],
            b"User-agent: *\nCrawl-delay: 1\n",
        )
        for host in (site, other):
            host.routes["/slow"] = _slow(0.2)
        urls = [host.page(f"/{i}", b"<html><body>x</body></html>") for i in range(3) for host in
                (site, other)] + [site.url("/slow"), other.url("/slow")]  # fmt: skip
        started = time.monotonic()
        result = run("extract", *urls, "--delay", "0.5", "--jobs", "2",
                     "--archive", str(tmp_path / "archive"))  # fmt: skip
        took = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    assert site.most_busy == other.most_busy == 1  # never two requests at once to a host
    for host, gap in ((site, 1), (other, 0.5)):  # robots.txt's Crawl-delay outranks --delay
        waits = [b - a for a, b in itertools.pairwise(host.started)]
        assert len(waits) == 4 and min(waits) >= gap - 0.02, (host.port, waits)
    # The two hosts went side by side: less than the sum of their waits.
    assert took < (4 * 1 + 4 * 0.5) - 0.5


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl is not installed")
def test_tls_certificates_are_verified(loopback_only: list[str], tmp_path: Path) -> None:
    """A self-signed certificate (what a man in the middle shows) is refused."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    secure, server = serve(context)
    try:
        url = secure.page("/a", b"<html><body>secret</body></html>")
        result = extract(tmp_path / "archive", url)
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert f"skipped {url}: TLS certificate or handshake refused: " in result.output
    assert "CERTIFICATE_VERIFY_FAILED" in result.output
    assert secure.paths() == []  # no request got through


def test_a_chunked_response_is_kept_readable(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    """The body is kept de-chunked, so the Transfer-Encoding header is renamed in the record."""
    page = CP1252_PAGE.encode("utf-8")

    def chunked(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for start in range(0, len(page), 100):
            part = page[start : start + 100]
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        handler.wfile.write(b"0\r\n\r\n")

    site.routes["/chunked"] = chunked
    url = site.url("/chunked")
    assert extract(tmp_path / "archive", url).exit_code == 0
    (record,) = exported(tmp_path / "archive")
    assert record["text"] == CP1252_TEXT
    (warc,) = (tmp_path / "archive" / "warc").glob("*.warc.gz")
    again = run("extract", str(warc), "--archive", str(tmp_path / "again"))
    assert again.exit_code == 0 and exported(tmp_path / "again") == [record]


def _append_many(archive: str, tag: str, count: int) -> None:
    log = WarcLog(Path(archive))
    for i in range(count):
        body = f"<html><body>{tag} {i}</body></html>".encode() * 50
        log.append(
            Exchange(
                uri=f"http://example.org/{tag}/{i}",
                request_line=f"GET /{tag}/{i} HTTP/1.1",
                request_headers=(("Host", "example.org"),),
                status_line="200 OK",
                response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                body=body,
            )
        )


def test_two_processes_append_to_one_warc_without_tearing_it(tmp_path: Path) -> None:
    """Concurrent runs queue on the file's lock: every record whole, none lost (no network)."""
    archive = tmp_path / "archive"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_append_many, args=(str(archive), tag, 60)) for tag in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    records = warc_records(archive)
    assert records[0] == ("warcinfo", None, None)
    assert len(records) == 1 + 2 * 2 * 60
    for tag in "ab":
        mine = [uri for kind, uri, _s in records if kind == "response" and f"/{tag}/" in uri]
        assert mine == [f"http://example.org/{tag}/{i}" for i in range(60)]
    (warc,) = (archive / "warc").glob("*.warc.gz")
    reread = run("extract", str(warc), "--archive", str(tmp_path / "again"))
    assert reread.output.startswith("Read 1 file (120 documents), skipped 0; ")


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    archive = str(tmp_path / "archive")
    both = run("extract", "-", "--urls", "-", "--archive", archive, input="x")
    assert both.exit_code == 2 and "standard input (-) can be read only once" in both.output
    since = run("extract", "--sitemap", "http://a/s.xml", "--since", "May", "--archive", archive)
    assert since.exit_code == 2 and "'May' is not a date (YYYY-MM-DD)" in since.output
    missing = run("extract", "--urls", str(tmp_path / "none.txt"), "--archive", archive)
    assert missing.exit_code == 2 and "none.txt" in missing.output
    assert not (tmp_path / "archive" / "warc").exists()


def test_captures_are_read_once_then_only_what_was_appended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver import warclog

    archive = tmp_path / "archive"
    _append_many(str(archive), "a", 5)
    starts: list[int] = []
    real_scan = warclog._scan

    def scan(path: Path, start: int) -> Any:
        starts.append(start)
        return real_scan(path, start)

    monkeypatch.setattr(warclog, "_scan", scan)
    first = read_captures(archive, save=True)
    (warc,) = (archive / "warc").glob("*.warc.gz")
    end = warc.stat().st_size
    assert read_captures(archive, save=True) == first and starts == [0]  # the cache answered
    _append_many(str(archive), "b", 2)
    both = read_captures(archive, save=True)
    assert starts[0] == 0 and set(starts[1:]) == {end} and len(both) == 7  # never all again
    assert [c.offset for c in both.values()] == [c.offset for c in real_read(archive).values()]
    # A different file in its place is read again from the start.
    _append_many(str(tmp_path / "other"), "z", 9)
    (other,) = (tmp_path / "other" / "warc").glob("*.warc.gz")
    assert other.stat().st_size > warc.stat().st_size
    warc.write_bytes(other.read_bytes())
    assert "http://example.org/z/8" in read_captures(archive) and starts[-1] == 0


def real_read(archive: Path) -> dict[str, Any]:
    """The captures read from the files alone, without the cache."""
    for cache in (archive / "warc").glob(".*.captures.json"):
        cache.unlink()
    return read_captures(archive)
