"""``archiver rewrite`` on Bluesky, Mastodon and Threads embeds: static cards in place, their
loader scripts gone, everything else byte for byte (issue 13)."""

from __future__ import annotations

import re

import pytest

from archiver.extract import extract_bytes
from archiver.extract.markup import blank_code
from archiver.rewrite import _social_loader

from .conftest import SHARED
from .test_rewrite import CARD_START, card_end, rewrite

SOCIAL = SHARED / "corpus-social"
# Corpus files rewrite takes (HTML and Markdown; TSX is refused as not either), and their posts.
ARTICLES = {
    "ashwinvis__licensing-software.html": 1,
    "ccostes-blog-hugo__sdr_ml.md": 2,
    "darlley-saas-admin__README.md": 1,
    "darrellwan-hexo__send-push-to-me.md": 1,
    "drmowinckels__ollama-index.md": 1,
    "drmowinckels__teaching-unlocks-index.md": 1,
    "dylanbeattie__whats-in-a-number.md": 2,
    "foosel__2024-retrospective.md": 13,
    "raymondcamden2023__social-poster-astro.md": 2,
    "shrmp0__comentarios-bluesky-hugo-papermod.md": 1,
}
LOADER = re.compile(
    rb"<script[^>]*(?:embed\.bsky\.app|threads\.(?:net|com)/embed\.js|/embed\.js)", re.IGNORECASE
)


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_embeds_become_cards_and_loaders_go(tmp_path, name: str) -> None:
    source = SOCIAL / name
    data = source.read_bytes()
    report, out = rewrite(tmp_path, source)
    assert not report.kept, [e.note for e in report.kept]
    assert len(report.replaced) == ARTICLES[name]
    assert len(CARD_START.findall(out)) == ARTICLES[name]
    text = out.decode("utf-8")
    if name.endswith(".md"):
        text = blank_code(text)
    assert not LOADER.search(text.encode())
    assert extract_bytes(text.encode(), name).found == ()  # no live embed is left
    # Outside the replaced spans and removed loaders, the bytes are the input's.
    spans = sorted(
        [(e.start, e.end, True) for e in report.replaced]
        + [(s, e, False) for s, e in report.loaders]
    )
    pos = done = 0
    for start, end, is_embed in spans:
        kept = data[done:start]
        assert out[pos : pos + len(kept)] == kept
        pos += len(kept)
        if is_embed:  # a card, in Markdown padded by up to two line breaks either side
            lead = re.match(rb"(?:\r?\n){0,2}", out[pos:]).end()
            pos = card_end(out, pos + lead)
            following = data[end : next((a for a, _, _ in spans if a >= end), len(data))]
            trail = next(
                k for k in (0, 1, 2, 4) if out[pos + k : pos + k + len(following)] == following
            )
            assert not out[pos : pos + trail].strip(b"\r\n")
            pos += trail
        else:
            assert LOADER.search(data[start:end])
        done = end
    assert out[pos:] == data[done:]


def test_each_platform_card_says_where_the_post_was(tmp_path) -> None:
    _report, out = rewrite(tmp_path, SOCIAL / "raymondcamden2023__social-poster-astro.md")
    text = out.decode("utf-8")
    assert "View on Bluesky</a>" in text and "View on Mastodon</a>" in text
    assert "This article embedded a post from Mastodon" in text
    assert "View on X" not in text


def test_only_the_embedded_servers_embed_js_is_a_loader() -> None:
    hosts = frozenset({"hachyderm.io"})
    assert _social_loader(' src="https://hachyderm.io/embed.js" async', hosts)
    assert _social_loader(' async src="https://embed.bsky.app/static/embed.js"', frozenset())
    assert _social_loader(' src="https://www.threads.net/embed.js"', frozenset())
    assert not _social_loader(' src="https://example.com/embed.js"', hosts)
    assert not _social_loader(' src="https://hachyderm.io/app.js"', hosts)
