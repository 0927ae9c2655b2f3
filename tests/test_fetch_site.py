"""The issue's "done": a sitemap over a local site of ~200 articles gives what the files give.

The site serves every HTML page of ../shared/corpus, 145 articles without embeds and a few
broken ones (a PNG and an empty page served as HTML, a page cut in the middle of an embed, a
404 and a 500 in the sitemap), from a sitemap index pointing at a plain and a gzipped sitemap.
``extract --sitemap`` must archive exactly what ``extract`` of the same files archives (the
records compared whole, sources without their path and address), keep every response in one
WARC, and fetch no article a second time.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from .conftest import SHARED, need_shared
from .localweb import Site, loopback_only_fixture, site_fixture  # noqa: F401 - fixtures
from .test_cli import run

PROSE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Local news {i}</title></head><body>"
    "<article><h1>Council meeting {i}</h1><p>The council met on Tuesday — {i} items were "
    "discussed, from the budget to the café terraces.</p><blockquote><p>“We will decide "
    "next week,” said the mayor.</p></blockquote></article></body></html>"
)


def build_site(site: Site, folder: Path) -> tuple[list[str], dict[str, str]]:
    """Write the articles into ``folder`` and serve them; their URLs, and URL -> file name."""
    folder.mkdir()
    pages: dict[str, bytes] = {}
    for path in sorted((SHARED / "corpus").glob("*.html")):
        pages[path.name] = path.read_bytes()
    for i in range(145):
        pages[f"prose-{i:03}.html"] = PROSE.format(i=i).encode()
    pages["broken-image.html"] = b"\x89PNG\r\n\x1a\n" + bytes(200)
    pages["broken-empty.html"] = b""
    whole = (SHARED / "corpus" / "newspaper__mashable.com2.html").read_bytes()
    pages["broken-cut.html"] = whole[: len(whole) // 2]
    urls, names = [], {}
    for name, body in pages.items():
        (folder / name).write_bytes(body)
        url = site.page(f"/news/{name}", body)
        urls.append(url)
        names[url] = name
    urls += [site.url("/news/deleted.html"), site.url("/news/crashing.html")]
    site.routes["/news/crashing.html"] = (500, [("Content-Type", "text/html")], b"<p>error</p>")
    half = len(urls) // 2
    first = "".join(f"<url><loc>{u}</loc><lastmod>2024-05-01</lastmod></url>" for u in urls[:half])
    second = "".join(f"<url><loc>{u}</loc></url>" for u in urls[half:])
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    site.routes["/sitemap-1.xml"] = (
        200,
        [("Content-Type", "application/xml")],
        f"<?xml version='1.0'?><urlset {ns}>{first}</urlset>".encode(),
    )
    site.routes["/sitemap-2.xml.gz"] = (
        200,
        [("Content-Type", "application/gzip")],
        gzip.compress(f"<urlset {ns}>{second}</urlset>".encode()),
    )
    index = "".join(
        f"<sitemap><loc>{site.url(p)}</loc></sitemap>"
        for p in ("/sitemap-1.xml", "/sitemap-2.xml.gz")
    )
    site.routes["/sitemap.xml"] = (
        200,
        [("Content-Type", "application/xml")],
        f"<sitemapindex {ns}>{index}</sitemapindex>".encode(),
    )
    return urls, names


def records(archive: Path) -> dict[str, dict[str, Any]]:
    """Every record by key, its sources without where they were read (path, address, record)."""
    result = run("export", "--archive", str(archive))
    assert result.exit_code == 0
    out = {}
    for line in result.output.splitlines():
        record = json.loads(line)
        record["sources"] = sorted(
            json.dumps({k: v for k, v in s.items() if k not in ("path", "url", "record")})
            for s in record["sources"]
        )
        out[record["key"]] = record
    return out


def skips(output: str) -> dict[str, str]:
    lines = [line[len("skipped ") :] for line in output.splitlines() if line.startswith("skipped ")]
    return dict(line.split(": ", 1) for line in lines)


def test_a_sitemap_of_200_articles_archives_what_the_files_give(
    site: Site, loopback_only: list[str], tmp_path: Path
) -> None:
    need_shared()
    urls, names = build_site(site, tmp_path / "site")
    assert len(urls) >= 200
    web, local = tmp_path / "web", tmp_path / "local"
    sitemap = site.url("/sitemap.xml")

    fetched = run("extract", "--sitemap", sitemap, "--delay", "0", "--archive", str(web))
    read = run("extract", str(tmp_path / "site"), "--jobs", "1", "--archive", str(local))

    # The same articles skipped for the same reasons, and the two the site lacks.
    assert fetched.exit_code == read.exit_code == 1
    web_skips = skips(fetched.output)
    assert web_skips.pop(site.url("/news/deleted.html")) == "HTTP 404 Not Found"
    assert web_skips.pop(site.url("/news/crashing.html")) == "HTTP 500 Internal Server Error"
    assert {names[url]: why for url, why in web_skips.items()} == {
        Path(path).name: why for path, why in skips(read.output).items()
    }
    assert len(web_skips) == 2  # the PNG and the empty page
    # The same tweets, records and article versions.
    assert fetched.output.split("; ")[1] == read.output.split("; ")[1]
    got, want = records(web), records(local)
    assert len(want) > 100
    assert got == want
    pages = len(urls) - 4
    assert f"Read {pages} web pages ({pages} fetched, 0 from earlier captures), skipped 4; " in (
        fetched.output
    )

    # One WARC holds every response: robots.txt, the sitemaps, every article (and the 404).
    (warc,) = (web / "warc").glob("*.warc.gz")
    responses = {}
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response":
                uri = record.rec_headers.get_header("WARC-Target-URI")
                responses[uri] = int(record.http_headers.get_statuscode())
    listings = [site.url(p) for p in ("/robots.txt", "/sitemap.xml", "/sitemap-1.xml")]
    assert set(responses) == {*urls, *listings, site.url("/sitemap-2.xml.gz")}
    # The articles' sources point into it.
    sources = {
        (s["path"], s["url"])
        for r in json.loads(run("export", "--format", "json", "--archive", str(web)).output)
        for s in r["sources"]
    }
    assert {path for path, _url in sources} == {str(warc)}
    assert {url for _path, url in sources} <= set(urls)

    # A second run fetches no article again (only robots.txt and the listings).
    site.requests.clear()
    again = run("extract", "--sitemap", sitemap, "--delay", "0", "--archive", str(web))
    listed = ["/robots.txt", "/sitemap.xml", "/sitemap-1.xml", "/sitemap-2.xml.gz"]
    retried = ["/news/crashing.html", "/news/deleted.html"]  # errors are tried again
    assert sorted(site.paths()) == sorted(listed + retried)
    assert f"Read {pages} web pages (0 fetched, {pages} from earlier captures), " in again.output
    assert records(web) == want
    assert loopback_only == []
