"""The offline HTML archive: cards, index and article pages, their safety and incrementality.

The sample tweets are real: the seed article's two (text copy, no ids) and tweets from
shared/corpus (daily-arxiv-gatsby 2021-01-01 for Japanese, 2021-04-02 for Arabic,
trafilatura amnesty.de for the emoji-heavy one), plus a stub whose text was never captured.
``test_browser.py`` renders the same archive in Chromium.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from archiver.model import Article, Document, Found, Link, Media, Source, Tweet, make_key
from archiver.render import card_relpath
from archiver.render.html import RenderReport, article_relpath, safe_href
from archiver.render.site import render_site
from archiver.store import Archive

# --- The sample archive ---------------------------------------------------------------------

SEED = Source(
    path="seeds/aimf-corim-villes-diplomatie-2023.txt",
    sha256="6d7fdca4606c9ae19f7885f60b398507b29105d6f7cc683d38762f26c8d08f5a",
    format="text",
)
ARXIV_JA = Source(
    path="corpus/daily-arxiv-gatsby__2021-01-01---Hot-Papers.md",
    sha256=hashlib.sha256(b"2021-01-01---Hot-Papers").hexdigest(),
    format="markdown",
    title="Hot Papers 2021-01-01",
    url="https://github.com/TatsuyaShirakawa/daily-arxiv-gatsby",
)
ARXIV_AR = Source(
    path="corpus/daily-arxiv-gatsby__2021-04-02---Hot-Papers.md",
    sha256=hashlib.sha256(b"2021-04-02---Hot-Papers").hexdigest(),
    format="markdown",
    title="Hot Papers 2021-04-02",
)
AMNESTY = Source(
    path="corpus/trafilatura__amnesty.de-waffensysteme.html",
    sha256=hashlib.sha256(b"amnesty.de-waffensysteme").hexdigest(),
    format="html",
    title="Autonome Waffensysteme: Amnesty fordert Verbot",
    url="https://www.amnesty.de/",
)

PLANTE_TEXT = (
    "Les villes s’imposent comme des actrices incontournables des relations internationales.\n"
    "J’en discuterai aujourd’hui au Conseil des relations internationales de Montréal avec mes "
    "collègues @brunomarchand, @evbeaudin et @BelisleFrance.@corim_mcfr #CORIM #polmtl "
    "pic.twitter.com/fic7j4aKUV"
)
LACTUALITE_TEXT = (
    "Bruno Marchand et Valérie Plante sont de cette nouvelle génération de maires et de "
    "mairesses du Québec qui veulent jouer un rôle à l’international. Le gouvernement Legault "
    "doit en prendre note, dit notre collaboratrice @stpierre_ch. https://t.co/q2id0wiOXj"
)

PLANTE = Tweet(
    key=make_key(None, "Val_Plante", "2023-04-12", PLANTE_TEXT),
    author="Valérie Plante",
    handle="Val_Plante",
    date="2023-04-12",
    text=PLANTE_TEXT,
    mentions=("brunomarchand", "evbeaudin", "BelisleFrance", "corim_mcfr"),
    hashtags=("CORIM", "polmtl"),
    media=(Media("pic.twitter.com/fic7j4aKUV", "pic.twitter.com/fic7j4aKUV"),),
    sources=(SEED,),
)
LACTUALITE = Tweet(
    key=make_key(None, "Lactualite", "2023-04-13", LACTUALITE_TEXT),
    author="L’actualité",
    handle="Lactualite",
    date="2023-04-13",
    text=LACTUALITE_TEXT,
    mentions=("stpierre_ch",),
    links=(Link("https://t.co/q2id0wiOXj", "https://t.co/q2id0wiOXj"),),
    sources=(SEED,),
)
JAPANESE = Tweet(
    key="1344868258424344576",
    id="1344868258424344576",
    url="https://twitter.com/yuko_kuroki_cs/status/1344868258424344576",
    author="Yuko Kuroki",
    handle="yuko_kuroki_cs",
    date="2021-01-01",
    lang="ja",
    text=(
        "あけましておめでとうございます🌅🎍\n"
        "不確実性下&限られた観測だけから組合せ最適化問題を解く一般的な枠組みである確率的組合せ"
        "最適腕識別に関するちょっとしたReview記事を杉山先生と本多先生と一緒に書かせてもらいました🙂\n"
        "（プレプリントhttps://t.co/Q7BFxyY0Y7）\n"
        "今年も宜しくお願いします🎍🌅 pic.twitter.com/LyZbZHcTny"
    ),
    links=(
        Link(
            "https://t.co/Q7BFxyY0Y7",
            "arxiv.org/abs/2012.15412",
            "https://arxiv.org/abs/2012.15412",
        ),
    ),
    media=(Media("https://t.co/LyZbZHcTny", "pic.twitter.com/LyZbZHcTny"),),
    sources=(ARXIV_JA,),
)
ARABIC = Tweet(
    key="1377959898076569604",
    id="1377959898076569604",
    url="https://twitter.com/SaifAlHarthi/status/1377959898076569604",
    author="Saif AlHarthi",
    handle="SaifAlHarthi",
    date="2021-04-02",
    lang="ar",
    text=(
        "#حاسوبيات\nبحث سينشر من شركة\nUber\nفي احد اكبر مؤتمرات قواعد البيانات\n"
        "تتحدث عن البنية التحتية للتعامل مع البيانات اللحظية\nReal-time Data"
        "https://t.co/jrvvYNUp1E"
    ),
    hashtags=("حاسوبيات",),
    links=(Link("https://t.co/jrvvYNUp1E", "https://t.co/jrvvYNUp1E"),),
    sources=(ARXIV_AR,),
)
EMOJI = Tweet(
    key="1223159406038343685",
    id="1223159406038343685",
    url="https://twitter.com/BanKillerRobots/status/1223159406038343685",
    author="Stop Killer Robots",
    handle="BanKillerRobots",
    date="2020-01-31",
    lang="en",
    text=(
        "Today in #Berlin parliamentarians will debate the #KillerRobots challenge, specifically "
        "#Germany’s role in the international effort to launch negotiations on a ban treaty to "
        "retain meaningful human control over the use of force. 🖐🤖☠️🇩🇪 #TeamHuman #KeepCtrl "
        "@KillerRoboterSt pic.twitter.com/rAwAqq9xVt"
    ),
    media=(Media("https://t.co/rAwAqq9xVt", "pic.twitter.com/rAwAqq9xVt"),),
    sources=(AMNESTY, SEED),
)
STUB = Tweet(key="1247616214769086465", id="1247616214769086465", sources=(AMNESTY,))

TWEETS = (LACTUALITE, PLANTE, ARABIC, JAPANESE, STUB, EMOJI)
#: Newest first, as the store hands them over (undated last).
STORED = (LACTUALITE, PLANTE, ARABIC, JAPANESE, EMOJI, STUB)
ARTICLES = (
    Article(SEED, "2024-05-02T09:15:00Z", (PLANTE.key, LACTUALITE.key, EMOJI.key)),
    Article(ARXIV_JA, "2024-05-03T10:00:00Z", (JAPANESE.key,)),
    Article(ARXIV_AR, "2024-05-03T10:01:00Z", (ARABIC.key,)),
    Article(AMNESTY, "2024-05-04T18:30:00Z", (EMOJI.key, STUB.key)),
)


def write_png(path: Path) -> None:
    """A small solid PNG, standing in for the PNG renderer's card."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 20), (29, 155, 240)).save(path)


