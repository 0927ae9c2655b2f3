"""Every real article in ../shared/corpus gives its expected number of tweets, with sane fields.

Counts come from the corpus's index.json (``embed_total``: the number of distinct tweets a
reader sees). Where that text is a sentence rather than a number, the count is spelled out
in EXPECTED_OVERRIDES with the reason.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest

from archiver import dates
from archiver.extract import extract_bytes
from archiver.extract.common import HANDLE

from .conftest import SHARED, need_shared

# index.json says these in words; the numbers are what a reader sees.
EXPECTED_OVERRIDES = {
    # "3 blockquotes of the same tweet": one tweet, three copies.
    "goose3__tests-data-tweets-test_tweet.html": 1,
    # "test data: 3 cases (3 oEmbed JSON responses, 2 distinct tweets)".
    "hugo__embedded_shortcodes_test.TestShortcodeTweet.go.txt": 2,
    # "1 (inside a code fence, documentation)": documentation is not an embed.
    "supplementary/Tweet2Embed__README.md": 0,
}


def _corpus():
    index = SHARED / "corpus" / "index.json"
    if not index.exists():
        return []
    entries = []
    for entry in json.loads(index.read_text(encoding="utf-8")):
        name = entry["file"]
        total = entry["embed_total"]
        if name in EXPECTED_OVERRIDES:
            expected = EXPECTED_OVERRIDES[name]
        else:
            match = re.match(r"(?:test data: )?(\d+)", total)
            if not match:
                continue  # "n/a (URL strings)": synthetic lists, not articles
            expected = int(match.group(1))
        entries.append(pytest.param(name, expected, id=name))
    return entries


@pytest.mark.parametrize(("name", "expected"), _corpus())
def test_corpus_file_gives_expected_count(name: str, expected: int) -> None:
    need_shared()
    path = SHARED / "corpus" / name
    doc = extract_bytes(path.read_bytes(), name)
    tweets = [f.tweet for f in doc.found]
    assert len(tweets) == expected, [(t.handle, t.id, (t.text or "")[:40]) for t in tweets]
    for tweet in tweets:
        assert tweet.handle is None or HANDLE.fullmatch(tweet.handle), tweet
        assert tweet.id is not None or tweet.text, tweet
        if tweet.text is None:
            assert tweet.id is not None  # a stub always has its id
        if tweet.id and tweet.date:
            created = dates.snowflake_time(tweet.id)
            if created is not None:
                shown = date.fromisoformat(tweet.date)
                assert abs((shown - created.date()).days) <= 1, tweet
        if tweet.created_at:
            datetime.strptime(tweet.created_at[:19], "%Y-%m-%dT%H:%M:%S")
            assert tweet.created_at.endswith("Z")
        for link in tweet.links:
            assert link.url.startswith(("http://", "https://"))
        for media in tweet.media:
            assert media.url.startswith(("http://", "https://"))


def test_corpus_is_present() -> None:
    need_shared()
    assert len(_corpus()) >= 65
