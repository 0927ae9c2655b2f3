"""The SQLite archive: idempotence, merging copies of a tweet, queries, schema version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archiver.errors import ArchiveError, NotFoundError
from archiver.extract import extract_bytes
from archiver.model import Document
from archiver.store import SCHEMA_VERSION, Archive

from .conftest import SEEDS

SEED = SEEDS / "aimf-corim-villes-diplomatie-2023.txt"

EMBED = (
    '<blockquote class="twitter-tweet"><p lang="fr" dir="ltr">Les villes s’imposent comme des '
    "actrices incontournables des relations internationales.<br>J’en discuterai aujourd’hui au "
    "Conseil des relations internationales de Montréal avec mes collègues "
    '<a href="https://twitter.com/brunomarchand">@brunomarchand</a>, '
    '<a href="https://twitter.com/evbeaudin">@evbeaudin</a> et '
    '<a href="https://twitter.com/BelisleFrance">@BelisleFrance</a>.'
    '<a href="https://twitter.com/corim_mcfr">@corim_mcfr</a> '
    '<a href="https://twitter.com/hashtag/CORIM?src=hash">#CORIM</a> '
    '<a href="https://twitter.com/hashtag/polmtl?src=hash">#polmtl</a> '
    '<a href="https://t.co/fic7j4aKUV">pic.twitter.com/fic7j4aKUV</a></p>&mdash; Valérie Plante '
    '(@Val_Plante) <a href="https://twitter.com/Val_Plante/status/1646195010880393216">'
    "April 12, 2023</a></blockquote>"
)


def doc(text: str, name: str) -> Document:
    return extract_bytes(text.encode("utf-8"), name)


def seed_doc() -> Document:
    return extract_bytes(SEED.read_bytes(), "seeds/seed.txt")


def test_rerun_changes_nothing(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        first = archive.save_documents([seed_doc()])
        before = [t.to_dict() for t in archive.tweets()]
        again = archive.save_documents([seed_doc()])
        after = [t.to_dict() for t in archive.tweets()]
        counts = archive.counts()
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert before == after
    assert counts == {"tweets": 2, "stubs": 0, "sources": 1}


def test_same_tweet_in_two_articles_is_one_record_with_two_sources(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([doc(EMBED, "a.html"), doc(f"<div>{EMBED}</div>", "b.html")])
        (tweet,) = archive.tweets()
    assert [s.path for s in tweet.sources] == ["a.html", "b.html"]


@pytest.mark.parametrize("flattened_first", [True, False])
def test_flattened_copy_merges_into_the_id_record(archive_dir: Path, flattened_first: bool) -> None:
    docs = [seed_doc(), doc(EMBED, "embed.html")]
    if not flattened_first:
        docs.reverse()
    with Archive(archive_dir) as archive:
        for d in docs:
            archive.save_documents([d])
        tweets = archive.tweets()
        plante = archive.get("1646195010880393216")
        seen = archive.appearances(plante.key)
    assert len(tweets) == 2  # Plante (merged) and L'actualité
    assert plante.key == plante.id == "1646195010880393216"
    assert plante.lang == "fr"
    assert sorted(s.path for s in plante.sources) == ["embed.html", "seeds/seed.txt"]
    assert {a.markup for a in seen} == {"flattened text", "blockquote.twitter-tweet"}


def test_stub_is_filled_by_the_full_embed(archive_dir: Path) -> None:
    stub = doc("{{< tweet 1646195010880393216 >}}", "post.md")
    with Archive(archive_dir) as archive:
        archive.save_documents([stub])
        assert archive.get("1646195010880393216").text is None
        result = archive.save_documents([doc(EMBED, "embed.html")])
        tweet = archive.get("1646195010880393216")
    assert result.updated == 1
    assert tweet.text.startswith("Les villes")
    assert tweet.handle == "Val_Plante"


def test_lookup_by_url_and_missing_key(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([doc(EMBED, "embed.html")])
        assert archive.get("https://x.com/Val_Plante/status/1646195010880393216?s=20").handle
        with pytest.raises(NotFoundError):
            archive.get("42")


def test_filters_and_search(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([seed_doc()])
        assert [t.handle for t in archive.tweets()] == ["Lactualite", "Val_Plante"]
        assert [t.handle for t in archive.tweets(handle="@val_plante")] == ["Val_Plante"]
        assert [t.handle for t in archive.tweets(since="2023-04-13")] == ["Lactualite"]
        assert [t.handle for t in archive.tweets(until="2023-04-12")] == ["Val_Plante"]
        assert len(archive.tweets(source="seed")) == 2
        assert archive.tweets(source="nowhere") == []
        assert [t.handle for t in archive.search("relations")] == ["Val_Plante"]
        assert [t.handle for t in archive.search("generation")] == ["Lactualite"]  # diacritics
        assert archive.search('"unbalanced') == []  # not valid FTS5: taken literally


def test_articles_list_their_tweets_in_order(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([seed_doc()])
        (article,) = archive.articles()
        keys = [t.key for t in archive.tweets()]
    assert article.source.format == "text"
    assert list(article.keys) == list(reversed(keys))  # Plante first in the article


def test_archive_from_a_newer_version_is_refused(archive_dir: Path) -> None:
    Archive(archive_dir).close()
    conn = sqlite3.connect(archive_dir / "archive.sqlite")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ArchiveError, match="newer archiver"):
        Archive(archive_dir)


def test_wal_and_integrity(archive_dir: Path) -> None:
    with Archive(archive_dir) as archive:
        archive.save_documents([seed_doc()])
        assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert archive.integrity() == "ok"


def test_opening_a_missing_archive_for_reading(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive"):
        Archive(tmp_path / "nope", create=False)