def store(archive: Archive, tweets: Iterable[Tweet], articles: Iterable[Article]) -> None:
    """Save ``tweets`` into ``archive`` as found in ``articles`` (read when they say)."""
    by_key = {t.key: t for t in tweets}
    articles = list(articles)
    archive.save_documents(
        Document(
            a.source,
            tuple(Found(by_key[k].with_sources(()), "", "test") for k in a.keys if k in by_key),
        )
        for a in articles
    )
    found = {k for a in articles for k in a.keys}
    archive.import_tweets(t.with_sources(()) for t in by_key.values() if t.key not in found)
    with archive.conn:
        for a in articles:
            archive.conn.execute(
                "UPDATE sources SET read_at = ? WHERE path = ? AND sha256 = ?",
                (a.read_at, a.source.path, a.source.sha256),
            )


def render(
    out: Path,
    tweets: Iterable[Tweet] = TWEETS,
    articles: Iterable[Article] = ARTICLES,
    **options: Any,
) -> RenderReport:
    """Store ``tweets`` as found in ``articles`` in the archive at ``out``, and render it."""
    out.mkdir(parents=True, exist_ok=True)
    with Archive(out) as archive:
        store(archive, tweets, articles)
        return render_site(archive, out, **options)


def build_archive(out: Path, *, theme: str | None = None, with_json: bool = False) -> RenderReport:
    """The sample archive in ``out``: a README of its own, one PNG card, all pages."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "README.md").write_text("# My archive\n", encoding="utf-8")
    write_png(out / card_relpath(PLANTE, "png"))
    return render(out, theme=theme, with_json=with_json)


def read(out: Path, relpath: str) -> str:
    return (out / relpath).read_text(encoding="utf-8")


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


# --- A static audit of one page -------------------------------------------------------------


class PageAudit(HTMLParser):
    """Every tag with its attributes, and the bodies of <script> and <style>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.bodies: dict[str, list[str]] = {"script": [], "style": []}
        self._open: tuple[str, list[str]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.bodies:
            self._open = (tag, [])

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[0] == tag:
            self.bodies[tag].append("".join(self._open[1]))
            self._open = None

    def csp(self) -> dict[str, list[str]]:
        [policy] = [
            a["content"] or ""
            for t, a in self.tags
            if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"
        ]
        directives = (d.split() for d in policy.split(";") if d.strip())
        return {d[0]: d[1:] for d in directives}


def csp_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


#: Elements that load or embed something, and attributes that run or fetch something; none
#: of them has a place in an archive page.
FORBIDDEN_TAGS = {
    "iframe",
    "frame",
    "object",
    "embed",
    "applet",
    "base",
    "portal",
    "audio",
    "video",
    "source",
    "track",
}
CSP_DIRECTIVES = {"default-src", "style-src", "script-src", "img-src", "base-uri", "form-action"}
FORBIDDEN_ATTRIBUTES = {
    "style",
    "srcdoc",
    "srcset",
    "formaction",
    "action",
    "ping",
    "background",
    "poster",
    "xlink:href",
    "data",
}


def audit_page(page: Path, out: Path) -> None:
    """Fail unless ``page`` can load nothing remote and run nothing but its own script."""
    audit = PageAudit(page.read_text(encoding="utf-8"))
    csp = audit.csp()
    assert csp["default-src"] == ["'none'"], page
    assert set(csp) <= CSP_DIRECTIVES, page
    # The one stylesheet and the (index's only) script run by hash, nothing else.
    [style] = audit.bodies["style"]
    assert csp["style-src"] == [csp_hash(style)]
    assert "url(" not in style and "@import" not in style
    assert len(audit.bodies["script"]) <= 1
    for body in audit.bodies["script"]:
        # It runs by hash, and only it may add scripts (the search index's, under search/).
        assert csp["script-src"] == [csp_hash(body), "'strict-dynamic'"]
    assert ("script-src" in csp) == bool(audit.bodies["script"])
    assert set(csp["img-src"]) <= {"'self'", "data:"}

    for tag, attrs in audit.tags:
        assert tag not in FORBIDDEN_TAGS, (page, tag)
        for name in attrs:
            assert not name.startswith("on"), (page, tag, name)
            assert name not in FORBIDDEN_ATTRIBUTES, (page, tag, name)
        if tag == "script":
            assert "src" not in attrs
        if tag == "meta" and "http-equiv" in attrs:
            assert (attrs["http-equiv"] or "").lower() == "content-security-policy"
        if tag == "link":
            assert attrs.get("rel") == "icon" and (attrs.get("href") or "").startswith("data:")
        if tag == "img":
            assert_inside(page, out, attrs.get("src") or "")
        if tag == "a":
            href = attrs.get("href") or ""
            if is_http_url(href):
                assert attrs.get("rel") == "noopener noreferrer nofollow", href
            else:
                assert_inside(page, out, href)


def assert_inside(page: Path, out: Path, url: str) -> None:
    """``url`` is a relative link from ``page`` to a file that exists inside ``out``."""
    assert not urlsplit(url).scheme and not url.startswith("/"), url
    target = (page.parent / urlsplit(url).path).resolve()  # "index.html#a=…" is index.html
    assert out.resolve() in target.parents and target.is_file(), url


# --- What gets written ----------------------------------------------------------------------


def test_render_writes_cards_listings_directories_search_and_index(tmp_path: Path) -> None:
    report = build_archive(tmp_path)
    expected = {card_relpath(t, "html") for t in TWEETS}
    expected |= {article_relpath(a.source) for a in ARTICLES} | {"index.html"}
    # One page a month (the stub has no date), one a handle (the stub has none either).
    expected |= {f"months/{m}/1.html" for m in ("2023-04", "2021-04", "2021-01", "2020-01")}
    expected |= {"months/undated/1.html", "handles/_unknown/1.html"}
    expected |= {f"handles/{t.handle.lower()}/1.html" for t in TWEETS if t.handle}
    expected |= {f"directory/handles-{c}-1.html" for c in "abcdefghijklmnopqrstuvwxyz0123456789_"}
    expected |= {"directory/articles-1.html", "search/manifest.js", "search/articles.js"}
    expected |= {f"search/t/{b}.js" for b in range(16)}
    written = set(report.paths)
    chunks = {p for p in written if p.startswith("search/d/")}
    assert chunks and all(re.fullmatch(r"search/d/\d+\.js", p) for p in chunks)
    assert written - chunks == expected
    assert (report.written, report.unchanged) == (len(written), 0)
    assert read(tmp_path, "README.md") == "# My archive\n"
    assert not list(tmp_path.rglob("*.json"))


def test_every_page_is_offline_safe(tmp_path: Path) -> None:
    build_archive(tmp_path, with_json=True)
    for page in pages(tmp_path):
        audit_page(page, tmp_path)


def test_index_shows_counts_newest_cards_months_and_a_hidden_search(tmp_path: Path) -> None:
    build_archive(tmp_path)
    index = read(tmp_path, "index.html")
    assert (
        "<strong>6</strong> posts by <strong>5</strong> handles, quoted in "
        "<strong>4</strong> articles" in index
    )
    order = [index.index(f'id="t-{t.key}"') for t in STORED]
    assert order == sorted(order)
    # The search form is hidden until its script shows it: without JS, plain links.
    assert '<form id="search" class="filter" role="search" hidden>' in index
    assert '<a href="months/2023-04/1.html">All posts, newest first</a>' in index
    for month in ("2023-04", "2021-04", "2021-01", "2020-01", "undated"):
        assert f'<a href="months/{month}/1.html">' in index
    # The one inline script may add the index's scripts, nothing else may run.
    [script] = PageAudit(index).bodies["script"]
    assert f"script-src {csp_hash(script)} 'strict-dynamic'" in index


def test_listing_pages_chain_months_newest_to_oldest(tmp_path: Path) -> None:
    build_archive(tmp_path)
    chain, page = [], "months/2023-04/1.html"
    while page:
        chain.append(page)
        text = read(tmp_path, page)
        older = re.search(r'<a class="older" href="\.\./\.\./([^"]+)"', text)
        page = older.group(1) if older else ""
    assert chain == [
        "months/2023-04/1.html",
        "months/2021-04/1.html",
        "months/2021-01/1.html",
        "months/2020-01/1.html",
        "months/undated/1.html",
    ]
    keys = [
        k
        for p in chain
        for k in re.findall(r'<article class="tweet[^"]*" id="t-([^"]+)"', read(tmp_path, p))
    ]
    assert keys == [t.key for t in STORED]
    handle = read(tmp_path, "handles/val_plante/1.html")
    assert f'id="t-{PLANTE.key}"' in handle and "<bdi>@Val_Plante</bdi>" in handle


def test_card_looks_like_an_embed_with_linked_entities(tmp_path: Path) -> None:
    build_archive(tmp_path)
    card = read(tmp_path, card_relpath(PLANTE, "html"))
    rel = 'rel="noopener noreferrer nofollow"'
    assert "<bdi>Valérie Plante</bdi>" in card and "<bdi>@Val_Plante</bdi>" in card
    assert '<time datetime="2023-04-12">April 12, 2023</time>' in card
    assert (
        f'<a class="mention" href="https://twitter.com/brunomarchand" {rel}>@brunomarchand' in card
    )
    assert (
        f'.<a class="mention" href="https://twitter.com/corim_mcfr" {rel}>@corim_mcfr</a>' in card
    )
    assert (
        f'<a class="hashtag" href="https://twitter.com/search?q=%23CORIM" {rel}>#CORIM</a>' in card
    )
    assert "internationales.\nJ’en discuterai" in card  # a line break, kept by pre-wrap
    assert '<a href="https://pic.twitter.com/fic7j4aKUV"' in card
    assert "photo — not archived" in card
    # No id, no URL: no "View on X"; the provenance names the seed file (it has no title).
    assert "View on X" not in card
    assert (
        f'<a href="../../{article_relpath(SEED)}"><bdi>aimf-corim-villes-diplomatie-2023.txt'
        in card
    )


def test_tco_links_use_their_href_and_display_text(tmp_path: Path) -> None:
    build_archive(tmp_path)
    rel = 'rel="noopener noreferrer nofollow"'
    lactualite = read(tmp_path, card_relpath(LACTUALITE, "html"))
    assert (
        f'<a class="url" href="https://t.co/q2id0wiOXj" {rel}>https://t.co/q2id0wiOXj</a>'
        in lactualite
    )
    japanese = read(tmp_path, card_relpath(JAPANESE, "html"))
    assert (
        f'<a class="url" href="https://t.co/Q7BFxyY0Y7" {rel}>arxiv.org/abs/2012.15412</a>'
        in japanese
    )
    # Glued to the word before it, twitter-text finds no URL; the record's link still counts.
    arabic = read(tmp_path, card_relpath(ARABIC, "html"))
    assert f'Real-time Data<a class="url" href="https://t.co/jrvvYNUp1E" {rel}>' in arabic


def test_text_direction_language_and_astral_characters(tmp_path: Path) -> None:
    build_archive(tmp_path)
    arabic = read(tmp_path, card_relpath(ARABIC, "html"))
    assert '<div class="tweet-text" dir="auto" lang="ar">' in arabic
    assert (
        '<a class="hashtag" href="https://twitter.com/search?q=%23%D8%AD%D8%A7%D8%B3%D9%88%D8%'
        'A8%D9%8A%D8%A7%D8%AA"' in arabic
    )
    emoji = read(tmp_path, card_relpath(EMOJI, "html"))
    # Entities after astral characters (🖐🤖☠️🇩🇪) are cut at the right places.
    assert '🖐🤖☠️🇩🇪 <a class="hashtag"' in emoji
    assert '>#TeamHuman</a> <a class="hashtag"' in emoji
    assert '>@KillerRoboterSt</a> <a class="url" href="https://t.co/rAwAqq9xVt"' in emoji
    japanese = read(tmp_path, card_relpath(JAPANESE, "html"))
    assert '🎍🌅 <a class="url" href="https://t.co/LyZbZHcTny"' in japanese


def test_time_is_shown_in_utc_when_known(tmp_path: Path) -> None:
    build_archive(tmp_path)
    japanese = read(tmp_path, card_relpath(JAPANESE, "html"))
    # No created_at in the record: the time comes from the snowflake id.
    assert '<time datetime="2021-01-01T04:49:13Z">January 1, 2021 · 04:49 UTC</time>' in japanese
    assert 'href="https://twitter.com/yuko_kuroki_cs/status/1344868258424344576"' in japanese
    tweet = replace(PLANTE, created_at="2023-04-12T10:03:11-04:00")
    render(tmp_path / "tz", [tweet], [])
    card = read(tmp_path / "tz", card_relpath(tweet, "html"))
    assert '<time datetime="2023-04-12T14:03:11Z">April 12, 2023 · 14:03 UTC</time>' in card


def test_uncertain_text_has_a_discreet_mark_that_explains(tmp_path: Path) -> None:
    alternative = PLANTE_TEXT.split("\n", 1)[1]
    unsure = replace(PLANTE, text_uncertain=True, text_alternative=alternative)
    render(tmp_path / "unsure", [unsure], [])
    card = read(tmp_path / "unsure", card_relpath(unsure, "html"))
    (mark,) = re.findall(
        r'<span class="uncertain" title="([^"]*)">text boundary uncertain</span>', card
    )
    assert mark.startswith("Text boundary uncertain: read from a text copy of the article")
    assert mark.endswith(
        "Without it: J’en discuterai aujourd’hui au Conseil des relations "
        "internationales de Montréal avec mes collègues @brunomarchand, @evbeaudin et "
        "@BelisleFrance.@corim_mcfr #CORIM #polmtl pic.twitter.com/fic7j4aKUV"
    )
    render(tmp_path / "sure", [PLANTE], [])
    assert 'class="uncertain"' not in read(tmp_path / "sure", card_relpath(PLANTE, "html"))


def test_stub_renders_as_text_not_captured(tmp_path: Path) -> None:
    build_archive(tmp_path)
    stub = read(tmp_path, card_relpath(STUB, "html"))
    assert "Text not captured" in stub
    assert "<code>1247616214769086465</code>" in stub
    assert '<time datetime="2020-04-07T20:04:19Z">April 7, 2020 · 20:04 UTC</time>' in stub
    assert 'href="https://twitter.com/i/web/status/1247616214769086465"' in stub
    assert card_relpath(STUB, "html") == "tweets/_unknown/1247616214769086465.html"


def test_article_page_shows_its_tweets_in_order_and_each_links_back(tmp_path: Path) -> None:
    build_archive(tmp_path)
    page = read(tmp_path, article_relpath(SEED))
    assert "<code><bdi>seeds/aimf-corim-villes-diplomatie-2023.txt</bdi></code> (text)" in page
    assert '<time datetime="2024-05-02T09:15:00Z">May 2, 2024 · 09:15 UTC</time>' in page
    assert "<strong>3</strong> posts embedded, in order of appearance" in page
    order = [page.index(f'id="t-{key}"') for key in ARTICLES[0].keys]
    assert order == sorted(order)
    # The emoji tweet was quoted by two articles: its card links to both, from either page.
    for relpath in (article_relpath(SEED), article_relpath(AMNESTY), card_relpath(EMOJI, "html")):
        text = read(tmp_path, relpath)
        card = text[text.index(f'id="t-{EMOJI.key}"') :]
        root = "../" * relpath.count("/")
        assert f'href="{root}{article_relpath(AMNESTY)}"' in card
        assert f'href="{root}{article_relpath(SEED)}"' in card


def test_png_card_is_shown_where_it_exists(tmp_path: Path) -> None:
    build_archive(tmp_path)
    card = read(tmp_path, card_relpath(PLANTE, "html"))
    name = Path(card_relpath(PLANTE, "png")).name
    assert f'<img src="../../tweets/Val_Plante/{name}" alt="Les villes s’imposent' in card
    assert "img-src 'self' data:" in card
    index = read(tmp_path, "index.html")
    assert f'<img src="tweets/Val_Plante/{name}"' in index
    other = read(tmp_path, card_relpath(LACTUALITE, "html"))
    assert "<img" not in other and "img-src data:;" in other


def test_json_records_are_written_next_to_cards(tmp_path: Path) -> None:
    report = render(tmp_path, with_json=True, with_html=False)
    assert set(report.paths) == {card_relpath(t, "json") for t in TWEETS}
    record = json.loads(read(tmp_path, card_relpath(JAPANESE, "json")))
    assert Tweet.from_dict(record) == JAPANESE
    render(tmp_path)
    card = read(tmp_path, card_relpath(JAPANESE, "html"))
    assert (
        f'<a class="record" href="../../{card_relpath(JAPANESE, "json")}">JSON record</a>' in card
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_theme_can_be_forced(tmp_path: Path, theme: str) -> None:
    build_archive(tmp_path, theme=theme)
    for page in pages(tmp_path):
        text = page.read_text(encoding="utf-8")
        assert f'<html lang="en" data-theme="{theme}">' in text
        assert f'<meta name="color-scheme" content="{theme}">' in text
        assert f":root{{color-scheme:{theme};" in text
        assert "prefers-color-scheme" not in text


def test_default_theme_follows_the_reader(tmp_path: Path) -> None:
    build_archive(tmp_path)
    index = read(tmp_path, "index.html")
    assert '<meta name="color-scheme" content="light dark">' in index
    assert "@media (prefers-color-scheme: dark){:root{color-scheme:dark;" in index


def test_unknown_theme_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="theme"):
        render(tmp_path, theme="sepia")


# --- Incremental rendering ------------------------------------------------------------------


def outputs(out: Path) -> dict[Path, int]:
    """Every rendered file with its modification time (not the archive's own database)."""
    return {
        p: p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file() and not p.name.startswith("archive.sqlite")
    }


def test_second_run_writes_nothing(tmp_path: Path) -> None:
    build_archive(tmp_path, with_json=True)
    stamps = outputs(tmp_path)
    second = render(tmp_path, with_json=True)
    # Nothing changed in the archive: only index.html and the search manifest and article list
    # are made again, and found identical.
    assert (second.written, second.unchanged, second.paths) == (0, 3, ())
    assert stamps == outputs(tmp_path)


def test_changing_one_record_rewrites_only_its_outputs(tmp_path: Path) -> None:
    build_archive(tmp_path, with_json=True)
    changed = replace(JAPANESE, text="🎉 " + JAPANESE.text)
    tweets = [changed if t is JAPANESE else t for t in TWEETS]
    report = render(tmp_path, tweets, ARTICLES, with_json=True)
    search = {p for p in report.paths if p.startswith("search/")}
    assert set(report.paths) - search == {
        card_relpath(JAPANESE, "html"),
        card_relpath(JAPANESE, "json"),
        article_relpath(ARXIV_JA),
        "months/2021-01/1.html",
        "handles/yuko_kuroki_cs/1.html",
        "index.html",
    }
    # Its words did not change (an emoji is no word): only its result snippet did.
    [chunk] = search
    assert chunk.startswith("search/d/") and "🎉" in read(tmp_path, chunk)
    assert "🎉" in read(tmp_path, card_relpath(JAPANESE, "html"))


def test_force_rewrites_everything(tmp_path: Path) -> None:
    first = build_archive(tmp_path)
    forced = render(tmp_path, force=True)
    assert (forced.written, forced.unchanged) == (first.written, 0)
    assert read(tmp_path, "README.md") == "# My archive\n"


# --- Untrusted input ------------------------------------------------------------------------

HOSTILE_SOURCE = Source(
    path="../../etc/<script>alert(1)</script>.html",
    sha256="0" * 64,
    format="html",
    title='Evil "title" <img src=x onerror=alert(1)>',
    url="javascript:alert(document.cookie)",
)
HOSTILE = Tweet(
    key="../../../evil<script>",
    id="1646130390427684866",
    url="javascript:alert(1)",
    author='\u202eevil"><script>alert("name")</script>',
    handle='../../..\\evil"onmouseover="alert(1)',
    date="2023-04-12",
    lang='en" onfocus="alert(1)',
    text=(
        '<script>alert("text")</script> "quoted" \'single\' &amp; '
        "<img src=x onerror=alert(1)> \u202egnp.exe\u202c javascript:alert(1) "
        "data:text/html,<script>alert(2)</script> https://t.co/evil\n\n"
        '@x"><svg/onload=alert(1)> #tag"onclick=alert(1)'
    ),
    links=(
        Link("javascript:alert(1)", "https://t.co/evil"),
        Link("data:text/html,<script>alert(3)</script>", "data:text/html"),
    ),
    media=(Media("javascript:alert(4)", '"><script>alert(5)</script>'),),
    sources=(HOSTILE_SOURCE,),
)
HOSTILE_2 = Tweet(
    key="t-0123456789abcdef",
    author="</title><script>alert(6)</script>",
    handle="..",
    text='vbscript:msgbox(1) //evil.example/x http://ok.example.com/"onmouseover=alert(7)',
    links=(Link(" JaVaScRiPt:alert(8)", "//evil.example/x"),),
    sources=(HOSTILE_SOURCE,),
)


def test_hostile_input_renders_inert_pages_inside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "archive"
    report = render(
        out,
        [HOSTILE, HOSTILE_2],
        [Article(HOSTILE_SOURCE, "<script>", (HOSTILE.key, HOSTILE_2.key))],
        with_json=True,
    )
    # The store keys a record with an id by its id.
    hostile = replace(HOSTILE, key=HOSTILE.id)
    assert {card_relpath(t, e) for t in (hostile, HOSTILE_2) for e in ("html", "json")} <= set(
        report.paths
    )
    folders = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()}
    assert folders == {
        "tweets",
        "tweets/evil_onmouseover_alert_1",
        "tweets/_unknown",
        "articles",
        "months",
        "months/2023-04",
        "months/undated",
        "handles",
        "handles/_-" + hashlib.sha256(b"..").hexdigest()[:8],
        "handles/evil_onmouseover_alert_1-"
        + hashlib.sha256(HOSTILE.handle.encode()).hexdigest()[:8],
        "directory",
        "search",
        "search/t",
        "search/d",
    }
    assert not [p for p in tmp_path.iterdir() if p != out]
    for page in pages(out):
        audit_page(page, out)
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text
        # No right-to-left override in names or titles; the text keeps it, isolated by dir=auto.
        names = re.findall(r"<title>.*?</title>|<bdi>.*?</bdi>", text, re.S)
        assert names and not any("\u202e" in name for name in names)
    card = read(out, card_relpath(hostile, "html"))
    assert "&lt;script&gt;alert(&#34;text&#34;)&lt;/script&gt;" in card
    assert 'href="https://twitter.com/i/web/status/1646130390427684866"' in card  # not javascript:
    assert "<p>" in card.split("https://t.co/evil", 1)[1]  # the blank line made a new paragraph
    card_2 = read(out, card_relpath(HOSTILE_2, "html"))
    assert 'href="http://ok.example.com/' in card_2 and '"onmouseover' not in card_2


