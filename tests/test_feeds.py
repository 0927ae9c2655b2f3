"""Sitemaps, feeds and URL lists: pure parsing, no network.

The markup follows the published formats: sitemaps.org's protocol page (urlset, sitemapindex,
W3C datetimes), RSS 2.0 (``link``, ``guid isPermaLink``, RFC 822 ``pubDate``), RSS 1.0 (RDF,
Dublin Core ``dc:date``) and Atom (RFC 4287 ``link rel``, ``updated``).
"""

from __future__ import annotations

import gzip
from datetime import date

import pytest

from archiver.errors import InputError
from archiver.extract.decode import decode
from archiver.feeds import gunzip, parse_listing, parse_when, read_url_list

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
   <url>
      <loc>http://www.example.com/</loc>
      <lastmod>2005-01-01</lastmod>
      <changefreq>monthly</changefreq>
      <priority>0.8</priority>
   </url>
   <url>
      <loc>http://www.example.com/catalog?item=12&amp;desc=vacation_hawaii</loc>
      <changefreq>weekly</changefreq>
   </url>
   <url>
      <loc>http://www.example.com/catalog?item=73&amp;desc=vacation_new_zealand</loc>
      <lastmod>2004-12-23</lastmod>
   </url>
   <url>
      <loc>http://www.example.com/catalog?item=74&amp;desc=vacation_newfoundland</loc>
      <lastmod>2004-12-23T18:00:15+00:00</lastmod>
   </url>
   <url>
      <loc>http://www.example.com/catalog?item=83&amp;desc=vacation_usa</loc>
      <lastmod>2004-11-23</lastmod>
   </url>
   <url><loc>ftp://www.example.com/not-fetched</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
   <sitemap>
      <loc>http://www.example.com/sitemap1.xml.gz</loc>
      <lastmod>2004-10-01T18:23:17+00:00</lastmod>
   </sitemap>
   <sitemap>
      <loc>http://www.example.com/sitemap2.xml.gz</loc>
      <lastmod>2005-01-01</lastmod>
   </sitemap>
</sitemapindex>"""

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://www.xml.com/xml/news.rss"><title>XML.com</title>
    <link>http://xml.com/pub</link></channel>
  <item rdf:about="http://xml.com/pub/2000/08/09/xslt/xslt.html">
    <title>Processing Inclusions with XSLT</title>
    <link>http://xml.com/pub/2000/08/09/xslt/xslt.html</link>
    <dc:date>2000-08-09</dc:date>
  </item>
  <item rdf:about="http://xml.com/pub/2000/08/09/rdfdb/index.html">
    <title>Putting RDF to Work</title>
    <link>http://xml.com/pub/2000/08/09/rdfdb/index.html</link>
  </item>
</rdf:RDF>"""

RSS2 = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Liftoff News</title><link>http://liftoff.msfc.nasa.gov/</link>
<item><title>Star City</title>
<link>http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp</link>
<pubDate>Tue, 03 Jun 2003 09:39:21 GMT</pubDate>
<guid>http://liftoff.msfc.nasa.gov/2003/06/03.html#item573</guid></item>
<item><description>A guid only, a permalink by default.</description>
<pubDate>Fri, 30 May 2003 11:06:42 GMT</pubDate>
<guid>http://liftoff.msfc.nasa.gov/2003/05/30.html#item572</guid></item>
<item><description>Not a permalink: no address.</description>
<guid isPermaLink="false">urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example Feed</title><link href="http://example.org/"/>
  <updated>2003-12-13T18:30:02Z</updated>
  <entry>
    <title>Atom-Powered Robots Run Amok</title>
    <link rel="edit" href="/edit/1"/>
    <link href="2003/12/13/atom03"/>
    <id>urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a</id>
    <updated>2003-12-13T18:30:02Z</updated>
  </entry>
  <entry>
    <title>Late at night, east of UTC</title>
    <link rel="alternate" type="text/html" href="http://example.org/2003/12/14/late"/>
    <updated>2003-12-14T00:30:00+02:00</updated>
  </entry>
