"""Bluesky, Mastodon and Threads embeds (issue 13): every corpus post, each shape, each
distractor kind."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from archiver import platforms
from archiver.dates import parse_shown_date
from archiver.extract import extract_bytes
from archiver.extract.social import social_elements
from archiver.validate import validate_record

CORPUS = Path(__file__).parent.parent.parent / "shared/corpus-social"
INDEX = json.loads((CORPUS / "index.json").read_text("utf-8"))


def found(text: str, name: str = "post.md") -> list:
    return [f.tweet for f in extract_bytes(text.encode("utf-8"), name).found]


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"] for e in INDEX])
def test_every_corpus_post_is_found_and_nothing_else(entry: dict) -> None:
    doc = extract_bytes((CORPUS / entry["file"]).read_bytes(), entry["file"])
    tweets = [f.tweet for f in doc.found]
    assert len(tweets) == len(entry["posts"])  # no record from a distractor
    for tweet, post in zip(tweets, entry["posts"], strict=True):
        assert validate_record(tweet.to_dict()) == tweet
        assert tweet.platform == post["platform"]
        handle = post["handle"].lstrip("@")
        if tweet.platform == "bluesky":
            ref = platforms.parse_bluesky(post["url"])
            assert ref is not None and tweet.id == ref.rkey
            if ref.did:
                assert tweet.uri == post["url"] and tweet.did == ref.did
                assert tweet.url == f"https://bsky.app/profile/{ref.did}/post/{ref.rkey}"
            else:
                assert tweet.url == post["url"]
            assert tweet.handle == handle
        elif tweet.platform == "mastodon":
            assert tweet.url == post["url"]
            assert tweet.id == post["url"].rsplit("/", 1)[1]
            host = post["url"].split("/")[2]
            assert tweet.handle == (handle if "@" in handle else f"{handle}@{host}")
        else:
            assert tweet.url == post["url"].replace("threads.net", "threads.com")
            assert tweet.id == post["url"].rsplit("/", 1)[1]
            assert tweet.handle == handle
        assert tweet.author == post["author"]
        assert tweet.created_at is not None  # every corpus id carries a time
        if post["date"]:
            assert tweet.date == parse_shown_date(post["date"]).isoformat()
        else:
            assert tweet.date is None
        if post["text_start"]:
            assert " ".join(tweet.text.split()).startswith(post["text_start"])
        else:
            assert tweet.text is None and tweet.is_stub


def test_bluesky_embed_fields_placeholder_and_facets() -> None:
    doc = extract_bytes((CORPUS / "drmowinckels__ollama-index.md").read_bytes(), "index.md")
    (tweet,) = [f.tweet for f in doc.found]
    assert tweet.hashtags == ("rstats", "Ollama", "llm")
    assert "\\" not in tweet.text and "[image or embed]" not in tweet.text
    assert tweet.text.endswith("I'd love to hear from people with Ollama experience")
    assert [m.display for m in tweet.media] == ["[image or embed]"]
    assert tweet.created_at == "2025-02-24T12:23:24.455Z"
    jsx = extract_bytes((CORPUS / "mnfst-website__BlueSkyEmbed.tsx").read_bytes(), "a.tsx")
    (tweet,) = [f.tweet for f in jsx.found]
    assert tweet.author == "Haoqun Jiang"  # "{' '}" leaks into neither author nor date
    assert tweet.text.split("\n")[0] == "manifest.build"
    assert "  " not in tweet.text and tweet.lang == "en"


STANDARD = (
    '<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:4tan3ugu55i2u3hmtblu7wf5/'
    'app.bsky.feed.post/3mgpk65ei7d2u" data-bluesky-cid="bafyreiffl5jkmm4sjnbagu75lyp7dtg4cc4do2'
    'xolc6tbthqook3iunjwe"><p lang="en">Line one #tag\nline two with @haoqun.dev</p>{dash} '
    'Raymond Camden (<a href="https://bsky.app/profile/did:plc:4tan3ugu55i2u3hmtblu7wf5?ref{u}src'
    '=embed">@raymondcamden.com</a>) <a href="https://bsky.app/profile/did:plc:4tan3ugu55i2u3hmtb'
    'lu7wf5/post/3mgpk65ei7d2u?ref{u}src=embed">March 10, 2026 at 9:06 AM</a></blockquote>'
)


@pytest.mark.parametrize(("dash", "u"), [("&mdash;", "_"), ("---", "\\_"), ("\u2014", "_")])
def test_bluesky_markdown_mangling_reads_alike(dash: str, u: str) -> None:
    (tweet,) = found(STANDARD.format(dash=dash, u=u))
    assert (tweet.author, tweet.handle, tweet.date) == (
        "Raymond Camden",
        "raymondcamden.com",
        "2026-03-10",
    )
    assert tweet.text == "Line one #tag\nline two with @haoqun.dev"
    assert tweet.hashtags == ("tag",) and tweet.mentions == ("haoqun.dev",)


def test_shortcodes() -> None:
    text = (
        '{{< bluesky link="https://bsky.app/profile/emilyliu.me/post/3lbq7mxsiek2v" >}}\n\n'
        '   {{< toot "https://chaos.social/@foosel/111669542081808946" >}}\n\n'
        '{% stoot "fosstodon.org", "108896692414393920" %}\n\n'
        '{% stoot "fosstodon.org" "108896692414393921" %}\n'
    )
    keys = [t.key for t in found(text)]
    assert keys == [
        "bsky:emilyliu.me/3lbq7mxsiek2v",
        "mastodon:chaos.social/111669542081808946",
        "mastodon:fosstodon.org/108896692414393920",
        "mastodon:fosstodon.org/108896692414393921",
    ]
    for tweet in found(text):
        assert validate_record(tweet.to_dict()) == tweet


# --- distractors: a test per kind -----------------------------------------------------------


def test_layout_classes_named_after_a_platform_are_no_embed() -> None:
    text = (
        '<div className="masonry-item bluesky-embed"><BlueskyEmbed /></div>\n'
        '<div class="masonry-item mastodon-embed"><MastodonEmbed /></div>\n'
        '<blockquote class="bluesky-embed"><p>no uri</p></blockquote>\n'
        '<blockquote class="text-post-media" style="x"><a>Post by @someone</a></blockquote>\n'
    )
    assert found(text, "page.tsx") == []
    assert found(text, "page.html") == []


def test_links_in_prose_are_no_embed() -> None:
    text = (
        "See [this](https://bsky.app/profile/matteomics.bsky.social/post/3lj45bgmgek2j) and\n"
        '<a href="https://hachyderm.io/@Martindotnet/109683757201594015">a toot</a>, also\n'
        "https://www.threads.net/@ccostes3/post/C3bbjL_tLiD and "
        "<https://fosstodon.org/@drmowinckels> and at://did:plc:sgdhwgqd2ulz4zf5i4n4clnd/"
        "app.bsky.feed.post/3liwdo3taty2y in a sentence.\n"
    )
    assert found(text) == []
    assert found(f"<html><body><p>{text}</p></body></html>", "a.html") == []


def test_comment_on_mastodon_link_beside_the_embed_is_not_a_second_post() -> None:
    text = (
        '<iframe src="https://hachyderm.io/@Martindotnet/109683757201594015/embed" '
        'class="mastodon-embed" width="400"></iframe>'
        '<script src="https://hachyderm.io/embed.js" async="async"></script>\n\n'
        '<a href="https://hachyderm.io/@Martindotnet/109683757201594015">Comment on Mastodon</a>\n'
    )
    assert [t.key for t in found(text)] == ["mastodon:hachyderm.io/109683757201594015"]


def test_code_that_builds_post_references_is_no_embed() -> None:
    text = (
        "```js\n"
        "const uri = `at://${did}/app.bsky.feed.post/${postID}`;\n"
        'el.innerHTML = `<blockquote class="bluesky-embed" '
        'data-bluesky-uri="${uri}"></blockquote>`;\n'
        '{{< bluesky link="https://bsky.app/profile/emilyliu.me/post/3lbq7mxsiek2v" >}}\n'
        "```\n"
        "const postUrl = `https://bsky.app/profile/${thread.post.author.did}/post/${rkey}`;\n"
        '<div id="comments" data-bsky-uri="{{ .Params.bsky }}"></div>\n'
        '{% raw %}{% stoot "fosstodon.org", "108896692414393920" %}{% endraw %}\n'
        '{% stoot "botsin.space", lasttoot_rac %}\n'
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>\n'
        '<blockquote class="mastodon-embed" data-embed-url="https://${server}/@${user}/${id}/embed">'
        "</blockquote>\n"
    )
    assert found(text) == []


def test_threads_card_words_are_not_text_and_a_card_without_author_line_counts() -> None:
    card = (
        '<blockquote class="text-post-media" data-text-post-permalink="https://www.threads.net/'
        '@darlleybbf/post/DBVWi6WRWu-" data-text-post-version="0" id="ig-tp-DBVWi6WRWu-">'
        '<a href="https://www.threads.net/@darlleybbf/post/DBVWi6WRWu-">{inner}</a></blockquote>'
    )
    with_line = card.format(inner="<div>Publicado por @darlleybbf</div><div>Ver no Threads</div>")
    bare = card.format(inner="<div>在 Threads 查看</div>")
    for text in (with_line, bare):
        (tweet,) = found(text)
        assert tweet.handle == "darlleybbf" and tweet.text is None and tweet.author is None
        assert tweet.url == "https://www.threads.com/@darlleybbf/post/DBVWi6WRWu-"


def test_a_mastodon_card_body_is_no_text() -> None:
    text = (CORPUS / "raymondcamden2023__social-poster-astro.md").read_text("utf-8")
    mastodon = [t for t in found(text) if t.platform == "mastodon"]
    assert len(mastodon) == 1 and mastodon[0].text is None
    assert mastodon[0].handle == "raymondcamden@mastodon.social"


def test_placeholder_markup_in_documentation_is_no_embed() -> None:
    # The corpus README describes the shapes with placeholders (/@U/post/CODE, SERVER, ID).
    assert found((CORPUS / "README.md").read_text("utf-8"), "README.md") == []


FLATTENED = """Some article prose about the Astro app that the author wrote last week, and more.

