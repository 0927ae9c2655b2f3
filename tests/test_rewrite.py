"""``archiver rewrite``: articles written again with static cards in place of their embeds.

The articles are real (shared/corpus); the few made here are named for the case they test.
The central property: the output is the input's bytes with each embed span (and each widget
loader) replaced by a card (or by nothing), and every other byte as it was.
``test_rewrite_browser.py`` opens rewritten articles in Chromium.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from archiver.errors import ArchiverError, InputError
from archiver.extract import extract_bytes
from archiver.extract.markup import blank_code
from archiver.model import Tweet
from archiver.render import card_relpath
from archiver.render.html import embed_card_html
from archiver.rewrite import (
    RewriteError,
    RewriteReport,
    rewrite_file,
    rewrite_paths,
    static_path,
)
from archiver.store import Archive

from .conftest import need_shared
from .test_render_html import HOSTILE, HOSTILE_2, JAPANESE

CARD_START = re.compile(rb'<div class="archiver-tweet[" ]')
DIV_TAG = re.compile(rb"<(/?)div\b[^>]*>", re.IGNORECASE)
# An embed span as it starts in the input: the element or shortcode a reader's browser or a
# site generator turns into the live embed.
EMBED_START = re.compile(
    rb"<(?:blockquote|div|iframe|textarea|amp-twitter)\b|\{\{<|\{%|<(?:Tweet|XEmbed)\b",
    re.IGNORECASE,
)
WIDGETS_JS = re.compile(rb"platform\.(?:twitter|x)\.com/widgets\.js", re.IGNORECASE)
PLATFORM = re.compile(rb"//platform\.(?:twitter|x)\.com/|twttr", re.IGNORECASE)

# Corpus files and the number of embeds a reader sees in each (corpus/README.md), rewritten.
ARTICLES = {
    "newspaper__mashable.com2.html": 11,
    "trafilatura__basicthinking.de.tweets.html": 12,
    "postlight__www.buzzfeed.com--splash.html": 2,
    "readability__breitbart.source.html": 3,
    "trafilatura__amnesty.de-waffensysteme.html": 2,
    "goose3__tests-data-tweets-test_tweet.html": 3,
    "trafilatura__timesofisrael.com.washington.html": 2,
    "trafilatura__teslamag.de-Musk.html": 1,
    "trafilatura__minuto30-lasierra.html": 1,
    "trafilatura__hertha-blog.de.dame.html": 2,
    "tweet-finder__buzzfeednews-moon-mars.html": 13,
    "ashfurrow-blog__2019-09-10-my-first-xoxo.md": 7,
    "gatsby-starter-skeleton__demo-articles-twitter-index.md": 1,
    "ashfurrow-blog__2015-11-16-building-online-communities.eleventy-shortcode.md": 5,
    "ashfurrow-blog__2015-11-16-building-online-communities.gatsby-jsx.md": 5,
    "hugo__docs-content-shortcodes-x.md": 1,
    "daily-arxiv-gatsby__2021-04-02---Hot-Papers.md": 20,
}


def corpus(name: str) -> Path:
    return need_shared() / "corpus" / name


def rewrite(tmp_path: Path, source: Path, **options: object) -> tuple[RewriteReport, bytes]:
    """Rewrite ``source`` into ``tmp_path/out``, archiving into ``tmp_path/archive`` (shared by
    the calls of one test); the report and the output bytes."""
    out = tmp_path / "out" / source.name
    out.parent.mkdir(parents=True, exist_ok=True)
    with Archive(tmp_path / "archive") as archive:
        report = rewrite_file(source, out, archive, **options)
    return report, out.read_bytes()


def rewrite_page(tmp_path: Path, name: str, text: str) -> tuple[RewriteReport, str]:
    """Rewrite an article made here for the case it tests; the report and the output text."""
    page = tmp_path / name
    page.write_text(text, encoding="utf-8")
    report, out = rewrite(tmp_path, page)
    return report, out.decode("utf-8")


def card_end(out: bytes, start: int) -> int:
    """Where the card starting at ``start`` ends: its ``<div>`` closed (its text is escaped)."""
    depth = 0
    for match in DIV_TAG.finditer(out, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end()
    raise AssertionError("a card is not closed")


def assert_only_embeds_changed(data: bytes, out: bytes, report: RewriteReport) -> int:
    """The output is the input outside the reported spans; a card (or nothing) inside.

    Each replaced span must start as an embed does; each removed loader must load Twitter's
    widget platform. In Markdown a card may come with up to two line breaks on either side.
    Returns the number of cards seen.
    """
    spans = sorted(
        [(e.start, e.end, True) for e in report.replaced]
        + [(start, end, False) for start, end in report.loaders]
    )
    pos = cards = 0
    done = 0
    for start, end, is_embed in spans:
        kept = data[done:start]
        assert out[pos : pos + len(kept)] == kept, f"bytes before {start} changed"
        pos += len(kept)
        region = data[start:end]
        if not is_embed:
            assert PLATFORM.search(region), region[:200]
            done = end
            continue
        assert EMBED_START.match(region.lstrip()), region[:200]
        lead = re.match(rb"(?:\r?\n){0,2}", out[pos:]).end()
        assert CARD_START.match(out, pos + lead), out[pos : pos + 200]
        pos = card_end(out, pos + lead)
        cards += 1
        following = data[end : next((s for s, _, _ in spans if s >= end), len(data))]
        trail = next(
            (k for k in (0, 1, 2, 4) if out[pos + k : pos + k + len(following)] == following),
            None,
        )
        assert trail is not None, f"bytes after the embed at {start} changed"
        assert not out[pos : pos + trail].strip(b"\r\n"), "only line breaks pad a card"
        pos += trail
        done = end
    assert out[pos:] == data[done:], "bytes after the last embed changed"
    return cards


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_only_the_embeds_change(tmp_path: Path, name: str) -> None:
    source = corpus(name)
    data = source.read_bytes()
    report, out = rewrite(tmp_path, source)
    assert not report.kept, [e.note for e in report.kept]
    assert len(report.replaced) == ARTICLES[name]
    assert assert_only_embeds_changed(data, out, report) == ARTICLES[name]
    assert len(CARD_START.findall(out)) == ARTICLES[name]
    # The stylesheet comes once, with the first card.
    assert out.count(b"<style>.archiver-tweet{") == 1
    assert out.index(b"<style>.archiver-tweet{") < out.index(b'<div class="archiver-tweet') + 200


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_no_live_embed_and_no_widget_script_is_left(tmp_path: Path, name: str) -> None:
    _report, out = rewrite(tmp_path, corpus(name))
    text = out.decode("utf-8")
    if name.endswith(".md"):
        text = blank_code(text)  # documentation showing an embed in a fence stays as written
    assert 'class="twitter-tweet' not in text
    assert not WIDGETS_JS.search(text.encode())
    assert "platform.twitter.com/js/" not in text and "widget_iframe" not in text
    assert extract_bytes(text.encode(), name).found == ()


def test_code_fences_stay_as_written(tmp_path: Path) -> None:
    source = corpus("gatsby-starter-skeleton__demo-articles-twitter-index.md")
    data = source.read_bytes()
    _report, out = rewrite(tmp_path, source)
    fences = re.findall(rb"^```.*?^```", data, re.MULTILINE | re.DOTALL)
    assert fences and all(b'class="twitter-tweet"' in f for f in fences)
    for fence in fences:
        assert fence in out


def test_the_markdown_card_is_a_raw_html_block(tmp_path: Path) -> None:
    """CommonMark passes HTML through when a block starts with ``<div`` at the start of a line
    and runs to a blank line: so no blank line inside the card, and one on either side."""
    source = corpus("ashfurrow-blog__2019-09-10-my-first-xoxo.md")
    _report, out = rewrite(tmp_path, source)
    starts = [m.start() for m in re.finditer(rb"^" + CARD_START.pattern, out, re.MULTILINE)]
    assert len(starts) == len(CARD_START.findall(out)) == 7
    for start in starts:
        end = card_end(out, start)
        assert not re.search(rb"\n[ \t]*\n", out[start:end])
        assert out[:start].endswith(b"\n\n")
        assert out[end:].startswith(b"\n\n") or not out[end:].strip()


def test_markdown_code_spans_stay_as_written(tmp_path: Path) -> None:
    """A post that shows the widgets.js line in a code span keeps it: it is documentation."""
    embed = corpus("ml-ssa-birthnames__README.md").read_text(encoding="utf-8")
    embed = embed[embed.index('<blockquote class="twitter-tweet"') :]
    embed = embed[: embed.index("</blockquote>") + len("</blockquote>")]
    shown = '`<script async src="https://platform.twitter.com/widgets.js"></script>`'
    report, out = rewrite_page(
        tmp_path, "howto.md", f"# Embeds\n\nDelete the {shown} line.\n\n{embed}\n\nThe end.\n"
    )
    assert len(report.replaced) == 1 and report.loaders == ()
    assert f"Delete the {shown} line." in out


def test_a_folder_is_mirrored(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    mashable = corpus("newspaper__mashable.com2.html").read_bytes()
    xoxo = corpus("ashfurrow-blog__2019-09-10-my-first-xoxo.md").read_bytes()
    (site / "index.html").write_bytes(mashable)
    (site / "posts" / "xoxo.md").write_bytes(xoxo)
    (site / "posts" / "plain.html").write_bytes(b"<html><body><p>No embeds.</p></body></html>")
    (site / "notes.txt").write_text("not an article")
    (site / "posts" / "page.mdx").write_text('<Tweet id="20" />\n')
    out = site / "static"  # inside the input: never read back as an input
    with Archive(tmp_path / "archive") as archive:
        summary = rewrite_paths(site, out, archive)
        again = rewrite_paths(site, out, archive)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["index.html", "posts/plain.html", "posts/xoxo.md"]
    assert (out / "posts" / "plain.html").read_bytes() == (site / "posts/plain.html").read_bytes()
    assert [len(r.replaced) for r in summary.reports] == [11, 0, 7]
    assert [(Path(s.path).name, s.reason) for s in summary.skipped] == [
        ("page.mdx", "MDX would read the HTML card as JSX: rewrite it by hand")
    ]
    assert summary.line() == (
        "Rewrote 3 articles, skipped 1: 18 embeds replaced by static cards, 0 kept."
    )
    assert (site / "index.html").read_bytes() == mashable  # the input is untouched
    assert not any(r.written for r in again.reports)  # nothing changed: nothing written


def test_a_folder_needs_an_output_folder_or_in_place(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_bytes(corpus("newspaper__mlive.com2.html").read_bytes())
    with Archive(tmp_path / "archive") as archive:
        with pytest.raises(RewriteError, match="needs an output folder"):
            rewrite_paths(site, None, archive)
        with pytest.raises(RewriteError, match="is the input folder"):
            rewrite_paths(site, site, archive)
        summary = rewrite_paths(site, None, archive, in_place=True)
    assert len(summary.reports[0].replaced) == 1
    assert b'<div class="archiver-tweet' in (site / "a.html").read_bytes()


def test_a_file_goes_beside_it_and_the_input_is_never_overwritten_unasked(tmp_path: Path) -> None:
    article = tmp_path / "article.html"
    article.write_bytes(corpus("newspaper__dailystar.co.uk1.html").read_bytes())
    article.chmod(0o644)
    with Archive(tmp_path / "archive") as archive:
        report = rewrite_file(article, None, archive)
        assert report.output == tmp_path / "article.static.html" == static_path(article)
        with pytest.raises(RewriteError, match="use --in-place"):
            rewrite_file(article, article, archive)
        folder = tmp_path / "public"
        folder.mkdir()
        assert rewrite_file(article, folder, archive).output == folder / "article.html"
        in_place = rewrite_file(article, None, archive, in_place=True)
    assert in_place.output == article
    assert article.read_bytes() == report.output.read_bytes()
    # Published files keep their permissions (an atomic write starts from a 0600 file).
    assert stat.S_IMODE(article.stat().st_mode) == 0o644
    assert stat.S_IMODE(report.output.stat().st_mode) == 0o644


def test_rewrite_archives_the_tweets_as_extract_does(tmp_path: Path) -> None:
    source = corpus("goose3__tests-data-tweets-test_tweet.html")  # three copies of one tweet
    report, _out = rewrite(tmp_path, source)
    with Archive(tmp_path / "archive") as archive:
        (article,) = archive.articles()
        keys = [t.key for t in archive.tweets()]
    assert article.source.path == str(source)
    assert keys == list(article.keys) == [report.embeds[0].key]
    assert len(report.replaced) == 3  # one card for each copy in the page


def cards_in(out: bytes) -> list[str]:
    """The cards of an output, in order."""
    return [out[m.start() : card_end(out, m.start())].decode() for m in CARD_START.finditer(out)]


def test_a_stub_becomes_a_linked_post_not_captured_card(tmp_path: Path) -> None:
    report, out = rewrite(tmp_path, corpus("trafilatura__spox.com-corona-fealle.html"))
    (embed,) = report.embeds
    assert embed.stub and embed.replaced
    (card,) = cards_in(out)
    assert "archiver-tweet--stub" in card and "Post not captured" in card
    assert re.search(
        rf'<a class="archiver-tweet__on-x" href="https://twitter.com/[^"]*/status/{embed.key}"'
        r' rel="noopener noreferrer nofollow">View on X</a>',
        card,
    )


def test_a_tweet_known_from_another_article_is_filled_in(tmp_path: Path) -> None:
    rewrite_page(
        tmp_path,
        "full.html",
        '<html><body><blockquote class="twitter-tweet"><p lang="en" dir="ltr">The whole text'
        " of the tweet, archived from the first article.</p>&mdash; Jo Example (@jo_example) "
        '<a href="https://twitter.com/jo_example/status/1170810696394625024">September 8, '
        "2019</a></blockquote></body></html>",
    )
    report, out = rewrite_page(
        tmp_path,
        "stub.html",
        '<html><body><p>Before.</p><div class="twitter-tweet twitter-tweet-rendered" '
        'style="display: flex;">\n  <iframe id="twitter-widget-0" scrolling="no"\n    '
        'src="https://platform.twitter.com/embed/Tweet.html?id=1170810696394625024"\n    '
        'data-tweet-id="1170810696394625024"></iframe>\n</div><p>After.</p></body></html>',
    )
    (embed,) = report.embeds
    assert not embed.stub and embed.markup == "iframe.twitter-tweet-rendered"
    assert "The whole text of the tweet, archived from the first article." in out
    assert "Jo Example" in out and "Post not captured" not in out
    # The wrapper goes with the iframe; the page around it stays.
    assert out.startswith('<html><body><p>Before.</p><div class="archiver-tweet">')
    assert out.endswith("</div><p>After.</p></body></html>")
    assert "twitter-tweet-rendered" not in out and "<iframe" not in out


def test_amp_twitter_goes_whole_with_one_card(tmp_path: Path) -> None:
    report, out = rewrite_page(
        tmp_path,
        "amp.html",
        '<html><body><p>A.</p><amp-twitter width="375" height="472" layout="responsive" '
        'data-tweetid="885634330868850689"><blockquote placeholder class="twitter-tweet" '
        'data-lang="en"><p lang="en" dir="ltr">This is a tweet.</p>&mdash; Someone (@someone) '
        '<a href="https://twitter.com/someone/status/885634330868850689">July 13, 2017</a>'
        "</blockquote></amp-twitter><p>B.</p></body></html>",
    )
    assert [e.markup for e in report.embeds] == ["amp-twitter"]
    assert len(CARD_START.findall(out.encode())) == 1 and "amp-twitter" not in out
    assert out.startswith("<html><body><p>A.</p><div") and out.endswith("<p>B.</p></body></html>")


def test_hostile_tweet_text_stays_escaped(tmp_path: Path) -> None:
    _report, out = rewrite_page(
        tmp_path,
        "hostile.html",
        '<html><body><blockquote class="twitter-tweet"><p lang="en" dir="ltr">'
        "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; "
        '"&gt;&lt;svg onload=alert(3)&gt; {{ 7*7 }}</p>&mdash; &lt;b&gt;Evil&lt;/b&gt; '
        '(@evil) <a href="https://twitter.com/evil/status/1646130390427684866">April 12, '
        "2023</a></blockquote></body></html>",
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script" not in out
    assert "<img" not in out and "<svg onload" not in out and "<b>" not in out
    assert "&lt;b&gt;Evil&lt;/b&gt;" in out and "{{ 7*7 }}" in out


@pytest.mark.parametrize("tweet", [HOSTILE, HOSTILE_2], ids=["hostile", "hostile-2"])
def test_hostile_records_render_inert_cards(tweet: Tweet) -> None:
    html = embed_card_html(tweet, style=True, png=None)
    assert "<script>alert" not in html and "<img" not in html and "<svg/onload" not in html
    assert not re.search(r'(?:href|src)="(?!https?://)', html)
    assert "javascript:" not in re.sub(r">[^<]*<", "><", html)  # only in escaped text
    assert "\u202e" not in "".join(re.findall(r"<bdi>.*?</bdi>", html))
    assert not re.search(r"\n[ \t]*\n", html)


def test_the_card_loads_nothing(tmp_path: Path) -> None:
    """No script, no remote URL in any src, no url() or @import in the stylesheet."""
    for name in ("trafilatura__basicthinking.de.tweets.html", "newspaper__mashable.com2.html"):
        report, out = rewrite(tmp_path, corpus(name))
        cards = cards_in(out)
        assert len(cards) == len(report.replaced)
        for card in cards:
            assert "<script" not in card and "<img" not in card and "<iframe" not in card
            assert " src=" not in card and "url(" not in card and "@import" not in card
            assert 'rel="noopener noreferrer nofollow"' in card
            assert re.findall(r'<a [^>]*href="https://twitter\.com/[^"/]+/status/\d+"', card)


def test_png_cards_are_copied_beside_the_output_and_linked_relatively(tmp_path: Path) -> None:
    source = corpus("trafilatura__amnesty.de-waffensysteme.html")
    report, out = rewrite(tmp_path, source, png=True)
    text = out.decode("utf-8")
    images = re.findall(
        r'<img class="archiver-tweet__png" src="([^"]+)" alt="([^"]*)" '
        r'width="(\d+)" height="(\d+)"',
        text,
    )
    assert len(images) == len(report.replaced) == 2 == len(report.pngs)
    with Archive(tmp_path / "archive") as archive:
        tweets = [archive.get(e.key) for e in report.replaced]
    for (src, alt, width, _height), tweet in zip(images, tweets, strict=True):
        assert src == card_relpath(tweet, "png")  # beside the output, in its tweets/ folder
        assert (report.output.parent / src).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert (tmp_path / "archive" / src).is_file()  # rendered into the archive first
        assert alt.startswith(tweet.text.split("@")[0].strip()[:40]) and width == "550"
    assert 'class="archiver-tweet archiver-tweet--png"' in text


def test_png_sources_are_relative_to_each_output_in_a_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "deep" / "er").mkdir(parents=True)
    (site / "deep" / "er" / "a.html").write_bytes(corpus("newspaper__mlive.com2.html").read_bytes())
    with Archive(tmp_path / "archive") as archive:
        (report,) = rewrite_paths(site, tmp_path / "out", archive, png=True).reports
    src = re.search(rb'<img class="archiver-tweet__png" src="([^"]+)"', report.output.read_bytes())
    assert src and src.group(1).startswith(b"../../tweets/")
    assert (report.output.parent / src.group(1).decode()).resolve() == report.pngs[0].resolve()


def test_a_second_rewrite_finds_nothing_to_do(tmp_path: Path) -> None:
    report, out = rewrite(tmp_path, corpus("newspaper__mashable.com2.html"))
    with Archive(tmp_path / "archive") as archive:
        again = rewrite_file(report.output, tmp_path / "again.html", archive)
    assert again.embeds == () and again.loaders == ()
    assert (tmp_path / "again.html").read_bytes() == out


def test_pages_without_embeds_are_copied_unchanged(tmp_path: Path) -> None:
    for name in (
        "edgecase__newspaper__pixable.com1.html",
        "negative__postlight__www.phoronix.com.html",
    ):
        source = corpus(name)
        report, out = rewrite(tmp_path, source)
        assert report.embeds == () and report.loaders == () and out == source.read_bytes()


def test_other_encodings_are_spliced_in_their_own_bytes(tmp_path: Path) -> None:
    """A windows-1252 page keeps its bytes; a character it cannot hold becomes a reference."""
    page = (
        '<html><head><meta charset="windows-1252"><title>Café</title></head><body><p>Déjà vu.</p>'
        '<blockquote class="twitter-tweet"><p lang="ja" dir="ltr">あけまして Café</p>&mdash; '
        'Yuko (@yuko) <a href="https://twitter.com/yuko/status/1344868258424344576">January 1, '
        "2021</a></blockquote><p>Après.</p></body></html>"
    )
    source = tmp_path / "cp1252.html"
    source.write_bytes(page.encode("cp1252", errors="xmlcharrefreplace"))
    report, out = rewrite(tmp_path, source)
    (embed,) = report.replaced
    data = source.read_bytes()
    assert out.startswith(data[: embed.start]) and out.endswith(data[embed.end :])
    text = out.decode("cp1252")
    assert "&#12354;&#12369;&#12414;&#12375;&#12390; Café" in text


def test_utf16_with_a_bom_is_spliced_in_utf16(tmp_path: Path) -> None:
    page = (
        '<html><body><p>Ünïcödé.</p><blockquote class="twitter-tweet"><p lang="en">Hello '
        '🌅</p>&mdash; Jo (@jo) <a href="https://twitter.com/jo/status/1344868258424344576">'
        "January 1, 2021</a></blockquote><p>After.</p></body></html>"
    )
    source = tmp_path / "utf16.html"
    source.write_bytes(page.encode("utf-16"))
    report, out = rewrite(tmp_path, source)
    assert len(report.replaced) == 1 and out[:2] == source.read_bytes()[:2]
    text = out.decode("utf-16")
    assert text.startswith("<html><body><p>Ünïcödé.</p><div class=")
    assert "Hello 🌅" in text and text.endswith("<p>After.</p></body></html>")


def test_an_embed_whose_bytes_are_damaged_is_kept_and_reported(tmp_path: Path) -> None:
    good = (
        b'<blockquote class="twitter-tweet"><p lang="en">Fine.</p>&mdash; A (@a) '
        b'<a href="https://twitter.com/a/status/1344868258424344576">January 1, 2021</a>'
        b"</blockquote>"
    )
    damaged = (
        b'<blockquote class="twitter-tweet"><p lang="en">Broken \xff byte \xc3\xa9.</p>&mdash;'
        b' B (@b) <a href="https://twitter.com/b/status/1377959898076569604">April 2, 2021</a>'
        b"</blockquote>"
    )
    source = tmp_path / "damaged.html"
    # Enough good UTF-8 around the broken byte that decoding keeps UTF-8 and marks the damage.
    prose = "<p>Données, café, été, forêt, Noël.</p>".encode() * 10
    source.write_bytes(b"<html><body>" + prose + good + b"\n" + damaged + b"</body></html>")
    report, out = rewrite(tmp_path, source)
    assert [e.replaced for e in report.embeds] == [True, False]
    assert report.kept[0].note == "its bytes could not be matched in the file"
    assert damaged in out and good not in out


def test_a_flattened_text_copy_is_kept_as_written(tmp_path: Path) -> None:
    text = (
        "# A post\n\n> Les villes s’imposent comme des actrices incontournables des relations "
        "internationales. #CORIM\n> — Valérie Plante (@Val_Plante) April 12, 2023\n\nThe end.\n"
    )
    report, out = rewrite_page(tmp_path, "quote.md", text)
    assert [(e.markup, e.note) for e in report.embeds] == [
        ("flattened text", "a flattened text copy: already static")
    ]
    assert out == text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.mdx", '<Tweet id="20" />\n', "MDX would read the HTML card as JSX"),
        ("page.rst", "Title\n=====\n\nText.\n", "rewrite takes HTML and Markdown"),
        ("page.txt", "Just text.\n", "rewrite takes HTML and Markdown"),
    ],
)
def test_other_formats_are_refused(tmp_path: Path, name: str, content: str, message: str) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    with Archive(tmp_path / "archive") as archive, pytest.raises(RewriteError, match=message):
        rewrite_file(source, None, archive)
    assert not static_path(source).exists()


def test_errors_are_archiver_errors(tmp_path: Path) -> None:
    assert issubclass(RewriteError, ArchiverError)
    with Archive(tmp_path / "archive") as archive, pytest.raises(InputError):
        rewrite_file(tmp_path / "missing.html", None, archive)


def test_the_japanese_card_keeps_its_language_and_direction() -> None:
    html = embed_card_html(JAPANESE, style=False, png=None)
    assert '<div class="archiver-tweet__body" dir="auto" lang="ja">' in html
    assert "<style>" not in html and "View on X" in html
