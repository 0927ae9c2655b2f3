"""The archive in a real browser: headless Chromium opens it from file:// with the network cut.

Every request is intercepted: the test fails on any that is not ``file:``, on any console
error or warning (a CSP violation is one), on any script error and on any failed load.
Screenshots go to ``test-artifacts/`` (git-ignored) to be looked at.

Needs Debian's ``chromium`` (``scripts/system-deps.sh`` installs it) and Playwright for Python;
never ``playwright install``. Without them the tests skip, except under ``CI=true``, where
they fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from archiver.render import card_relpath
from archiver.render.html import article_id, article_relpath

from .conftest import ARTIFACTS
from .test_render_html import (
    ARABIC,
    ARTICLES,
    ARXIV_AR,
    EMOJI,
    JAPANESE,
    LACTUALITE,
    PLANTE,
    SEED,
    STORED,
    STUB,
    build_archive,
    render,
)

VIEWPORT = {"width": 760, "height": 1000}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive of test_render_html, with one PNG card and JSON records."""
    out = tmp_path_factory.mktemp("archive")
    build_archive(out, with_json=True)
    return out


@contextmanager
def offline_page(browser: Any, **options: Any) -> Iterator[tuple[Any, list[str]]]:
    """A page whose every non-file request is refused and recorded, with what went wrong."""
    context = browser.new_context(viewport=VIEWPORT, **options)
    problems: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            problems.append(f"request to {route.request.url}")
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: msg.type in ("error", "warning") and problems.append(f"{msg.type}: {msg.text}"),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    try:
        yield page, problems
    finally:
        context.close()


def open_file(page: Any, path: Path) -> None:
    page.goto(path.as_uri())
    page.wait_for_load_state("load")


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def visible_keys(page: Any) -> list[str]:
    """The keys of the cards the index shows right now, in order."""
    return page.eval_on_selector_all(
        "#cards > li > article", "cards => cards.map(c => c.id.slice(2))"
    )


def run_search(page: Any, q: str = "", article: str = "", since: str = "", until: str = "") -> str:
    """Fill the search form at once (one input event) and wait for its results; their count.

    The page's CSP forbids eval, so waiting is by selector: the script marks ``<body>`` with
    ``data-search-ms`` (the time the search took) once the current query's results are shown.
    """
    if article:
        page.focus("#source")  # loads the article list
        page.wait_for_selector(f'#source option[value="{article}"]', state="attached")
    page.evaluate(
        """([q, a, from, to]) => {
            document.body.removeAttribute("data-search-ms");
            document.getElementById("q").value = q;
            document.getElementById("source").value = a;
            document.getElementById("from").value = from;
            document.getElementById("to").value = to;
            document.getElementById("search").dispatchEvent(new Event("input"));
        }""",
        [q, article, since, until],
    )
    page.wait_for_selector("body[data-search-ms]", state="attached")
    return page.text_content("#shown") or ""


def hit_keys(page: Any, every: bool = False) -> list[str]:
    """The keys of the results shown (all of them, pressing "Show more", with ``every``)."""
    while every and page.is_visible("#more"):
        shown = len(page.query_selector_all("#hits article"))
        page.click("#more")
        for _ in range(500):  # no wait_for_function: the page's CSP forbids eval
            if len(page.query_selector_all("#hits article")) > shown:
                break
            page.wait_for_timeout(10)
    return page.eval_on_selector_all("#hits article", "hits => hits.map(h => h.id.slice(2))")


def test_index_searches_offline(browser: Any, archive: Path) -> None:
    with offline_page(browser) as (page, problems):
        open_file(page, archive / "index.html")
        assert visible_keys(page) == [t.key for t in STORED]
        assert page.is_visible("#search") and not page.is_visible("#results")
        shot(page, "index-light.png")

        assert run_search(page, "#CORIM") == "1 post"
        assert hit_keys(page) == [PLANTE.key]
        assert not page.is_visible("#browse")
        shot(page, "index-search-corim.png")

        assert run_search(page, "#حاسوبيات") == "1 post"
        assert hit_keys(page) == [ARABIC.key]
        run_search(page, "#keepctr")  # a prefix, while typing #KeepCtrl
        assert hit_keys(page) == [EMOJI.key]
        run_search(page, "@stpierre_ch")  # a mention
        assert hit_keys(page) == [LACTUALITE.key]
        run_search(page, "@yuko_kuroki_cs")  # the author
        assert hit_keys(page) == [JAPANESE.key]
        run_search(page, "Plante")  # the name, in the author line or the text
        assert hit_keys(page) == [LACTUALITE.key, PLANTE.key]
        run_search(page, "valerie")  # without its accent, as the full-text index folds it
        assert hit_keys(page) == [LACTUALITE.key, PLANTE.key]
        assert run_search(page, "#nothing-like-this") == "0 posts"
        assert hit_keys(page) == []

        run_search(page, article=article_id(SEED))
        assert hit_keys(page) == [LACTUALITE.key, PLANTE.key, EMOJI.key]
        run_search(page, since="2021-01-01", until="2021-12-31")
        assert hit_keys(page) == [ARABIC.key, JAPANESE.key]
        run_search(page, "")
        assert page.is_visible("#browse") and not page.is_visible("#results")
        assert problems == []