FRAGMENTS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        '"><svg onload=alert(1)>',
        "'onmouseover='alert(1)",
        "https://t.co/abc",
        'http://x.example/a"b',
        "@user",
        "#tag",
        "$CASH",
        "pic.twitter.com/abc",
        "\u202e",
        "\n\n",
        "&amp;",
        "</style>",
        "{{ 7*7 }}",
    ]
)
UNTRUSTED = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=8).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=UNTRUSTED, author=UNTRUSTED, handle=UNTRUSTED, url=UNTRUSTED)
def test_any_untrusted_text_renders_inert(text: str, author: str, handle: str, url: str) -> None:
    tweet = Tweet(
        key="1",
        author=author,
        handle=handle,
        url=url,
        text=text,
        links=(Link(url, url),),
        media=(Media(url, url),),
        sources=(replace(HOSTILE_SOURCE, title=author, url=url),),
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        render(out, [tweet], [Article(tweet.sources[0], "", (tweet.key,))])
        for page in pages(out):
            audit_page(page, out)
            assert "{{" not in page.read_text(encoding="utf-8").replace("{{ 7*7 }}", "")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://t.co/q2id0wiOXj", "https://t.co/q2id0wiOXj"),
        ("http://example.com/a?b=c#d", "http://example.com/a?b=c#d"),
        ("  https://example.com  ", "https://example.com"),
        ("pic.twitter.com/fic7j4aKUV", "https://pic.twitter.com/fic7j4aKUV"),
        ("www.example.org/x", "https://www.example.org/x"),
        ("HTTPS://EXAMPLE.COM", "HTTPS://EXAMPLE.COM"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("vbscript:msgbox(1)", None),
        ("file:///etc/passwd", None),
        ("ftp://example.com/", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("https:javascript:alert(1)", None),
        ("https://", None),
        ("https://exa mple.com", None),
        ("https://example.com/\x00", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href_keeps_only_http_and_https(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected


@pytest.mark.parametrize(
    ("path", "sha", "pattern"),
    [
        (
            "seeds/aimf-corim-villes-diplomatie-2023.txt",
            "ab" * 32,
            r"articles/aimf-corim-villes-diplomatie-2023-[0-9a-f]{12}\.html",
        ),
        ("../../etc/passwd", "", r"articles/passwd-[0-9a-f]{12}\.html"),
        ("C:\\news\\Été 2023.html", "", r"articles/t_2023-[0-9a-f]{12}\.html"),
        ("con.html", "", r"articles/_con-[0-9a-f]{12}\.html"),
        ("", "", r"articles/article-[0-9a-f]{12}\.html"),
    ],
)
def test_article_paths_are_derived_safely(path: str, sha: str, pattern: str) -> None:
    assert re.fullmatch(pattern, article_relpath(Source(path, sha, "html")))


def test_one_path_read_twice_gets_two_pages() -> None:
    assert article_relpath(SEED) != article_relpath(replace(SEED, sha256="1" * 64))