Good morning good people - just a quick test from my Astro app that posts to Mastodon and \
Bluesky at the same time.

[image or embed]
— Raymond Camden (@raymondcamden.com) March 10, 2026 at 9:06 AM

I'm working on a blogpost connecting #rstats with a local #Ollama #llm for code assistance.
I'd love to hear from people with Ollama experience
— ᴅʀ. ᴍᴏᴡɪɴᴄᴋᴇʟ'ꜱ (@drmowinckels.io) Feb 24, 2025 at 13:23

More prose, and a tweet credit stays a tweet's:

Hello world
— Jack (@jack) March 21, 2006
"""


def test_flattened_bluesky_posts_in_text_copies() -> None:
    tweets = {t.handle: t for t in found(FLATTENED, "copy.txt")}
    assert set(tweets) == {"raymondcamden.com", "drmowinckels.io", "jack"}
    ray = tweets["raymondcamden.com"]
    assert ray.platform == "bluesky" and ray.id is None and ray.key.startswith("bsky:t-")
    assert ray.text.startswith("Good morning good people") and ray.date == "2026-03-10"
    assert [m.display for m in ray.media] == ["[image or embed]"]  # not text, not the boundary
    assert "article prose" not in ray.text
    mow = tweets["drmowinckels.io"]
    assert mow.author == "ᴅʀ. ᴍᴏᴡɪɴᴄᴋᴇʟ'ꜱ" and mow.hashtags == ("rstats", "Ollama", "llm")
    assert mow.text.count("\n") == 1
    assert tweets["jack"].platform == "x"
    for tweet in tweets.values():
        assert validate_record(tweet.to_dict()) == tweet


def test_a_tool_made_bluesky_variant() -> None:
    # bagrounds-style: the URI attribute holds a bsky.app URL, the credit is one link, ISO date.
    text = (
        '<blockquote class="bluesky-embed" data-bluesky-uri="https://bsky.app/profile/'
        'emilyliu.me/post/3lbq7mxsiek2v"><p>also, any replies in this thread will appear as '
        'comments</p>&mdash; <a href="https://bsky.app/profile/emilyliu.me">Emily Liu '
        '(@emilyliu.me)</a> <a href="https://bsky.app/profile/emilyliu.me/post/3lbq7mxsiek2v">'
        "2024-11-24</a></blockquote>"
    )
    (tweet,) = found(text, "note.html")
    assert (tweet.key, tweet.handle, tweet.author, tweet.date) == (
        "bsky:emilyliu.me/3lbq7mxsiek2v",
        "emilyliu.me",
        "Emily Liu",
        "2024-11-24",
    )
    assert tweet.uri is None and tweet.text.startswith("also, any replies")
    assert validate_record(tweet.to_dict()) == tweet


def test_many_unclosed_embed_blockquotes_take_linear_time() -> None:
    # (extract_bytes refuses such a page as too deep for the HTML parser; the text reader
    # runs on Markdown too, where nothing refuses it)
    page = '<blockquote class="bluesky-embed" data-bluesky-uri="x">' * 50_000
    start = time.perf_counter()
    assert social_elements(page) == []
    assert time.perf_counter() - start < 10  # a search per start tag took minutes


def test_a_stoot_server_must_be_a_host_name() -> None:
    # A name that no Mastodon key or URL could hold ("my-server") would make a record that
    # validation refuses: it is not taken for a post at all.
    bad = extract_bytes(b'{% stoot "my-server", "109876543210987654" %}\n', "a.md")
    good = extract_bytes(b'{% stoot "fosstodon.org", "109876543210987654" %}\n', "b.md")
    assert bad.found == ()
    assert [f.tweet.key for f in good.found] == ["mastodon:fosstodon.org/109876543210987654"]
