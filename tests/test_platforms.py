"""archiver/platforms.py: ids, keys, canonical URLs and times of Bluesky, Mastodon, Threads.

Times are checked against what the corpus files show (issue 13 research, §1-§3): Bluesky
display dates are the copier's local time, so the check allows the zone offsets they show.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archiver import platforms
from archiver.dates import iso_z
from archiver.model import Tweet
from archiver.render import card_relpath

INDEX = json.loads(
    (Path(__file__).parent.parent.parent / "shared/corpus-social/index.json").read_text("utf-8")
)
POSTS = [(entry["file"], post) for entry in INDEX for post in entry["posts"]]


def test_bluesky_tids_decode_to_the_times_the_embeds_show() -> None:
    # rkey -> the embed's date in the copier's zone, and that zone's offset (research §1).
    shown = {
        "3lbf3etdjxc24": ("2024-11-20T14:43", 1),  # "20 novembre 2024 à 14:43"
        "3liwdo3taty2y": ("2025-02-24T13:23", 1),  # "Feb 24, 2025 at 13:23"
        "3mgpk65ei7d2u": ("2026-03-10T09:06", -5),  # "March 10, 2026 at 9:06 AM"
    }
    for rkey, (local, offset) in shown.items():
        time = platforms.tid_time(rkey)
        assert time is not None
        assert (time.hour + offset) % 24 == int(local[11:13])
        assert time.strftime("%M") == local[14:16]
        assert time.date().isoformat()[:8] == local[:8]
    assert iso_z(platforms.tid_time("3lbf3etdjxc24")) == "2024-11-20T13:43:26.681Z"
    assert platforms.tid_time("2222222222222") == datetime(1970, 1, 1, tzinfo=UTC)
    # Not TIDs: no time (a profile's "self", a key starting beyond "j", wrong length).
    for rkey in ("self", "z222222222222", "3lbf3etdjxc2", "3lbf3etdjxc24a"):
        assert platforms.tid_time(rkey) is None


def test_every_corpus_bluesky_date_agrees_with_its_tid() -> None:
    for _file, post in POSTS:
        if post["platform"] != "bluesky" or not post["date"]:
            continue
        rkey = post["url"].rsplit("/", 1)[1]
        time = platforms.tid_time(rkey)
        assert time is not None
        # The shown minute is the TID's minute in some zone within a day of UTC.
        assert time.strftime("%M") in post["date"].replace("h", ":")


def test_mastodon_ids_are_milliseconds_shifted_16() -> None:
    # foosel's first status: the committed API JSON says created_at 2023-12-30T13:13:07Z.
    assert iso_z(platforms.mastodon_time("111669542081808946")) == "2023-12-30T13:13:07.332Z"
    # raymondcamden cross-posted: the Mastodon id and the Bluesky TID are 0.6 s apart.
    toot = platforms.mastodon_time("116205264348332986")
    skeet = platforms.tid_time("3mgpk65ei7d2u")
    assert toot is not None and skeet is not None
    assert abs((toot - skeet).total_seconds()) < 1
    # Sequential ids from before Mastodon 2.0 carry no time; nor do non-ids.
    assert platforms.mastodon_time("98765") is None
    assert platforms.mastodon_time(str(platforms.MASTODON_TIME_IDS - 1)) is None
    assert platforms.mastodon_time(str(platforms.MASTODON_TIME_IDS)) is not None
    assert platforms.mastodon_time("0123") is None
    assert platforms.mastodon_time(str(2**63)) is None


def test_every_corpus_mastodon_id_decodes_in_its_article_years() -> None:
    years = {2023, 2024, 2025, 2026}
    for _file, post in POSTS:
        if post["platform"] == "mastodon":
            status = platforms.parse_mastodon(post["url"])
            assert status is not None
            time = platforms.mastodon_time(status.id)
            if status.id == "101733810026327049":  # ashwinvis' article quotes a 2019 toot
                assert time is not None and time.year == 2019
            else:
                assert time is not None and time.year in years


def test_threads_shortcodes_are_base64_media_ids_with_instagram_times() -> None:
    assert platforms.threads_media_id("CuX_UYABrr7") == 3141257742204189435
    assert iso_z(platforms.threads_time("CuX_UYABrr7")).startswith("2023-07-06T23:45:25")
    # Instagram post with a known caption time (1743091090 = 2025-03-27T15:58:10Z).
    assert iso_z(platforms.threads_time("DHtWpRvMBiw")).startswith("2025-03-27T15:58:09")
    assert iso_z(platforms.threads_time("DBVWi6WRWu-")).startswith("2024-10-20T05:07")
    assert iso_z(platforms.threads_time("DAz8OChy_-9")).startswith("2024-10-07T05:42")
    assert platforms.threads_time("short") is None


@pytest.mark.parametrize(
    ("file", "post"), POSTS, ids=[f"{f}-{i}" for i, (f, _) in enumerate(POSTS)]
)
def test_corpus_urls_parse_to_keys_and_canonical_urls(file: str, post: dict) -> None:
    parsed = platforms.parse_post(post["url"])
    assert parsed is not None and parsed[0] == post["platform"]
    key = parsed[1]
    assert platforms.platform_of_key(key) == post["platform"]
    assert not key.isdigit() and not key.startswith("t-")
    handle = post["handle"].lstrip("@")
    if post["platform"] == "bluesky":
        bsky = platforms.parse_bluesky(post["url"])
        assert bsky is not None
        assert platforms.BSKY_HANDLE.fullmatch(handle)
        if bsky.did:
            assert bsky.at_uri == post["url"]
            assert bsky.url == f"https://bsky.app/profile/{bsky.did}/post/{bsky.rkey}"
    elif post["platform"] == "mastodon":
        status = platforms.parse_mastodon(post["url"])
        assert status is not None and status.url == post["url"]
        assert key == f"mastodon:{status.host}/{status.id}"
        assert handle.split("@")[0] == status.user
    else:
        threads = platforms.parse_threads(post["url"])
        assert threads is not None and threads.user == handle
        assert threads.url == post["url"].replace("threads.net", "threads.com")
        assert key == f"threads:{threads.code}"


def test_url_forms_and_non_posts() -> None:
    masto = platforms.parse_mastodon(
        "https://fosstodon.org/@HeidiSeibold/111725444131565682>/embed"
    )
    assert (
        masto is not None and masto.url == "https://fosstodon.org/@HeidiSeibold/111725444131565682"
    )
    users = platforms.parse_mastodon(
        "https://Mastodon.Social/users/jane/statuses/116205264348332986"
    )
    assert users is not None and users.key == "mastodon:mastodon.social/116205264348332986"
    assert platforms.parse_mastodon("https://hachyderm.io/@Martindotnet") is None
    assert (
        platforms.parse_bluesky("at://did:plc:oiawuf6mbqiigagveorctrsj/app.bsky.feed.generator/x")
        is None
    )
    assert platforms.parse_bluesky("https://bsky.app/profile/emilyliu.me") is None
    assert platforms.parse_bluesky(
        "https://bsky.app/profile/Emily.Liu.Me/post/3lbq7mxsiek2v?ref_src=embed"
    ).key == ("bsky:emily.liu.me/3lbq7mxsiek2v")
    assert (
        platforms.parse_threads("https://www.threads.net/t/CuX_UYABrr7/?igshid=x").key
        == "threads:CuX_UYABrr7"
    )
    assert platforms.parse_post("1234") is None  # a bare number stays an X status id


def test_hashtags_and_mentions_follow_each_platform() -> None:
    text = "#hartoween #2024 #café_au_lait x#no https://x.org/#frag @foosel @foosel@chaos.social"
    assert platforms.mastodon_hashtags(text) == ("hartoween", "café_au_lait")
    assert platforms.mastodon_mentions(text) == ("foosel", "foosel@chaos.social")
    bsky = "I'm connecting #rstats and #Ollama, (#no) #2024 ＃日本語! @haoqun.dev @nodomain"
    assert platforms.bluesky_hashtags(bsky) == ("rstats", "Ollama", "日本語")
    assert platforms.bluesky_mentions(bsky) == ("haoqun.dev",)


def test_card_files_of_keys_differing_by_case_do_not_collide() -> None:
    a = Tweet(key="threads:DAz8OChy_-9", id="DAz8OChy_-9", handle="u", platform="threads")
    b = Tweet(key="threads:DAz8OChy_-9".lower(), id="daz8ochy_-9", handle="u", platform="threads")
    assert card_relpath(a, "html").lower() != card_relpath(b, "html").lower()
    x = Tweet(key="20", id="20", handle="jack")
    assert card_relpath(x, "html") == "tweets/jack/20.html"
