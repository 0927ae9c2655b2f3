"""Posts of Bluesky, Mastodon and Threads in the archive and on the command line (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.errors import NotFoundError
from archiver.extract import extract_bytes
from archiver.queries import Selection
from archiver.store import Archive

from .conftest import SHARED, need_shared

SOCIAL = SHARED / "corpus-social"
FILES = sorted(SOCIAL.glob("*_*"))
RAYMOND = "bsky:did:plc:4tan3ugu55i2u3hmtblu7wf5/3mgpk65ei7d2u"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def social_archive(archive_dir: Path) -> Path:
    result = run("extract", *map(str, FILES), "--archive", str(archive_dir))
    assert result.exit_code == 0, result.output
    return archive_dir


def test_every_post_is_stored_with_its_platform(social_archive: Path) -> None:
    expected = json.loads((SOCIAL / "index.json").read_text("utf-8"))
    counts: dict[str, int] = {}
    for entry in expected:
        for post in entry["posts"]:
            counts[post["platform"]] = counts.get(post["platform"], 0) + 1
    with Archive(social_archive) as archive:
        for platform, count in counts.items():
            assert archive.count(Selection(platform=platform)) == count
        assert archive.count(Selection(platform="x")) == 0
        assert archive.count() == sum(counts.values()) == 27
        row = archive.conn.execute(
            "SELECT platform, id FROM tweets WHERE key = ?", (RAYMOND,)
        ).fetchone()
        assert tuple(row) == ("bluesky", RAYMOND)


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("at://did:plc:4tan3ugu55i2u3hmtblu7wf5/app.bsky.feed.post/3mgpk65ei7d2u", RAYMOND),
        (
            "https://bsky.app/profile/did:plc:4tan3ugu55i2u3hmtblu7wf5/post/3mgpk65ei7d2u"
            "?ref_src=embed",
            RAYMOND,
        ),
        ("https://bsky.app/profile/raymondcamden.com/post/3mgpk65ei7d2u", RAYMOND),
        (
            "https://bsky.app/profile/emilyliu.me/post/3lbq7mxsiek2v",
            "bsky:emilyliu.me/3lbq7mxsiek2v",
        ),
        (
            "https://mastodon.social/@raymondcamden/116205264348332986/embed",
            "mastodon:mastodon.social/116205264348332986",
        ),
        (
            "https://chaos.social/users/foosel/statuses/111669542081808946",
            "mastodon:chaos.social/111669542081808946",
        ),
        ("https://www.threads.net/@darlleybbf/post/DBVWi6WRWu-", "threads:DBVWi6WRWu-"),
        ("https://www.threads.com/t/DBVWi6WRWu-", "threads:DBVWi6WRWu-"),
        ("threads:DBVWi6WRWu-", "threads:DBVWi6WRWu-"),
    ],
)
def test_show_takes_any_platforms_post_url_or_at_uri(
    social_archive: Path, ref: str, key: str
) -> None:
    with Archive(social_archive) as archive:
        assert archive.get(ref).key == key
    result = run("show", ref, "--archive", str(social_archive), "--json")
    assert json.loads(result.output)["key"] == key


def test_a_bare_number_keeps_meaning_an_x_status(social_archive: Path) -> None:
    with Archive(social_archive) as archive:
        with pytest.raises(NotFoundError):
            archive.get("111669542081808946")  # a Mastodon status id, not an X one
        x = extract_bytes(
            b'{{< tweet user="jack" id="111669542081808946" >}}', "x.md"
        )  # the same digits on X: another post, another record
        archive.save_documents([x])
        assert archive.get("111669542081808946").platform == "x"
        assert archive.count() == 28


def test_list_search_export_take_platform(social_archive: Path) -> None:
    listed = run("list", "--platform", "threads", "--archive", str(social_archive)).output
    assert sorted(line.split()[0] for line in listed.splitlines()) == [
        "threads:C3bbjL_tLiD",
        "threads:C3diN79PPBB",
        "threads:DAz8OChy_-9",
        "threads:DBVWi6WRWu-",
    ]
    found = run("search", "Ollama", "--platform", "bluesky", "--archive", str(social_archive))
    assert [line.split()[0] for line in found.output.splitlines()] == [
        "bsky:did:plc:sgdhwgqd2ulz4zf5i4n4clnd/3liwdo3taty2y"
    ]
    none = run("search", "Ollama", "--platform", "mastodon", "--archive", str(social_archive))
    assert none.output == ""
    exported = run("export", "--platform", "mastodon", "--archive", str(social_archive)).output
    records = [json.loads(line) for line in exported.splitlines()]
    assert len(records) == 19 and {r["platform"] for r in records} == {"mastodon"}
    bad = CliRunner().invoke(cli, ["list", "--platform", "myspace", "--archive", "x"])
    assert bad.exit_code == 2 and "myspace" in bad.output


def test_copies_merge_per_platform_and_id(archive_dir: Path) -> None:
    iframe = (
        '<iframe src="https://chaos.social/@foosel/111669542081808946/embed" '
        'class="mastodon-embed"></iframe>'
    )
    shortcode = '{{< toot "https://chaos.social/@foosel/111669542081808946" >}}'
    other_host = '{{< toot "https://fosstodon.org/@foosel/111669542081808946" >}}'
    with Archive(archive_dir) as archive:
        archive.save_documents([extract_bytes(iframe.encode(), "a.html")])
        archive.save_documents([extract_bytes(shortcode.encode(), "b.md")])
        archive.save_documents([extract_bytes(other_host.encode(), "c.md")])
        keys = sorted(t.key for t in archive.tweets())
        assert keys == [
            "mastodon:chaos.social/111669542081808946",
            "mastodon:fosstodon.org/111669542081808946",  # an id is valid on its host only
        ]
        merged = archive.get("mastodon:chaos.social/111669542081808946")
        assert sorted(s.path for s in merged.sources) == ["a.html", "b.md"]


def test_a_first_release_archive_migrates_to_x_records(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "archive-v1" / "archive.sqlite"
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "archive.sqlite").write_bytes(fixture.read_bytes())
    with Archive(folder) as archive:
        rows = archive.conn.execute("SELECT DISTINCT platform FROM tweets").fetchall()
        assert [tuple(r) for r in rows] == [("x",)]
        assert {t.platform for t in archive.tweets()} == {"x"}
        archive.save_documents([extract_bytes((SOCIAL / FILES[0].name).read_bytes(), "a.md")])
        assert (
            archive.count(Selection(platform="x")) == archive.count() - 1
            and archive.integrity() == "ok"
        )


def test_a_flattened_bluesky_copy_merges_into_the_embed(archive_dir: Path) -> None:
    flat = (
        "Good morning good people - just a quick test from my Astro app that posts to "
        "Mastodon and Bluesky at the same time.\n\n[image or embed]\n"
        "— Raymond Camden (@raymondcamden.com) March 10, 2026 at 9:06 AM\n"
    )
    embed = SOCIAL / "raymondcamden2023__social-poster-astro.md"
    for order in ((flat, embed), (embed, flat)):
        folder = archive_dir / str(order[0] is flat)
        with Archive(folder) as archive:
            for item in order:
                data = item.encode() if isinstance(item, str) else item.read_bytes()
                archive.save_documents(
                    [extract_bytes(data, "copy.txt" if item is flat else "a.md")]
                )
            bluesky = archive.tweets(platform="bluesky")
            assert [t.key for t in bluesky] == [RAYMOND]
            assert sorted(s.path for s in bluesky[0].sources) == ["a.md", "copy.txt"]


def test_extracting_the_folder_finds_every_post_jsx_too(archive_dir: Path) -> None:
    result = run("extract", str(SOCIAL), "--archive", str(archive_dir))
    assert result.exit_code == 0
    assert "found 27 embeds: 27 new" in result.output  # the .tsx components are read too


def test_an_export_of_every_platform_imports_identical(
    social_archive: Path, tmp_path: Path
) -> None:
    exported = run("export", "--archive", str(social_archive)).output
    (tmp_path / "all.jsonl").write_text(exported, encoding="utf-8")
    result = run("import", str(tmp_path / "all.jsonl"), "--archive", str(tmp_path / "copy"))
    assert result.exit_code == 0, result.output
    again = run("export", "--archive", str(tmp_path / "copy")).output
    assert again == exported


@pytest.mark.parametrize("stub_first", [True, False])
def test_a_bluesky_post_by_url_and_by_embed_is_one_record(
    archive_dir: Path, stub_first: bool
) -> None:
    need_shared()
    full = (SHARED / "corpus-social" / "drmowinckels__ollama-index.md").read_bytes()
    stub = b'{{< bluesky link="https://bsky.app/profile/drmowinckels.io/post/3liwdo3taty2y" >}}\n'
    docs = [extract_bytes(stub, "stub.md"), extract_bytes(full, "full.md")]
    if not stub_first:
        docs.reverse()
    with Archive(archive_dir) as archive:
        for d in docs:
            archive.save_documents([d])
        posts = archive.tweets(platform="bluesky")
        assert len(posts) == 1
        (post,) = posts
        assert post.key == "bsky:did:plc:sgdhwgqd2ulz4zf5i4n4clnd/3liwdo3taty2y"
        assert post.text and post.handle == "drmowinckels.io"
        assert sorted(s.path for s in post.sources) == ["full.md", "stub.md"]
        both = archive.get("https://bsky.app/profile/drmowinckels.io/post/3liwdo3taty2y")
        assert both.key == post.key


def test_a_bluesky_post_by_url_and_by_embed_in_one_article_counts_once() -> None:
    need_shared()
    full = (SHARED / "corpus-social" / "drmowinckels__ollama-index.md").read_bytes()
    stub = (
        b'\n\n{{< bluesky link="https://bsky.app/profile/drmowinckels.io/post/3liwdo3taty2y" >}}\n'
    )
    doc = extract_bytes(full + stub, "both.md")
    keys = [f.tweet.key for f in doc.found if f.tweet.platform == "bluesky"]
    assert keys == ["bsky:did:plc:sgdhwgqd2ulz4zf5i4n4clnd/3liwdo3taty2y"]