</feed>"""


def test_a_sitemap_lists_its_pages_in_order() -> None:
    listing = parse_listing(SITEMAP, "http://www.example.com/sitemap.xml")
    assert listing.pages == (
        "http://www.example.com/",
        "http://www.example.com/catalog?item=12&desc=vacation_hawaii",
        "http://www.example.com/catalog?item=73&desc=vacation_new_zealand",
        "http://www.example.com/catalog?item=74&desc=vacation_newfoundland",
        "http://www.example.com/catalog?item=83&desc=vacation_usa",
    )
    assert listing.sitemaps == () and listing.old == 0


def test_since_keeps_recent_and_undated_entries() -> None:
    listing = parse_listing(SITEMAP, "http://www.example.com/", since=date(2004, 12, 23))
    assert [url.rsplit("=", 1)[-1] for url in listing.pages] == [
        "http://www.example.com/",
        "vacation_hawaii",  # no lastmod: cannot tell, so read
        "vacation_new_zealand",
        "vacation_newfoundland",
    ]
    assert listing.old == 1


def test_a_sitemap_index_lists_sitemaps_and_since_skips_old_ones() -> None:
    index = parse_listing(INDEX, "http://www.example.com/")
    assert index.sitemaps == (
        "http://www.example.com/sitemap1.xml.gz",
        "http://www.example.com/sitemap2.xml.gz",
    )
    assert index.pages == ()
    recent = parse_listing(INDEX, "http://www.example.com/", since=date(2004, 12, 1))
    assert recent.sitemaps == ("http://www.example.com/sitemap2.xml.gz",)


def test_a_gzipped_sitemap_is_read() -> None:
    assert parse_listing(gzip.compress(SITEMAP), "http://x/") == parse_listing(SITEMAP, "http://x/")


def test_a_gzip_bomb_stops_at_the_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000)
    with pytest.raises(InputError, match="more than 1 MiB once uncompressed"):
        gunzip(bomb, limit=1024 * 1024)
    with pytest.raises(InputError, match="truncated gzip data"):
        gunzip(bomb[: len(bomb) // 2])


def test_rss_1_and_2_and_atom() -> None:
    assert parse_listing(RSS1, "http://xml.com/").pages == (
        "http://xml.com/pub/2000/08/09/xslt/xslt.html",
        "http://xml.com/pub/2000/08/09/rdfdb/index.html",
    )
    rss = parse_listing(RSS2, "http://liftoff.msfc.nasa.gov/rss")
    assert rss.pages == (
        "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp",
        "http://liftoff.msfc.nasa.gov/2003/05/30.html#item572",
    )
    since = parse_listing(RSS2, "http://liftoff.msfc.nasa.gov/rss", since=date(2003, 6, 1))
    assert since.pages == rss.pages[:1] and since.old == 1
    atom = parse_listing(ATOM, "http://example.org/feed.atom")
    assert atom.pages == (
        "http://example.org/2003/12/13/atom03",  # relative: resolved; the edit link: not read
        "http://example.org/2003/12/14/late",
    )
    late = parse_listing(ATOM, "http://example.org/", since=date(2003, 12, 14))
    assert late.pages == ()  # 00:30 at UTC+2 is the 13th in UTC


def test_dates_in_every_listing_form() -> None:
    assert parse_when("2005-01-01") == date(2005, 1, 1)
    assert parse_when("2004-12-23T18:00:15+00:00") == date(2004, 12, 23)
    assert parse_when("2004-12-23T23:30:00-02:00") == date(2004, 12, 24)
    assert parse_when("Tue, 03 Jun 2003 09:39:21 GMT") == date(2003, 6, 3)
    assert parse_when("2004-07") == date(2004, 7, 1)
    assert parse_when("2004") == date(2004, 1, 1)
    assert parse_when("yesterday") is None
    assert parse_when(None) is None


def test_entities_and_dtds_are_not_expanded() -> None:
    xxe = b"""<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a/&x;</loc></url>
</urlset>"""
    assert all("root:" not in url for url in parse_listing(xxe, "http://a/").pages)


def test_what_is_not_a_listing_is_refused() -> None:
    with pytest.raises(InputError, match=r"neither a sitemap nor an RSS or Atom feed \(<html>\)"):
        parse_listing(b"<html><body>hi</body></html>", "http://a/")
    with pytest.raises(InputError, match="not XML"):
        parse_listing(b"\x00\x01 not xml", "http://a/")


def test_url_lists_take_comments_and_keep_fragments() -> None:
    text = "\ufeff# links from the reporter\nhttp://a/1\n  http://a/2#top   # second\n\n#x\n"
    assert read_url_list(text.lstrip("\ufeff")) == ["http://a/1", "http://a/2#top"]


def test_the_declared_charset_ranks_between_the_bom_and_the_meta() -> None:
    """BOM > HTTP header > <meta charset>, as browsers do; bytes valid as UTF-8 stay UTF-8."""
    text = "<html><head><meta charset='iso-8859-7'></head><body>Été — “oui”</body></html>"
    cp1252 = text.encode("cp1252", errors="ignore")
    assert decode(cp1252, "windows-1252") == (text, "cp1252")
    assert decode(cp1252)[0] != text  # the <meta> alone (Greek) gives mojibake
    assert decode(b"\xef\xbb\xbf" + text.encode(), "windows-1252") == (text, "utf-8")
    assert decode(text.encode(), "iso-8859-1") == (text, "utf-8")  # a stale server default
    assert decode(cp1252, "no-such-charset")[0] != text  # unknown label: ignored
