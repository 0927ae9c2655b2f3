"""The offline search over 5,000 distinct tweets in Chromium, against ``search`` and ``list``.

Every query of the table runs in the page opened from ``file://`` (network cut, CSP on, every
console message a failure) and must find exactly the tweets the archive finds:

- words: ``Archive.search`` (``archiver search``) with the same words, the word being typed
  (no space after it yet, three characters or more) as an FTS5 prefix query ``word*``;
- ``@name``: ``list --handle name`` plus the tweets mentioning @name;
- ``#tag`` / ``$CASH``: the tweets whose record lists that hashtag / cashtag;
- the article filter: ``list --source <its path>``; a date range: ``list --since --until``;
- combinations: the intersection.

All results are compared as sets (the page shows them newest first, fifty at a time; the test
presses "Show more" until all are there), and their number as the page states it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from archiver.model import Tweet
from archiver.queries import Selection
from archiver.render.html import article_id
from archiver.render.terms import words
from archiver.store import Archive

from .test_browser import hit_keys, offline_page, open_file, run_search, shot
from .test_render_site import site  # noqa: F401 - the session's 5,000-tweet site


def keys(tweets: list[Tweet]) -> set[str]:
    return {t.key for t in tweets}


def fts(archive: Archive, text: str) -> set[str]:
    """What ``archiver search`` finds for the words of ``text`` as the page reads them."""
    terms = ['"' + w + '"' for w in words(text)]
    if text and not text.endswith(" ") and len(words(text)[-1]) >= 3:
        terms[-1] += "*"
    return keys(archive.search(" ".join(terms)))


def entity(archive: Archive, kind: str, value: str) -> set[str]:
    value = value.casefold()
    found = set()
    for tweet in archive.iter_tweets():
        if kind == "@":
            names = [tweet.handle or "", *tweet.mentions]
        else:
            names = list(tweet.hashtags if kind == "#" else tweet.cashtags)
        if value in (n.casefold() for n in names):
            found.add(tweet.key)
    return found


def queries(archive: Archive) -> list[tuple[dict[str, str], set[str]]]:
    """The table: form fields and the keys the archive finds for them."""
    tweets = list(archive.iter_tweets())
    handle = Counter(t.handle for t in tweets).most_common(1)[0][0]
    tagged = next(t for t in tweets if t.hashtags and t.lang == "en")
    tag, tagword = tagged.hashtags[0], words(tagged.text)[0]
    cash = next(t.cashtags[0] for t in tweets if t.cashtags)
    english = next(t for t in tweets if t.lang == "en" and len(words(t.text)) > 8)
    w1, w2 = words(english.text)[2], words(english.text)[5]
    russian = words(next(t for t in tweets if t.lang == "ru").text)[1]
    japanese = words(next(t for t in tweets if t.lang == "ja").text)[0]
    french = next(w for t in tweets if t.lang == "fr" for w in (t.text or "").split() if "é" in w)
    article = next(iter(archive.iter_articles([english.key])))
    by_article = keys(archive.tweets(source=article.source.path))
    year = english.date[:4]
    in_year = keys(archive.tweets(since=f"{year}-01-01", until=f"{year}-12-31"))
    month = next(t.date for t in tweets if t.handle == handle)[:7]
    in_month = keys(archive.tweets(since=f"{month}-01", until=f"{month}-28"))
    return [
        ({"q": f"{w1} {w2} "}, fts(archive, f"{w1} {w2} ")),
        ({"q": f"{w1} {w2[:3]}"}, fts(archive, f"{w1} {w2[:3]}")),  # while typing
        ({"q": f"{w1[:3]}"}, fts(archive, f"{w1[:3]}")),
        ({"q": russian + " "}, fts(archive, russian + " ")),
        ({"q": japanese + " "}, fts(archive, japanese + " ")),
        ({"q": french.upper() + " "}, fts(archive, french + " ")),  # case and accents fold
        ({"q": f"@{handle} "}, entity(archive, "@", handle)),
        ({"q": f"#{tag} "}, entity(archive, "#", tag)),
        ({"q": f"${cash} "}, entity(archive, "$", cash)),
        ({"a": article_id(article.source)}, by_article),
        ({"since": f"{year}-01-01", "until": f"{year}-12-31"}, in_year),
        (
            {"q": f"{w1} ", "since": f"{year}-01-01", "until": f"{year}-12-31"},
            fts(archive, w1 + " ") & in_year,
        ),
        (
            {"q": f"@{handle} ", "since": f"{month}-01", "until": f"{month}-28"},
            entity(archive, "@", handle) & in_month,
        ),
        ({"q": f"#{tag} {tagword} "}, entity(archive, "#", tag) & fts(archive, tagword + " ")),
        ({"q": f"{w1} ", "a": article_id(article.source)}, fts(archive, w1 + " ") & by_article),
        ({"q": "zzzzzzzz "}, set()),
    ]


def test_search_finds_what_the_archive_finds(browser: Any, site: Path) -> None:  # noqa: F811
    with Archive(site) as archive:
        table = queries(archive)
    assert sum(1 for _, expected in table if expected) >= len(table) - 1
    with offline_page(browser) as (page, problems):
        open_file(page, site / "index.html")
        for fields, expected in table:
            stated = run_search(
                page,
                fields.get("q", ""),
                fields.get("a", ""),
                fields.get("since", ""),
                fields.get("until", ""),
            )
            assert stated == f"{len(expected)} post{'' if len(expected) == 1 else 's'}", fields
            found = hit_keys(page, every=True)
            assert len(found) == len(set(found)), fields
            assert set(found) == expected, fields
        shot(page, "search-5000.png")
        assert problems == []


def test_results_come_newest_first_and_typing_settles(browser: Any, site: Path) -> None:  # noqa: F811
    with Archive(site) as archive:
        newest = [t.key for t in archive.iter_tweets(Selection(since="2019-01-01", limit=50))]
    with offline_page(browser) as (page, problems):
        open_file(page, site / "index.html")
        run_search(page, since="2019-01-01")
        assert hit_keys(page) == newest
        page.fill("#from", "")
        page.type("#q", "#ba", delay=5)  # one search a keystroke; the last one wins
        page.wait_for_selector("body[data-search-ms]", state="attached")
        page.wait_for_timeout(300)
        with Archive(site) as archive:
            tagged = {
                t.key for t in archive.iter_tweets() if any(h.startswith("ba") for h in t.hashtags)
            }
        assert page.text_content("#shown") == f"{len(tagged)} posts"
        assert problems == []