def test_search_state_lives_in_the_address(browser: Any, archive: Path) -> None:
    """An article page's "search in this article" link opens the index with that search."""
    with offline_page(browser) as (page, problems):
        open_file(page, archive / article_relpath(SEED))
        page.click("text=search in this article")
        page.wait_for_selector("body[data-search-ms]", state="attached")
        assert hit_keys(page) == [LACTUALITE.key, PLANTE.key, EMOJI.key]
        assert page.input_value("#source") == article_id(SEED)
        assert problems == []


def test_index_without_javascript_is_plain_links(browser: Any, archive: Path) -> None:
    with offline_page(browser, java_script_enabled=False) as (page, problems):
        open_file(page, archive / "index.html")
        assert visible_keys(page) == [t.key for t in STORED]
        assert not page.is_visible("#search")
        # Every tweet is reachable: the month listings, chained newest to oldest.
        page.click("text=All posts, newest first")
        seen = []
        while True:
            seen += page.eval_on_selector_all(
                "article.tweet", "cards => cards.map(c => c.id.slice(2))"
            )
            if not page.query_selector("a.older"):
                break
            page.click("a.older >> nth=0")
        assert seen == [t.key for t in STORED]
        assert problems == []


def test_card_page_with_png_and_text_direction(browser: Any, archive: Path) -> None:
    with offline_page(browser) as (page, problems):
        open_file(page, archive / card_relpath(PLANTE, "html"))
        page.click(".png summary")
        assert page.eval_on_selector(".png img", "img => img.complete && img.naturalWidth") == 40
        shot(page, "card-plante.png")

        open_file(page, archive / card_relpath(ARABIC, "html"))
        assert page.eval_on_selector(".tweet-text", "e => getComputedStyle(e).direction") == "rtl"
        shot(page, "card-arabic.png")

        open_file(page, archive / card_relpath(STUB, "html"))
        assert page.is_visible("text=Text not captured")
        shot(page, "card-stub.png")
        assert problems == []


def test_source_pages(browser: Any, archive: Path) -> None:
    with offline_page(browser) as (page, problems):
        open_file(page, archive / article_relpath(SEED))
        keys = page.eval_on_selector_all("article.tweet", "cards => cards.map(c => c.id.slice(2))")
        assert keys == list(ARTICLES[0].keys)
        shot(page, "article-seed.png")
        open_file(page, archive / article_relpath(ARXIV_AR))
        assert problems == []


def test_dark_mode_follows_the_reader(browser: Any, archive: Path) -> None:
    with offline_page(browser, color_scheme="dark") as (page, problems):
        open_file(page, archive / "index.html")
        assert page.eval_on_selector("body", "b => getComputedStyle(b).backgroundColor") == (
            "rgb(0, 0, 0)"
        )
        shot(page, "index-dark.png")
        open_file(page, archive / card_relpath(JAPANESE, "html"))
        shot(page, "card-japanese-dark.png")
        assert problems == []


def test_forced_theme_wins_over_the_reader(browser: Any, tmp_path: Path) -> None:
    render(tmp_path, [EMOJI], [ARTICLES[3]], theme="dark")
    with offline_page(browser, color_scheme="light") as (page, problems):
        open_file(page, tmp_path / card_relpath(EMOJI, "html"))
        assert page.eval_on_selector("body", "b => getComputedStyle(b).backgroundColor") == (
            "rgb(0, 0, 0)"
        )
        shot(page, "card-emoji-forced-dark.png")
        assert problems == []


def test_the_guard_sees_remote_loads_and_csp_violations(
    browser: Any, archive: Path, tmp_path: Path
) -> None:
    """The checks above would fail on a page that tried to load or inject anything.

    With the page's CSP, a remote image and an inline style attribute are blocked and
    reported on the console; with the CSP removed, the request itself is caught.
    """
    card = (archive / card_relpath(LACTUALITE, "html")).read_text(encoding="utf-8")
    injected = card.replace(
        "<main>", '<main><img src="https://example.invalid/pixel.png" alt=""><p style="top:0">'
    )
    without_csp = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", injected)
    for name, html in (("with-csp", injected), ("without-csp", without_csp)):
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    with offline_page(browser) as (page, problems):
        open_file(page, tmp_path / "with-csp.html")
        assert any(
            "violates the following Content Security Policy directive" in p for p in problems
        )
        assert any("img-src" in p for p in problems) and any("style-src" in p for p in problems)
    with offline_page(browser) as (page, problems):
        open_file(page, tmp_path / "without-csp.html")
        assert "request to https://example.invalid/pixel.png" in problems
