"""Rewritten articles in headless Chromium: static cards in place, and no request to Twitter/X.

Real articles from shared/corpus are rewritten and opened from file://. Every request is
intercepted: a file: URL without a host loads, everything else is aborted, so no network is
touched (the pages' own CSS, fonts and ads included: that is not a failure). Every request to a
Twitter/X host is recorded, whatever its scheme (from a file:// page ``//platform.twitter.com``
is ``file://platform.twitter.com``), and there must be none. DNS is switched off in Chromium as
well, for what interception cannot see (``dns-prefetch``). Screenshots go to test-artifacts/.

Needs Debian's chromium and Playwright for Python (never ``playwright install``); without them
the tests skip, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from archiver.rewrite import rewrite_file
from archiver.store import Archive

from .conftest import ARTIFACTS, need_shared
from .test_rewrite import ARTICLES as EMBEDS

TWITTER_HOSTS = ("twitter.com", "x.com", "t.co", "twimg.com")  # platform.twitter.com is one
WIDE = {"width": 1000, "height": 900}
NARROW = {"width": 360, "height": 800}
# Blockquotes (2014 and WordPress styles, an inline twttr loader), widget iframes in saved
# pages, consent-manager textareas, publisher-rendered cards with avatars on pbs.twimg.com;
# how many embeds each shows comes from test_rewrite.
ARTICLES = {
    name: EMBEDS[name]
    for name in (
        "newspaper__mashable.com2.html",
        "trafilatura__basicthinking.de.tweets.html",
        "postlight__www.buzzfeed.com--splash.html",
        "readability__breitbart.source.html",
        "trafilatura__amnesty.de-waffensysteme.html",
        "trafilatura__timesofisrael.com.washington.html",
        "tweet-finder__buzzfeednews-moon-mars.html",
    )
}
CARD_BODY = ".archiver-tweet__body p"


@pytest.fixture(scope="module")
def chromium(browser: Any) -> Any:
    """The shared headless Chromium (tests/conftest.py)."""
    return browser


def to_twitter(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in TWITTER_HOSTS)


@contextmanager
def guarded_page(chromium: Any, **options: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page that loads local files only, and the requests it made to Twitter/X hosts."""
    options.setdefault("viewport", WIDE)
    context = chromium.new_context(**options)
    seen: list[str] = []

    def route(route: Any) -> None:
        url = route.request.url
        if to_twitter(url):
            seen.append(url)
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.hostname:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    try:
        yield context.new_page(), seen
    finally:
        context.close()


def rewritten(tmp_path: Path, name: str, **options: Any) -> Path:
    source = need_shared() / "corpus" / name
    out = tmp_path / "site" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    with Archive(tmp_path / "archive") as archive:
        rewrite_file(source, out, archive, **options)
    return out


def open_file(page: Any, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_load_state("load")


def shot_at_card(page: Any, name: str, index: int = 0) -> None:
    """A screenshot of the viewport with a card in it, below the text that leads to it."""
    page.locator(".archiver-tweet").nth(index).scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -220)")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def card_boxes(page: Any) -> list[dict[str, float]]:
    return page.eval_on_selector_all(
        ".archiver-tweet",
        """cards => cards.map(c => {
            const r = c.getBoundingClientRect();
            return {width: r.width, height: r.height, overflow: c.scrollWidth - c.clientWidth};
        })""",
    )


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_rewritten_article_shows_cards_and_calls_no_twitter_host(
    chromium: Any, tmp_path: Path, name: str
) -> None:
    path = rewritten(tmp_path, name)
    with guarded_page(chromium) as (page, seen):
        open_file(page, path)
        page.wait_for_timeout(200)  # inline scripts that load late
        cards = page.locator(".archiver-tweet")
        assert cards.count() == ARTICLES[name]
        assert all(cards.nth(i).is_visible() for i in range(cards.count()))
        assert all(box["height"] > 80 and box["width"] > 300 for box in card_boxes(page))
        assert seen == []


def test_the_guard_sees_the_original_embeds_call_twitter(chromium: Any) -> None:
    original = need_shared() / "corpus" / "trafilatura__basicthinking.de.tweets.html"
    with guarded_page(chromium) as (page, seen):
        open_file(page, original)
        assert "https://platform.twitter.com/widgets.js" in seen
        assert page.locator(".archiver-tweet").count() == 0


def test_screenshot_of_cards_inside_an_article(chromium: Any, tmp_path: Path) -> None:
    path = rewritten(tmp_path, "trafilatura__basicthinking.de.tweets.html")
    with guarded_page(chromium) as (page, seen):
        open_file(page, path)
        shot_at_card(page, "rewrite-basicthinking.png", index=1)
        body = page.locator(CARD_BODY).first
        assert body.evaluate("p => getComputedStyle(p).fontSize") == "17px"
        assert seen == []
    path = rewritten(tmp_path, "postlight__www.buzzfeed.com--splash.html")
    with guarded_page(chromium) as (page, seen):
        open_file(page, path)
        assert page.locator("text=Post not captured").count() == 2
        shot_at_card(page, "rewrite-buzzfeed-stubs.png")
        assert seen == []


