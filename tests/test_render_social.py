"""Cards of Bluesky, Mastodon and Threads posts: each platform's conventions, HTML and PNG,
with nothing loaded from anywhere (issue 13)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from archiver.extract import extract_bytes
from archiver.model import Article
from archiver.render import card_relpath
from archiver.render.png import card_png

from .conftest import SHARED
from .test_render_html import audit_page, read, render

SOCIAL = SHARED / "corpus-social"
CASES = [
    # file, platform label, handle shown, profile link, post link
    (
        "drmowinckels__ollama-index.md",
        "Bluesky",
        "@drmowinckels.io",
        "https://bsky.app/profile/did:plc:sgdhwgqd2ulz4zf5i4n4clnd",
        "https://bsky.app/profile/did:plc:sgdhwgqd2ulz4zf5i4n4clnd/post/3liwdo3taty2y",
    ),
    (
        "raymondcamden2023__social-poster-astro.md",
        "Mastodon",
        "@raymondcamden@mastodon.social",
        "https://mastodon.social/@raymondcamden",
        "https://mastodon.social/@raymondcamden/116205264348332986",
    ),
    (
        "darrellwan-hexo__send-push-to-me.md",
        "Threads",
        "@darrell_tw_",
        "https://www.threads.com/@darrell_tw_",
        "https://www.threads.com/@darrell_tw_/post/DAz8OChy_-9",
    ),
]


@pytest.mark.parametrize(("name", "label", "handle", "profile", "post"), CASES)
def test_each_platform_card_shows_its_conventions(
    tmp_path: Path, name: str, label: str, handle: str, profile: str, post: str
) -> None:
    doc = extract_bytes((SOCIAL / name).read_bytes(), name)
    tweet = next(f.tweet for f in doc.found if f.tweet.platform == label.lower())
    tweet = tweet.with_sources((doc.source,))
    article = Article(doc.source, "2026-11-30T06:00:00Z", (tweet.key,))
    out = tmp_path / "site"
    render(out, [tweet], [article])
    page = card_relpath(tweet, "html")
    html = read(out, page)
    assert f"View on {label}</a>" in html and "View on X" not in html
    assert f'href="{post}"' in html and f'href="{profile}"' in html
    assert f"<bdi>{handle}</bdi>" in html
    assert f"nothing here is loaded from {label}" in html
    assert "twitter.com" not in html and "embed.js" not in html
    audit_page(out / page, out)
    if tweet.text is None:
        assert "embedded this post" in html and "Post id" in html
        assert ("(from the id, unofficial)" in html) == (label == "Threads")
    else:
        assert 'href="https://bsky.app/hashtag/rstats"' in html  # the platform's tag page

    png = Image.open(io.BytesIO(card_png(tweet)))
    assert png.text["Title"].startswith(f"{label} post by")
    assert png.text["tweet:platform"] == label.lower()
    assert png.text["tweet:url"] == post


def test_an_x_card_and_png_stay_as_they_were(tmp_path: Path) -> None:
    doc = extract_bytes(b'{{< tweet user="jack" id="20" >}}', "x.md")
    (found,) = doc.found
    png = Image.open(io.BytesIO(card_png(found.tweet)))
    assert png.text["Title"] == "Tweet by @jack (@jack)"
    assert "tweet:platform" not in png.text


def test_every_card_the_search_index_links_exists(tmp_path: Path) -> None:
    # The index knows a post by key and handle only: its card path must still carry the
    # digest other platforms' file names have (it once did not, and results led nowhere).
    import re

    from click.testing import CliRunner

    from archiver.cli import cli

    archive = tmp_path / "archive"
    runner = CliRunner()
    assert runner.invoke(cli, ["extract", str(SOCIAL), "--archive", str(archive)]).exit_code == 0
    assert runner.invoke(cli, ["render", "--archive", str(archive)]).exit_code == 0
    linked = set()
    for chunk in (archive / "search" / "d").glob("*.js"):
        linked |= set(re.findall(r'"(tweets/[^"]+\.html)"', chunk.read_text(encoding="utf-8")))
    assert len(linked) == 27
    assert sorted(p for p in linked if not (archive / p).is_file()) == []