def test_cards_follow_the_readers_colour_scheme(chromium: Any, tmp_path: Path) -> None:
    path = rewritten(tmp_path, "newspaper__mashable.com2.html")
    background = "c => getComputedStyle(c).backgroundColor"
    for scheme, colour in (("light", "rgb(255, 255, 255)"), ("dark", "rgb(22, 24, 28)")):
        with guarded_page(chromium, color_scheme=scheme, viewport=NARROW) as (page, seen):
            open_file(page, path)
            assert page.locator(".archiver-tweet").first.evaluate(background) == colour
            if scheme == "dark":
                shot_at_card(page, "rewrite-mashable-dark-narrow.png", index=2)
            assert seen == []


def test_cards_fit_a_narrow_column(chromium: Any, tmp_path: Path) -> None:
    path = rewritten(tmp_path, "ashfurrow-blog__2019-09-10-my-first-xoxo.md")
    html = tmp_path / "narrow.html"
    # A Markdown renderer puts the raw HTML block through as it is; a 300 px column holds it.
    html.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><div style="width:300px;margin:0 auto">'
        + path.read_text(encoding="utf-8")
        + "</div>",
        encoding="utf-8",
    )
    with guarded_page(chromium, viewport=NARROW) as (page, seen):
        open_file(page, html)
        boxes = card_boxes(page)
        assert len(boxes) == 7
        assert all(box["width"] == 300 and box["overflow"] <= 0 for box in boxes)
        assert seen == []


HOSTILE_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
#content p{font-size:40px;margin:3em;text-transform:uppercase;text-align:justify;
  letter-spacing:5px;text-indent:4em}
#content a{border-bottom:3px solid red;background:yellow;box-shadow:0 4px 0 red}
#content a::after{content:" (external)"}
#content div{float:right;width:10px;padding:50px;border:5px solid red}
#content p:first-of-type::first-letter{font-size:90px;float:left}
#content ul{list-style:square;padding-left:60px}
#content li::before{content:"-> "}
svg{width:1em;height:1em}
</style></head><body><div id="content"><p>Intro with a <a href="#x">link</a>.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Our new report on the state of the
web is out <a href="https://t.co/abc123">https://t.co/abc123</a> <a
href="https://t.co/pic456">pic.twitter.com/pic456</a></p>&mdash; Some Org (@some_org) <a
href="https://twitter.com/some_org/status/1344868258424344576">January 1, 2021</a></blockquote>
<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>
<p>Outro.</p></div></body></html>
"""


def test_cards_hold_their_own_against_hostile_page_styles(chromium: Any, tmp_path: Path) -> None:
    source = tmp_path / "hostile-theme.html"
    source.write_text(HOSTILE_PAGE, encoding="utf-8")
    with Archive(tmp_path / "archive") as archive:
        report = rewrite_file(source, None, archive)
    assert len(report.replaced) == 1
    with guarded_page(chromium) as (page, seen):
        open_file(page, report.output)
        style = "(e, p) => getComputedStyle(e)[p]"
        card = page.locator(".archiver-tweet")
        text = page.locator(CARD_BODY)
        link = page.locator(".archiver-tweet__body a").first
        assert card.evaluate(style, "float") == "none"
        assert card.bounding_box()["width"] == 550
        assert 80 < card.bounding_box()["height"] < 400  # not one letter a line
        assert text.bounding_box()["width"] > 480
        assert page.locator(".archiver-tweet__name").bounding_box()["width"] > 60
        assert text.evaluate(style, "fontSize") == "17px"
        assert text.evaluate(style, "textTransform") == "none"
        assert text.evaluate(style, "textIndent") == "0px"
        assert text.evaluate(style, "letterSpacing") == "normal"
        assert link.evaluate(style, "borderBottomWidth") == "0px"
        assert link.evaluate(style, "boxShadow") == "none"
        assert link.evaluate("a => getComputedStyle(a, '::after').content") in ("none", "normal")
        assert page.locator(".archiver-tweet__avatar").bounding_box()["width"] == 40
        assert page.locator(".archiver-tweet__media li").evaluate(style, "listStyleType") == "none"
        shot_at_card(page, "rewrite-hostile-theme.png")
        assert seen == []


def test_png_cards_show_from_beside_the_article(chromium: Any, tmp_path: Path) -> None:
    path = rewritten(tmp_path, "trafilatura__amnesty.de-waffensysteme.html", png=True)
    with guarded_page(chromium) as (page, seen):
        open_file(page, path)
        images = page.locator("img.archiver-tweet__png")
        assert images.count() == 2
        for i in range(2):
            image = images.nth(i)
            image.scroll_into_view_if_needed()
            # Lazy images load once in view: decode() waits for that.
            assert image.evaluate("i => i.decode().then(() => i.naturalWidth)") == 1100
            assert image.bounding_box()["width"] == 550
        shot_at_card(page, "rewrite-amnesty-png.png", index=1)
        assert seen == []
